"""Crime and disorder reduction grants: the Specified Information Order publishes each
one's conditions, purpose and crime-reduction reasons, so none is approved without
them, on any path (the approve button, a decision record's approval, an import of
approved rows); the refusal names the field."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions import services as decision_services
from funding import services
from funding.importers import ALLOCATION_COLUMNS, run_import
from funding.models import Allocation, AllocationStatus
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

NEEDS_CONDITIONS = (
    "Give the conditions attached before approving: the Specified Information Order "
    "publishes them."
)
NEEDS_PURPOSE = "Give the purpose before approving: the Specified Information Order publishes it."
NEEDS_REASONS = (
    "Say why it will reduce crime and disorder before approving: the Specified "
    "Information Order publishes the reasons."
)
FILLED = {
    "conditions": "Quarterly reports; unspent money returned.",
    "purpose": "Youth diversion in Fenland.",
    "crime_reduction_reasons": "Diverted young people offend less.",
}


@pytest.fixture
def crime_stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2017),
        name="Crime and Disorder Reduction Grants",
        budget=Decimal("100000"),
        crime_and_disorder_reduction=True,
    )


@pytest.fixture
def approver(make_user, organisation):
    organisation.delegated_approval_roles = [Role.CHIEF_FINANCE_OFFICER.value]
    organisation.save()
    return make_user(Role.CHIEF_FINANCE_OFFICER, username="approver")


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({}, NEEDS_CONDITIONS),
        ({"conditions": "Reports."}, NEEDS_PURPOSE),
        ({"conditions": "Reports.", "purpose": "Diversion."}, NEEDS_REASONS),
        ({"conditions": "  ", "purpose": "Diversion.", "crime_reduction_reasons": "x"}, None),
    ],
)
def test_a_crime_reduction_grant_is_not_approved_without_each_field(
    crime_stream, approver, given, refusal
):
    allocation = AllocationFactory(funding_stream=crime_stream, **given)
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=allocation, by=approver)
    # Text of spaces only is no conditions at all.
    assert refused.value.messages == [refusal or NEEDS_CONDITIONS]
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_with_the_three_fields_it_is_approved_on_todays_date(crime_stream, approver):
    allocation = AllocationFactory(funding_stream=crime_stream, **FILLED)
    services.allocation_approve(allocation=allocation, by=approver)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    assert allocation.approved_on == date.today()


def test_other_streams_need_none_of_the_fields(approver):
    allocation = AllocationFactory()
    services.allocation_approve(allocation=allocation, by=approver)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED


def test_the_allocation_page_says_why_it_cannot_be_approved_and_refuses_the_button(
    crime_stream, approver, client
):
    allocation = AllocationFactory(funding_stream=crime_stream)
    client.force_login(approver)
    page = client.get(allocation.get_absolute_url()).content.decode()
    assert "Give the conditions attached before approving" in page
    assert "Not given yet" in page
    response = client.post(f"/funding/allocations/{allocation.pk}/approve/")
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_the_officer_fills_the_fields_in_on_the_form_then_it_can_be_approved(
    crime_stream, approver, officer_client
):
    allocation = AllocationFactory(funding_stream=crime_stream, title="Fenland diversion")
    response = officer_client.post(
        f"/funding/allocations/{allocation.pk}/edit/",
        {
            "recipient_name": allocation.recipient.name,
            "funding_stream": crime_stream.pk,
            "title": "Fenland diversion",
            "amount": "£1,000",
            **FILLED,
        },
    )
    assert response.status_code == 302, response.content.decode()
    allocation.refresh_from_db()
    assert allocation.conditions == FILLED["conditions"]
    assert allocation.crime_reduction_reasons == FILLED["crime_reduction_reasons"]
    services.allocation_approve(allocation=allocation, by=approver)


def test_an_approval_date_in_the_future_is_refused_naming_the_field(crime_stream, cfo):
    allocation = AllocationFactory(funding_stream=crime_stream)
    with pytest.raises(ValidationError) as refused:
        services.allocation_update(
            allocation=allocation, by=cfo, approved_on=date(date.today().year + 2, 1, 1)
        )
    assert list(refused.value.message_dict) == ["approved_on"]
    assert "it cannot be approved on 1 January" in refused.value.messages[0]


def test_the_stream_form_marks_a_stream_as_crime_and_disorder_reduction_grants(cfo, client):
    client.force_login(cfo)
    response = client.post(
        "/funding/streams/new/",
        {
            "financial_year": "2017/18",
            "name": "Crime and Disorder Reduction Grants",
            "budget": "£1,322,248",
            "crime_and_disorder_reduction": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert "Yes: published on the transparency page" in page


# A decision record's approval ---------------------------------------------------------


@pytest.fixture
def record_with_grant(draft, people, advance, crime_stream):
    allocation = AllocationFactory(
        funding_stream=crime_stream, title="Fenland diversion", amount=Decimal("9400")
    )
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    return advance(draft, "awaiting_decision"), allocation


def test_a_record_listing_a_grant_without_its_conditions_cannot_be_approved(
    record_with_grant, advance
):
    decision, allocation = record_with_grant
    with pytest.raises(ValidationError) as refused:
        advance(decision, "approved")
    assert refused.value.messages == [
        f"Allocation {allocation.reference}, “Fenland diversion”, is a crime and disorder "
        f"reduction grant. {NEEDS_CONDITIONS}"
    ]
    decision.refresh_from_db()
    allocation.refresh_from_db()
    assert (decision.status, allocation.status) == ("awaiting_decision", "proposed")


def test_the_commissioner_is_told_why_before_signing(record_with_grant, people, client):
    decision, _ = record_with_grant
    client.force_login(people["commissioner"])
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "is a crime and disorder reduction grant. Give the conditions attached" in page


def test_the_record_approves_a_grant_with_its_fields_on_the_day_of_the_decision(
    draft, people, advance, crime_stream
):
    allocation = AllocationFactory(funding_stream=crime_stream, **FILLED)
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    decision = advance(draft, "approved")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    assert allocation.approved_on == decision.decision_date


# Imports ------------------------------------------------------------------------------


def _file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    out.write(",".join(ALLOCATION_COLUMNS) + "\n")
    for row in rows:
        out.write(",".join(f'"{row.get(column, "")}"' for column in ALLOCATION_COLUMNS) + "\n")
    return out.getvalue().encode()


ROW = {
    "financial_year": "2017/18",
    "funding_stream": "Crime and Disorder Reduction Grants",
    "recipient": "Fenland District Council",
    "title": "Fenland Community Safety Partnership",
    "amount": "35000",
    "status": "approved",
}


def test_an_imported_approved_grant_without_its_purpose_is_refused_naming_the_field(
    crime_stream, approver
):
    content = _file([{**ROW, "conditions": "Reports."}])
    result = run_import(kind="allocations", content=content, by=approver)
    assert [str(error) for error in result.errors] == [f"row 2, column status: {NEEDS_PURPOSE}"]
    assert not Allocation.objects.exists()


def test_an_imported_approved_grant_with_its_fields_keeps_its_approval_day(crime_stream, approver):
    content = _file([{**ROW, **FILLED, "approved_on": "11/05/2017"}])
    result = run_import(kind="allocations", content=content, by=approver)
    assert result.ok, result.errors
    allocation = Allocation.objects.get()
    assert allocation.status == AllocationStatus.APPROVED
    assert allocation.approved_on == date(2017, 5, 11)
    assert allocation.purpose == FILLED["purpose"]


def test_a_proposed_grant_imports_without_the_fields(crime_stream):
    result = run_import(
        kind="allocations", content=_file([{**ROW, "status": "proposed"}]), by=None
    )
    assert result.ok, result.errors
