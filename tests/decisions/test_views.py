import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions.models import Decision, DecisionAttachment
from pcc_grants.roles import Role

from ..factories import AllocationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def form_data(officer, **overrides):
    data = {
        "category": "commissioner",
        "title": "Extending Community Peer Mentors Project into Bishop Auckland",
        "executive_summary": "The project in Darlington has achieved successful outcomes.",
        "decision": "Agree the allocation of £9,400 to extend the project.",
        "lead_officer": officer.pk,
        "financial_implications": "on",
        "financial_details": "Within the 2016/17 budget limits.",
        "legal_implications": "on",
        "legal_details": "No specific legal implications",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "Expenses and mileage",
        "lines-0-amount": "£1,200",
        "lines-1-item": "Training",
        "lines-1-amount": "2,300.00",
        "lines-2-item": "Coordinators",
        "lines-2-amount": "5900",
    }
    data.update(overrides)
    return data


def test_an_officer_creates_a_draft_with_lines_and_implications(officer_client, officer):
    allocation = AllocationFactory(amount=Decimal("9400"))
    response = officer_client.post(
        "/staff/decisions/new/",
        form_data(officer, allocations=str(allocation.pk)),
    )
    decision = Decision.objects.get()
    assert response.headers["Location"] == f"/staff/decisions/{decision.pk}/"
    assert [(line.item, line.amount) for line in decision.funding_lines.all()] == [
        ("Expenses and mileage", Decimal("1200.00")),
        ("Training", Decimal("2300.00")),
        ("Coordinators", Decimal("5900.00")),
    ]
    assert decision.financial_implications and decision.legal_implications
    assert not decision.risk_implications
    assert list(decision.allocations.all()) == [allocation]
    page = officer_client.get(response.headers["Location"]).content.decode()
    assert 'Total</th><td class="money">£9,400</td>' in page.replace("\n", "")


def test_adding_a_line_without_javascript_keeps_what_was_typed(officer_client, officer):
    data = form_data(officer, add_line="1", **{"lines-1-DELETE": "on"})
    response = officer_client.post("/staff/decisions/new/", data)
    assert response.status_code == 200
    assert not Decision.objects.exists()
    formset = response.context["lines"]
    assert [form.initial for form in formset.forms[:2]] == [
        {"item": "Expenses and mileage", "amount": "£1,200"},
        {"item": "Coordinators", "amount": "5900"},
    ]
    assert len(formset.forms) == 3  # the two kept, and a new empty line
    page = html.unescape(response.content.decode())
    assert "Extending Community Peer Mentors Project into Bishop Auckland" in page
    assert response.context["lines_total"] == Decimal("7100.00")
    assert "This field is required" not in page


def test_implication_details_are_required_on_the_field(officer_client, officer):
    response = officer_client.post("/staff/decisions/new/", form_data(officer, legal_details=""))
    assert "Give the details of the legal implications." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_line_without_an_amount_is_refused(officer_client, officer):
    response = officer_client.post(
        "/staff/decisions/new/", form_data(officer, **{"lines-2-amount": "12.345"})
    )
    assert "Use at most two decimal places (whole pence)." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_submitted_record_cannot_be_edited_by_form_or_post(officer_client, draft):
    Decision.objects.filter(pk=draft.pk).update(status="awaiting_decision", reference="034-2016")
    assert officer_client.get(f"/staff/decisions/{draft.pk}/edit/").status_code == 403
    response = officer_client.post(
        f"/staff/decisions/{draft.pk}/edit/", {"title": "Changed", "lines-TOTAL_FORMS": "0"}
    )
    assert response.status_code == 403
    assert "its content is frozen" in response.content.decode()
    assert Decision.objects.get(pk=draft.pk).title == draft.title
    upload = officer_client.post(
        f"/staff/decisions/{draft.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert upload.status_code == 403
    assert not DecisionAttachment.objects.exists()


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.PANEL_MEMBER, "/staff/decisions/", 403),
        (Role.PANEL_MEMBER, "/staff/decisions/{pk}/", 403),
        (Role.PANEL_MEMBER, "/staff/decisions/{pk}/record.pdf", 403),
        (Role.COMMISSIONER, "/staff/decisions/{pk}/", 200),
        (Role.COMMISSIONER, "/staff/decisions/{pk}/edit/", 403),
        (Role.COMMISSIONER, "/staff/decisions/new/", 403),
    ],
)
def test_records_answer_each_role_as_its_duties_allow(client, make_user, draft, role, url, status):
    client.force_login(make_user(role))
    assert client.get(url.format(pk=draft.pk)).status_code == status


def test_attachments_follow_the_upload_rules_and_are_listed(
    officer_client, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = f"/staff/decisions/{draft.pk}/attachments/"
    refused = officer_client.post(
        url, {"file": SimpleUploadedFile("paper.pdf", b"<html>no</html>")}, follow=True
    )
    assert "is not what its name says (.pdf)" in html.unescape(refused.content.decode())
    officer_client.post(url, {"file": SimpleUploadedFile("Request to extend.pdf", PDF)})
    attachment = DecisionAttachment.objects.get()
    page = officer_client.get(draft.get_absolute_url()).content.decode()
    assert "Request to extend.pdf" in page
    download = officer_client.get(attachment.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF


def test_the_admin_cannot_edit_a_record(client, make_user, draft):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    url = f"/admin/decisions/decision/{draft.pk}/change/"
    assert client.post(url, {"title": "Changed in the admin"}).status_code == 403
    assert Decision.objects.get(pk=draft.pk).title == draft.title


def test_adding_a_line_keeps_every_tick_box_as_left(officer_client, officer, draft):
    Decision.objects.filter(pk=draft.pk).update(significant_public_interest=True)
    data = form_data(officer, add_line="1")  # the public interest box left unticked
    response = officer_client.post(f"/staff/decisions/{draft.pk}/edit/", data)
    form = response.context["form"]
    assert form.initial["significant_public_interest"] is False
    assert form.initial["financial_implications"] is True


def test_a_new_record_is_led_by_whoever_drafts_it(officer_client, officer, make_user):
    from pcc_grants.roles import Role

    make_user(Role.OFFICER, username="another", first_name="Ann", last_name="Other")
    form = officer_client.get("/staff/decisions/new/").context["form"]
    assert form["lead_officer"].value() == officer.pk
    page = officer_client.get("/staff/decisions/new/").content.decode()
    assert f'<option value="{officer.pk}" selected>' in page
