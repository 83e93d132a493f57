"""Reviewers, their assignments, declarations of interest and scores.

Every write is here, inside a transaction; every change of a review's status goes
through ``review_workflow.REVIEW``. The office's editors (Officer, CFO) add reviewers,
assign them and reopen a submitted review; a review's own reviewer declares, scores
and submits it, and nobody else does.

A reviewer is conflicted by the product's own knowledge when their organisation is
the applicant's (the same matching key as the organisation's, or its provider's), or a
partner named in its budget (the organisation's name found in one of its cost lines):
they cannot be assigned to it at all.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from commissioning.matching import match_key
from commissioning.models import normalise_name
from jobs.mail import mail_message, send_later
from pcc_grants.models import User
from pcc_grants.roles import EDITORS, Role, has_role, is_staff_member
from pcc_grants.transitions import Attempt

from . import ranking, review_workflow
from .models import (
    Application,
    ApplicationStatus,
    GrantRound,
    Recommendation,
    Review,
    Reviewer,
    ReviewerAssignment,
    ReviewEvent,
    ReviewStatus,
    RoundStatus,
    Score,
    Screening,
)

EDITORS_ONLY = "Only the Officer or Chief Finance Officer can manage reviewers."
EMAIL_TAKEN = "Someone with this e-mail address has an account already."
ALREADY_A_REVIEWER = "{name} is a reviewer already."
NOT_STAFF = "{name} is not a member of staff: add them as an external reviewer."
ASSIGN_WHEN = (
    "The round is {status}: reviewers are assigned once it has closed, and while it is in review."
)
ALREADY_ASSIGNED = "{reviewer} is assigned to {application} already."
NOT_REVIEWABLE = "{application} is not an eligible submitted application."
SAME_ORGANISATION = "{reviewer} is from {organisation}, the applicant's own organisation."
PARTNER = "{reviewer} is from {organisation}, a partner named in the budget (“{item}”)."
NOT_IN_PROGRESS = "This review is {status}: it takes no changes."
SCORE_RANGE = "Score “{criterion}” with a whole number from 0 to {scale}."
NO_SUCH_CRITERION = "Criterion {pk} is not one of the round's."
IN_PART_AMOUNT = (
    "To fund in part, give an amount above £0 and below the £{requested:,.2f} requested."
)


def _ensure_editor(by) -> None:
    if not has_role(by, *EDITORS):
        raise ValidationError(EDITORS_ONLY, code="not_allowed")


# Reviewers ------------------------------------------------------------------------------


def welcome_url(user: User) -> str:
    """A link to set a password and sign in: Django's password-reset token, which stops
    working once the password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("grants_review:welcome", args=[uid, token])


def _send_welcome(user: User) -> None:
    url = welcome_url(user)
    subject = "You are a reviewer on PCC Grants"
    body = (
        f"Hello {user.first_name},\n\nYou have been added as a reviewer of grant "
        f"applications. Set your password and sign in here:\n{url}\n\nThe link works "
        "once. You will be told by e-mail when applications are assigned to you.\n"
    )
    send_later([mail_message(subject, body, [user.email])], title=f"E-mail: {subject}")


def _reviewer_group() -> Group:
    return Group.objects.get_or_create(name=Role.REVIEWER)[0]


@transaction.atomic
def reviewer_create(*, by, name: str, email: str, organisation: str = "") -> Reviewer:
    """An external reviewer with the Reviewer role, e-mailed a link to set a password."""
    _ensure_editor(by)
    email = email.strip().lower()
    name = " ".join(name.split())
    organisation = " ".join(organisation.split())
    errors = {}
    if not name:
        errors["name"] = "Give the reviewer's name."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an e-mail address, like name@example.org."
    if "email" not in errors and (
        User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
    ):
        errors["email"] = EMAIL_TAKEN
    if errors:
        raise ValidationError(errors)
    first, _, last = name.partition(" ")
    user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError({"email": EMAIL_TAKEN}) from error
    user.groups.add(_reviewer_group())
    reviewer = Reviewer.objects.create(
        user=user,
        external=True,
        organisation=organisation,
        organisation_key=match_key(organisation) if organisation else "",
    )
    _send_welcome(user)
    return reviewer


reviewer_create.alters_data = True


