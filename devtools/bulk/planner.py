"""The planner: every area's planner joined, drawing in one fixed order."""

from .commissioning import CommissioningPlanner
from .common import FIRST_NAMES, LAST_NAMES, OFFICERS
from .decisions import DecisionPlanner
from .funding import FundingPlanner
from .plan import Plan


class Planner(FundingPlanner, CommissioningPlanner, DecisionPlanner):
    """Everything ``generate`` will write, drawn from one seeded generator."""

    def plan(self) -> Plan:
        years = list(range(self.last_year - self.counts.years + 1, self.last_year + 1))
        streams = self._streams(years)
        providers = self._providers()
        officers = [
            (f"officer{n + 1}", FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % 16])
            for n in range(OFFICERS)
        ]
        allocations = self._allocations(streams, providers)
        decisions = self._decisions(years, allocations, officers)
        self._statuses(allocations, years)
        agreements = self._agreements(providers, allocations)
        self._budgets(streams, allocations)
        return Plan(
            seed=self.seed,
            as_of=self.as_of,
            counts=self.counts,
            years=years,
            closed_years=years[:-2],
            streams=streams,
            providers=providers,
            allocations=allocations,
            agreements=agreements,
            decisions=decisions,
            officers=officers,
        )
