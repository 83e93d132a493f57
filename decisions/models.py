import re
from decimal import Decimal

import pgtrigger
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
        return self.status in (
            DecisionStatus.APPROVED,
            DecisionStatus.REJECTED,
            DecisionStatus.PUBLISHED,
            DecisionStatus.NOT_PUBLISHED,
        )

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


class SignOffStep(models.TextChoices):
    OFFICER_APPROVAL = "officer_approval", "Officer approval"
    DECISION = "decision", "Decision"
    PUBLICATION = "publication", "Publication decision"


class SignOffOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PUBLICATION_DECIDED = "publication_decided", "Publication decided"


class SignOffQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(void=False)


def _scan_path(instance, filename: str) -> str:
    return f"signatures/{instance.stored_name}"


class SignOff(models.Model):
    """A signature: who signed which step, as what, the statement they signed, and the
    SHA-256 of the record's content at that moment. Never edited or deleted; voided
    (kept, marked void) when the record is returned for changes."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="signoffs")
    step = models.CharField(max_length=20, choices=SignOffStep.choices)
    outcome = models.CharField(max_length=20, choices=SignOffOutcome.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signoffs",
        help_text="Empty for a signature made on paper by someone without an account.",
    )
    # First and last names are up to 150 characters each.
    name = models.CharField(max_length=301)
    title = models.CharField(max_length=150)
    role = models.CharField(max_length=50)
    statement = models.TextField()
    comment = models.TextField(blank=True)
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    on_paper = models.BooleanField("signed on paper", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.FileField(upload_to=_scan_path, blank=True, max_length=200)
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    void = models.BooleanField(default=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        triggers = [
            # Append-only in the database too (PostgreSQL): a signature is never
            # deleted, nothing but its voiding is ever written to it, and a void
            # signature stays void.
            pgtrigger.Protect(name="signoff_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="signoff_only_voided",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["void", "voided_at", "void_reason"]),
            ),
            pgtrigger.Protect(
                name="signoff_void_is_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__void=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.name} ({self.signed_at:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        # A signature is written once; afterwards only its voiding may be recorded.
        if self.pk and set(kwargs.get("update_fields") or ()) - {
            "void",
            "voided_at",
            "void_reason",
        }:
            raise ValueError("A sign-off cannot be changed, only voided.")
        if self.pk and not kwargs.get("update_fields"):
            raise ValueError("A sign-off cannot be changed, only voided.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A sign-off is never deleted.")


class CommentKind(models.TextChoices):
    FINANCIAL = "financial", "Chief Finance Officer's comments on the financial implications"
    LEGAL = "legal", "Monitoring Officer's comments on the legal implications"


class DecisionComment(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField(max_length=20, choices=CommentKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=301)
    author_title = models.CharField(max_length=150)
    text = models.TextField()
    created_at = models.DateTimeField()
    void = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author_name}"


class DecisionEvent(models.Model):
    """The audit trail: every transition, with who, when, from, to and the comment."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=120)
    from_status = models.CharField(max_length=30, choices=DecisionStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=DecisionStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=301)
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        triggers = [
            # The audit trail is append-only in the database too (PostgreSQL).
            pgtrigger.Protect(
                name="event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name}"


class PublicationPart(models.TextChoices):
    """The sections of a record whose publication the Monitoring Officer decides, each
    labelled as the record names it. Every attachment is a section of its own
    (``ATTACHMENT``, with the attachment named on the choice)."""

    RECORD = "record", "The record of the decision"
    FINANCIAL = "financial", "Financial implications"
    LEGAL = "legal", "Legal implications"
    EQUALITY = "equality", "Equality and diversity implications"
    HUMAN_RIGHTS = "human_rights", "Human rights implications"
    SUSTAINABILITY = "sustainability", "Sustainability implications"
    RISK = "risk", "Risk management implications"
    FINANCIAL_COMMENT = (
        "financial_comment",
        "Chief Finance Officer's comments on the financial implications",
    )
    LEGAL_COMMENT = "legal_comment", "Monitoring Officer's comments on the legal implications"
    KEY_DISCUSSION_POINTS = "key_discussion_points", "Key discussion points"
    SUPPORTING_INFORMATION = "supporting_information", "Supporting information"
    FUNDING_LINES = "funding_lines", "Funding breakdown"
    ALLOCATIONS = "allocations", "Allocations this decision approves"
    ATTACHMENT = "attachment", "Attachment"


class PublicationChoice(models.TextChoices):
    PUBLISH = "publish", "Publish"
    REDACT = "redact", "Publish redacted"
    WITHHOLD = "withhold", "Do not publish"


class Exemption(models.TextChoices):
    NONE = "", "None"
    S31 = "s31", "FOI Act s31: law enforcement"
    S38 = "s38", "FOI Act s38: health and safety"
    S40 = "s40", "FOI Act s40: personal information"
    S41 = "s41", "FOI Act s41: information provided in confidence"
    S42 = "s42", "FOI Act s42: legal professional privilege"
    S43 = "s43", "FOI Act s43: commercial interests"
    OTHER = "other", "Other (see the legislation)"


class PublicationDecision(models.Model):
    """The Monitoring Officer's decision on publishing one section of a record."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="publication_decisions"
    )
    part = models.CharField(max_length=30, choices=PublicationPart.choices)
    attachment = models.ForeignKey(
        DecisionAttachment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication_decisions",
        help_text="The attachment, when the section is one.",
    )
    choice = models.CharField(max_length=20, choices=PublicationChoice.choices)
    legislation = models.CharField(max_length=255, blank=True)
    exemption = models.CharField(max_length=10, choices=Exemption.choices, blank=True)
    public_interest = models.TextField("public interest reasoning", blank=True)
    review_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "part"],
                condition=Q(attachment__isnull=True),
                name="one_choice_per_section",
            ),
            models.UniqueConstraint(
                fields=["attachment"],
                condition=Q(attachment__isnull=False),
                name="one_choice_per_attachment",
            ),
            models.CheckConstraint(
                condition=Q(part="attachment", attachment__isnull=False)
                | (~Q(part="attachment") & Q(attachment__isnull=True)),
                name="attachment_choice_names_its_attachment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.get_choice_display()}"

    @property
    def section(self) -> str:
        """The section's key, as the publication choices name it."""
        return section_key(self.part, self.attachment_id)

    @property
    def label(self) -> str:
        if self.part == PublicationPart.ATTACHMENT:
            return attachment_label(self.attachment.original_name)
        return self.get_part_display()

    @property
    def grounds(self) -> str:
        pieces = [self.get_exemption_display() if self.exemption else "", self.legislation]
        return "; ".join(piece for piece in pieces if piece)


def section_key(part: str, attachment_id: int | None = None) -> str:
    """``legal``, or ``attachment_12`` for the attachment whose id is 12."""
    return f"{part}_{attachment_id}" if part == PublicationPart.ATTACHMENT else part


def attachment_label(name: str) -> str:
    return f"Attachment: {name}"


class PublishedDocument(models.Model):
    """The public PDF, rendered once at publication and never regenerated."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="published_document"
    )
    file = models.FileField(upload_to="published/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    published_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.decision.reference} ({self.sha256[:12]}…)"


class PublishedSnapshot(models.Model):
    """What the public sees of a record, fixed when its publication is decided: the
    record as published, each section not published in full replaced by its grounds
    (``content``, the shape ``decisions.record_view`` builds), or for a record not
    published its reference, date and grounds only. Every public page, the register
    and its search and the open data read this, never the live rows; the columns
    beside ``content`` are copied from it for the register to sort, filter and search.
    Written once, in the transaction that renders the PDF, and never changed."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="published_snapshot"
    )
    published = models.BooleanField(help_text="False: the record itself is not published.")
    reference = models.CharField(max_length=50)
    slug = models.SlugField(max_length=60, unique=True)
    category = models.CharField(max_length=20, choices=DecisionCategory.choices)
    decision_date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=255, blank=True)
    search_text = models.TextField(
        blank=True, help_text="Every published text but the title, for the register's search."
    )
    allocations_published = models.BooleanField(
        default=False, help_text="The allocations it approves are published (open data)."
    )
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64, help_text="SHA-256 of ``content``.")
    published_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The register lists records by date: read in order, no sort.
            models.Index(fields=["decision_date", "decision"], name="snapshot_date_idx"),
        ]
        triggers = [
            # Append-only in the database too (PostgreSQL).
            pgtrigger.Protect(
                name="snapshot_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} as published"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise ValueError("A published snapshot is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published snapshot is never deleted.")
