from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.models import Allocation, AllocationStatus, FundingStream
from funding.selectors import stream_position
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cfo(make_user):
    return make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo")


def test_approving_up_to_budget_plus_ten_percent_tolerance_succeeds_with_a_warning(cfo):
    stream = FundingStreamFactory(
        budget=Decimal("300000"), over_allocation_tolerance_percent=Decimal("10")
    )
    AllocationFactory(funding_stream=stream, amount=Decimal("300000"), approved=True)
    extra = AllocationFactory(funding_stream=stream, amount=Decimal("30000"))

    services.allocation_approve(allocation=extra, by=cfo)

    extra.refresh_from_db()
    assert extra.status == AllocationStatus.APPROVED
    position, _ = stream_position(stream=stream)
    assert position.approved == Decimal("330000.00")
    assert position.over_budget
    assert position.warnings[0] == "Over budget by £30,000, within the 10% tolerance."


def test_one_penny_beyond_the_tolerance_is_refused_naming_stream_and_shortfall(cfo):
    stream = FundingStreamFactory(
        name="Victims' Services",
        budget=Decimal("300000"),
        over_allocation_tolerance_percent=Decimal("10"),
    )
    AllocationFactory(funding_stream=stream, amount=Decimal("330000"), approved=True)
    penny = AllocationFactory(funding_stream=stream, amount=Decimal("0.01"))

    with pytest.raises(ValidationError) as refused:
        services.allocation_approve(allocation=penny, by=cfo)

    assert refused.value.messages == [
        "Victims' Services cannot commit £330,000.01: it allows £330,000, "
        "so this is £0.01 too much."
    ]
    penny.refresh_from_db()
    assert penny.status == AllocationStatus.PROPOSED


def test_carried_forward_money_adds_to_what_can_be_approved(cfo):
    stream = FundingStreamFactory(budget=Decimal("473395"), carried_forward=Decimal("27150"))
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("500545"))
    services.allocation_approve(allocation=allocation, by=cfo)
    assert Allocation.objects.get(pk=allocation.pk).status == AllocationStatus.APPROVED


def test_proposed_allocations_may_exceed_the_budget_and_say_so():
    stream = FundingStreamFactory(budget=Decimal("1000"))
    services.allocation_create(
        by=None, funding_stream=stream, title="Ambitious", amount=Decimal("5000")
    )
    position, _ = stream_position(stream=stream)
    assert position.proposed == Decimal("5000.00")
    assert "would be £4,000 over what it allows" in position.warnings[0]


def test_a_budget_to_be_determined_allows_no_approval_until_it_is_set(cfo):
    stream = FundingStreamFactory(name="Community Safety Fund", budget=None)
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("100"))
    with pytest.raises(ValidationError, match="its budget is still to be determined"):
        services.allocation_approve(allocation=allocation, by=cfo)


def test_creating_an_approved_allocation_passes_the_same_rule(cfo):
    stream = FundingStreamFactory(budget=Decimal("1000"))
    with pytest.raises(ValidationError, match="£1 too much"):
        services.allocation_create(
            by=cfo,
            funding_stream=stream,
            title="Too big",
            amount=Decimal("1001"),
            status=AllocationStatus.APPROVED,
        )
    assert not Allocation.objects.exists()


def test_raising_an_approved_amount_is_checked_against_the_budget(officer):
    stream = FundingStreamFactory(budget=Decimal("1000"))
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("900"), approved=True)
    with pytest.raises(ValidationError, match="£200 too much"):
        services.allocation_update(allocation=allocation, by=officer, amount=Decimal("1200"))
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("900.00")


def test_cutting_a_budget_below_what_is_committed_is_refused(officer):
    stream = FundingStreamFactory(name="Restorative Justice", budget=Decimal("140000"))
    AllocationFactory(funding_stream=stream, amount=Decimal("100000"), approved=True)
    with pytest.raises(ValidationError) as refused:
        services.funding_stream_update(stream=stream, by=officer, budget=Decimal("90000"))
    assert refused.value.message_dict["budget"] == [
        "Restorative Justice already has £100,000 committed, more than the £90,000 this "
        "would allow."
    ]
    stream.refresh_from_db()
    assert stream.budget == Decimal("140000.00")


