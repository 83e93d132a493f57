"""What the Monitoring Officer decides to publish, and what was published."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from .records import Decision, DecisionAttachment, DecisionCategory


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
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    sealed = models.BooleanField(
        default=False, help_text="The file carries the organisation's PAdES seal."
    )
    # A record published before sealing keeps its file and hash; its sealed copy is
    # stored beside it.
    sealed_copy = models.FileField(upload_to="published/", max_length=200, blank=True)
    sealed_copy_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    sealed_copy_size = models.PositiveIntegerField(null=True, blank=True)
    sealed_copy_at = models.DateTimeField(null=True, blank=True)

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
    # For the register's filters and, without PostgreSQL, its search (decisions/search.py).
    financial_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The financial year of the decision: 2016 for 2016/17."
    )
    significant_public_interest = models.BooleanField(
        default=False, help_text="Published as of significant public interest."
    )
    reference_key = models.CharField(
        max_length=50,
        blank=True,
        help_text="The reference's letters and digits, lower case: 0342016 for 034-2016.",
    )
    title_words = models.TextField(blank=True, help_text="The title's English stems.")
    text_words = models.TextField(blank=True, help_text="The English stems of ``search_text``.")
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
            # The years the register's filter offers, read from the index.
            models.Index(fields=["financial_year"], name="snapshot_year_idx"),
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
