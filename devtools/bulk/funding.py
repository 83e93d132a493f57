"""Funding in the bulk data: the streams of each year with their budgets, and the
allocations from them, planned under the budget rule and written with their
history.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import accumulate

from simple_history.utils import bulk_create_with_history

from commissioning.models import CommissioningRoute
from decisions.models import DecisionStatus
from funding import services as funding_services
from funding.models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingStream,
    PlanTheme,
)

from .bases import PlannerBase, WriterBase
from .common import PENNY, SERVICES, TOWNS, ZERO, split_by_weight
from .plan import PlanAllocation, PlanStream

THEMES = (
    "Victims first",
    "Reducing reoffending",
    "Safer communities",
    "Tackling violence against women and girls",
    "Road safety",
    "Rural and wildlife crime",
    "Early intervention with young people",
    "Fraud and cyber crime",
)
# (name, source); a year's streams are the first of these, the last named of them
# split from the Community Safety Fund.
STREAMS = (
    ("Victims' Services Grant", "Ministry of Justice"),
    ("Community Safety Fund", "Police grant"),
    ("Violence Reduction Unit", "Home Office"),
    ("Youth Diversion Fund", "Police precept"),
    ("Domestic Abuse Support", "Ministry of Justice"),
    ("Safer Streets Fund", "Home Office"),
    ("Reducing Reoffending Fund", "Police precept"),
    ("Rural Crime Fund", "Police precept"),
    ("Drug and Alcohol Treatment", "Partner contributions"),
    ("Serious Violence Duty", "Home Office"),
    ("Sexual Violence Support", "Ministry of Justice"),
    ("Hate Crime Fund", "Reserves"),
    ("Cyber and Fraud Support", "Police grant"),
    ("Road Safety Partnership", "Partner contributions"),
    ("Restorative Justice Fund", "Ministry of Justice"),
)
SUB_STREAM = "Community Grants Scheme"


class FundingPlanner(PlannerBase):
    """Streams, allocations and their statuses, and the budgets that keep the rule."""

    def _streams(self, years: list[int]) -> list[PlanStream]:
        per_year = split_by_weight(self.counts.streams, [(year, 1) for year in years])
        streams, last = [], {}
        for year in years:
            count = per_year[year]
            names = [STREAMS[n % len(STREAMS)] for n in range(count)]
            if count >= 4:
                names[-1] = (SUB_STREAM, "Police grant")
            seen: Counter = Counter()
            this_year = {}
            for name, source in names:
                seen[name] += 1
                if seen[name] > 1:
                    name = f"{name} {seen[name]}"
                stream = PlanStream(
                    year=year,
                    name=name,
                    source=source,
                    previous=last.get(name),
                    tolerance=self.rng.choice([ZERO, ZERO, Decimal("2.50"), Decimal("5.00")]),
                    ring_fenced=source in ("Ministry of Justice", "Home Office"),
                )
                if name == SUB_STREAM and "Community Safety Fund" in this_year:
                    stream.parent = this_year["Community Safety Fund"]
                this_year[name] = stream
                streams.append(stream)
            last = this_year
        # The latest year's budget for one stream is still to be determined.
        candidates = [
            s
            for s in streams
            if s.year == years[-1] and s.parent is None and not any(c.parent is s for c in streams)
        ]
        if candidates:
            candidates[-1].tbd = True
        # A few streams are over budget, within the tolerance the CFO set.
        for stream in streams:
            if stream.tolerance and not stream.tbd and self.rng.random() < 0.3:
                stream.over_budget = True
        return streams

    def _allocations(self, streams, providers) -> list[PlanAllocation]:
        rng = self.rng
        # Some providers receive far more often than others.
        weights = list(accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(providers))))
        stream_weights = [rng.uniform(0.5, 1.5) for _ in streams]
        chosen = rng.choices(streams, weights=stream_weights, k=self.counts.allocations)
        # Every stream gets at least one allocation.
        for index, stream in enumerate(streams[: len(chosen)]):
            chosen[index] = stream
        routes = [
            (CommissioningRoute.GRANT, 45),
            (CommissioningRoute.GRANT_ROUND, 15),
            (CommissioningRoute.CONTRACT, 12),
            (CommissioningRoute.SINGLE_TENDER, 5),
            (CommissioningRoute.POOLED, 5),
            (CommissioningRoute.INNOVATION, 5),
            (CommissioningRoute.LOCAL_FUND, 8),
            (CommissioningRoute.DIRECT_AWARD, 5),
        ]
        allocations = []
        for stream in chosen:
            year = FinancialYear(start_year=stream.year)
            named = rng.random() < 0.93
            provider = rng.choices(providers, cum_weights=weights)[0] if named else None
            service = rng.choice(SERVICES)
            town = rng.choice(TOWNS)
            whole_year = rng.random() < 0.7
            start = (
                year.starts_on
                if whole_year
                else self._day_between(year.starts_on, date(stream.year, 12, 1))
            )
            end = (
                year.ends_on
                if whole_year
                else self._day_between(start + timedelta(days=60), year.ends_on)
            )
            allocations.append(
                PlanAllocation(
                    stream=stream,
                    provider=provider,
                    title=f"{service} in {town}" if named else f"Emerging initiatives: {town}",
                    description=(
                        f"{service} for people in {town} and the surrounding area, {year.label}."
                    ),
                    amount=self._money(300, 60_000, whole=rng.random() < 0.85),
                    period_start=start,
                    period_end=end,
                    theme=rng.choice(THEMES),
                    route=self._weighted(routes) if named else "",
                )
            )
        return allocations

    def _statuses(self, allocations: list[PlanAllocation], years: list[int]) -> None:
        """Allocations that a decision approved are committed; those of records still on
        their way are proposed; the rest follow the year's typical mix."""
        rng = self.rng
        decided = {DecisionStatus.APPROVED, DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED}
        past_mix = (
            (AllocationStatus.CONTRACTED, 55),
            (AllocationStatus.APPROVED, 25),
            (AllocationStatus.PROPOSED, 8),
            (AllocationStatus.WITHDRAWN, 12),
        )
        current_mix = (
            (AllocationStatus.CONTRACTED, 20),
            (AllocationStatus.APPROVED, 30),
            (AllocationStatus.PROPOSED, 40),
            (AllocationStatus.WITHDRAWN, 10),
        )
        paper = Counter()
        for allocation in allocations:
            decision = allocation.decision
            if allocation.stream.tbd:
                allocation.status = AllocationStatus.PROPOSED
            elif decision is not None:
                rejected = any(step.action == "reject" for step in decision.steps)
                if decision.live:
                    # Approval through the services approves them.
                    allocation.status = AllocationStatus.APPROVED
                elif decision.status in decided and not rejected:
                    allocation.status = rng.choice(
                        [AllocationStatus.APPROVED, AllocationStatus.CONTRACTED]
                    )
                else:
                    allocation.status = AllocationStatus.PROPOSED
            else:
                mix = current_mix if allocation.stream.year == years[-1] else past_mix
                allocation.status = self._weighted(mix)
                if allocation.status in COMMITTED_STATUSES and rng.random() < 0.1:
                    paper[allocation.stream.year] += 1
                    allocation.decision_reference = (
                        f"OPCC/{allocation.stream.year}/{paper[allocation.stream.year]:03d}"
                    )
            allocation.indicative = (
                allocation.status == AllocationStatus.PROPOSED and rng.random() < 0.15
            )

    def _budgets(self, streams: list[PlanStream], allocations: list[PlanAllocation]) -> None:
        """Set each stream's budget so that the budget rule holds (sub-streams first)."""
        rng = self.rng
        committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for allocation in allocations:
            if allocation.status in COMMITTED_STATUSES:
                committed[id(allocation.stream)] += allocation.amount
        children: dict[int, list[PlanStream]] = defaultdict(list)
        for stream in streams:
            if stream.parent is not None:
                children[id(stream.parent)].append(stream)
        ordered = [s for s in streams if s.parent is not None] + [
            s for s in streams if s.parent is None
        ]
        for stream in ordered:
            own = committed[id(stream)]
            given = sum((child.available for child in children[id(stream)]), ZERO)
            if stream.tbd:
                stream.budget, stream.carried_forward = None, ZERO
                continue
            needed = own + given
            if stream.over_budget and not children[id(stream)] and stream.parent is None:
                # Committed beyond the budget, half way into the tolerance the CFO set.
                available = _thousands(needed / (1 + stream.tolerance / 200), up=True)
                stream.over_budget = available < needed
            else:
                stream.over_budget = False
                factor = Decimal(str(round(rng.uniform(1.03, 1.3), 4)))
                available = max(_thousands(needed * factor, up=True), Decimal("10000.00"))
            carried = ZERO
            if rng.random() < 0.3:
                share = Decimal(str(round(rng.uniform(0.02, 0.12), 4)))
                carried = _thousands(available * share, up=False)
            stream.carried_forward = carried
            stream.budget = available - carried


