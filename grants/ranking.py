"""The ranking of a round's applications, and its fund line.

The rule, as the round's guidance and the Review Panel read it:

- A review's weighted score is Σ (score ÷ N × weight) over the round's criteria, from 0
  to 100, where N is the top of the round's scale.
- An application's score is the mean of its submitted, unconflicted reviews' weighted
  scores, rounded to 2 decimal places (half up).
- The ranking orders by that score (highest first), then by the mean score on the
  heaviest criterion (the first of the heaviest, by position), then by the smaller
  amount requested, then by reference. Applications no review has scored yet come
  last, by reference.
- The fund line: walking down the ranking, an application is within the fund while
  the running total of requests stays within the round's budget; the first that does
  not fit, and every one after it, is below the line (as is every unscored one).

Only eligible applications are ranked: submitted, and not screened out. Arithmetic is
exact (fractions) until the final rounding, so a tie is a tie.

The ranking costs three queries whatever the size of the round: the criteria, the
applications, and one row per review with its score on each criterion.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Q, Sum

from .models import (
    Application,
    ApplicationStatus,
    Declaration,
    GrantRound,
    Review,
    ReviewStatus,
    Screening,
)

CENT = Decimal("0.01")


def to_decimal(value: Fraction) -> Decimal:
    """A (non-negative) fraction rounded half up to 2 decimal places, exactly."""
    hundredths = value * 100
    whole, rest = divmod(hundredths.numerator, hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    return (Decimal(whole) / 100).quantize(CENT)


def weighted_score(scores: dict[int, int], weights: dict[int, Decimal], scale: int) -> Fraction:
    """Σ (score ÷ N × weight) for one review: ``scores`` and ``weights`` by criterion."""
    return sum(
        (
            Fraction(scores.get(criterion) or 0, scale) * Fraction(weight)
            for criterion, weight in weights.items()
        ),
        Fraction(0),
    )


@dataclass
class RankedApplication:
    """One application's place in the ranking. Its scores are worked out once, when
    first asked for, from the reviews ``rank`` gathered."""

    application_id: int
    reference: str
    title: str
    organisation: str
    requested: Decimal
    theme: str = ""
    review_scores: list[Fraction] = field(default_factory=list)
    heaviest_scores: list[int] = field(default_factory=list)
    rank: int | None = None
    within_fund: bool = False
    running_total: Decimal = Decimal("0")

    @property
    def reviews(self) -> int:
        return len(self.review_scores)

    @cached_property
    def exact_score(self) -> Fraction | None:
        if not self.review_scores:
            return None
        return sum(self.review_scores, Fraction(0)) / len(self.review_scores)

    @cached_property
    def weighted_score(self) -> Decimal | None:
        exact = self.exact_score
        return None if exact is None else to_decimal(exact)

    @cached_property
    def heaviest_mean(self) -> Fraction:
        if not self.heaviest_scores:
            return Fraction(0)
        return Fraction(sum(self.heaviest_scores), len(self.heaviest_scores))

    @cached_property
    def spread(self) -> Decimal | None:
        if not self.review_scores:
            return None
        return to_decimal(max(self.review_scores)) - to_decimal(min(self.review_scores))


@dataclass
class Ranking:
    grant_round: GrantRound
    rows: list[RankedApplication]
    unscored: list[RankedApplication]

    @property
    def all_rows(self) -> list[RankedApplication]:
        return [*self.rows, *self.unscored]

    def flagged(self, row: RankedApplication) -> bool:
        spread = row.spread
        return spread is not None and spread > self.grant_round.spread_threshold

    def short_of_reviews(self) -> list[RankedApplication]:
        required = self.grant_round.reviews_required
        return [row for row in self.all_rows if row.reviews < required]

    @property
    def within_fund_total(self) -> Decimal:
        return sum((row.requested for row in self.rows if row.within_fund), Decimal("0"))

    @property
    def requested_total(self) -> Decimal:
        return sum((row.requested for row in self.all_rows), Decimal("0"))


def eligible_applications(grant_round: GrantRound):
    return Application.objects.filter(
        grant_round=grant_round, status=ApplicationStatus.SUBMITTED
    ).exclude(screening=Screening.INELIGIBLE)


def counted_reviews(grant_round: GrantRound):
    """Submitted, unconflicted reviews of the round's eligible applications."""
    return Review.objects.filter(
        application__in=eligible_applications(grant_round), status=ReviewStatus.SUBMITTED
    ).exclude(declaration=Declaration.CONFLICT)


def rank(grant_round: GrantRound) -> Ranking:
    """The round's eligible applications in ranking order, with the fund line."""
    criteria = list(
        grant_round.criteria.order_by("position", "pk").values_list("pk", "weight_percent")
    )
    weights = dict(criteria)
    heaviest = max(criteria, key=lambda pair: pair[1])[0] if criteria else None
    scale = grant_round.score_scale or 1

    rows: dict[int, RankedApplication] = {}
    for pk, reference, title, organisation, requested, theme in (
        eligible_applications(grant_round)
        .order_by("reference", "pk")
        .values_list(
            "pk", "reference", "title", "organisation__name", "amount_requested", "theme__name"
        )
    ):
        rows[pk] = RankedApplication(
            application_id=pk,
            reference=reference,
            title=title,
            organisation=organisation,
            requested=requested or Decimal("0"),
            theme=theme or "",
        )

    per_criterion = {
        f"c{pk}": Sum("scores__score", filter=Q(scores__criterion_id=pk)) for pk in weights
    }
    reviews = defaultdict(list)
    for review in (
        counted_reviews(grant_round).values("pk", "application_id").annotate(**per_criterion)
    ):
        reviews[review["application_id"]].append(review)
    for application_id, found in reviews.items():
        row = rows.get(application_id)
        if row is None:
            continue
        for review in found:
            scores = {pk: review[f"c{pk}"] or 0 for pk in weights}
            row.review_scores.append(weighted_score(scores, weights, scale))
            if heaviest is not None:
                row.heaviest_scores.append(scores[heaviest])

    scored = [row for row in rows.values() if row.review_scores]
    unscored = [row for row in rows.values() if not row.review_scores]
    # By the score as rounded (the score the panel reads), then the tie-breaks.
    scored.sort(
        key=lambda row: (-row.weighted_score, -row.heaviest_mean, row.requested, row.reference)
    )
    running = Decimal("0")
    fits = True
    for position, row in enumerate(scored, start=1):
        row.rank = position
        running += row.requested
        row.running_total = running
        fits = fits and running <= grant_round.budget
        row.within_fund = fits
    for row in unscored:
        row.running_total = running
    return Ranking(grant_round=grant_round, rows=scored, unscored=unscored)
