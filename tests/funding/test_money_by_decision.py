"""Money that only a decision can commit: the attacks of the issue, each refused.

1. An officer's import with approved or contracted rows committed money the approve
   button refused them.
2. The administrator approved allocations through the admin action.
3. An officer edited or withdrew an allocation that a signed record approved.
4. Status changes skipped the roles of the status table (``roles=False``).
"""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from decisions import services as decision_services
from decisions.content import tampered
from funding import services
from funding.models import Allocation, AllocationStatus
from pcc_grants.history import change_history
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory, signing_code

pytestmark = pytest.mark.django_db

HEADER = (
    "financial_year,funding_stream,recipient,title,amount,status,period_start,period_end,"
    "indicative,theme,route,decision_reference,comments\n"
)
OFFICER_CANNOT_APPROVE = (
    "Only the Chief Finance Officer can approve an allocation directly; otherwise a "
    "decision record approves it."
)


def approved_by(reference: str) -> str:
    return (
        f"Approved by decision {reference}: a change needs a new record, a variation, that "
        "references it."
    )


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Community Safety Fund",
        budget=Decimal("150000"),
    )


@pytest.fixture
def approved_by_record(draft, people, advance, stream):
    """Durham's £9,400 for the peer mentors, approved by a signed and published record."""
    allocation = AllocationFactory(
        funding_stream=stream, title="Community Peer Mentors", amount=Decimal("9400")
    )
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    decision = advance(draft, "published")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    return allocation, decision


def upload(client, content: str):
    return client.post(
        "/funding/import/",
        {"kind": "allocations", "file": SimpleUploadedFile("allocations.csv", content.encode())},
        follow=True,
    )


# 1. Imports ------------------------------------------------------------------------------


def test_an_officers_import_with_approved_or_contracted_rows_is_refused_row_by_row(
    client, officer, stream
):
    client.force_login(officer)
    response = upload(
        client,
        HEADER
        + "2016/17,Community Safety Fund,Victim Support,Helpline,9400,approved,,,,,,,\n"
        + "2016/17,Community Safety Fund,Victim Support,Outreach,500,contracted,,,,,,,\n"
        + "2016/17,Community Safety Fund,Victim Support,Advocacy,100,,,,,,,,\n",
    )

    assert response.status_code == 200
    errors = [(e["row"], e["column"], e["message"]) for e in response.context["result"]["errors"]]
    assert errors == [
        (2, "status", OFFICER_CANNOT_APPROVE),
        (3, "status", OFFICER_CANNOT_APPROVE),
    ]
    assert "nothing has been saved" in response.content.decode()
    assert not Allocation.objects.exists()


def test_the_chief_finance_officers_import_of_the_same_rows_is_accepted(client, people, stream):
    client.force_login(people["cfo"])
    response = upload(
        client,
        HEADER
        + "2016/17,Community Safety Fund,Victim Support,Helpline,9400,approved,,,,,,,\n"
        + "2016/17,Community Safety Fund,Victim Support,Outreach,500,contracted,,,,,,,\n",
    )
    assert response.context["result"]["errors"] == []
    client.post("/funding/import/confirm/", {"job": response.context["job"].pk})
    assert sorted(Allocation.objects.values_list("title", "status")) == [
        ("Helpline", AllocationStatus.APPROVED),
        ("Outreach", AllocationStatus.CONTRACTED),
    ]


def test_the_command_records_approved_rows_only_in_the_name_of_someone_who_may_approve(
    tmp_path, officer, people, stream
):
    path = tmp_path / "allocations.csv"
    path.write_text(
        HEADER + "2016/17,Community Safety Fund,Victim Support,Helpline,9400,approved,,,,,,,\n"
    )

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_allocations", str(path), stdout=io.StringIO(), stderr=err)
    assert (
        "row 2, column status: This row is approved: it must be imported in the name of "
        "someone allowed to make it approved. Run the import with --as USERNAME, or import "
        "it as proposed."
    ) in err.getvalue()

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_allocations", str(path), "--as", "officer", stdout=io.StringIO(), stderr=err
        )
    assert f"row 2, column status: {OFFICER_CANNOT_APPROVE}" in err.getvalue()
    assert not Allocation.objects.exists()

    call_command("import_allocations", str(path), "--as", "cfo", stdout=io.StringIO())
    allocation = Allocation.objects.get()
    assert allocation.status == AllocationStatus.APPROVED
    assert change_history(allocation.history.all())[0].who == str(people["cfo"])


