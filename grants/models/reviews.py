"""A round's review: reviewers declare their interests and score, the Review Panel
recommends, a Decision Record awards, and letters tell each applicant the outcome.

A reviewer (a member of staff, or someone outside the office with the Reviewer role)
is assigned to a round's applications, by theme or one at a time. For each they first
declare "no conflict" or a conflict and its nature: a conflicted reviewer never opens
the application and is replaced. A submitted review is locked, its content hashed like
a signature; staff reopen one only with a reason, kept as an event.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from funding.models import PlanTheme

from .applications import MONEY, Application, Criterion, GrantRound, now


class ScoreDescriptor(models.Model):
    """What a point of the round's scale means, for example 3: "Good"."""

    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.CASCADE, related_name="score_descriptors"
    )
    score = models.PositiveSmallIntegerField()
    descriptor = models.CharField(max_length=200)

    class Meta:
        ordering = ["score"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant_round", "score"], name="one_descriptor_per_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.descriptor}"


class Reviewer(models.Model):
    """Someone who scores applications: staff, or an external Themed Reviewer with the
    Reviewer role. Their organisation is kept by name and by its matching key, so that
    a reviewer from an applicant's own organisation is found conflicted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer"
    )
    organisation = models.CharField(max_length=255, blank=True)
    organisation_key = models.CharField(max_length=255, blank=True, editable=False)
    external = models.BooleanField(
        default=True, help_text="Outside the office: sees only what is assigned to them."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ReviewerAssignment(models.Model):
    """A reviewer assigned to a round: to every application of one theme, or to all
    of them when no theme is given. Single applications are assigned by a Review."""

    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.CASCADE, related_name="reviewer_assignments"
    )
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="assignments")
    theme = models.ForeignKey(
        PlanTheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant_round", "reviewer", "theme"],
                condition=models.Q(theme__isnull=False),
                name="one_assignment_per_theme",
            ),
            models.UniqueConstraint(
                fields=["grant_round", "reviewer"],
                condition=models.Q(theme__isnull=True),
                name="one_assignment_to_every_theme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.grant_round} ({self.theme or 'every theme'})"


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", "Waiting for the declaration of interests"
    CONFLICTED = "conflicted", "Conflict declared"
    IN_PROGRESS = "in_progress", "Being scored"
    SUBMITTED = "submitted", "Submitted"


class Declaration(models.TextChoices):
    NONE_MADE = "", "Not declared"
    NO_CONFLICT = "no_conflict", "No conflict"
    CONFLICT = "conflict", "Conflict of interest"


class Recommendation(models.TextChoices):
    FUND = "fund", "Fund"
    FUND_IN_PART = "fund_in_part", "Fund in part"
    DO_NOT_FUND = "do_not_fund", "Do not fund"


class Review(models.Model):
    """One reviewer's review of one application: their declaration, then their scores
    (``Score``), comments and recommendation. Submitted, it is locked and hashed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED, editable=False
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=now, editable=False)
    declaration = models.CharField(
        max_length=20, choices=Declaration.choices, blank=True, default="", editable=False
    )
    conflict_nature = models.TextField(
        "nature of the conflict", blank=True, help_text="For example: I am one of its trustees."
    )
    # Found by the product (the reviewer's organisation is the applicant's, or a
    # partner in its budget): the reviewer cannot be assigned.
    automatic_conflict = models.BooleanField(default=False, editable=False)
    declared_at = models.DateTimeField(null=True, blank=True, editable=False)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    recommended_amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="For a recommendation to fund in part.",
    )
    comment = models.TextField("overall comment", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The review as submitted, as canonical JSON, and its SHA-256: the lock.
    content = models.JSONField(null=True, blank=True, editable=False)
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    imported = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["application__reference", "reviewer__user__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}'s review of {self.application}"

    @property
    def is_locked(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    @property
    def counts(self) -> bool:
        """Submitted and unconflicted: it counts towards the application's score."""
        return self.status == ReviewStatus.SUBMITTED and self.declaration != Declaration.CONFLICT


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReviewEvent(models.Model):
    """A step in a review's life, kept: assigned, declared, submitted, reopened (with
    the reason), replaced."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now, editable=False)
    reason = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.review})"


# The Review Panel ---------------------------------------------------------------------


class PanelMeeting(models.Model):
    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.PROTECT, related_name="panel_meetings"
    )
    held_on = models.DateField("date of the meeting")
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Review Panel of {self.grant_round}, {self.held_on:%-d %B %Y}"


class PanelMember(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="For example: chair.")
    interests = models.TextField(
        "declared interests", blank=True, help_text="Their interests, as declared to the panel."
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class PanelInterest(models.Model):
    """A member's declared interest in one application: they take no part in it."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="panel_interests"
    )
    nature = models.TextField("nature of the interest")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_interest_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.application}"


class PanelOutcome(models.TextChoices):
    AWARD = "award", "Award"
    AWARD_IN_PART = "award_in_part", "Award in part"
    DO_NOT_AWARD = "do_not_award", "Do not award"


class PanelRecommendation(models.Model):
    """The panel's recommendation on one application, with its reasons."""

    meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, related_name="recommendations"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="panel_recommendation"
    )
    outcome = models.CharField(max_length=20, choices=PanelOutcome.choices)
    amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The award: the amount requested, or less for an award in part.",
    )
    conditions = models.TextField(blank=True)
    reasons = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["application__reference"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.application}"

    @property
    def awards(self) -> bool:
        return self.outcome in (PanelOutcome.AWARD, PanelOutcome.AWARD_IN_PART)


