"""Reads with logic: the funding position is computed here and only here."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone

from pcc_grants.money import format_money

from .models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingStream,
)

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


@dataclass
class StreamPosition:
    stream: FundingStream
    approved: Decimal  # approved and contracted allocations
    proposed: Decimal
    given_to_sub_streams: Decimal = ZERO
    depth: int = 0

    @property
    def budget(self) -> Decimal | None:
        return self.stream.budget

    @property
    def carried_forward(self) -> Decimal:
        return self.stream.carried_forward

    @property
    def available(self) -> Decimal:
        return self.stream.available

    @property
    def committed(self) -> Decimal:
        return self.approved + self.given_to_sub_streams

    @property
    def remaining(self) -> Decimal:
        return self.available - self.committed

    @property
    def percent_committed(self) -> Decimal | None:
        return _percent(self.committed, self.available)

    @property
    def previous_budget(self) -> Decimal | None:
        previous = self.stream.previous
        return previous.budget if previous is not None else None

    @property
    def change_percent(self) -> Decimal | None:
        """Change of budget against the same stream last year, e.g. -5.0 for a 5% cut."""
        if self.budget is None or not self.previous_budget:
            return None
        return _percent(self.budget - self.previous_budget, self.previous_budget)

    @property
    def over_budget(self) -> bool:
        """Committed beyond the budget: allowed within the tolerance, and shown."""
        return self.committed > self.available

    @property
    def proposals_exceed_ceiling(self) -> bool:
        return self.committed + self.proposed > self.stream.ceiling

    @property
    def warnings(self) -> list[str]:
        messages = []
        if self.over_budget:
            messages.append(
                f"Over budget by {format_money(self.committed - self.available)}, within the "
                f"{self.stream.over_allocation_tolerance_percent.normalize():f}% tolerance."
            )
        if self.proposals_exceed_ceiling:
            messages.append(
                "If every proposed allocation were approved, the stream would be "
                f"{format_money(self.committed + self.proposed - self.stream.ceiling)} over "
                "what it allows."
            )
        if self.stream.budget_to_be_determined:
            messages.append("The budget is to be determined.")
        return messages


@dataclass
class FundingPosition:
    year: FinancialYear
    rows: list[StreamPosition]
    previous_year_budget: Decimal | None = None
    totals: dict = field(default_factory=dict)

    @property
    def budget(self) -> Decimal:
        return sum((row.budget or ZERO for row in self.rows if row.depth == 0), ZERO)

    @property
    def carried_forward(self) -> Decimal:
        return sum((row.carried_forward for row in self.rows if row.depth == 0), ZERO)

    @property
    def available(self) -> Decimal:
        return self.budget + self.carried_forward

    @property
    def approved(self) -> Decimal:
        return sum((row.approved for row in self.rows), ZERO)

    @property
    def proposed(self) -> Decimal:
        return sum((row.proposed for row in self.rows), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.available - self.approved

    @property
    def percent_committed(self) -> Decimal | None:
        return _percent(self.approved, self.available)

    @property
    def change_percent(self) -> Decimal | None:
        if not self.previous_year_budget:
            return None
        return _percent(self.budget - self.previous_year_budget, self.previous_year_budget)

    @property
    def has_budget_to_be_determined(self) -> bool:
        return any(row.stream.budget_to_be_determined for row in self.rows)


def _committed_total(statuses) -> Subquery:
    """The sum of a stream's allocations in ``statuses``, read through the
    (stream, status) index for each stream listed, rather than by grouping the wide
    rows of the streams joined to every allocation."""
    return Subquery(
        Allocation.objects.filter(funding_stream=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("funding_stream")
        .annotate(total=Sum("amount"))
        .values("total")
    )


def _annotated_streams(queryset):
    # Last year's stream is shown with its year: fetched with it, not one query each.
    return queryset.select_related(
        "financial_year", "source", "previous__financial_year", "parent"
    ).annotate(
        approved_total=_committed_total(COMMITTED_STATUSES),
        proposed_total=_committed_total([AllocationStatus.PROPOSED]),
    )


def _positions_in_tree_order(streams: list[FundingStream]) -> list[StreamPosition]:
    by_parent: dict[int | None, list[FundingStream]] = {}
    known = {stream.pk for stream in streams}
    for stream in streams:
        parent = stream.parent_id if stream.parent_id in known else None
        by_parent.setdefault(parent, []).append(stream)
    rows: list[StreamPosition] = []

    def visit(stream: FundingStream, depth: int) -> None:
        children = by_parent.get(stream.pk, [])
        row = StreamPosition(
            stream=stream,
            approved=stream.approved_total or ZERO,
            proposed=stream.proposed_total or ZERO,
            given_to_sub_streams=sum((child.available for child in children), ZERO),
            depth=depth,
        )
        rows.append(row)
        for child in sorted(children, key=lambda s: s.name):
            visit(child, depth + 1)

    for stream in sorted(by_parent.get(None, []), key=lambda s: s.name):
        visit(stream, 0)
    return rows


def funding_position(*, year: FinancialYear) -> FundingPosition:
    """Per stream of the year: budget, carried forward, available, approved, proposed,
    remaining, % committed and change against last year; with totals."""
    streams = list(_annotated_streams(FundingStream.objects.filter(financial_year=year)))
    previous_total = FundingStream.objects.filter(
        financial_year__start_year=year.start_year - 1, parent__isnull=True
    ).aggregate(total=Sum("budget"))["total"]
    return FundingPosition(
        year=year, rows=_positions_in_tree_order(streams), previous_year_budget=previous_total
    )


def stream_position(*, stream: FundingStream) -> tuple[StreamPosition, list[StreamPosition]]:
    """The stream's own position and those of its direct sub-streams."""
    streams = list(
        _annotated_streams(FundingStream.objects.filter(Q(pk=stream.pk) | Q(parent=stream)))
    )
    own = next(s for s in streams if s.pk == stream.pk)
    children = [s for s in streams if s.pk != stream.pk]
    position = StreamPosition(
        stream=own,
        approved=own.approved_total or ZERO,
        proposed=own.proposed_total or ZERO,
        given_to_sub_streams=sum((child.available for child in children), ZERO),
    )
    child_positions = [
        StreamPosition(
            stream=child,
            approved=child.approved_total or ZERO,
            proposed=child.proposed_total or ZERO,
            depth=1,
        )
        for child in sorted(children, key=lambda s: s.name)
    ]
    return position, child_positions


