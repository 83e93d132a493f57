"""Records published before sealing keep their file and hash; ``seal_published`` gives
each a sealed copy beside it, and ``verify_records`` checks every seal."""

import hashlib
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from decisions.models import PublishedDocument
from decisions.publication import public_pdf
from devtools.demo.seal import as_pkcs12, demonstration_certificate
from pcc_grants import sealing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def published(draft, advance):
    return advance(draft, "published")


@pytest.fixture
def before_sealing(published) -> PublishedDocument:
    """A record as one published before sealing has it: its PDF carries no seal."""
    document = PublishedDocument.objects.get(decision=published)
    original = public_pdf(published.published_snapshot.content)
    document.file.delete(save=False)
    document.file.save(f"{published.slug}-unsealed.pdf", ContentFile(original), save=False)
    document.sha256 = hashlib.sha256(original).hexdigest()
    document.size = len(original)
    document.sealed = False
    document.save()
    return document


def read(stored) -> bytes:
    with stored.open("rb") as handle:
        return handle.read()


def seal_published() -> str:
    out = StringIO()
    call_command("seal_published", stdout=out, stderr=out)
    return out.getvalue()


def verify_records() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def check(client, data: bytes) -> str:
    upload = SimpleUploadedFile("record.pdf", data, "application/pdf")
    return client.post("/decisions/verify/", {"pdf": upload}).content.decode()


def published_files(media) -> set[str]:
    return {path.name for path in (media / "published").iterdir()}


# seal_published ------------------------------------------------------------------------


def test_a_record_published_before_sealing_gets_a_sealed_copy_beside_its_original(
    client, before_sealing, published, media
):
    original = read(before_sealing.file)
    assert sealing.check_signature(original).verdict == sealing.UNSIGNED
    page = client.get(f"/decisions/{published.slug}/").content.decode()
    assert "before sealing: the PDF carries no seal" in page

    out = seal_published()
    assert "1 published PDF given a sealed copy." in out

    document = PublishedDocument.objects.get(pk=before_sealing.pk)
    # The original is untouched, and still what its hash says.
    assert read(document.file) == original
    assert document.sha256 == hashlib.sha256(original).hexdigest() == before_sealing.sha256
    assert not document.sealed
    # The copy is the original with the seal added after it.
    copy = read(document.sealed_copy)
    assert copy.startswith(original) and len(copy) == document.sealed_copy_size
    assert document.sealed_copy_sha256 == hashlib.sha256(copy).hexdigest()
    assert document.sealed_copy_at is not None
    assert sealing.check_signature(copy).sealed

    page = client.get(f"/decisions/{published.slug}/").content.decode()
    assert "before sealing" in page
    assert document.sha256 in page and document.sealed_copy_sha256 in page
    assert f'href="/decisions/{published.slug}.pdf?original=1"' in page

    served = client.get(f"/decisions/{published.slug}.pdf")
    assert b"".join(served.streaming_content) == copy
    assert served["X-Content-SHA256"] == document.sealed_copy_sha256
    first = client.get(f"/decisions/{published.slug}.pdf?original=1")
    assert b"".join(first.streaming_content) == original
    assert first["X-Content-SHA256"] == document.sha256
    assert "original" in first["Content-Disposition"]

    data = client.get("/open-data/decisions.json").json()["decisions"][0]
    assert data["pdf_sha256"] == document.sealed_copy_sha256
    assert data["original_pdf_sha256"] == document.sha256
    assert data["pdf_sealed"] is True


def test_seal_published_twice_does_nothing_more(before_sealing, media):
    seal_published()
    first = PublishedDocument.objects.get(pk=before_sealing.pk)
    files = published_files(media)

    assert "0 published PDFs given a sealed copy." in seal_published()
    again = PublishedDocument.objects.get(pk=before_sealing.pk)
    assert published_files(media) == files
    for name in ("sealed_copy", "sealed_copy_sha256", "sealed_copy_size", "sealed_copy_at"):
        assert getattr(again, name) == getattr(first, name)


