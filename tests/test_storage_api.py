"""Every file goes through Django's storage API, never a path on disk, so a bucket
shared by several app servers and workers holds them as well as a folder does.

Each journey runs with ``InMemoryStorage`` as the default storage and ``MEDIA_ROOT``
pointed at an empty folder: the journey must work, its files must be readable through
the storage, and the folder must stay empty (a file written or read by path would
land there, or be missing). The settings' S3 switch is checked without django-storages
installed: it only names the backend.
"""

import hashlib
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from commissioning import services as commissioning_services
from commissioning.models import AgreementDocument, CommissioningRoute
from decisions.models import DecisionAttachment, SignOff
from funding.models import FundingStream
from grants import services as grant_services
from tests.factories import FundingStreamFactory, client_code
from tests.grants.conftest import PDF, make_applicant, open_a_round

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
IN_MEMORY = "django.core.files.storage.InMemoryStorage"


@pytest.fixture(autouse=True)
def media(in_memory_storage):
    return in_memory_storage


def on_disk(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_the_default_storage_is_in_memory_and_media_root_empty(media):
    assert default_storage.__class__.__name__ == "InMemoryStorage"
    assert on_disk(media) == []


def test_an_agreement_document_is_uploaded_and_downloaded_from_storage(officer_client, media):
    provider = commissioning_services.provider_get_or_create(name="Harbour Refuge")
    agreement = commissioning_services.agreement_create(
        by=None,
        reference="VS-1",
        provider=provider,
        route=CommissioningRoute.GRANT,
        title="Refuge support",
        total_value=Decimal("29065"),
        start_date="2017-04-01",
        end_date="2018-03-31",
    )
    response = officer_client.post(
        f"/commissioning/agreements/{agreement.pk}/documents/",
        {"file": SimpleUploadedFile("Grant agreement.pdf", PDF)},
        follow=True,
    )

    assert "“Grant agreement.pdf” uploaded." in response.text
    document = AgreementDocument.objects.get()
    assert stored(document.file.name) == PDF
    download = officer_client.get(document.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF
    assert on_disk(media) == []


def test_a_decision_attachment_is_kept_in_storage_and_removed_from_it(
    officer_client, draft, media, django_capture_on_commit_callbacks
):
    url = f"/staff/decisions/{draft.pk}/attachments/"
    officer_client.post(url, {"file": SimpleUploadedFile("Request to extend.pdf", PDF)})

    attachment = DecisionAttachment.objects.get()
    name = attachment.file.name
    assert "Request to extend.pdf" in officer_client.get(draft.get_absolute_url()).text
    assert b"".join(officer_client.get(attachment.get_absolute_url()).streaming_content) == PDF
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/staff/decisions/attachments/{attachment.pk}/remove/")
    assert not DecisionAttachment.objects.exists()
    assert not default_storage.exists(name)
    assert on_disk(media) == []


def test_a_paper_signatures_scan_is_kept_in_storage(
    client, draft, advance, people, password, media
):
    submitted = advance(draft, "awaiting_officer_approval")
    client.force_login(people["monitoring_officer"])
    scan = b"%PDF-1.7\nsigned on paper\n%%EOF\n"
    response = client.post(
        f"/staff/decisions/{submitted.pk}/paper/officer_approve/",
        {
            "signed_on": "2016-08-10",
            "scan": SimpleUploadedFile("signed.pdf", scan),
            "title": "",
            "name": "",
            "signer": people["cfo"].pk,
            "password": password,
            "code": client_code(client),
        },
    )

    assert response.status_code == 302
    signoff = SignOff.objects.get()
    assert signoff.on_paper
    assert stored(signoff.scan.name) == scan
    assert on_disk(media) == []


def test_a_published_record_s_pdf_is_written_to_storage_and_served_from_it(
    client, draft, advance, media
):
    published = advance(draft, "published")
    document = published.published_document

    response = client.get(f"/decisions/{published.slug}.pdf")

    served = b"".join(response.streaming_content)
    assert served == stored(document.file.name)
    assert hashlib.sha256(served).hexdigest() == response["X-Content-SHA256"] == document.sha256
    assert published.title in PdfReader(io.BytesIO(served)).pages[0].extract_text()
    out = io.StringIO()
    call_command("verify_records", stdout=out)
    assert "1 published PDFs and 1 submitted or signed records checked: all verify" in (
        out.getvalue()
    )
    assert on_disk(media) == []


def test_verify_records_finds_a_missing_pdf_and_a_stray_one_in_storage(draft, advance, media):
    published = advance(draft, "published")
    default_storage.delete(published.published_document.file.name)
    default_storage.save("published/left-by-a-crash.pdf", io.BytesIO(PDF))

    out = io.StringIO()
    with pytest.raises(Exception, match="2 problem"):
        call_command("verify_records", stdout=out, stderr=out)
    assert "is missing" in out.getvalue()
    assert "published/left-by-a-crash.pdf: a published file with no published record" in (
        out.getvalue()
    )
    assert on_disk(media) == []


def test_an_import_uploaded_on_its_page_is_kept_in_storage_for_its_jobs(officer_client, media):
    content = (
        "financial_year,name,source,budget\n"
        "2016/17,Victims Services Grant,Ministry of Justice,£750000\n"
    ).encode()
    upload = SimpleUploadedFile("streams.csv", content, content_type="text/csv")

    preview = officer_client.post(
        "/funding/import/", {"kind": "funding", "file": upload}, follow=True
    )

    check = preview.context["job"]
    # The file the check and then the import read, wherever their worker runs.
    assert stored(check.input_file.name) == content
    confirmed = officer_client.post("/funding/import/confirm/", {"job": check.pk}, follow=True)
    assert "1 funding stream imported from streams.csv." in confirmed.text
    assert FundingStream.objects.get().name == "Victims Services Grant"
    assert confirmed.context["job"].input_file.name == check.input_file.name
    assert on_disk(media) == []


def test_a_grant_application_document_is_kept_in_storage_and_replaced_in_it(
    client, officer, media, django_capture_on_commit_callbacks
):
    from funding import services as funding_services
    from grants import applicants

    year = funding_services.financial_year_get_or_create(start_year=2026)
    stream = FundingStreamFactory(
        financial_year=year, name="Community Safety Fund", budget=Decimal("100000")
    )
    grant_round = open_a_round(officer, stream)
    applicant = make_applicant("ann@livingwithoutabuse.example")
    organisation = applicants.organisation_create(
        by=applicant, name="Living Without Abuse", charity_number="1155789", address="Leics"
    )
    application = grant_services.application_start(
        by=applicant, grant_round=grant_round, organisation=organisation
    )
    accounts = grant_round.required_documents.get(name="Latest accounts")
    url = reverse("grants_apply:section", args=[application.pk, "documents"])
    field = f"document_{accounts.pk}-file"
    client.force_login(applicant)

    client.post(url, {"required_document": accounts.pk, field: SimpleUploadedFile("a.pdf", PDF)})
    first = application.documents.get().file.name
    second_pdf = PDF.replace(b"1.4", b"1.7")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"required_document": accounts.pk, field: SimpleUploadedFile("b.pdf", second_pdf)}
        )

    document = application.documents.get()
    assert document.original_name == "b.pdf"
    assert not default_storage.exists(first)
    download = reverse("grants_apply:document", args=[application.pk, document.pk])
    assert b"".join(client.get(download).streaming_content) == second_pdf
    assert on_disk(media) == []


