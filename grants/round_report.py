"""The round summary for the Review Panel: how many applications, and how much money,
reached each stage of the round, by Police and Crime Plan theme, with the
over-subscription ratio.

The stages, each a count and an amount:

- received: submitted (and not withdrawn), the amount requested;
- eligible: received and not screened out, the amount requested;
- reviewed: eligible with at least one counted review (submitted, unconflicted), the
  amount requested;
- recommended: the Review Panel recommends an award (in full or in part), the amount
  it recommends (the amount requested where it names none);
- awarded: the award's allocation is approved or contracted, the allocation's amount.

The ratio is the amount received over the round's budget ("2.46 times the budget").
One query for the whole table, whatever the size of the round.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from funding.models import COMMITTED_STATUSES

from .models import (
    Application,
    ApplicationStatus,
    Declaration,
    GrantRound,
    PanelOutcome,
    Review,
    ReviewStatus,
    Screening,
)
from .moderation import ratio

STAGES = (
    ("received", "Received"),
    ("eligible", "Eligible"),
    ("reviewed", "Reviewed"),
    ("recommended", "Recommended"),
    ("awarded", "Awarded"),
)
NO_THEME = "No theme"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Stage:
    count: int
    amount: Decimal


@dataclass(frozen=True)
class ThemeLine:
    theme: str
    stages: list[Stage]


@dataclass(frozen=True)
class RoundReport:
    grant_round: GrantRound
    lines: list[ThemeLine]
    totals: list[Stage]

    @property
    def stage_names(self) -> list[str]:
        return [label for _, label in STAGES]

    @property
    def requested(self) -> Decimal:
        return self.totals[0].amount

    @property
    def ratio(self) -> Decimal | None:
        return ratio(self.requested, self.grant_round.budget)

    def total(self, stage: str) -> Stage:
        return self.totals[[name for name, _ in STAGES].index(stage)]


def _counted_review():
    return Review.objects.filter(
        application=OuterRef("pk"), status=ReviewStatus.SUBMITTED
    ).exclude(declaration=Declaration.CONFLICT)


def round_report(grant_round: GrantRound) -> RoundReport:
    eligible = ~Q(screening=Screening.INELIGIBLE)
    filters = {
        "received": Q(),
        "eligible": eligible,
        "reviewed": eligible & Q(Exists(_counted_review())),
        "recommended": Q(
            panel_recommendation__outcome__in=[PanelOutcome.AWARD, PanelOutcome.AWARD_IN_PART]
        ),
        "awarded": Q(allocation__status__in=COMMITTED_STATUSES),
    }
    amounts = {
        "received": "amount_requested",
        "eligible": "amount_requested",
        "reviewed": "amount_requested",
        "recommended": Coalesce("panel_recommendation__amount", "amount_requested"),
        "awarded": "allocation__amount",
    }
    aggregates = {}
    for stage, condition in filters.items():
        aggregates[f"{stage}_count"] = Count("pk", filter=condition)
        aggregates[f"{stage}_amount"] = Sum(amounts[stage], filter=condition)
    grouped = (
        Application.objects.filter(grant_round=grant_round, status=ApplicationStatus.SUBMITTED)
        .values("theme__name")
        .annotate(**aggregates)
        .order_by("theme__name")
    )
    lines = []
    for found in grouped:
        stages = [
            Stage(found[f"{stage}_count"], found[f"{stage}_amount"] or ZERO) for stage, _ in STAGES
        ]
        lines.append(ThemeLine(theme=found["theme__name"] or NO_THEME, stages=stages))
    # Themes by name, the applications without one last.
    lines.sort(key=lambda line: (line.theme == NO_THEME, line.theme.lower()))
    totals = [
        Stage(
            sum(line.stages[index].count for line in lines),
            sum((line.stages[index].amount for line in lines), ZERO),
        )
        for index in range(len(STAGES))
    ]
    return RoundReport(grant_round=grant_round, lines=lines, totals=totals)
