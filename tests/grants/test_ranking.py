"""The ranking rule on small rounds worked out by hand (the arithmetic is in each
test's comments): the weighted score, the mean and its rounding, which reviews count,
which applications are ranked, the tie-breaks, the fund line, the spread and its flag,
and the applications short of reviews."""

from decimal import Decimal

import pytest

from grants.models import ApplicationStatus, Declaration, ReviewStatus, Screening
from grants.ranking import rank

from .moderation_data import make_application, make_review, make_round

pytestmark = pytest.mark.django_db


def _by_reference(ranking) -> dict:
    return {row.reference: row for row in ranking.all_rows}


def test_a_reviews_weighted_score_is_the_sum_of_each_score_over_the_scale_times_its_weight():
    # Scale 0 to 5, weights 50 / 30 / 20.
    grant_round = make_round(scale=5, weights=(50, 30, 20))
    application = make_application(grant_round, "G-001", "500")
    # 4/5 × 50 + 3/5 × 30 + 5/5 × 20 = 40 + 18 + 20 = 78
    make_review(application, (4, 3, 5))
    assert rank(grant_round).rows[0].weighted_score == Decimal("78.00")

    # A second review: 2/5 × 50 + 1/5 × 30 + 0 = 20 + 6 = 26; the mean (78 + 26) / 2 = 52
    make_review(application, (2, 1, 0))
    row = rank(grant_round).rows[0]
    assert (row.weighted_score, row.reviews, row.spread) == (
        Decimal("52.00"),
        2,
        Decimal("52.00"),  # 78 − 26
    )


def test_the_mean_is_rounded_to_two_places_from_the_exact_thirds():
    # Scale 0 to 3, weights 50 / 30 / 20: a point on the first criterion is 50/3.
    grant_round = make_round(scale=3, weights=(50, 30, 20))
    thirds = make_application(grant_round, "G-001", "500")
    # 1/3 × 50 = 16.666…; 1/3 × 20 = 6.666…; the mean 35/3 = 11.666… → 11.67
    make_review(thirds, (1, 0, 0))
    make_review(thirds, (0, 0, 1))
    ninths = make_application(grant_round, "G-002", "500")
    # (50/3 + 50/3 + 0) / 3 = 100/9 = 11.111… → 11.11. Rounding each review first
    # would give (16.67 + 16.67 + 0) / 3 = 11.113…, the same here, but 11.67 above
    # only comes from the exact thirds: 16.67 + 6.67 = 23.34, / 2 = 11.67 too; the
    # ranking keeps them exact and rounds once.
    make_review(ninths, (1, 0, 0))
    make_review(ninths, (1, 0, 0))
    make_review(ninths, (0, 0, 0))
    rows = _by_reference(rank(grant_round))
    assert rows["G-001"].weighted_score == Decimal("11.67")
    assert rows["G-002"].weighted_score == Decimal("11.11")
    # The spread is of the rounded reviews: 16.67 − 6.67 = 10.00; 16.67 − 0 = 16.67
    assert rows["G-001"].spread == Decimal("10.00")
    assert rows["G-002"].spread == Decimal("16.67")


def test_half_a_penny_of_score_rounds_up():
    # Scale 0 to 8, weights 50 / 30 / 20: 1/8 × 50 = 6.25 and 0; the mean 3.125 is
    # exactly half-way, and rounds up to 3.13 (to even it would be 3.12).
    grant_round = make_round(scale=8, weights=(50, 30, 20))
    application = make_application(grant_round, "G-001", "500")
    make_review(application, (1, 0, 0))
    make_review(application, (0, 0, 0))
    assert rank(grant_round).rows[0].weighted_score == Decimal("3.13")


