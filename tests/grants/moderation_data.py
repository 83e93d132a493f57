"""Rounds, applications and reviews made straight into the tables (not through the
services), for the ranking's hand-computed cases, the moderation page and the round
summary: a review's scores are given as a tuple, one per criterion in order."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from commissioning.matching import match_key
from grants.models import (
    Application,
    ApplicationStatus,
    Criterion,
    Declaration,
    GrantRound,
    Organisation,
    Review,
    Reviewer,
    ReviewStatus,
    Score,
    Screening,
)
from pcc_grants.models import User
from pcc_grants.roles import Role
from tests.factories import FundingStreamFactory

_numbers = itertools.count(1)


def make_round(
    *,
    budget: str = "1000",
    scale: int = 5,
    weights: tuple = (50, 30, 20),
    reviews_required: int = 2,
    spread_threshold: str = "20",
    name: str = "",
    stream=None,
) -> GrantRound:
    number = next(_numbers)
    now = timezone.now()
    grant_round = GrantRound.objects.create(
        funding_stream=stream or FundingStreamFactory(),
        name=name or f"Community Grant {number}",
        slug=f"community-grant-{number}",
        budget=Decimal(budget),
        maximum_award=Decimal("100000"),
        score_scale=scale,
        reviews_required=reviews_required,
        spread_threshold=Decimal(spread_threshold),
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        status="in_review",
    )
    Criterion.objects.bulk_create(
        Criterion(
            grant_round=grant_round,
            position=position,
            name=f"Criterion {position}",
            weight_percent=Decimal(weight),
        )
        for position, weight in enumerate(weights, start=1)
    )
    return grant_round


def _author() -> User:
    # No password: hashing one for each user would slow every case down.
    return User.objects.get_or_create(username="bid-writer")[0]


def make_application(
    grant_round: GrantRound,
    reference: str,
    amount: str,
    *,
    status: str = ApplicationStatus.SUBMITTED,
    screening: str = Screening.ELIGIBLE,
    organisation: str = "",
    theme=None,
) -> Application:
    name = organisation or f"{reference} Trust"
    return Application.objects.create(
        grant_round=grant_round,
        organisation=Organisation.objects.create(name=name, match_key=match_key(name)),
        reference=reference,
        title=f"Project {reference}",
        amount_requested=Decimal(amount),
        theme=theme,
        status=status,
        screening=screening,
        created_by=_author(),
        submitted_at=timezone.now() - timedelta(days=2),
    )


def make_reviewer() -> Reviewer:
    number = next(_numbers)
    user = User.objects.create_user(username=f"reviewer-{number}", email=f"r{number}@example.org")
    user.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
    return Reviewer.objects.create(user=user, organisation="Themed Reviewers")


def make_review(
    application: Application,
    scores: tuple,
    *,
    status: str = ReviewStatus.SUBMITTED,
    declaration: str = Declaration.NO_CONFLICT,
) -> Review:
    review = Review.objects.create(
        application=application,
        reviewer=make_reviewer(),
        status=status,
        declaration=declaration,
        submitted_at=timezone.now() if status == ReviewStatus.SUBMITTED else None,
    )
    criteria = application.grant_round.criteria.order_by("position", "pk")
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, score=score)
        for criterion, score in zip(criteria, scores, strict=True)
    )
    return review


def bulk_reviewed_applications(grant_round: GrantRound, reviewers, count: int, *, start=1):
    """``count`` submitted applications made in a few queries, each with two or three
    submitted reviews (by the first two or three ``reviewers``) scoring every
    criterion; the amounts and scores vary with the number."""
    author = _author()
    numbers = range(start, start + count)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Community Project {n}", match_key=f"community project {n}")
        for n in numbers
    )
    applications = Application.objects.bulk_create(
        Application(
            grant_round=grant_round,
            organisation=organisation,
            reference=f"B-{n:05d}",
            title=f"Project {n}",
            amount_requested=Decimal(1000 + n % 7 * 250),
            status=ApplicationStatus.SUBMITTED,
            screening=Screening.ELIGIBLE,
            created_by=author,
            submitted_at=timezone.now(),
        )
        for n, organisation in zip(numbers, organisations, strict=True)
    )
    reviews = Review.objects.bulk_create(
        Review(
            application=application,
            reviewer=reviewer,
            status=ReviewStatus.SUBMITTED,
            declaration=Declaration.NO_CONFLICT,
            submitted_at=timezone.now(),
        )
        for n, application in zip(numbers, applications, strict=True)
        for reviewer in reviewers[: 2 + n % 2]
    )
    criteria = list(grant_round.criteria.order_by("position", "pk"))
    scale = grant_round.score_scale
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, score=(review.application_id + k) % (scale + 1))
        for review in reviews
        for k, criterion in enumerate(criteria)
    )
    return applications
