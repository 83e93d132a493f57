"""Grant rounds: a round spends one funding stream; organisations apply to it online.

A round asks its questions (eligibility first, then the application's own), names the
documents it needs and the criteria its reviewers score against. An organisation's
members (applicants, people outside the office) draft an application as they go and
submit it before the close; from then on it is frozen, its content hashed.
"""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.models import (
    CHARITY_NUMBER,
    COMPANY_NUMBER,
    MonitoringFrequency,
    Provider,
    ProviderType,
)
from decisions import clock
from funding.models import FundingStream, PlanTheme
from pcc_grants.models import StoredDocument

MONEY = {"max_digits": 12, "decimal_places": 2}


def now():
    """The clock's time (``decisions.clock``): a past round's steps keep their moment."""
    return clock.now()


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    IN_REVIEW = "in_review", "In review"
    DECIDED = "decided", "Decided"
    CANCELLED = "cancelled", "Cancelled"


class GrantRound(models.Model):
    funding_stream = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="grant_rounds"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True, help_text="A sentence or two for the list of rounds.")
    guidance = models.TextField(
        blank=True, help_text="What the round funds, who may apply and how it is decided."
    )
    budget = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="What the round may award, within what the stream has available.",
    )
    opens_at = models.DateTimeField("opens", null=True, blank=True)
    closes_at = models.DateTimeField("closes", null=True, blank=True)
    minimum_award = models.DecimalField(**MONEY, default=Decimal("0"))
    maximum_award = models.DecimalField(**MONEY)
    several_applications = models.BooleanField(
        "one organisation may submit several applications", default=False
    )
    score_scale = models.PositiveSmallIntegerField(
        default=5, help_text="Reviewers score each criterion from 0 to this."
    )
    reference_prefix = models.CharField(
        max_length=10, default="PCCG", help_text="Applications are numbered PREFIX-YEAR-NNN."
    )
    reviews_required = models.PositiveSmallIntegerField(
        "reviews each application needs",
        default=2,
        validators=[MinValueValidator(1)],
        help_text="The moderation page lists applications with fewer submitted reviews.",
    )
    spread_threshold = models.DecimalField(
        "spread that needs a look",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        help_text=(
            "Reviewers' weighted scores (0 to 100) further apart than this are flagged "
            "for moderation."
        ),
    )
    monitoring_frequency = models.CharField(
        "monitoring returns",
        max_length=20,
        choices=MonitoringFrequency.choices,
        default=MonitoringFrequency.QUARTERLY,
        help_text="How often an award's agreement asks for a monitoring return.",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="grant_rounds",
        help_text="The Decision Record that awards the round's grants.",
    )
    imported = models.BooleanField(
        default=False, editable=False, help_text="Run outside the product and imported."
    )
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-opens_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maximum_award__gte=models.F("minimum_award")),
                name="grant_round_award_limits_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("grants:round", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("grants_public:round", args=[self.slug])

    @property
    def weights_total(self) -> Decimal:
        return sum((c.weight_percent for c in self.criteria.all()), Decimal("0"))


