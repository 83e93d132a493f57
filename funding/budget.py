"""The budget rule (DESIGN §2): the approved and contracted allocations of a stream,
plus the budgets handed to its sub-streams, never exceed
(budget + carried forward) × (1 + tolerance). It is checked with the stream's row
locked (``select_for_update``), so two people approving at once cannot overspend.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum

from pcc_grants.money import format_money

from .models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingStream,
)

ZERO = Decimal("0.00")

YEAR_CLOSED = "{year} is closed: its funding streams and allocations can no longer change."
BUDGET_EXCEEDED = (
    "{stream} cannot commit {total}: it allows {ceiling}{tbd}, so this is {shortfall} too much."
)
BUDGET_TBD = " (its budget is still to be determined)"


def ensure_open(year: FinancialYear) -> None:
    if year.is_closed:
        raise ValidationError(YEAR_CLOSED.format(year=year.label), code="year_closed")


def lock_streams(*pks: int | None) -> dict[int, FundingStream]:
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
    return committed + children_available(stream)


def children_available(stream: FundingStream, *, excluding_pk: int | None = None) -> Decimal:
    children = stream.children.exclude(pk=excluding_pk) if excluding_pk else stream.children
    totals = children.aggregate(budget=Sum("budget"), carried=Sum("carried_forward"))
    return (totals["budget"] or ZERO) + (totals["carried"] or ZERO)


PROPOSED_OVER = (
    "If every proposed allocation of {stream} were approved, it would commit {total}: "
    "{over} more than the {ceiling} it allows{tbd}. Approval will be refused unless the "
    "amounts or the budget change."
)


def proposed_overspend(stream: FundingStream) -> str:
    """A warning, at entry, when what the stream has committed and proposed together
    is more than it allows; empty when it is not. Nothing is refused: a proposal may
    be one of several to choose between, and approval applies the rule."""
    proposed = (
        stream.allocations.filter(status=AllocationStatus.PROPOSED).aggregate(total=Sum("amount"))[
            "total"
        ]
        or ZERO
    )
    total = stream_committed(stream) + proposed
    ceiling = stream.ceiling
    if total <= ceiling:
        return ""
    return PROPOSED_OVER.format(
        stream=stream.name,
        total=format_money(total),
        over=format_money(total - ceiling),
        ceiling=format_money(ceiling),
        tbd=BUDGET_TBD if stream.budget_to_be_determined else "",
    )


def check_budget(stream: FundingStream, *, committed: Decimal) -> None:
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
