"""Attacks on the review, the panel and the decision: each makes the attack and checks
the refusal and that nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from grants import awarding, reviewing
from grants.models import Review, ReviewStatus
from tests.grants.panel_data import meet, recommend_all, reviewed_round

from .reviewing_setup import assigned, submitted_review

pytest_plugins = ["tests.grants.reviewing_setup"]


def test_a_staff_reviewer_cannot_reopen_their_own_submitted_review(in_review, officer):
    """An Officer who is also a reviewer would otherwise unlock and rescore their own
    signed review."""
    me = reviewing.reviewer_for_staff(by=officer, user=officer)
    review = submitted_review(assigned(in_review, me, officer))
    locked = review.content_sha256
    with pytest.raises(ValidationError, match="You are this review.s reviewer"):
        reviewing.review_reopen(review=review, by=officer, reason="I scored too low.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.content_sha256 == locked
    assert not review.events.filter(action="reopen").exists()


def test_no_review_reopens_once_the_decision_is_drafted(officer, stream):
    """The panel's recommendations are fixed in the drafted record: reopening a review
    then would change the scores behind a record awaiting approval."""
    grant_round, made = reviewed_round(officer, stream, [("9000", [5, 4, 3])])
    recommend_all(meet(grant_round, officer), made, officer)
    awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    review = Review.objects.get(application=made[0])
    with pytest.raises(ValidationError, match="decision record is drafted from"):
        reviewing.review_reopen(review=review, by=officer, reason="Rescore it.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert not review.events.filter(action="reopen").exists()