class EligibilityKind(models.TextChoices):
    CONFIRM = "confirm", "A statement to confirm"
    YES_NO = "yes_no", "A yes or no question"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class EligibilityQuestion(models.Model):
    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.CASCADE, related_name="eligibility_questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=EligibilityKind.choices)
    excluding_answer = models.CharField(
        max_length=3,
        choices=Answer.choices,
        blank=True,
        help_text="For a yes or no question: the answer that makes the applicant ineligible.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def excludes(self, answer: str) -> bool:
        if self.kind == EligibilityKind.CONFIRM:
            return answer != "confirmed"
        return answer == self.excluding_answer


class QuestionKind(models.TextChoices):
    TEXT = "text", "Text"
    MONEY = "money", "Money"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    THEME = "theme", "Plan theme"


class Question(models.Model):
    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(
        max_length=100, default="About your project", help_text="Questions are asked by section."
    )
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class RequiredDocument(models.Model):
    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.CASCADE, related_name="required_documents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, help_text="For example: latest accounts.")
    help_text = models.TextField(blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight_percent = models.DecimalField(
        "weight (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.name


class RoundEvent(models.Model):
    """A step in a round's life, kept: opened, extended (with the reason), closed."""

    grant_round = models.ForeignKey(GrantRound, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now, editable=False)
    reason = models.TextField(blank=True)
    closes_before = models.DateTimeField(null=True, blank=True)
    closes_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.grant_round})"


# Applicants and their organisations -----------------------------------------------------


class Applicant(models.Model):
    """A person outside the office who applies for grants: holds no staff role, and
    signs in once their e-mail address is verified."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant"
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.user.get_username()


class Organisation(models.Model):
    """An organisation that applies, with its members. Once it applies it is linked to
    the office's Provider record, so awards flow into allocations and agreements."""

    name = models.CharField(max_length=255)
    match_key = models.CharField(max_length=255, db_index=True, editable=False)
    organisation_type = models.CharField(
        "type", max_length=20, choices=ProviderType.choices, default=ProviderType.CHARITY
    )
    charity_number = models.CharField(
        max_length=12, blank=True, validators=[CHARITY_NUMBER], db_index=True
    )
    company_number = models.CharField(
        max_length=8, blank=True, validators=[COMPANY_NUMBER], db_index=True
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("grants_apply:organisation", args=[self.pk])


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    job_title = models.CharField(
        max_length=100, blank=True, help_text="For example: finance contact, project lead."
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class JoinStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"


class JoinRequest(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    job_title = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING, editable=False
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.organisation}"


# Applications -------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Screening(models.TextChoices):
    NOT_SCREENED = "", "Not screened"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Ineligible"


class Application(models.Model):
    grant_round = models.ForeignKey(
        GrantRound, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(max_length=30, blank=True, editable=False)
    title = models.CharField("project title", max_length=200, blank=True)
    amount_requested = models.DecimalField(**MONEY, null=True, blank=True)
    project_start = models.DateField(null=True, blank=True)
    project_end = models.DateField(null=True, blank=True)
    theme = models.ForeignKey(
        PlanTheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What was submitted, as canonical JSON, and its SHA-256: the frozen application.
    content = models.JSONField(null=True, blank=True, editable=False)
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    screening = models.CharField(
        max_length=12, choices=Screening.choices, blank=True, default="", editable=False
    )
    screening_reason = models.TextField(
        blank=True, editable=False, help_text="The applicant reads this."
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True, editable=False)
    imported = models.BooleanField(
        default=False, editable=False, help_text="Made outside the product and imported."
    )
    # The proposed allocation an award became, when a decision is drafted from the
    # panel's recommendations.
    allocation = models.OneToOneField(
        "funding.Allocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="application",
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="application_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft: {self.title or 'untitled'}"

    def get_absolute_url(self) -> str:
        return reverse("grants_apply:application", args=[self.pk])

    def get_staff_url(self) -> str:
        return reverse("grants:application", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status != ApplicationStatus.DRAFT

    @property
    def costs_total(self) -> Decimal:
        return sum((line.amount for line in self.cost_lines.all()), Decimal("0"))


def canonical_sha256(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EligibilityResponse(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_responses"
    )
    question = models.ForeignKey(EligibilityQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10)  # "confirmed", "yes" or "no"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="one_eligibility_answer_each"
            )
        ]

    def __str__(self) -> str:
        return self.answer


class Response(models.Model):
    """An answer to one of the round's questions, kept as the text typed (a money,
    number, date or theme answer is checked when saved)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return self.value[:50]


class CostLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cost_lines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.item


def _document_path(instance, filename: str) -> str:
    # The service names the file; this only runs if something else saves one.
    return f"applications/{instance.stored_name}"


class ApplicationDocument(StoredDocument):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents"
    )
    required_document = models.ForeignKey(
        RequiredDocument, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=_document_path, max_length=200)

    class Meta(StoredDocument.Meta):
        pass


class ReferenceCounter(models.Model):
    """The last number given to an application of a prefix and year."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
