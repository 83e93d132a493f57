"""A round in review for the reviewing tests: two organisations' submitted applications
(one naming a partner in its budget), an external reviewer and a member of staff."""

import pytest
from django.core import mail

from grants import applicants, reviewing
from grants import services as grant_services
from grants.models import CostLine, Review
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .conftest import complete_application, make_applicant

PARTNER = "Loughborough Youth Trust"


def submitted(grant_round, organisation, by, theme=None, *, partner: str = ""):
    application = complete_application(grant_round, organisation, by, theme)
    if partner:
        CostLine.objects.filter(application=application, item="Phones").update(
            item=f"Sessions run by {partner}"
        )
    return grant_services.application_submit(application=application, by=by)


def to_review(grant_round, officer):
    grant_round = grant_services.round_transition(
        grant_round=grant_round, by=officer, action="close"
    )
    return grant_services.round_transition(
        grant_round=grant_round, by=officer, action="start_review"
    )


@pytest.fixture
def second_applicant(db):
    return make_applicant("bob@warriors.example", "Bob Bidder")


@pytest.fixture
def second_organisation(second_applicant):
    return applicants.organisation_create(by=second_applicant, name="Leicester Warriors")


@pytest.fixture
def applications(
    open_round, applicant_organisation, applicant, second_organisation, second_applicant, theme
):
    """(own, partnered): the first names no partner, the second names one."""
    own = submitted(open_round, applicant_organisation, applicant, theme)
    partnered = submitted(
        open_round, second_organisation, second_applicant, theme, partner=PARTNER
    )
    return own, partnered


@pytest.fixture
def in_review(open_round, applications, officer):
    return to_review(open_round, officer)


@pytest.fixture
def reviewer(officer):
    return reviewing.reviewer_create(
        by=officer, name="Rita Reviewer", email="Rita@Reviewers.example", organisation="Acme"
    )


@pytest.fixture
def other_reviewer(officer):
    return reviewing.reviewer_create(
        by=officer, name="Omar Other", email="omar@reviewers.example", organisation="Other Co"
    )


@pytest.fixture
def cfo(db):
    return UserFactory(username="grants-cfo", roles=[Role.CHIEF_FINANCE_OFFICER])


def assigned(in_review, reviewer, officer) -> Review:
    """The reviewer's review of the round's first application, just assigned."""
    own = in_review.applications.order_by("reference").first()
    review = reviewing.assign_application(application=own, reviewer=reviewer, by=officer)
    mail.outbox.clear()
    return review


def declared(review: Review) -> Review:
    return reviewing.review_declare(review=review, by=review.reviewer.user, conflict=False)


def scored(review: Review, score: int = 4) -> dict:
    criteria = review.application.grant_round.criteria.all()
    return {c.pk: (score, f"Comment on {c.name}") for c in criteria}


def submitted_review(review: Review) -> Review:
    review = declared(review)
    reviewing.review_save(
        review=review,
        by=review.reviewer.user,
        scores=scored(review),
        recommendation="fund",
        comment="A strong bid.",
    )
    return reviewing.review_submit(review=review, by=review.reviewer.user)
