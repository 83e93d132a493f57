"""Every write to funding streams and allocations, each inside one transaction.

The budget rule (DESIGN §2): the approved and contracted allocations of a stream,
plus the budgets handed to its sub-streams, never exceed
(budget + carried forward) × (1 + tolerance). It is checked with the stream's row
locked (``select_for_update``), so two people approving at once cannot overspend.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from commissioning.models import Provider
from pcc_grants.money import format_money
from pcc_grants.roles import Role, has_role

from .models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingSource,
    FundingStream,
    PlanTheme,
)

ZERO = Decimal("0.00")

YEAR_CLOSED = "{year} is closed: its funding streams and allocations can no longer change."
BUDGET_EXCEEDED = (
    "{stream} cannot commit {total}: it allows {ceiling}{tbd}, so this is {shortfall} too much."
)
BUDGET_TBD = " (its budget is still to be determined)"
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
ONLY_PROPOSED_CAN_BE_APPROVED = "Only a proposed allocation can be approved; this one is {status}."
ONLY_APPROVED_CAN_BE_CONTRACTED = (
    "Only an approved allocation can be marked contracted; this one is {status}."
)
ALREADY_WITHDRAWN = "This allocation is already withdrawn."
STATUS_CHANGE_BY_ACTION = "Change the status with the approve, contract or withdraw actions."

STREAM_FIELDS = (
    "name",
    "source",
    "budget",
    "carried_forward",
    "ring_fenced",
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
)


def _ensure_open(year: FinancialYear) -> None:
    if year.is_closed:
        raise ValidationError(YEAR_CLOSED.format(year=year.label), code="year_closed")


def _lock_streams(*pks: int | None) -> dict[int, FundingStream]:
    """Lock stream rows, always in primary-key order so that two locks never deadlock."""
    wanted = sorted({pk for pk in pks if pk})
    locked = (
        FundingStream.objects.select_for_update()
        .select_related("financial_year")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    return {stream.pk: stream for stream in locked}


def stream_committed(stream: FundingStream, *, excluding: Allocation | None = None) -> Decimal:
    """Approved and contracted allocations plus what the sub-streams were given."""
    allocations = stream.allocations.filter(status__in=COMMITTED_STATUSES)
    if excluding is not None and excluding.pk:
        allocations = allocations.exclude(pk=excluding.pk)
    committed = allocations.aggregate(total=Sum("amount"))["total"] or ZERO
    return committed + _children_available(stream)


def _children_available(stream: FundingStream, *, excluding_pk: int | None = None) -> Decimal:
    children = stream.children.exclude(pk=excluding_pk) if excluding_pk else stream.children
    totals = children.aggregate(budget=Sum("budget"), carried=Sum("carried_forward"))
    return (totals["budget"] or ZERO) + (totals["carried"] or ZERO)


def _check_budget(stream: FundingStream, *, committed: Decimal) -> None:
    ceiling = stream.ceiling
    if committed > ceiling:
        raise ValidationError(
            BUDGET_EXCEEDED.format(
                stream=stream.name,
                total=format_money(committed),
                ceiling=format_money(ceiling),
                tbd=BUDGET_TBD if stream.budget_to_be_determined else "",
                shortfall=format_money(committed - ceiling),
            ),
            code="budget_exceeded",
        )


# Financial years, sources and themes ------------------------------------------------


def financial_year_get_or_create(*, start_year: int) -> FinancialYear:
    year, _ = FinancialYear.objects.get_or_create(start_year=start_year)
    return year


@transaction.atomic
def financial_year_close(*, year: FinancialYear, by) -> FinancialYear:
    year = FinancialYear.objects.select_for_update().get(pk=year.pk)
    year.is_closed = True
    year.save(update_fields=["is_closed"])
    return year


financial_year_close.alters_data = True


def funding_source_get_or_create(*, name: str) -> FundingSource:
    existing = FundingSource.objects.filter(name__iexact=name.strip()).first()
    return existing or FundingSource.objects.create(name=name.strip())


def plan_theme_get_or_create(*, name: str) -> PlanTheme:
    existing = PlanTheme.objects.filter(name__iexact=name.strip()).first()
    return existing or PlanTheme.objects.create(name=name.strip())


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
        children = _children_available(parent, excluding_pk=stream.pk) + stream.available
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
    over_allocation_tolerance_percent: Decimal = ZERO,
    parent: FundingStream | None = None,
    previous: FundingStream | None = None,
    description: str = "",
) -> FundingStream:
    year = FinancialYear.objects.select_for_update().get(pk=financial_year.pk)
    _ensure_open(year)
    if parent is not None:
        parent = _lock_streams(parent.pk)[parent.pk]
    stream = FundingStream(
        financial_year=year,
        name=name.strip(),
        source=source,
        budget=budget,
        carried_forward=carried_forward if carried_forward is not None else ZERO,
        ring_fenced=ring_fenced,
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
    locked = _lock_streams(stream.pk, changes.get("parent") and changes["parent"].pk)
    stream = locked[stream.pk]
    _ensure_open(stream.financial_year)
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
            start=f"{year.starts_on:%d/%m/%Y}",
            end=f"{year.ends_on:%d/%m/%Y}",
        )
        field = "period_start" if allocation.period_start < year.starts_on else "period_end"
        raise ValidationError({field: message})


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
) -> Allocation:
    """Create an allocation; an approved or contracted one must pass the budget rule."""
    stream = _lock_streams(funding_stream.pk)[funding_stream.pk]
    _ensure_open(stream.financial_year)
    allocation = Allocation(
        funding_stream=stream,
        recipient=recipient,
        title=title.strip(),
        description=description,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        indicative=indicative,
        status=status,
        replaces=replaces,
        theme=theme,
        route=route or "",
        decision_reference=decision_reference,
        comments=comments,
    )
    _validate_period(allocation, stream.financial_year)
    allocation.full_clean()
    if allocation.is_committed:
        _check_budget(stream, committed=stream_committed(stream) + allocation.amount)
    allocation._history_user = by
    allocation.save()
    return allocation


allocation_create.alters_data = True


@transaction.atomic
def allocation_update(*, allocation: Allocation, by, **changes) -> Allocation:
    """Change an allocation's details; a committed one is re-checked against the budget."""
    if "status" in changes:
        raise ValidationError({"status": STATUS_CHANGE_BY_ACTION})
    unknown = set(changes) - set(ALLOCATION_FIELDS) - {"funding_stream"}
    if unknown:
        raise TypeError(f"Not an allocation field: {', '.join(sorted(unknown))}")
    new_stream = changes.get("funding_stream")
    locked = _lock_streams(allocation.funding_stream_id, new_stream and new_stream.pk)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _ensure_open(locked[allocation.funding_stream_id].financial_year)
    for field, value in changes.items():
        setattr(allocation, field, value)
    stream = locked[allocation.funding_stream_id]
    allocation.funding_stream = stream
    _ensure_open(stream.financial_year)
    _validate_period(allocation, stream.financial_year)
    allocation.full_clean()
    if allocation.is_committed:
        committed = stream_committed(stream, excluding=allocation) + allocation.amount
        _check_budget(stream, committed=committed)
    allocation._history_user = by
    allocation.save()
    return allocation


