"""The bases the planner and the writer are built on: what every area's planner draws
with, and what every area's writer writes with.
"""

import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.utils import timezone

from pcc_grants.models import User

from .common import PENNY, planned_counts
from .plan import Plan


class PlannerBase:
    """The seeded generator every part of the plan draws from, and its helpers.

    Each area's planner (funding, commissioning, decisions) is a subclass;
    ``planner.Planner`` joins them and draws in one fixed order, so that the same
    seed gives the same plan."""

    def __init__(self, *, scale: float, seed: int, last_year: int, live_workflow: int = 0):
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311 - reproducible, not secret
        self.seed = seed
        self.counts = planned_counts(scale)
        self.last_year = last_year
        # The moment the data describes: half way through the last year.
        self.as_of = date(last_year, 10, 1)
        self.live_workflow = min(live_workflow, self.counts.published)

    # Helpers

    def _money(self, low: float, high: float, *, whole: bool = True) -> Decimal:
        """Log-uniform between ``low`` and ``high``: many small grants, few large."""
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        if whole:
            step = 100 if value >= 10_000 else 10 if value >= 1_000 else 1
            return Decimal(int(value // step * step)).quantize(PENNY)
        return Decimal(str(round(value, 2))).quantize(PENNY)

    def _day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _moment(self, day: date) -> datetime:
        at = clock(self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, at))

    def _weighted(self, pairs):
        return self.rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)
    checksum: str = ""

    def add(self, name: str, seconds: float) -> None:
        self.timings.append((name, seconds))


class WriterBase:
    """What every area's writer shares: the plan, the users once written, the log,
    and the timing of each step. ``writer.Writer`` joins the areas' writers."""

    def __init__(
        self,
        plan: Plan,
        *,
        pdfs: str,
        pdf_sample: int,
        workers: int,
        log: Callable[[str], None],
    ):
        self.plan = plan
        self.pdfs = pdfs
        self.pdf_sample = pdf_sample
        self.workers = workers
        self.live_workflow = any(d.live for d in plan.decisions)
        self.log = log
        self.report = Report()
        self.users: dict[str, User] = {}
        self.password = ""  # nosec B105 - set to a random one if signatures need it

    @contextmanager
    def _step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.report.add(name, elapsed)
        self.log(f"  {name}: {elapsed:.1f} s")
