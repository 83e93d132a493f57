"""Anyone may check a PDF against the register: on the public page, and with
``manage.py verify_pdf FILE``."""

import hashlib
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions import verification
from decisions.models import Decision, PublishedDocument
from pcc_grants import sealing

pytestmark = pytest.mark.django_db

URL = "/decisions/verify/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def published(draft, advance):
    return advance(draft, "published")


@pytest.fixture
def pdf(published) -> bytes:
    with PublishedDocument.objects.get(decision=published).file.open("rb") as handle:
        return handle.read()


def changed(data: bytes) -> bytes:
    """The same PDF with one byte of its content changed."""
    data = bytearray(data)
    data[200] ^= 0x01
    return bytes(data)


def upload(client, data: bytes, name: str = "record.pdf"):
    return client.post(URL, {"pdf": SimpleUploadedFile(name, data, "application/pdf")})


def verify_pdf(path) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_pdf", str(path), stdout=out, stderr=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


# The page ------------------------------------------------------------------------------


def test_the_page_is_public_and_labels_its_field(client, organisation):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Check a PDF against the register</h1>" in page
    assert 'for="id_pdf"' in page and "PDF to check" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_register_pages_link_to_it(client, published):
    assert f'href="{URL}"' in client.get("/decisions/").content.decode()
    assert f'href="{URL}"' in client.get(f"/decisions/{published.slug}/").content.decode()


def test_posting_needs_the_csrf_token(organisation, pdf):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"pdf": SimpleUploadedFile("record.pdf", pdf)})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"GIF89a\x01\x00\x01\x00", "record.pdf"),  # an image renamed
        (b"<html><body>%PDF-1.7</body></html>", "record.pdf"),
        (b"PK\x03\x04 a zip", "record.zip"),
    ],
)
def test_a_file_that_does_not_begin_as_a_pdf_does_is_refused(client, organisation, data, name):
    page = upload(client, data, name).content.decode()
    assert "There is a problem" in page
    message = verification.NOT_A_PDF
    assert f'<a class="alert-link" href="#id_pdf">{message}</a>' in page  # the summary
    assert page.count(message) == 2  # and on the field
    assert "What this file is" not in page


def test_no_file_and_too_big_a_file_are_refused(client, organisation, monkeypatch):
    page = client.post(URL, {}).content.decode()
    assert verification.CHOOSE_A_FILE in page and "There is a problem" in page
    monkeypatch.setattr(verification, "MAX_BYTES", 10)
    page = upload(client, b"%PDF-1.7 and more than ten bytes").content.decode()
    assert verification.TOO_BIG in page


def test_an_identical_file_is_found_with_its_record_and_seal(client, published, pdf):
    page = upload(client, pdf).content.decode()
    assert "This file is byte for byte the sealed PDF of" in page
    assert f'href="/decisions/{published.slug}/"' in page
    assert f"{published.reference}: {published.title}" in page
    published_at = PublishedDocument.objects.get(decision=published).published_at
    assert f"published {published_at:%-d %B %Y}" in page
    assert "The organisation's seal is intact" in page
    assert "DEMONSTRATION ONLY, not a real certificate" in page
    assert "The seal covers the whole file." in page
    assert hashlib.sha256(pdf).hexdigest() in page
    assert verification.NO_MATCH not in page


def test_a_changed_file_matches_no_record_and_its_seal_is_broken(client, published, pdf):
    page = upload(client, changed(pdf)).content.decode()
    assert verification.NO_MATCH in page
    assert sealing.BROKEN in page
    assert f'href="/decisions/{published.slug}/"' not in page
    assert "The organisation's seal is intact" not in page


def test_a_pdf_never_published_matches_no_record(client, organisation):
    from pcc_grants.pdf import html_to_pdf

    other = html_to_pdf('<html lang="en-GB"><head><title>x</title></head><body>x</body></html>')
    page = upload(client, other).content.decode()
    assert verification.NO_MATCH in page
    assert sealing.UNSIGNED in page


def many_published(size: int, beside: Decision, officer) -> None:
    """``size`` published documents beside the real one (rows only: the page reads no
    file of theirs)."""
    PublishedDocument.objects.exclude(decision=beside).delete()
    Decision.objects.exclude(pk=beside.pk).delete()
    decisions = Decision.objects.bulk_create(
        Decision(
            title=f"Decision {n}",
            executive_summary="Summary",
            decision="Agreed",
            lead_officer=officer,
            created_by=officer,
            reference=f"9{n:04d}-2016",
            slug=f"9{n:04d}-2016",
        )
        for n in range(size)
    )
    now = datetime.now(UTC)
    PublishedDocument.objects.bulk_create(
        PublishedDocument(
            decision=decision,
            file=f"published/{decision.slug}.pdf",
            sha256=f"{n:064x}",
            size=1000,
            published_at=now,
            sealed_copy_sha256=f"{n + 10**6:064x}" if n % 2 else "",
        )
        for n, decision in enumerate(decisions)
    )


def test_the_query_count_does_not_grow_with_the_published_records(client, published, pdf, officer):
    counts = []
    for size in (10, 1000):
        many_published(size, published, officer)
        upload(client, pdf)
        for data in (pdf, changed(pdf)):
            with CaptureQueriesContext(connection) as captured:
                response = upload(client, data)
            assert response.status_code == 200
            counts.append(len(captured))
    assert counts[:2] == counts[2:], f"queries at 10 and at 1,000 records: {counts}"
    assert max(counts) <= 5


# The command ---------------------------------------------------------------------------


def test_verify_pdf_says_an_identical_file_is_an_intact_published_record(published, pdf, tmp_path):
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    out, error = verify_pdf(path)
    assert error is None
    assert f"Published record: {published.reference}" in out
    assert "Seal: intact, by DEMONSTRATION ONLY, not a real certificate" in out
    assert "An intact published record." in out


def test_verify_pdf_fails_on_a_changed_byte(published, pdf, tmp_path):
    path = tmp_path / "record.pdf"
    path.write_bytes(changed(pdf))
    out, error = verify_pdf(path)
    assert error is not None and "not an intact published record" in str(error)
    assert verification.NO_MATCH in out
    assert f"  {sealing.BROKEN}" in out


def test_verify_pdf_refuses_what_is_not_a_pdf(organisation, tmp_path):
    path = tmp_path / "picture.pdf"
    path.write_bytes(b"GIF89a")
    _, error = verify_pdf(path)
    assert "not a PDF" in str(error)
    _, error = verify_pdf(tmp_path / "missing.pdf")
    assert "cannot be read" in str(error)


def test_a_request_declaring_more_than_the_limit_is_refused_before_it_is_read(
    client, organisation
):
    from decisions import verification

    declared = verification.MAX_BYTES + verification.FORM_OVERHEAD + 1
    response = client.post(
        "/decisions/verify/",
        {"pdf": SimpleUploadedFile("small.pdf", b"%PDF-1.7\n%%EOF\n")},
        CONTENT_LENGTH=str(declared),
    )
    assert response.status_code == 413
    assert verification.TOO_BIG in response.content.decode()