def test_conflicted_and_unsubmitted_reviews_do_not_count():
    grant_round = make_round()
    application = make_application(grant_round, "G-001", "500")
    # Counted: 5/5 × 100 = 100
    make_review(application, (5, 5, 5))
    # Not counted, each of them 0, which would pull the mean down to 50, 33.33 or 25:
    make_review(
        application, (0, 0, 0), status=ReviewStatus.CONFLICTED, declaration=Declaration.CONFLICT
    )
    # a review submitted with a conflict declared (as an import may hold one)
    make_review(
        application, (0, 0, 0), status=ReviewStatus.SUBMITTED, declaration=Declaration.CONFLICT
    )
    make_review(application, (0, 0, 0), status=ReviewStatus.IN_PROGRESS)
    make_review(application, (0, 0, 0), status=ReviewStatus.ASSIGNED, declaration="")
    row = rank(grant_round).rows[0]
    assert (row.weighted_score, row.reviews, row.spread) == (Decimal("100.00"), 1, Decimal("0"))


def test_screened_out_withdrawn_and_draft_applications_are_not_ranked():
    grant_round = make_round()
    ranked = make_application(grant_round, "G-001", "500")
    not_screened = make_application(grant_round, "G-002", "500", screening=Screening.NOT_SCREENED)
    screened_out = make_application(grant_round, "G-003", "500", screening=Screening.INELIGIBLE)
    withdrawn = make_application(grant_round, "G-004", "500", status=ApplicationStatus.WITHDRAWN)
    draft = make_application(
        grant_round, "G-005", "500", status=ApplicationStatus.DRAFT, screening=""
    )
    for application in (ranked, not_screened, screened_out, withdrawn, draft):
        make_review(application, (5, 5, 5))
    ranking = rank(grant_round)
    # Not screened out yet: ranked with the eligible ones.
    assert [row.reference for row in ranking.all_rows] == ["G-001", "G-002"]
    # Their requests alone make the total: 500 + 500.
    assert ranking.requested_total == Decimal("1000")


def test_an_equal_score_goes_to_the_higher_mean_on_the_heaviest_criterion():
    grant_round = make_round(weights=(30, 50, 20))  # the second criterion is the heaviest
    # A: 5/5 × 30 + 2/5 × 50 + 0 = 30 + 20 = 50; heaviest mean 2
    first = make_application(grant_round, "G-001", "100")
    make_review(first, (5, 2, 0))
    # B: two reviews of 0 + 5/5 × 50 + 0 = 50; mean 50; heaviest mean 5. Its request
    # is larger and its reference later, so only the heaviest criterion puts it first.
    second = make_application(grant_round, "G-002", "900")
    make_review(second, (0, 5, 0))
    make_review(second, (0, 5, 0))
    ranking = rank(grant_round)
    assert [(r.reference, r.weighted_score, r.rank) for r in ranking.rows] == [
        ("G-002", Decimal("50.00"), 1),
        ("G-001", Decimal("50.00"), 2),
    ]


def test_of_two_heaviest_criteria_the_first_breaks_the_tie():
    grant_round = make_round(weights=(40, 40, 20))
    # A: 5/5 × 40 + 0 + 0 = 40 (first criterion 5); B: 0 + 5/5 × 40 + 0 = 40 (first 0)
    second = make_application(grant_round, "G-001", "100")
    make_review(second, (0, 5, 0))
    first = make_application(grant_round, "G-002", "100")
    make_review(first, (5, 0, 0))
    assert [row.reference for row in rank(grant_round).rows] == ["G-002", "G-001"]


def test_then_the_smaller_amount_requested_then_the_reference():
    grant_round = make_round()
    # Every one scores (4, 3, 5) = 78, heaviest mean 4: the amounts decide, then the
    # references: 400 (G-003) before 500 (G-001 before G-002).
    for reference, amount in (("G-002", "500"), ("G-001", "500"), ("G-003", "400")):
        make_review(make_application(grant_round, reference, amount), (4, 3, 5))
    ranking = rank(grant_round)
    assert [(r.rank, r.reference) for r in ranking.rows] == [
        (1, "G-003"),
        (2, "G-001"),
        (3, "G-002"),
    ]