def _thousands(amount: Decimal, *, up: bool) -> Decimal:
    """``amount`` rounded up (or down) to whole thousands of pounds."""
    thousands = (amount / 1000).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR)
    return (thousands * 1000).quantize(PENNY)


class FundingWriter(WriterBase):
    """Years, sources, themes and streams through the services; allocations in bulk."""

    def _streams(self) -> None:
        cfo = self.users["cfo"]
        years = {
            start: funding_services.financial_year_get_or_create(start_year=start)
            for start in self.plan.years
        }
        sources = {
            name: funding_services.funding_source_get_or_create(name=name)
            for name in sorted({s.source for s in self.plan.streams})
        }
        for name in THEMES:
            funding_services.plan_theme_get_or_create(name=name)
        # Parents before their sub-streams, last year's before this year's.
        for stream in sorted(self.plan.streams, key=lambda s: (s.year, s.parent is not None)):
            created = funding_services.funding_stream_create(
                by=cfo,
                financial_year=years[stream.year],
                name=stream.name,
                source=sources[stream.source],
                budget=stream.budget,
                carried_forward=stream.carried_forward,
                ring_fenced=stream.ring_fenced,
                over_allocation_tolerance_percent=stream.tolerance,
                parent=FundingStream(pk=stream.parent.pk) if stream.parent else None,
                previous=FundingStream.objects.get(pk=stream.previous.pk)
                if stream.previous
                else None,
                description=f"{stream.name} for {years[stream.year].label}.",
            )
            stream.pk = created.pk

    def _allocations(self) -> None:
        themes = dict(PlanTheme.objects.values_list("name", "pk"))
        rows = []
        for allocation in self.plan.allocations:
            decision = allocation.decision
            # A live-workflow record links its allocations itself, through the services.
            linked = decision is not None and not decision.live
            rows.append(
                Allocation(
                    funding_stream_id=allocation.stream.pk,
                    recipient_id=allocation.provider.pk if allocation.provider else None,
                    title=allocation.title[:255],
                    description=allocation.description,
                    amount=allocation.amount,
                    period_start=allocation.period_start,
                    period_end=allocation.period_end,
                    indicative=allocation.indicative,
                    status=(
                        AllocationStatus.PROPOSED
                        if decision is not None and decision.live
                        else allocation.status
                    ),
                    theme_id=themes[allocation.theme],
                    route=allocation.route,
                    agreement_id=allocation.agreement.pk if allocation.agreement else None,
                    decision_id=decision.pk if linked else None,
                    decision_reference=allocation.decision_reference,
                )
            )
        created = bulk_create_with_history(
            rows, Allocation, batch_size=1000, default_user=self.users["officer1"]
        )
        for allocation, row in zip(self.plan.allocations, created, strict=True):
            allocation.pk = row.pk
