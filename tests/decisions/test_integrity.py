"""``manage.py verify_records``: published PDFs against their hashes, signed records
against their signatures."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decisions.models import Decision

from ..factories import signing_code
from ..triggers import triggers_dropped

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(draft, advance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return advance(draft, "published")


def verify() -> str:
    out = StringIO()
    call_command("verify_records", stdout=out, stderr=out)
    return out.getvalue()


def test_untouched_records_verify(published):
    assert "1 published PDFs and 1 submitted or signed records checked: all verify" in verify()


def test_a_signed_record_changed_behind_the_application_is_named(published):
    # On PostgreSQL a trigger refuses this (test_append_only.py): with it dropped, the
    # content hash is the second line.
    with triggers_dropped():
        Decision.objects.filter(pk=published.pk).update(decision="Agree £94,000 instead.")
    with pytest.raises(CommandError, match="1 problem"):
        verify()


def test_a_missing_published_pdf_is_named(published):
    published.published_document.file.delete(save=False)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=out, stderr=out)
    assert f"{published.reference}: the published PDF" in out.getvalue()
    assert "is missing" in out.getvalue()


def test_a_published_file_with_no_record_is_named(published, tmp_path):
    (tmp_path / "published" / "left-by-a-crash.pdf").write_bytes(b"%PDF-1.7")
    out = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_records", stdout=out, stderr=out)
    assert "published/left-by-a-crash.pdf: a published file with no published record" in (
        out.getvalue()
    )


def test_a_publication_that_fails_after_writing_its_pdf_leaves_no_file(
    draft, advance, settings, tmp_path, people, password, monkeypatch
):
    from decisions import services
    from decisions.models import DecisionStatus, PublishedDocument
    from tests.factories import ALL_PUBLISHED

    settings.MEDIA_ROOT = tmp_path
    decision = advance(draft, "approved")

    def fail(*args, **kwargs):
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr(services, "_event", fail)
    with pytest.raises(RuntimeError):
        services.decision_transition(
            decision=decision,
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            publication=ALL_PUBLISHED,
        )
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED
    assert not PublishedDocument.objects.exists()
    assert list((tmp_path / "published").iterdir()) == []
    assert "all verify" in verify()
