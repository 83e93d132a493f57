"""``manage.py verify_records``: published PDFs against their hashes, signed records
against their signatures."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decisions.models import Decision

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
