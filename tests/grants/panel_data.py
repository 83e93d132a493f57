"""Reviewed rounds for the Review Panel's tests, straight into the tables: an open
round's applications (``staff_data``), the round closed and in review, and each
application scored by one reviewer in a submitted, unconflicted review."""

from decimal import Decimal

from django.utils import timezone

from grants import panel
from grants import services as grant_services
from grants.models import Declaration, Review, Reviewer, ReviewStatus, Score
from pcc_grants.roles import Role
from tests.factories import UserFactory
from tests.grants.conftest import open_a_round
from tests.grants.staff_data import submitted_applications

MEMBERS = [
    {"name": "Paul Stock", "organisation": "OPCC", "role": "chair", "interests": ""},
    {
        "name": "Rita Patel",
        "organisation": "Leicester City Council",
        "role": "",
        "interests": "Trustee of Living Without Abuse",
    },
    {"name": "Tom Hale", "organisation": "Voluntary Action LeicesterShire", "role": ""},
]


def score_review(application, reviewer, scores: list[int]) -> Review:
    """A submitted review of ``application`` scoring each criterion, in order."""
    review = Review.objects.create(
        application=application,
        reviewer=reviewer,
        status=ReviewStatus.SUBMITTED,
        declaration=Declaration.NO_CONFLICT,
        declared_at=timezone.now(),
        submitted_at=timezone.now(),
        recommendation="fund",
    )
    criteria = application.grant_round.criteria.order_by("position", "pk")
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, score=score)
        for criterion, score in zip(criteria, scores, strict=True)
    )
    return review


def reviewed_round(officer, stream, applications: list[tuple[str, list[int] | None]], **kw):
    """A round in review (budget £50,000, criteria weighted 40/35/25 on a scale of 0
    to 5) with one application per (amount, scores); ``None`` scores: not reviewed.
    Returns the round and its applications, in the order given."""
    grant_round = open_a_round(officer, stream, **kw)
    made = submitted_applications(grant_round, officer, [amount for amount, _ in applications])
    for action in ("close", "start_review"):
        grant_round = grant_services.round_transition(
            grant_round=grant_round, by=officer, action=action
        )
    user = UserFactory(roles=[Role.REVIEWER], first_name="Rhea", last_name="Viewer")
    reviewer = Reviewer.objects.create(user=user, organisation="Themed Reviewers")
    for application, (_, scores) in zip(made, applications, strict=True):
        if scores is not None:
            score_review(application, reviewer, scores)
    return grant_round, made


def meet(grant_round, by, members=None):
    return panel.panel_meeting_create(
        grant_round=grant_round,
        by=by,
        held_on=timezone.localdate(),
        location="Police Headquarters, Enderby",
        members=MEMBERS if members is None else members,
    )


def recommend_all(meeting, applications, by, outcome="award", amount: Decimal | None = None):
    for application in applications:
        panel.panel_recommend(
            meeting=meeting,
            application=application,
            outcome=outcome,
            amount=amount,
            reasons="Strong evidence of need; good value.",
            by=by,
        )
