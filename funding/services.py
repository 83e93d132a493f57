"""Every write to funding streams and allocations, each inside one transaction, under
the budget rule (``budget``) and, for allocation statuses, the workflow table
(``workflow``)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from commissioning.models import Provider
from pcc_grants.money import format_money
from pcc_grants.records import find_or_create
from pcc_grants.roles import Role, has_role
from pcc_grants.transitions import ONLINE, Attempt

from . import workflow
from .budget import (
    ZERO,
    check_budget,
    children_available,
    ensure_open,
    lock_streams,
    stream_committed,
)
from .models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingSource,
    FundingStream,
    PlanTheme,
)

BUDGET_BELOW_COMMITTED = (
    "{stream} already has {committed} committed, more than the {ceiling} this would allow."
)
CHILDREN_EXCEED_PARENT = (
    "The sub-streams of {parent} would get {children}, more than its {available} available "
    "by {shortfall}."
)
PARENT_OTHER_YEAR = "The parent stream must be in the same financial year."
PARENT_IS_SELF = "A stream cannot be split from itself or from one of its own sub-streams."
PREVIOUS_NOT_EARLIER = "Last year's stream must be in the year before."
TOLERANCE_CFO_ONLY = "Only the Chief Finance Officer can set the over-allocation tolerance."
PERIOD_OUTSIDE_YEAR = "The period must fall within the financial year {year} ({start} to {end})."
PERIOD_BACKWARDS = "The period must end on or after the day it starts."
APPROVED_IN_THE_FUTURE = "Enter a day that has passed, or today: it cannot be approved on {day}."
STATUS_CHANGE_BY_ACTION = "Change the status with the approve, contract or withdraw actions."
NOT_A_STATUS = "Not an allocation status: {status}."

STREAM_FIELDS = (
    "name",
    "source",
    "budget",
    "carried_forward",
    "ring_fenced",
    "crime_and_disorder_reduction",
    "over_allocation_tolerance_percent",
    "parent",
    "previous",
    "description",
)
ALLOCATION_FIELDS = (
    "agreement",
    "decision",
    "recipient",
    "title",
    "description",
    "amount",
    "period_start",
    "period_end",
    "indicative",
    "replaces",
    "theme",
    "route",
    "decision_reference",
    "comments",
    "beneficiary_area_name",
    "beneficiary_area_code",
    "conditions",
    "purpose",
    "crime_reduction_reasons",
    "approved_on",
)
# What a record's signatures do not vouch for, so it may change while the record that
# lists the allocation holds the rest (``workflow.held_by_its_record``): the agreement
# that delivers it, the office's comments, and where it benefits (open data, which an
# office may complete for grants it published before it recorded places).
FIELDS_A_RECORD_DOES_NOT_HOLD = frozenset(
    {"agreement", "comments", "beneficiary_area_name", "beneficiary_area_code"}
)


# Financial years, sources and themes ------------------------------------------------


def financial_year_get_or_create(*, start_year: int) -> FinancialYear:
    return find_or_create(
        lambda: FinancialYear.objects.filter(start_year=start_year).first(),
        lambda: FinancialYear.objects.create(start_year=start_year),
    )


@transaction.atomic
def financial_year_close(*, year: FinancialYear, by) -> FinancialYear:
    year = FinancialYear.objects.select_for_update().get(pk=year.pk)
    year.is_closed = True
    year.save(update_fields=["is_closed"])
    return year


financial_year_close.alters_data = True


def funding_source_get_or_create(*, name: str) -> FundingSource:
    name = name.strip()
    return find_or_create(
        lambda: FundingSource.objects.filter(name__iexact=name).first(),
        lambda: FundingSource.objects.create(name=name),
    )


def plan_theme_get_or_create(*, name: str) -> PlanTheme:
    name = name.strip()
    return find_or_create(
        lambda: PlanTheme.objects.filter(name__iexact=name).first(),
        lambda: PlanTheme.objects.create(name=name),
    )


# Funding streams ---------------------------------------------------------------------


def _validate_stream(stream: FundingStream, *, by, tolerance_before: Decimal | None) -> None:
    errors: dict[str, list[str]] = {}
    if stream.over_allocation_tolerance_percent != (tolerance_before or ZERO) and not (
        by is None or has_role(by, Role.CHIEF_FINANCE_OFFICER)
    ):
        errors.setdefault("over_allocation_tolerance_percent", []).append(TOLERANCE_CFO_ONLY)
    if stream.parent_id:
        parent = stream.parent
        if parent.financial_year_id != stream.financial_year_id:
            errors.setdefault("parent", []).append(PARENT_OTHER_YEAR)
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if stream.pk and ancestor.pk == stream.pk:
                errors.setdefault("parent", []).append(PARENT_IS_SELF)
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    if stream.previous_id and (
        stream.previous.financial_year.start_year != stream.financial_year.start_year - 1
    ):
        errors.setdefault("previous", []).append(PREVIOUS_NOT_EARLIER)
    if errors:
        raise ValidationError(errors)
    stream.full_clean()


def _check_stream_fits(stream: FundingStream) -> None:
    """The stream still covers what it has committed, and fits in its parent."""
    if stream.pk:
        committed = stream_committed(stream)
        if committed > stream.ceiling:
            raise ValidationError(
                {
                    "budget": BUDGET_BELOW_COMMITTED.format(
                        stream=stream.name,
                        committed=format_money(committed),
                        ceiling=format_money(stream.ceiling),
                    )
                },
                code="budget_below_committed",
            )
    if stream.parent_id:
        parent = stream.parent
        parent_own = (
            parent.allocations.filter(status__in=COMMITTED_STATUSES).aggregate(t=Sum("amount"))[
                "t"
            ]
            or ZERO
        )
        children = children_available(parent, excluding_pk=stream.pk) + stream.available
        if children + parent_own > parent.available:
            raise ValidationError(
                {
                    "budget": CHILDREN_EXCEED_PARENT.format(
                        parent=parent.name,
                        children=format_money(children + parent_own),
                        available=format_money(parent.available),
                        shortfall=format_money(children + parent_own - parent.available),
                    )
                },
                code="children_exceed_parent",
            )


@transaction.atomic
def funding_stream_create(
    *,
    by,
    financial_year: FinancialYear,
    name: str,
    source: FundingSource | None = None,
    budget: Decimal | None = None,
    carried_forward: Decimal = ZERO,
    ring_fenced: bool = False,
    crime_and_disorder_reduction: bool = False,
    over_allocation_tolerance_percent: Decimal = ZERO,
    parent: FundingStream | None = None,
    previous: FundingStream | None = None,
    description: str = "",
) -> FundingStream:
    year = FinancialYear.objects.select_for_update().get(pk=financial_year.pk)
    ensure_open(year)
    if parent is not None:
        parent = lock_streams(parent.pk)[parent.pk]
    stream = FundingStream(
        financial_year=year,
        name=name.strip(),
        source=source,
        budget=budget,
        carried_forward=carried_forward if carried_forward is not None else ZERO,
        ring_fenced=ring_fenced,
        crime_and_disorder_reduction=crime_and_disorder_reduction,
        over_allocation_tolerance_percent=over_allocation_tolerance_percent or ZERO,
        parent=parent,
        previous=previous,
        description=description,
    )
    _validate_stream(stream, by=by, tolerance_before=None)
    _check_stream_fits(stream)
    stream._history_user = by
    stream.save()
    return stream


funding_stream_create.alters_data = True


@transaction.atomic
def funding_stream_update(*, stream: FundingStream, by, **changes) -> FundingStream:
    unknown = set(changes) - set(STREAM_FIELDS)
    if unknown:
        raise TypeError(f"Not a funding stream field: {', '.join(sorted(unknown))}")
    locked = lock_streams(stream.pk, changes.get("parent") and changes["parent"].pk)
    stream = locked[stream.pk]
    ensure_open(stream.financial_year)
    tolerance_before = stream.over_allocation_tolerance_percent
    for field, value in changes.items():
        setattr(stream, field, value)
    if stream.carried_forward is None:
        stream.carried_forward = ZERO
    _validate_stream(stream, by=by, tolerance_before=tolerance_before)
    _check_stream_fits(stream)
    stream._history_user = by
    stream.save()
    return stream


funding_stream_update.alters_data = True


# Allocations -------------------------------------------------------------------------


def _validate_period(allocation: Allocation, year: FinancialYear) -> None:
    if allocation.period_start is None:
        allocation.period_start = year.starts_on
    if allocation.period_end is None:
        allocation.period_end = year.ends_on
    if allocation.period_end < allocation.period_start:
        raise ValidationError({"period_end": PERIOD_BACKWARDS})
    if allocation.period_start < year.starts_on or allocation.period_end > year.ends_on:
        message = PERIOD_OUTSIDE_YEAR.format(
            year=year.label,
            start=date_format(year.starts_on, "j F Y"),
            end=date_format(year.ends_on, "j F Y"),
        )
        field = "period_start" if allocation.period_start < year.starts_on else "period_end"
        raise ValidationError({field: message})


def _validate_approval_day(allocation: Allocation) -> None:
    today = timezone.localdate()
    if allocation.approved_on is not None and allocation.approved_on > today:
        day = date_format(allocation.approved_on, "j F Y")
        raise ValidationError({"approved_on": APPROVED_IN_THE_FUTURE.format(day=day)})


@transaction.atomic
def allocation_create(
    *,
    by,
    funding_stream: FundingStream,
    title: str,
    amount: Decimal,
    recipient: Provider | None = None,
    status: str = AllocationStatus.PROPOSED,
    description: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    indicative: bool = False,
    replaces: Allocation | None = None,
    theme: PlanTheme | None = None,
    route: str = "",
    decision_reference: str = "",
    comments: str = "",
    beneficiary_area_name: str = "",
    beneficiary_area_code: str = "",
    conditions: str = "",
    purpose: str = "",
    crime_reduction_reasons: str = "",
    approved_on: date | None = None,
) -> Allocation:
    """Create an allocation. One in another status than proposed is recorded proposed
    and then taken there through the status table, as ``by``: an approved or
    contracted one must be approvable by them (a direct approval the organisation
    settings allow) and pass the budget rule, and ``approved_on`` (a decision made
    outside the system) is the day it was approved. A refusal names the ``status``."""
    if status not in workflow.STEPS_TO:
        raise ValidationError({"status": NOT_A_STATUS.format(status=status)})
    stream = lock_streams(funding_stream.pk)[funding_stream.pk]
    ensure_open(stream.financial_year)
    allocation = Allocation(
        funding_stream=stream,
        recipient=recipient,
        title=title.strip(),
        description=description,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        indicative=indicative,
        status=AllocationStatus.PROPOSED,
        replaces=replaces,
        theme=theme,
        route=route or "",
        decision_reference=decision_reference,
        comments=comments,
        beneficiary_area_name=beneficiary_area_name,
        beneficiary_area_code=beneficiary_area_code,
        conditions=conditions,
        purpose=purpose,
        crime_reduction_reasons=crime_reduction_reasons,
        approved_on=approved_on,
    )
    _validate_period(allocation, stream.financial_year)
    _validate_approval_day(allocation)
    allocation.full_clean()
    allocation._history_user = by
    allocation.save()
    for step in workflow.STEPS_TO[status]:
        attempt = Attempt(by=by, given={"stream": stream})
        try:
            workflow.ALLOCATIONS.perform(step, allocation, attempt)
        except ValidationError as error:
            if error.code == "not_allowed":
                raise ValidationError({"status": error.messages}, code="not_allowed") from error
            raise
    return allocation


allocation_create.alters_data = True


@transaction.atomic
def allocation_update(*, allocation: Allocation, by, **changes) -> Allocation:
    """Change an allocation's details; a committed one is re-checked against the budget.
    While a submitted or signed record lists it, only what the record does not hold
    may change (``FIELDS_A_RECORD_DOES_NOT_HOLD``)."""
    if "status" in changes:
        raise ValidationError({"status": STATUS_CHANGE_BY_ACTION})
    unknown = set(changes) - set(ALLOCATION_FIELDS) - {"funding_stream"}
    if unknown:
        raise TypeError(f"Not an allocation field: {', '.join(sorted(unknown))}")
    new_stream = changes.get("funding_stream")
    locked = lock_streams(allocation.funding_stream_id, new_stream and new_stream.pk)
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("decision")
        .get(pk=allocation.pk)
    )
    ensure_open(locked[allocation.funding_stream_id].financial_year)
    held = workflow.held_by_its_record(allocation)
    for field, value in changes.items():
        if (
            held
            and field not in FIELDS_A_RECORD_DOES_NOT_HOLD
            and _differs(allocation, field, value)
        ):
            raise ValidationError(held, code="held_by_record")
        setattr(allocation, field, value)
    stream = locked[allocation.funding_stream_id]
    allocation.funding_stream = stream
    ensure_open(stream.financial_year)
    _validate_period(allocation, stream.financial_year)
    _validate_approval_day(allocation)
    allocation.full_clean()
    if allocation.is_committed:
        committed = stream_committed(stream, excluding=allocation) + allocation.amount
        check_budget(stream, committed=committed)
    allocation._history_user = by
    allocation.save()
    return allocation


allocation_update.alters_data = True


def _differs(allocation: Allocation, field: str, value) -> bool:
    if field in ("funding_stream", "recipient", "theme", "agreement", "decision", "replaces"):
        return getattr(allocation, f"{field}_id") != (value.pk if value is not None else None)
    return getattr(allocation, field) != value


def _perform(
    transition, allocation: Allocation, *, by, decision=None, approved_on: date | None = None
) -> Allocation:
    """Take one status step of the table as ``by``, with the stream and then the
    allocation locked: the table asks their roles and its conditions. With
    ``decision``, the step is taken in the table's ``BY_DECISION`` mode, as the
    effect of that record's approval; without, online."""
    stream = lock_streams(allocation.funding_stream_id)[allocation.funding_stream_id]
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("funding_stream__financial_year", "decision", "replaces__decision")
        .get(pk=allocation.pk)
    )
    allocation._history_user = by
    attempt = Attempt(
        by=by,
        mode=ONLINE if decision is None else workflow.BY_DECISION,
        given={"stream": stream, "decision": decision, "approved_on": approved_on},
    )
    return workflow.ALLOCATIONS.perform(transition, allocation, attempt)


@transaction.atomic
def allocation_approve(
    *, allocation: Allocation, by, decision=None, approved_on: date | None = None
) -> Allocation:
    """Approve a proposed allocation under the budget rule, with the stream locked:
    by ``decision``, the record being approved that lists it, on its day
    (``approved_on``); or, without one, directly, as far as the organisation settings
    delegate it to ``by``'s roles."""
    return _perform(
        workflow.APPROVE, allocation, by=by, decision=decision, approved_on=approved_on
    )


allocation_approve.alters_data = True


@transaction.atomic
def allocation_mark_contracted(*, allocation: Allocation, by) -> Allocation:
    return _perform(workflow.CONTRACT, allocation, by=by)


allocation_mark_contracted.alters_data = True


@transaction.atomic
def allocation_withdraw(*, allocation: Allocation, by, decision=None) -> Allocation:
    """Withdraw an allocation: online, unless a record holds it; by ``decision``, the
    record being approved that lists an allocation replacing it (a variation)."""
    return _perform(workflow.WITHDRAW, allocation, by=by, decision=decision)


allocation_withdraw.alters_data = True
