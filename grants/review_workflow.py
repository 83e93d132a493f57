"""A review's statuses as a table, run by ``pcc_grants.transitions``.

assigned → in progress (the reviewer declares no conflict) or conflicted (they declare
one, with its nature: they never open the application and are replaced); in progress →
submitted (every criterion scored and a recommendation given: the review is locked and
hashed); submitted → in progress again only when staff reopen it with a reason.

The reviewer's own steps are theirs alone, whatever their other roles: a condition
checks that the person acting is the review's reviewer. Every step leaves a
``ReviewEvent``.
"""

from django.core.exceptions import ValidationError

from decisions import clock
from pcc_grants.roles import EDITORS, Role
from pcc_grants.transitions import Attempt, Transition, Workflow

from .models import (
    Declaration,
    Recommendation,
    Review,
    ReviewEvent,
    ReviewStatus,
    RoundStatus,
    canonical_sha256,
    review_content,
)

# Anyone signed in may be a review's reviewer (an external Themed Reviewer, or a member
# of staff): the condition below is what decides.
ANYONE = frozenset(Role)
NOT_YOURS = "Only the reviewer it is assigned to can do this."
ROUND_NOT_IN_REVIEW = "The round is {status}: reviews are scored only while it is in review."


def is_own_reviewer(review: Review, attempt: Attempt) -> str | None:
    if review.reviewer.user_id != getattr(attempt.by, "pk", None):
        return NOT_YOURS
    return None


def round_in_review(review: Review, attempt: Attempt) -> str | None:
    grant_round = review.application.grant_round
    if grant_round.status != RoundStatus.IN_REVIEW:
        return ROUND_NOT_IN_REVIEW.format(status=grant_round.get_status_display().lower())
    return None


NOT_YOUR_OWN = "You are this review's reviewer: another editor reopens it."
DECISION_DRAFTED = (
    "The decision record is drafted from the panel's recommendations: its reviews stay "
    "as they are."
)


def not_own_review(review: Review, attempt: Attempt) -> str | None:
    """Separation of duties: a member of staff does not unlock their own signed review."""
    if review.reviewer.user_id == getattr(attempt.by, "pk", None):
        return NOT_YOUR_OWN
    return None


def no_decision_drafted(review: Review, attempt: Attempt) -> str | None:
    if review.application.grant_round.decision_id:
        return DECISION_DRAFTED
    return None


def nature_given(review: Review, attempt: Attempt) -> None:
    nature = attempt.given.get("nature", "").strip()
    if not nature:
        raise ValidationError(
            {"conflict_nature": "Say what the conflict is, for example: I am one of its trustees."}
        )
    attempt.given["nature"] = nature


def reason_given(review: Review, attempt: Attempt) -> None:
    if not attempt.comment.strip():
        raise ValidationError({"reason": "Say why the review is reopened: it is kept."})


def complete(review: Review, attempt: Attempt) -> None:
    """Every criterion scored, and a recommendation (with its amount when in part)."""
    scores = {score.criterion_id: score for score in review.scores.all()}
    errors: dict[str, list[str]] = {}
    for criterion in review.application.grant_round.criteria.all():
        score = scores.get(criterion.pk)
        if score is None or score.score is None:
            errors[f"score_{criterion.pk}"] = [f"Score “{criterion.name}” before submitting."]
    if not review.recommendation:
        errors["recommendation"] = ["Choose a recommendation before submitting."]
    elif review.recommendation == Recommendation.FUND_IN_PART and not review.recommended_amount:
        errors["recommended_amount"] = ["Give the amount to fund in part."]
    if errors:
        raise ValidationError(errors)


def declare_none(review: Review, attempt: Attempt) -> None:
    review.declaration = Declaration.NO_CONFLICT
    review.conflict_nature = ""
    review.declared_at = clock.now()


def declare_conflict(review: Review, attempt: Attempt) -> None:
    review.declaration = Declaration.CONFLICT
    review.conflict_nature = attempt.given["nature"]
    review.declared_at = clock.now()


def lock(review: Review, attempt: Attempt) -> None:
    scores = list(review.scores.select_related("criterion"))
    review.content = review_content(review, scores)
    review.content_sha256 = canonical_sha256(review.content)
    review.submitted_at = clock.now()


def unlock(review: Review, attempt: Attempt) -> None:
    attempt.given["locked_sha256"] = review.content_sha256
    review.content = None
    review.content_sha256 = ""
    review.submitted_at = None


def record_event(review: Review, attempt: Attempt) -> None:
    transition = attempt.transition
    ReviewEvent.objects.create(
        review=review,
        action=transition.name,
        label=transition.label,
        by=attempt.by,
        reason=attempt.comment.strip() or attempt.given.get("nature", ""),
        content_sha256=attempt.given.get("locked_sha256", review.content_sha256),
    )


DECLARE_NONE = Transition(
    name="declare_none",
    label="No conflict declared",
    sources=(ReviewStatus.ASSIGNED,),
    target=ReviewStatus.IN_PROGRESS,
    roles=ANYONE,
    conditions=(is_own_reviewer,),
    effects=(declare_none,),
    then=(record_event,),
    wrong_state="The interests were declared already: this review is {status}.",
)
DECLARE_CONFLICT = Transition(
    name="declare_conflict",
    label="Conflict of interest declared",
    sources=(ReviewStatus.ASSIGNED,),
    target=ReviewStatus.CONFLICTED,
    roles=ANYONE,
    conditions=(is_own_reviewer,),
    requirements=(nature_given,),
    effects=(declare_conflict,),
    then=(record_event,),
    wrong_state="The interests were declared already: this review is {status}.",
)
SUBMIT = Transition(
    name="submit",
    label="Review submitted",
    sources=(ReviewStatus.IN_PROGRESS,),
    target=ReviewStatus.SUBMITTED,
    roles=ANYONE,
    conditions=(is_own_reviewer, round_in_review),
    requirements=(complete,),
    effects=(lock,),
    then=(record_event,),
    wrong_state="Only a review being scored can be submitted; this one is {status}.",
)
REOPEN = Transition(
    name="reopen",
    label="Review reopened",
    sources=(ReviewStatus.SUBMITTED,),
    target=ReviewStatus.IN_PROGRESS,
    roles=EDITORS,
    conditions=(round_in_review, not_own_review, no_decision_drafted),
    requirements=(reason_given,),
    effects=(unlock,),
    then=(record_event,),
    wrong_state="Only a submitted review can be reopened; this one is {status}.",
)

REVIEW = Workflow([DECLARE_NONE, DECLARE_CONFLICT, SUBMIT, REOPEN])