# 2. The admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin"])
    return client


def test_the_admin_offers_no_approve_action_and_an_approve_post_approves_nothing(
    admin_client, stream
):
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("800"))

    changelist = admin_client.get("/admin/funding/allocation/")
    assert 'value="approve"' not in changelist.content.decode()
    admin_client.post(
        "/admin/funding/allocation/",
        {"action": "approve", "_selected_action": [allocation.pk]},
        follow=True,
    )

    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_withdrawing_in_the_admin_asks_the_same_rules_as_the_page(
    admin_client, people, approved_by_record, stream
):
    frozen, decision = approved_by_record
    proposed = AllocationFactory(funding_stream=stream, title="A proposal")

    def withdraw():
        return admin_client.post(
            "/admin/funding/allocation/",
            {"action": "withdraw", "_selected_action": [frozen.pk, proposed.pk]},
            follow=True,
        ).content.decode()

    # The administrator keeps the system, not the funding records.
    page = withdraw()
    assert (
        "A proposal: Only the Chief Finance Officer or Officer can record funding streams "
        "and allocations."
    ) in page
    assert set(Allocation.objects.values_list("title", "status")) == {
        ("Community Peer Mentors", AllocationStatus.APPROVED),
        ("A proposal", AllocationStatus.PROPOSED),
    }

    # An administrator who is also an officer withdraws what an officer may, no more.
    people["admin"].groups.add(Group.objects.get(name=Role.OFFICER.value))
    page = withdraw()
    assert f"Community Peer Mentors: {approved_by(decision.reference)}" in page
    assert "1 allocation(s) withdrawn." in page
    assert set(Allocation.objects.values_list("title", "status")) == {
        ("Community Peer Mentors", AllocationStatus.APPROVED),
        ("A proposal", AllocationStatus.WITHDRAWN),
    }


# 3. An allocation a signed record approved -----------------------------------------------


def test_an_officer_cannot_edit_an_allocation_a_signed_record_approved(
    client, officer, approved_by_record
):
    allocation, decision = approved_by_record
    client.force_login(officer)
    url = f"/funding/allocations/{allocation.pk}/edit/"

    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "funding_stream": allocation.funding_stream_id,
            "title": "Community Peer Mentors",
            "amount": "94,000",
            "recipient_name": "",
        },
    )

    assert response.status_code == 403
    assert approved_by(decision.reference) in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.allocation_update(allocation=allocation, by=officer, amount=Decimal("94000"))
    assert refused.value.messages == [approved_by(decision.reference)]
    allocation.refresh_from_db()
    decision.refresh_from_db()
    assert allocation.amount == Decimal("9400.00")
    assert not tampered(decision)


def test_an_officer_cannot_withdraw_an_allocation_a_signed_record_approved(
    client, officer, approved_by_record
):
    allocation, decision = approved_by_record
    client.force_login(officer)

    response = client.post(f"/funding/allocations/{allocation.pk}/withdraw/")

    assert response.status_code == 403
    assert approved_by(decision.reference) in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.allocation_withdraw(allocation=allocation, by=officer)
    assert refused.value.messages == [approved_by(decision.reference)]
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED


def test_the_signed_allocation_may_still_be_marked_contracted_and_given_its_agreement(
    client, officer, approved_by_record
):
    """Contracting records the signed agreement; it commits no new money."""
    allocation, decision = approved_by_record
    client.force_login(officer)
    response = client.post(f"/funding/allocations/{allocation.pk}/contract/")
    assert response.status_code == 302
    allocation.refresh_from_db()
    decision.refresh_from_db()
    assert allocation.status == AllocationStatus.CONTRACTED
    assert not tampered(decision)


def test_a_variation_replaces_the_allocation_and_its_approval_withdraws_the_old_one(
    client, draft, people, advance, approved_by_record
):
    old, first = approved_by_record
    officer = people["officer"]
    client.force_login(officer)
    page = client.get(f"/funding/allocations/{old.pk}/").content.decode()
    assert f'href="/funding/allocations/new/?replaces={old.pk}"' in page
    form = client.get(f"/funding/allocations/new/?replaces={old.pk}").context["form"]
    assert (form.initial["replaces"], form.initial["amount"]) == (old.pk, old.amount)

    response = client.post(
        "/funding/allocations/new/",
        {
            "funding_stream": old.funding_stream_id,
            "title": "Community Peer Mentors, extended",
            "amount": "12,000",
            "recipient_name": "",
            "replaces": old.pk,
        },
    )
    assert response.status_code == 302
    new = Allocation.objects.get(replaces=old)
    assert new.status == AllocationStatus.PROPOSED
    # Not approved directly: the change needs a record.
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=new, by=people["cfo"])
    assert refused.value.messages == [
        f"It replaces {old.reference}, which decision {first.reference} approved: a new "
        "decision record must approve the change."
    ]
    variation = decision_services.decision_create(
        by=officer,
        lead_officer=officer,
        title=f"Variation of {first.reference}: extending the peer mentors",
        executive_summary=f"Varies decision {first.reference}.",
        decision="Agree £12,000 in place of £9,400.",
        lines=[("Peer mentors", Decimal("12000"))],
        allocations=[new],
    )

    advance(variation, "approved")

    old.refresh_from_db()
    new.refresh_from_db()
    first.refresh_from_db()
    assert (old.status, new.status) == (AllocationStatus.WITHDRAWN, AllocationStatus.APPROVED)
    assert not tampered(first)
    withdrawal = change_history(old.history.all())[0]
    assert withdrawal.who == str(people["commissioner"])
    page = client.get(f"/funding/allocations/{old.pk}/").content.decode()
    assert f"{new.reference} Community Peer Mentors, extended</a> (approved" in page


# 4. Roles on every path ----------------------------------------------------------------------


def test_an_officer_cannot_approve_through_the_service_either(officer, stream):
    allocation = AllocationFactory(funding_stream=stream)
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=allocation, by=officer)
    assert refused.value.messages == [OFFICER_CANNOT_APPROVE]
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            by=officer,
            funding_stream=stream,
            title="Approved on creation",
            amount=Decimal("100"),
            status=AllocationStatus.APPROVED,
        )
    assert refused.value.message_dict == {"status": [OFFICER_CANNOT_APPROVE]}
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED
    assert Allocation.objects.count() == 1


def test_a_proposal_on_a_record_is_approved_by_that_record_not_directly(draft, people, stream):
    allocation = AllocationFactory(funding_stream=stream)
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=allocation, by=people["cfo"])
    assert refused.value.messages == [
        f"It is on decision draft “{draft.title}”: it is approved when that record is."
    ]


def test_nobody_takes_the_decision_mode_without_the_record_that_lists_it(draft, people, stream):
    allocation = AllocationFactory(funding_stream=stream)
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(
            allocation=allocation, by=people["commissioner"], decision=draft
        )
    assert refused.value.messages == ["It is not on the decision record being approved."]
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=allocation, by=people["officer"], decision=draft)
    assert refused.value.messages == [
        "Only the Chief Executive or Commissioner or Monitoring Officer can take a decision."
    ]


# Direct approval as the organisation settings delegate it ----------------------------------


