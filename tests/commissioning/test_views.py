import csv
import html
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from commissioning import services
from commissioning.models import AgreementDocument, CommissioningRoute
from pcc_grants.roles import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_agreement(reference="VS-1", value="29065", **overrides):
    provider = overrides.pop("provider", None) or services.provider_get_or_create(
        name=f"Provider for {reference}"
    )
    fields = {
        "reference": reference,
        "provider": provider,
        "route": CommissioningRoute.GRANT,
        "title": f"Service {reference}",
        "total_value": Decimal(value),
        "start_date": date(2017, 4, 1),
        "end_date": date(2018, 3, 31),
    }
    fields.update(overrides)
    return services.agreement_create(by=None, **fields)


def upload(client, agreement, name, content):
    return client.post(
        f"/commissioning/agreements/{agreement.pk}/documents/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


def test_staff_upload_a_pdf_stored_under_a_random_name_and_download_it(officer_client, media):
    agreement = make_agreement()
    response = upload(officer_client, agreement, "Grant agreement signed.pdf", PDF)
    assert "“Grant agreement signed.pdf” uploaded." in response.text
    document = AgreementDocument.objects.get()
    assert "Grant agreement signed" not in document.file.name
    assert len(Path(document.file.name).stem) == 32
    download = officer_client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'attachment; filename="Grant agreement signed.pdf"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "Upload a PDF, Word (.docx), Excel (.xlsx)"),
        ("page.html", b"<html><script>", "Upload a PDF, Word (.docx), Excel (.xlsx)"),
        (
            "invoice.pdf",
            b"<html>not a pdf</html>",
            "The file's content is not what its name says (.pdf)",
        ),
        ("photo.png", PDF, "The file's content is not what its name says (.png)"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_disallowed_uploads_are_refused_with_a_message_and_nothing_stored(
    officer_client, media, name, content, message
):
    agreement = make_agreement()
    response = upload(officer_client, agreement, name, content)
    assert message in html.unescape(response.text)
    assert not AgreementDocument.objects.exists()
    assert stored_files(media) == []


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_upload_over_the_size_limit_is_refused(officer_client, media):
    agreement = make_agreement()
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(officer_client, agreement, "big.pdf", big)
    assert "The file is larger than 10 MB." in response.text
    assert not AgreementDocument.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.REVIEWER])
def test_anonymous_and_non_staff_users_cannot_download_documents(client, officer, make_user, role):
    agreement = make_agreement()
    document = services.agreement_document_add(
        agreement=agreement, upload=SimpleUploadedFile("a.pdf", PDF), by=officer
    )
    if role:
        client.force_login(make_user(role))
    response = client.get(document.get_absolute_url())
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    assert PDF not in response.content


def test_media_files_have_no_public_url(client, officer):
    agreement = make_agreement()
    document = services.agreement_document_add(
        agreement=agreement, upload=SimpleUploadedFile("a.pdf", PDF), by=officer
    )
    assert client.get(f"/media/{document.file.name}").status_code in (302, 404)


def test_contracts_register_csv_has_the_columns_and_bands_add_up(officer_client):
    make_agreement("A-1", "10000")  # exactly £10,000 belongs to "£10,000 or less"
    make_agreement("A-2", "10000.01")
    make_agreement("A-3", "446000")
    make_agreement("A-4", "2000")

    def rows(band=""):
        response = officer_client.get(f"/commissioning/contracts/?band={band}&download=csv")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    everything = rows()
    assert list(everything[0]) == [
        "reference",
        "title",
        "description",
        "supplier",
        "registration_number",
        "vcse",
        "sme",
        "value",
        "start",
        "end",
        "review_date",
        "procurement_route",
    ]
    over, under = rows("over"), rows("under")
    assert [r["reference"] for r in over] == ["A-2", "A-3"]
    assert [r["reference"] for r in under] == ["A-1", "A-4"]

    def total(rows):
        return sum(Decimal(r["value"]) for r in rows)

    assert total(over) + total(under) == total(everything) == Decimal("468000.01")


def test_provider_form_shows_a_duplicate_on_its_field(officer_client):
    services.provider_create(by=None, name="Victim Support", charity_number="298028")
    response = officer_client.post(
        "/commissioning/providers/new/",
        {
            "name": "Victim Support Cambridge",
            "different": "on",  # from "Victim Support", which the form asks about first
            "name_checked": "Victim Support Cambridge",
            "provider_type": "charity",
            "charity_number": "298028",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert "A provider with charity number 298028 already exists: Victim Support." in (
        response.text
    )


def test_recording_a_return_through_the_form(officer_client):
    agreement = make_agreement(monitoring_frequency="twice_yearly")
    first = agreement.returns.first()
    response = officer_client.post(
        f"/commissioning/returns/{first.pk}/",
        {
            "received_date": "2017-10-25",
            "spend_to_date": "£14,500",
            "rag": "amber",
            "narrative": "Recruitment delayed.",
            "measures-TOTAL_FORMS": "3",
            "measures-INITIAL_FORMS": "0",
            "measures-0-metric": "Victims supported",
            "measures-0-value": "120",
            "measures-0-target": "150",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.spend_to_date, first.rag) == (Decimal("14500.00"), "amber")
    assert first.measures.get().target == Decimal("150.00")


def test_overdue_returns_are_listed_on_the_dashboard(officer_client):
    agreement = make_agreement(
        monitoring_frequency="quarterly",
        start_date=date.today() - timedelta(days=400),
        end_date=date.today() + timedelta(days=300),
    )
    page = officer_client.get("/").content.decode()
    overdue = agreement.returns.filter(due_date__lt=date.today()).count()
    assert overdue >= 3
    assert f"Overdue monitoring returns ({overdue})" in page
    assert agreement.reference in page