@transaction.atomic
def reviewer_for_staff(*, by, user: User, organisation: str = "") -> Reviewer:
    """A member of staff as a reviewer: they review from their own reviews page too."""
    _ensure_editor(by)
    name = user.get_full_name() or user.get_username()
    if not is_staff_member(user):
        raise ValidationError({"user": NOT_STAFF.format(name=name)})
    if Reviewer.objects.filter(user=user).exists():
        raise ValidationError({"user": ALREADY_A_REVIEWER.format(name=name)})
    organisation = " ".join(organisation.split())
    user.groups.add(_reviewer_group())
    return Reviewer.objects.create(
        user=user,
        external=False,
        organisation=organisation,
        organisation_key=match_key(organisation) if organisation else "",
    )


reviewer_for_staff.alters_data = True


# Conflicts and assignments --------------------------------------------------------------


def automatic_conflict(reviewer: Reviewer, application: Application) -> str | None:
    """Why the product itself finds the reviewer conflicted on the application, or None.
    Uses the application's organisation, its provider and its cost lines (prefetch
    them when asking about many)."""
    if not reviewer.organisation_key:
        return None
    organisation = application.organisation
    provider = organisation.provider
    keys = {organisation.match_key, match_key(organisation.name)}
    if provider is not None:
        keys |= {provider.match_key, match_key(provider.name)}
    if reviewer.organisation_key in keys:
        return SAME_ORGANISATION.format(reviewer=reviewer, organisation=organisation.name)
    name = normalise_name(reviewer.organisation)
    if name:
        for line in application.cost_lines.all():
            if f" {name} " in f" {normalise_name(line.item)} ":
                return PARTNER.format(
                    reviewer=reviewer, organisation=reviewer.organisation, item=line.item
                )
    return None


def _ensure_assignable(grant_round: GrantRound) -> None:
    if grant_round.status not in (RoundStatus.CLOSED, RoundStatus.IN_REVIEW):
        raise ValidationError(
            ASSIGN_WHEN.format(status=grant_round.get_status_display().lower()),
            code="not_allowed",
        )


def _locked_round(grant_round: GrantRound) -> GrantRound:
    return GrantRound.objects.select_for_update().get(pk=grant_round.pk)


def _new_review(application: Application, reviewer: Reviewer, by) -> Review:
    review = Review.objects.create(application=application, reviewer=reviewer, assigned_by=by)
    ReviewEvent.objects.create(review=review, action="assign", label="Reviewer assigned", by=by)
    return review


def _tell_assigned(reviewer: Reviewer, reviews: list[Review]) -> None:
    if not reviews:
        return
    email = reviewer.user.email
    count = len(reviews)
    listed = "\n".join(
        f"- {review.application.reference}: {review.application.title}" for review in reviews
    )
    url = settings.SITE_URL + reverse("grants_review:reviews")
    noun = "application" if count == 1 else "applications"
    subject = f"{count} grant {noun} to review"
    body = (
        f"Hello {reviewer.user.first_name},\n\nYou are assigned to review:\n{listed}\n\n"
        "Before you read each one, declare whether you have a conflict of interest. "
        f"Your reviews:\n{url}\n"
    )
    send_later([mail_message(subject, body, [email])], title=f"E-mail: {subject}")


@transaction.atomic
def assign_round(
    *, grant_round: GrantRound, reviewer: Reviewer, theme=None, by
) -> tuple[list[Review], list[str]]:
    """Assign the reviewer to every eligible submitted application of ``theme`` (every
    theme when None) not already theirs. The automatically conflicted are left out and
    come back as messages, each naming the application and why."""
    _ensure_editor(by)
    grant_round = _locked_round(grant_round)
    _ensure_assignable(grant_round)
    ReviewerAssignment.objects.get_or_create(
        grant_round=grant_round, reviewer=reviewer, theme=theme, defaults={"assigned_by": by}
    )
    applications = (
        ranking.eligible_applications(grant_round)
        .exclude(reviews__reviewer=reviewer)
        .select_related("organisation__provider")
        .prefetch_related("cost_lines")
        .order_by("reference", "pk")
    )
    if theme is not None:
        applications = applications.filter(theme=theme)
    reviews, refused = [], []
    for application in applications:
        reason = automatic_conflict(reviewer, application)
        if reason:
            refused.append(f"{application.reference}: not assigned. {reason}")
            continue
        reviews.append(_new_review(application, reviewer, by))
    _tell_assigned(reviewer, reviews)
    return reviews, refused


assign_round.alters_data = True