def current_financial_year(today=None) -> FinancialYear | None:
    """The year containing today, or else the latest year recorded."""
    today = today or timezone.localdate()
    start = FinancialYear.start_year_for(today)
    return (
        FinancialYear.objects.filter(start_year=start).first()
        or FinancialYear.objects.order_by("-start_year").first()
    )


def financial_year_from_slug(slug: str) -> FinancialYear:
    """The year written in a URL (``2016-17``), or 404."""
    from django.http import Http404

    start = FinancialYear.start_year_from_label(slug)
    year = FinancialYear.objects.filter(start_year=start).first() if start else None
    if year is None:
        raise Http404("No such financial year.")
    return year


CHOOSABLE = 25


def allocations_to_choose(
    *, stream: FundingStream | None = None, text: str = "", leaving_out=(), limit=CHOOSABLE
) -> tuple[list[Allocation], int]:
    """The proposed allocations a decision record could approve (in an open year and
    held by no record), of one stream or all, whose reference, title or recipient holds
    ``text``; at most ``limit`` of them, and how many there are in all."""
    rows = Allocation.objects.filter(
        status=AllocationStatus.PROPOSED,
        decision__isnull=True,
        funding_stream__financial_year__is_closed=False,
    ).exclude(pk__in=leaving_out)
    if stream is not None:
        rows = rows.filter(funding_stream=stream)
    if text:
        wanted = Q(title__icontains=text) | Q(recipient__name__icontains=text)
        pk = Allocation.pk_from_reference(text.strip().upper())
        if pk is not None:
            wanted |= Q(pk=pk)
        rows = rows.filter(wanted)
    found = list(
        rows.select_related("funding_stream__financial_year", "recipient").order_by(
            "-funding_stream__financial_year__start_year", "funding_stream__name", "pk"
        )[:limit]
    )
    return found, rows.count()
