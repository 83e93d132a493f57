"""The backup and restore drill of the README, run for real on PostgreSQL:
scripts/backup.sh (pg_dump and the files), then scripts/restore.sh into a new
database and directory, where every published PDF's SHA-256 still verifies."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from decisions.models import DecisionStatus, PublishedDocument

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ROOT = Path(django_settings.BASE_DIR)
# One per pytest-xdist worker, so parallel runs never share it.
DRILL_DATABASE = "pcc_grants_restore_drill_" + os.environ.get("PYTEST_XDIST_WORKER", "main")


def database_url(name: str) -> str:
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def run(*command, **env):
    return subprocess.run(  # noqa: S603 - our own scripts, arguments built here
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1", **env},
        check=False,
        timeout=300,
    )


def psql(sql: str) -> None:
    result = run("psql", "--quiet", "--no-psqlrc", database_url("postgres"), "-c", sql)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def drill_database():
    psql(f"DROP DATABASE IF EXISTS {DRILL_DATABASE}")
    psql(f"CREATE DATABASE {DRILL_DATABASE}")
    yield database_url(DRILL_DATABASE)
    psql(f"DROP DATABASE IF EXISTS {DRILL_DATABASE} WITH (FORCE)")


@pytest.fixture
def published(draft, advance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return advance(draft, "published")


def test_a_backup_restores_into_a_new_database_where_the_published_pdfs_verify(
    published, drill_database, tmp_path
):
    live_url = database_url(connection.settings_dict["NAME"])
    media = Path(django_settings.MEDIA_ROOT)
    document = PublishedDocument.objects.get(decision=published)
    backup = tmp_path / "backup"

    made = run(ROOT / "scripts/backup.sh", backup, DATABASE_URL=live_url, MEDIA_ROOT=media)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    restored = run(ROOT / "scripts/restore.sh", backup, drill_database, restored_media)
    assert restored.returncode == 0, restored.stderr
    assert "1 published PDFs and 1 submitted or signed records checked: all verify" in (
        restored.stdout
    )

    # The restored database holds the same record and the same file.
    count = run(
        "psql",
        "--tuples-only",
        "--no-align",
        drill_database,
        "-c",
        f"SELECT reference, status FROM decisions_decision WHERE id = {published.pk:d}",  # noqa: S608
    )
    assert count.stdout.strip() == f"{published.reference}|{DecisionStatus.PUBLISHED.value}"
    assert (restored_media / document.file.name).read_bytes() == document.file.read()


def test_the_drill_fails_loudly_when_a_restored_pdf_differs_from_its_hash(
    published, drill_database, tmp_path
):
    live_url = database_url(connection.settings_dict["NAME"])
    backup = tmp_path / "backup"
    made = run(
        ROOT / "scripts/backup.sh",
        backup,
        DATABASE_URL=live_url,
        MEDIA_ROOT=django_settings.MEDIA_ROOT,
    )
    assert made.returncode == 0, made.stderr

    # A damaged archive of files: the published PDF loses its last byte.
    document = PublishedDocument.objects.get(decision=published)
    path = Path(django_settings.MEDIA_ROOT) / document.file.name
    path.write_bytes(path.read_bytes()[:-1])
    damaged = run(
        ROOT / "scripts/backup.sh",
        tmp_path / "damaged",
        DATABASE_URL=live_url,
        MEDIA_ROOT=django_settings.MEDIA_ROOT,
    )
    assert damaged.returncode == 0, damaged.stderr

    restored = run(
        ROOT / "scripts/restore.sh", tmp_path / "damaged", drill_database, tmp_path / "restored"
    )
    assert restored.returncode != 0
    assert f"{published.reference}: the published PDF does not match its SHA-256" in (
        restored.stderr
    )