@transaction.atomic
def assign_application(*, application: Application, reviewer: Reviewer, by) -> Review:
    """Assign the reviewer to one application (a replacement, or a single assignment)."""
    _ensure_editor(by)
    _ensure_assignable(_locked_round(application.grant_round))
    application = (
        Application.objects.select_related("organisation__provider")
        .prefetch_related("cost_lines")
        .get(pk=application.pk)
    )
    if (
        application.status != ApplicationStatus.SUBMITTED
        or application.screening == Screening.INELIGIBLE
    ):
        raise ValidationError({"application": NOT_REVIEWABLE.format(application=application)})
    reason = automatic_conflict(reviewer, application)
    if reason:
        raise ValidationError({"reviewer": reason})
    if Review.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": ALREADY_ASSIGNED.format(reviewer=reviewer, application=application)}
        )
    review = _new_review(application, reviewer, by)
    _tell_assigned(reviewer, [review])
    return review


assign_application.alters_data = True


# Declaring, scoring, submitting ---------------------------------------------------------


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("application__grant_round", "reviewer__user")
        .get(pk=review.pk)
    )


def _perform(name: str, review: Review, attempt: Attempt) -> Review:
    workflow = review_workflow.REVIEW
    return workflow.perform(workflow[name], review, attempt)


@transaction.atomic
def review_declare(*, review: Review, by, conflict: bool, nature: str = "") -> Review:
    """The reviewer's declaration: no conflict (they may read and score), or a conflict
    and its nature (they never open the application, and are replaced)."""
    review = _lock(review)
    if conflict:
        return _perform("declare_conflict", review, Attempt(by=by, given={"nature": nature}))
    return _perform("declare_none", review, Attempt(by=by))


review_declare.alters_data = True


def _check_scores(review: Review, scores: dict, criteria: dict) -> dict:
    scale = review.application.grant_round.score_scale
    errors: dict[str, str] = {}
    checked = {}
    for pk, (value, comment) in scores.items():
        criterion = criteria.get(pk)
        if criterion is None:
            errors["scores"] = NO_SUCH_CRITERION.format(pk=pk)
            continue
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= scale
        ):
            errors[f"score_{pk}"] = SCORE_RANGE.format(criterion=criterion.name, scale=scale)
            continue
        checked[pk] = (value, (comment or "").strip())
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def review_save(
    *,
    review: Review,
    by,
    scores: dict,
    recommendation: str = "",
    recommended_amount: Decimal | None = None,
    comment: str = "",
) -> Review:
    """Keep the reviewer's scores (by criterion pk: (score, comment)), recommendation
    and comment, while the review is being scored and the round is in review."""
    review = _lock(review)
    attempt = Attempt(by=by)
    for check in (review_workflow.is_own_reviewer, review_workflow.round_in_review):
        reason = check(review, attempt)
        if reason:
            raise ValidationError(reason, code="not_allowed")
    if review.status != ReviewStatus.IN_PROGRESS:
        raise ValidationError(
            NOT_IN_PROGRESS.format(status=review.get_status_display().lower()),
            code="not_allowed",
        )
    criteria = {c.pk: c for c in review.application.grant_round.criteria.all()}
    checked = _check_scores(review, scores, criteria)
    if recommendation not in {"", *Recommendation.values}:
        raise ValidationError({"recommendation": "Choose fund, fund in part or do not fund."})
    if recommendation == Recommendation.FUND_IN_PART:
        requested = review.application.amount_requested or Decimal("0")
        if recommended_amount is None or not Decimal("0") < recommended_amount < requested:
            raise ValidationError(
                {"recommended_amount": IN_PART_AMOUNT.format(requested=requested)}
            )
    else:
        recommended_amount = None
    for pk, (value, score_comment) in checked.items():
        Score.objects.update_or_create(
            review=review,
            criterion=criteria[pk],
            defaults={"score": value, "comment": score_comment},
        )
    review.recommendation = recommendation
    review.recommended_amount = recommended_amount
    review.comment = comment.strip()
    review.save(update_fields=["recommendation", "recommended_amount", "comment"])
    return review


review_save.alters_data = True


@transaction.atomic
def review_submit(*, review: Review, by) -> Review:
    """Lock the review: its content as canonical JSON and its SHA-256, like a signature."""
    return _perform("submit", _lock(review), Attempt(by=by))


review_submit.alters_data = True


@transaction.atomic
def review_reopen(*, review: Review, by, reason: str) -> Review:
    """Staff reopen a submitted review, with a reason kept beside the hash it had."""
    return _perform("reopen", _lock(review), Attempt(by=by, comment=reason.strip()))


review_reopen.alters_data = True