# Letters and offers -------------------------------------------------------------------


class LetterKind(models.TextChoices):
    OFFER = "offer", "Offer letter"
    OUTCOME = "outcome", "Outcome letter"


class Letter(models.Model):
    """The letter that tells an applicant the outcome: an offer for an award, or the
    outcome with feedback. Its text is fixed when it is sent, and hashed; an offer's
    terms are what the applicant accepts."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    body = models.TextField(help_text="The letter's text, from the organisation's template.")
    feedback = models.TextField(
        blank=True, help_text="For an unsuccessful application: from the reviewers' comments."
    )
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    returns_due = models.JSONField(
        default=list, blank=True, help_text="The monitoring returns' due dates, ISO dates."
    )
    terms = models.TextField("acceptance terms", blank=True)
    terms_sha256 = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["application__reference", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_letter_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.application}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class OfferAcceptance(models.Model):
    """An applicant's acceptance of an offer: who, in what role, on what day, of which
    terms (their hash). It creates the grant agreement."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="acceptance")
    name = models.CharField(max_length=200)
    role = models.CharField("role in the organisation", max_length=200)
    accepted_on = models.DateField()
    terms_sha256 = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=now, editable=False)
    agreement = models.OneToOneField(
        "commissioning.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offer_acceptance",
    )

    def __str__(self) -> str:
        return f"{self.letter} accepted by {self.name}"


def review_content(review: Review, scores) -> dict:
    """What a submitted review locks, as the canonical JSON its SHA-256 is taken of
    (``canonical_sha256``): the application, the reviewer, the declaration, each
    criterion's score and comment, and the recommendation. ``scores`` are the review's
    ``Score`` rows with their criterion."""
    return {
        "application": review.application.reference,
        "reviewer": review.reviewer.user.email.lower(),
        "declaration": review.declaration,
        "conflict_nature": review.conflict_nature,
        "scores": [
            {
                "criterion": score.criterion.name,
                "weight_percent": f"{score.criterion.weight_percent:f}",
                "score": score.score,
                "comment": score.comment,
            }
            for score in sorted(scores, key=lambda s: (s.criterion.position, s.criterion.pk))
        ],
        "recommendation": review.recommendation,
        "recommended_amount": (
            None if review.recommended_amount is None else f"{review.recommended_amount:f}"
        ),
        "comment": review.comment,
    }