def test_seal_published_leaves_a_record_sealed_at_publication_alone(published, media):
    document = PublishedDocument.objects.get(decision=published)
    files = published_files(media)
    assert "0 published PDFs given a sealed copy." in seal_published()
    assert PublishedDocument.objects.get(pk=document.pk).sealed_copy == ""
    assert published_files(media) == files


def test_seal_published_refuses_a_file_that_no_longer_matches_its_hash(before_sealing, media):
    path = media / before_sealing.file.name
    path.write_bytes(path.read_bytes() + b"\n% changed\n")
    with pytest.raises(CommandError, match="1 refused"):
        seal_published()
    assert PublishedDocument.objects.get(pk=before_sealing.pk).sealed_copy == ""


def test_seal_published_without_the_certificate_says_what_to_set(before_sealing, settings):
    settings.SEAL_PKCS12_FILE = ""
    with pytest.raises(CommandError, match="SEAL_PKCS12_FILE"):
        seal_published()


def test_the_verify_page_knows_the_original_and_the_sealed_copy(client, before_sealing):
    seal_published()
    document = PublishedDocument.objects.get(pk=before_sealing.pk)
    page = check(client, read(document.file))
    assert "the PDF as published, before sealing," in page
    assert "It was published before sealing began" in page
    page = check(client, read(document.sealed_copy))
    assert "the sealed copy of the PDF" in page
    assert "The organisation's seal is intact" in page


# verify_records ------------------------------------------------------------------------


def test_verify_records_checks_every_seal(published):
    out, error = verify_records()
    assert error is None, out
    assert "1 published PDFs and 1 submitted or signed records checked: all verify" in out


def test_verify_records_names_a_sealed_pdf_whose_bytes_were_altered(published, media):
    document = PublishedDocument.objects.get(decision=published)
    path = media / document.file.name
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01
    path.write_bytes(bytes(data))
    out, error = verify_records()
    assert error is not None
    assert f"{published.reference}: the published PDF does not match its SHA-256" in out
    assert (
        f"{published.reference}: the seal of the published PDF does not hold. {sealing.BROKEN}"
        in out
    )


def test_verify_records_catches_an_altered_pdf_even_with_its_hash_changed_to_match(
    published, media
):
    """Whoever can change the files and the database can make a hash match again, but
    not the seal."""
    document = PublishedDocument.objects.get(decision=published)
    path = media / document.file.name
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01
    path.write_bytes(bytes(data))
    PublishedDocument.objects.filter(pk=document.pk).update(
        sha256=hashlib.sha256(bytes(data)).hexdigest()
    )
    out, error = verify_records()
    assert error is not None and "1 problem" in str(error)
    assert f"the seal of the published PDF does not hold. {sealing.BROKEN}" in out


def test_verify_records_names_a_pdf_sealed_by_someone_else(published, media, settings, tmp_path):
    document = PublishedDocument.objects.get(decision=published)
    unsealed = public_pdf(published.published_snapshot.content)
    key, certificate = demonstration_certificate("Somebody Else")
    (tmp_path / "other.p12").write_bytes(as_pkcs12(key, certificate))
    ours = settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(tmp_path / "other.p12"), ""
    theirs = sealing.seal(unsealed)
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = ours
    (media / document.file.name).write_bytes(theirs)
    PublishedDocument.objects.filter(pk=document.pk).update(
        sha256=hashlib.sha256(theirs).hexdigest(), size=len(theirs)
    )
    out, error = verify_records()
    assert error is not None and "1 problem" in str(error)
    assert "not with the organisation's seal certificate" in out
    assert "Somebody Else" in out


def test_verify_records_names_a_missing_sealed_copy(before_sealing, media):
    seal_published()
    document = PublishedDocument.objects.get(pk=before_sealing.pk)
    (media / document.sealed_copy.name).unlink()
    out, error = verify_records()
    assert error is not None
    assert f"the sealed copy of the published PDF {document.sealed_copy.name} is missing" in out