def _four_applications(budget: str):
    grant_round = make_round(budget=budget)
    # Weights 50 / 30 / 20 on a scale of 5: a point is worth 10, 6 and 4.
    rows = (
        ("G-001", "400", (5, 5, 3)),  # 50 + 30 + 12 = 92
        ("G-002", "500", (5, 5, 0)),  # 50 + 30 = 80
        ("G-003", "300", (5, 0, 5)),  # 50 + 20 = 70
        ("G-004", "100", (4, 0, 0)),  # 40
    )
    for reference, amount, scores in rows:
        make_review(make_application(grant_round, reference, amount), scores)
    return grant_round


def test_the_fund_line_puts_the_first_that_does_not_fit_and_every_one_after_below():
    grant_round = _four_applications(budget="1000")
    ranking = rank(grant_round)
    # Running totals: 400, 900, 1200 (over 1000: below), 1300. G-004's 100 would fit in
    # the 100 left after G-002, but it comes after the first that did not: below too.
    assert [
        (r.reference, r.weighted_score, r.running_total, r.within_fund) for r in ranking.rows
    ] == [
        ("G-001", Decimal("92.00"), Decimal("400"), True),
        ("G-002", Decimal("80.00"), Decimal("900"), True),
        ("G-003", Decimal("70.00"), Decimal("1200"), False),
        ("G-004", Decimal("40.00"), Decimal("1300"), False),
    ]
    assert ranking.within_fund_total == Decimal("900")


def test_a_running_total_exactly_at_the_budget_is_within_the_fund():
    grant_round = _four_applications(budget="900")
    # 400 + 500 = 900, the budget exactly: within. 900 + 300 = 1200: below.
    within = [r.within_fund for r in rank(grant_round).rows]
    assert within == [True, True, False, False]

    grant_round.budget = Decimal("899.99")
    within = [r.within_fund for r in rank(grant_round).rows]
    assert within == [True, False, False, False]


def test_the_spread_is_flagged_only_above_the_rounds_threshold():
    grant_round = make_round(spread_threshold="20")
    wide = make_application(grant_round, "G-001", "100")
    make_review(wide, (5, 5, 5))  # 100
    make_review(wide, (3, 3, 3))  # 30 + 18 + 12 = 60: spread 40, above 20
    at_threshold = make_application(grant_round, "G-002", "100")
    make_review(at_threshold, (4, 4, 4))  # 40 + 24 + 16 = 80
    make_review(at_threshold, (3, 3, 3))  # 60: spread 20, not above 20
    single = make_application(grant_round, "G-003", "100")
    make_review(single, (1, 1, 1))  # 20: one review, spread 0
    ranking = rank(grant_round)
    rows = _by_reference(ranking)
    assert [(rows[r].spread, ranking.flagged(rows[r])) for r in ("G-001", "G-002", "G-003")] == [
        (Decimal("40.00"), True),
        (Decimal("20.00"), False),
        (Decimal("0.00"), False),
    ]
    grant_round.spread_threshold = Decimal("19.99")
    assert ranking.flagged(rows["G-002"])


def test_applications_short_of_reviews_and_the_unscored_ones():
    grant_round = make_round(reviews_required=2)
    enough = make_application(grant_round, "G-001", "100")
    make_review(enough, (5, 5, 5))
    make_review(enough, (4, 4, 4))  # (100 + 80) / 2 = 90
    one = make_application(grant_round, "G-002", "100")
    make_review(one, (5, 5, 5))
    make_review(one, (1, 1, 1), status=ReviewStatus.IN_PROGRESS)  # not submitted yet
    none = make_application(grant_round, "G-003", "100")
    make_review(none, (0, 0, 0), status=ReviewStatus.ASSIGNED, declaration="")
    ranking = rank(grant_round)
    assert [(r.reference, r.reviews) for r in ranking.short_of_reviews()] == [
        ("G-002", 1),
        ("G-003", 0),
    ]
    # The unscored come after the ranked ones, with no rank, and below the line.
    assert [r.reference for r in ranking.rows] == ["G-002", "G-001"]  # 100, then 90
    [unscored] = ranking.unscored
    assert (unscored.reference, unscored.rank, unscored.weighted_score) == ("G-003", None, None)
    assert not unscored.within_fund
