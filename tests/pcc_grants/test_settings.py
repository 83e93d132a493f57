"""Production settings: refuse to start without a secret, and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qz9!vP2@wL5$eR8^tY1&uI4*oA6(sD3)fG0-hJ+mN_bV;cX:zL",
    "ALLOWED_HOSTS": "grants.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into production.
    dropped = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {key: value for key, value in os.environ.items() if key not in dropped}
    environ.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("secret", ["", None])
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = {**PRODUCTION, "SECRET_KEY": secret or ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.fixture
def production_seal(tmp_path) -> dict:
    """The organisation's signing certificate, as production installs it (not the
    demonstration one, which check --deploy warns of)."""
    from devtools.demo.seal import as_pkcs12, self_signed_certificate

    key, certificate = self_signed_certificate("Seal of the Test PCC", "Test PCC")
    path = tmp_path / "seal.p12"
    path.write_bytes(as_pkcs12(key, certificate, password="p12 password"))
    return {"SEAL_PKCS12_FILE": str(path), "SEAL_PKCS12_PASSWORD": "p12 password"}


def test_check_deploy_reports_no_issues_with_production_settings(production_seal):
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION, **production_seal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_without_the_signing_certificate():
    result = manage("check", "--deploy", **PRODUCTION, SEAL_PKCS12_FILE="")
    assert result.returncode != 0
    assert "pcc_grants.E001" in result.stderr
    assert "SEAL_PKCS12_FILE and SEAL_PKCS12_PASSWORD" in result.stderr


def test_dates_are_shown_the_british_way():
    from datetime import date

    from django.template import engines

    template = engines["django"].from_string("{{ day|date }}")
    assert template.render({"day": date(2016, 8, 10)}) == "10 August 2016"


def test_the_wsgi_entry_point_starts_in_production_and_needs_a_secret_key():
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {key: value for key, value in os.environ.items() if key not in dropped}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import pcc_grants.wsgi"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
