"""The record itself: its series, statuses, content, funding lines, attachments and
reference counters."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pcc_grants.models import StoredDocument
from pcc_grants.money import MAX_DIGITS
from pcc_grants.triggers import frozen_in_states


class DecisionCategory(models.TextChoices):
    """Which series a record belongs to; each has its own reference pattern."""

    COMMISSIONER = "commissioner", "Decision of the Commissioner"
    DELEGATED = "delegated", "Delegated officer decision"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_OFFICER_APPROVAL = "awaiting_officer_approval", "Awaiting officer approval"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Not published"


# The decision-maker has signed it, approving or rejecting (``Decision.is_decided``).
DECIDED = (
    DecisionStatus.APPROVED,
    DecisionStatus.REJECTED,
    DecisionStatus.PUBLISHED,
    DecisionStatus.NOT_PUBLISHED,
)

# The six implications of the Decision Record Form, in the order the form asks them.
IMPLICATIONS = (
    ("financial", "Financial"),
    ("legal", "Legal"),
    ("equality", "Equality and diversity"),
    ("human_rights", "Human rights"),
    ("sustainability", "Sustainability"),
    ("risk", "Risk management"),
)

# Everything a signature vouches for on the record's own row (decisions/content.py
# adds its lines, allocations and attachments), and what publication freezes.
CONTENT_FIELDS = (
    "category",
    "significant_public_interest",
    "title",
    "executive_summary",
    "recommendations",
    "decision",
    "officers_present",
    "contractor_details",
    "date_received",
    "key_discussion_points",
    *(f"{key}_implications" for key, _ in IMPLICATIONS),
    *(f"{key}_details" for key, _ in IMPLICATIONS),
    "supporting_information",
)
FROZEN_WHEN_PUBLISHED = (
    *CONTENT_FIELDS,
    "reference",
    "slug",
    "status",
    "lead_officer",
    "decision_date",
)


def reference_slug(reference: str) -> str:
    """``034-2016`` stays ``034-2016``; ``EXE 0025/13`` becomes ``exe-0025-13``."""
    return re.sub(r"[^a-z0-9]+", "-", reference.lower()).strip("-")


class DecisionQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("lead_officer").order_by("-created_at", "-pk")

    def forward_plan(self):
        """The records flagged for the forward plan and not decided yet, soonest first."""
        return (
            self.filter(forward_plan=True)
            .exclude(status__in=DECIDED)
            .order_by("expected_decision_month", "title", "pk")
        )


class Decision(models.Model):
    """A Decision Record Form."""

    reference = models.CharField(max_length=50, unique=True, null=True, blank=True)
    slug = models.SlugField(max_length=60, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=30, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    category = models.CharField(
        max_length=20, choices=DecisionCategory.choices, default=DecisionCategory.COMMISSIONER
    )
    significant_public_interest = models.BooleanField(
        "significant public interest",
        default=False,
        help_text="Decisions of significant public interest are published.",
    )

    # The request
    title = models.CharField(max_length=255)
    executive_summary = models.TextField(
        "executive summary",
        help_text="The summary of the issue: what is asked for and why.",
    )
    recommendations = models.TextField(blank=True)
    decision = models.TextField(
        "decision", help_text="The decision itself, as the decision-maker will sign it."
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="OPCC lead officer",
        on_delete=models.PROTECT,
        related_name="decisions_led",
    )
    officers_present = models.TextField("officers present", blank=True)
    contractor_details = models.TextField("contractor details", blank=True)
    date_received = models.DateField("date received in the OPCC", null=True, blank=True)
    key_discussion_points = models.TextField("key discussion points", blank=True)

    # The implications checklist: each yes/no with details.
    financial_implications = models.BooleanField("financial implications", default=False)
    financial_details = models.TextField(
        "financial implications: details",
        blank=True,
        help_text="Must include the Chief Finance Officer's comments.",
    )
    legal_implications = models.BooleanField("legal implications", default=False)
    legal_details = models.TextField(
        "legal implications: details",
        blank=True,
        help_text="Must include the Monitoring Officer's comments.",
    )
    equality_implications = models.BooleanField(
        "equality and diversity implications", default=False
    )
    equality_details = models.TextField("equality and diversity: details", blank=True)
    human_rights_implications = models.BooleanField("human rights implications", default=False)
    human_rights_details = models.TextField("human rights: details", blank=True)
    sustainability_implications = models.BooleanField("sustainability implications", default=False)
    sustainability_details = models.TextField("sustainability: details", blank=True)
    risk_implications = models.BooleanField("risk management implications", default=False)
    risk_details = models.TextField("risk management: details", blank=True)

    supporting_information = models.TextField("supporting information", blank=True)

    # The forward plan: public as soon as saved, and not part of the signed content.
    forward_plan = models.BooleanField(
        "list it on the forward plan",
        default=False,
        help_text="The public page of decisions expected lists it until it is decided.",
    )
    expected_decision_month = models.DateField(
        "month the decision is expected",
        null=True,
        blank=True,
        help_text="For example 2027-03. Stored as the first day of the month.",
    )
    forward_plan_summary = models.CharField(
        "summary for the forward plan",
        max_length=300,
        blank=True,
        help_text="One or two sentences the public may read now: it is published as soon "
        "as the draft is saved, before the record is decided.",
    )

    decision_date = models.DateField("date of decision", null=True, blank=True)
    submitted_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Content SHA-256 at submission."
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "category"]),
            # The registers list published records by date: read in order, no sort.
            models.Index(
                fields=["status", "decision_date", "id"], name="decision_status_date_idx"
            ),
            # The staff list shows the newest first: the first page is read in order.
            models.Index(fields=["-created_at", "-id"], name="decision_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reference__isnull=False),
                name="decision_reference_once_submitted",
            )
        ]
        triggers = [
            # On PostgreSQL, a published (or withheld) record's content cannot be
            # updated in the database itself; the content hash is the second line.
            frozen_in_states(
                "published_content_frozen",
                state="status",
                states=["published", "not_published"],
                columns=FROZEN_WHEN_PUBLISHED,
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'Draft'}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == DecisionStatus.DRAFT

    @property
    def is_decided(self) -> bool:
        """The decision-maker has signed it, approving or rejecting: what it lists,
        its allocations too, is the record as signed."""
        return self.status in DECIDED

    @property
    def is_approved(self) -> bool:
        return self.status in (
            DecisionStatus.APPROVED,
            DecisionStatus.PUBLISHED,
            DecisionStatus.NOT_PUBLISHED,
        )

    def implications(self) -> list[dict]:
        """The checklist as rows: label, yes/no and details."""
        return [
            {
                "key": key,
                "label": label,
                "applies": getattr(self, f"{key}_implications"),
                "details": getattr(self, f"{key}_details"),
            }
            for key, label in IMPLICATIONS
        ]


class FundingLine(models.Model):
    """A line of the funding breakdown; the total is their sum, never typed."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="funding_lines")
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(max_length=500)
    amount = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.item


def _attachment_path(instance, filename: str) -> str:
    return f"decisions/{instance.stored_name}"


class DecisionAttachment(StoredDocument):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)

    class Meta(StoredDocument.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("decisions:attachment", args=[self.pk])


class ReferenceCounter(models.Model):
    """The last number given in a series for a year; numbers are never reused."""

    series = models.CharField(max_length=20, choices=DecisionCategory.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(
        default=0, help_text="The next record submitted gets the number after this one."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_series_display()} {self.year}: {self.last_number}"