def test_the_demo_keeps_its_files_in_storage(media, settings):
    from grants.models import ApplicationDocument

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())

    documents = list(ApplicationDocument.objects.all())
    assert documents
    assert all(default_storage.exists(document.file.name) for document in documents)
    published = default_storage.listdir("published")[1]
    assert any(name.startswith("034-2016") for name in published)
    assert on_disk(media) == []


# The S3 switch ---------------------------------------------------------------------------


def storages_with(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_"))}
    environ.update({"DEBUG": "1", **env})
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from pcc_grants import settings; print(settings.STORAGES['default'])",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_storage_backend_s3_names_a_private_bucket_with_signed_urls():
    result = storages_with(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="pcc-grants-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "'BACKEND': 'storages.backends.s3.S3Storage'" in result.stdout
    assert "'bucket_name': 'pcc-grants-files'" in result.stdout
    assert "'endpoint_url': 'https://s3.example.org'" in result.stdout
    assert "'querystring_auth': True" in result.stdout
    assert "'default_acl': None" in result.stdout
    assert "'file_overwrite': False" in result.stdout


def test_storage_backend_s3_without_a_bucket_refuses_to_start():
    result = storages_with(STORAGE_BACKEND="s3")

    assert result.returncode != 0
    assert "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_backend_refuses_to_start():
    result = storages_with(STORAGE_BACKEND="ftp")

    assert result.returncode != 0
    assert "STORAGE_BACKEND must be filesystem or s3, not 'ftp'." in result.stderr


def test_without_the_switch_files_are_kept_on_disk():
    result = storages_with()

    assert "django.core.files.storage.FileSystemStorage" in result.stdout
    assert IN_MEMORY not in result.stdout