def test_sub_streams_never_exceed_their_parent(officer):
    year = FinancialYearFactory(start_year=2015)
    parent = services.funding_stream_create(
        by=officer, financial_year=year, name="Community Safety Grant", budget=Decimal("606550")
    )
    services.funding_stream_create(
        by=officer,
        financial_year=year,
        name="Safe Durham Partnership",
        budget=Decimal("473395"),
        parent=parent,
    )
    with pytest.raises(ValidationError) as refused:
        services.funding_stream_create(
            by=officer,
            financial_year=year,
            name="Darlington CSP",
            budget=Decimal("133156"),
            parent=parent,
        )
    assert refused.value.message_dict["budget"] == [
        "The sub-streams of Community Safety Grant would get £606,551, more than its "
        "£606,550 available by £1."
    ]
    assert FundingStream.objects.count() == 2


def test_money_given_to_sub_streams_counts_as_committed_in_the_parent(cfo):
    parent = FundingStreamFactory(budget=Decimal("1000"))
    FundingStreamFactory(
        financial_year=parent.financial_year, parent=parent, budget=Decimal("800")
    )
    allocation = AllocationFactory(funding_stream=parent, amount=Decimal("300"))
    with pytest.raises(ValidationError, match="cannot commit £1,100"):
        services.allocation_approve(allocation=allocation, by=cfo)


def test_a_closed_year_refuses_every_change(officer, cfo):
    stream = FundingStreamFactory(financial_year=FinancialYearFactory(start_year=2013))
    allocation = AllocationFactory(funding_stream=stream)
    services.financial_year_close(year=stream.financial_year, by=officer)
    closed = "2013/14 is closed: its funding streams and allocations can no longer change."
    for attempt in (
        lambda: services.allocation_approve(allocation=allocation, by=cfo),
        lambda: services.allocation_update(allocation=allocation, by=officer, title="New"),
        lambda: services.funding_stream_update(stream=stream, by=officer, name="Renamed"),
        lambda: services.allocation_create(
            by=officer, funding_stream=stream, title="Late", amount=Decimal("1")
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [closed]
    allocation.refresh_from_db()
    assert (allocation.status, allocation.title) == ("proposed", allocation.title)


def test_only_the_chief_finance_officer_sets_the_tolerance(officer, cfo):
    stream = FundingStreamFactory()
    with pytest.raises(ValidationError) as refused:
        services.funding_stream_update(
            stream=stream, by=officer, over_allocation_tolerance_percent=Decimal("10")
        )
    assert refused.value.message_dict["over_allocation_tolerance_percent"] == [
        "Only the Chief Finance Officer can set the over-allocation tolerance."
    ]
    services.funding_stream_update(
        stream=stream, by=cfo, over_allocation_tolerance_percent=Decimal("10")
    )
    stream.refresh_from_db()
    assert stream.over_allocation_tolerance_percent == Decimal("10.00")


def test_a_part_year_period_must_fall_within_the_financial_year():
    stream = FundingStreamFactory(financial_year=FinancialYearFactory(start_year=2013))
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            by=None,
            funding_stream=stream,
            title="Six months",
            amount=Decimal("52880"),
            period_start=stream.financial_year.starts_on,
            period_end=stream.financial_year.ends_on.replace(year=2014, month=4, day=30),
        )
    assert refused.value.message_dict["period_end"] == [
        "The period must fall within the financial year 2013/14 (1 April 2013 to 31 March 2014)."
    ]


def test_a_part_year_allocation_keeps_its_period():
    stream = FundingStreamFactory(financial_year=FinancialYearFactory(start_year=2013))
    allocation = services.allocation_create(
        by=None,
        funding_stream=stream,
        title="Apr–Sep",
        amount=Decimal("52880"),
        period_end=stream.financial_year.starts_on.replace(month=9, day=30),
    )
    assert (allocation.period_start.isoformat(), allocation.period_end.isoformat()) == (
        "2013-04-01",
        "2013-09-30",
    )


def test_status_changes_only_through_the_actions(officer):
    allocation = AllocationFactory()
    with pytest.raises(ValidationError, match="approve, contract or withdraw"):
        services.allocation_update(allocation=allocation, by=officer, status="approved")
    services.allocation_withdraw(allocation=allocation, by=officer)
    with pytest.raises(ValidationError, match="Only a proposed allocation can be approved"):
        services.allocation_approve(allocation=allocation, by=officer)


def test_changes_are_recorded_with_who_and_which_field(officer):
    from pcc_grants.history import change_history

    stream = FundingStreamFactory(budget=Decimal("1000"))
    allocation = services.allocation_create(
        by=officer, funding_stream=stream, title="Mentors", amount=Decimal("9400")
    )
    services.allocation_update(allocation=allocation, by=officer, amount=Decimal("9500"))

    latest, created = change_history(allocation.history.all())
    assert latest.who == "Charles Oakley"
    assert latest.action == "Changed"
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("amount", "£9,400", "£9,500")]
    assert created.action == "Created"
