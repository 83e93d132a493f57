"""Signatures, comments and the audit trail of a record."""

import pgtrigger
from django.conf import settings
from django.db import models

from pcc_grants.signing_factors import SigningFactor

from .records import Decision, DecisionStatus


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
    factor = models.CharField(
        "signed with",
        max_length=20,
        choices=SigningFactor.choices,
        default=SigningFactor.PASSWORD,
        help_text="What the signer (on paper, the officer recording it) gave to sign.",
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