allocation_update.alters_data = True


def _transition(allocation: Allocation, *, by, to: str, allowed_from: tuple, message: str):
    stream = _lock_streams(allocation.funding_stream_id)[allocation.funding_stream_id]
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _ensure_open(stream.financial_year)
    if allocation.status not in allowed_from:
        raise ValidationError(
            message.format(status=allocation.get_status_display().lower()), code="invalid_status"
        )
    return stream, allocation


@transaction.atomic
def allocation_approve(*, allocation: Allocation, by) -> Allocation:
    """Approve a proposed allocation under the budget rule, with the stream locked."""
    stream, allocation = _transition(
        allocation,
        by=by,
        to=AllocationStatus.APPROVED,
        allowed_from=(AllocationStatus.PROPOSED,),
        message=ONLY_PROPOSED_CAN_BE_APPROVED,
    )
    _check_budget(stream, committed=stream_committed(stream) + allocation.amount)
    allocation.status = AllocationStatus.APPROVED
    allocation._history_user = by
    allocation.save(update_fields=["status", "updated_at"])
    return allocation


allocation_approve.alters_data = True


@transaction.atomic
def allocation_mark_contracted(*, allocation: Allocation, by) -> Allocation:
    _, allocation = _transition(
        allocation,
        by=by,
        to=AllocationStatus.CONTRACTED,
        allowed_from=(AllocationStatus.APPROVED,),
        message=ONLY_APPROVED_CAN_BE_CONTRACTED,
    )
    allocation.status = AllocationStatus.CONTRACTED
    allocation._history_user = by
    allocation.save(update_fields=["status", "updated_at"])
    return allocation


allocation_mark_contracted.alters_data = True


@transaction.atomic
def allocation_withdraw(*, allocation: Allocation, by) -> Allocation:
    _, allocation = _transition(
        allocation,
        by=by,
        to=AllocationStatus.WITHDRAWN,
        allowed_from=(
            AllocationStatus.PROPOSED,
            AllocationStatus.APPROVED,
            AllocationStatus.CONTRACTED,
        ),
        message=ALREADY_WITHDRAWN,
    )
    allocation.status = AllocationStatus.WITHDRAWN
    allocation._history_user = by
    allocation.save(update_fields=["status", "updated_at"])
    return allocation


allocation_withdraw.alters_data = True