def test_direct_approval_follows_the_settings_roles_and_limit(organisation, people, stream):
    organisation.delegated_approval_limit = Decimal("5000")
    organisation.save()
    at_the_limit = AllocationFactory(funding_stream=stream, amount=Decimal("5000"))
    over_it = AllocationFactory(funding_stream=stream, amount=Decimal("5000.01"))

    services.allocation_approve(allocation=at_the_limit, by=people["cfo"])
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=over_it, by=people["cfo"])
    assert refused.value.messages == [
        "£5,000.01 is more than the £5,000 that may be approved directly: a decision record "
        "must approve it."
    ]
    # The Commissioner decides on records; directly only where the settings say so.
    with pytest.raises(ValidationError, match="Only the Chief Finance Officer can approve"):
        services.allocation_approve(allocation=over_it, by=people["commissioner"])

    organisation.delegated_approval_roles = ["Commissioner"]
    organisation.delegated_approval_limit = None
    organisation.save()
    services.allocation_approve(allocation=over_it, by=people["commissioner"])

    organisation.delegated_approval_roles = []
    organisation.save()
    third = AllocationFactory(funding_stream=stream, amount=Decimal("1"))
    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=third, by=people["commissioner"])
    assert refused.value.messages == [
        "The organisation settings let nobody approve an allocation directly: a decision "
        "record approves it."
    ]
    assert sorted(Allocation.objects.values_list("amount", "status")) == [
        (Decimal("1.00"), AllocationStatus.PROPOSED),
        (Decimal("5000.00"), AllocationStatus.APPROVED),
        (Decimal("5000.01"), AllocationStatus.APPROVED),
    ]


def test_a_decision_approves_above_the_delegated_limit(
    organisation, draft, people, advance, stream
):
    organisation.delegated_approval_roles = []
    organisation.delegated_approval_limit = Decimal("1000")
    organisation.save()
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("9400"))
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    advance(draft, "approved")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED


def test_the_cfos_import_over_the_limit_is_refused_naming_the_row(
    client, organisation, people, stream
):
    organisation.delegated_approval_limit = Decimal("5000")
    organisation.save()
    client.force_login(people["cfo"])
    response = upload(
        client,
        HEADER + "2016/17,Community Safety Fund,Victim Support,Helpline,9400,approved,,,,,,,\n",
    )
    assert [
        (e["row"], e["column"], e["message"]) for e in response.context["result"]["errors"]
    ] == [
        (
            2,
            "status",
            "£9,400 is more than the £5,000 that may be approved directly: a decision "
            "record must approve it.",
        )
    ]


def test_a_record_awaiting_its_decision_holds_its_allocations(draft, people, advance, stream):
    allocation = AllocationFactory(funding_stream=stream)
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    decision = advance(draft, "awaiting_decision")
    held = (
        f"It is on decision {decision.reference}, which is awaiting decision: the record "
        "must be returned for changes first."
    )
    for attempt in (
        lambda: services.allocation_update(
            allocation=allocation, by=people["officer"], amount=Decimal("2")
        ),
        lambda: services.allocation_withdraw(allocation=allocation, by=people["officer"]),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [held]
    # What the signatures do not vouch for still changes.
    services.allocation_update(allocation=allocation, by=people["officer"], comments="Noted.")
    assert not tampered(decision)


def test_a_proposal_the_record_refused_may_be_withdrawn_but_not_edited(
    draft, people, advance, stream, password
):
    allocation = AllocationFactory(funding_stream=stream)
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    decision = advance(draft, "awaiting_decision")
    decision = decision_services.decision_transition(
        decision=decision,
        by=people["commissioner"],
        action="reject",
        password=password,
        code=signing_code(people["commissioner"]),
        comment="Not this year.",
    )
    with pytest.raises(ValidationError, match=f"Decision {decision.reference} refused it"):
        services.allocation_update(allocation=allocation, by=people["officer"], title="Other")
    services.allocation_withdraw(allocation=allocation, by=people["officer"])
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.WITHDRAWN
    assert not tampered(decision)
