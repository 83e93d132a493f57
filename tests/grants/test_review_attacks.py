"""Attacks on the review, the panel and the decision: each makes the attack and checks
the refusal and that nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from grants import reviewing
from grants.models import ReviewStatus

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
