"""Reads with logic for decision records: the record page's reads, totals and tasks."""

from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform

from funding.models import Allocation
from pcc_grants.models import OrganisationSettings

from .content import ContentParts, content_hash
from .models import (
    Decision,
    DecisionAttachment,
    DecisionStatus,
    FundingLine,
    PublicationDecision,
    SignOff,
)
from .record_view import record_view


def _with_content(queryset):
    """What a record's content SHA-256 and the workflow's conditions read: its lead
    officer, funding lines, attachments, allocations (with their recipients and
    streams), signatures and comments."""
    return queryset.select_related("lead_officer").prefetch_related(
        "funding_lines",
        "attachments",
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related(
                "recipient", "funding_stream__financial_year"
            ).order_by("pk"),
        ),
        Prefetch("signoffs", queryset=SignOff.objects.select_related("recorded_by")),
        "comments",
    )


def decision_for_step(pk: int) -> Decision:
    """A record as a step of the workflow reads it (the page of the step and the
    checks of the table), in a fixed number of queries."""
    return _with_content(Decision.objects.all()).get(pk=pk)


def decision_for_record(pk: int) -> Decision:
    """A record with everything its page and PDF show, in a fixed number of queries."""
    return (
        _with_content(
            Decision.objects.select_related(
                "created_by", "published_snapshot", "published_document"
            )
        )
        .prefetch_related(
            "events",
            Prefetch(
                "publication_decisions",
                queryset=PublicationDecision.objects.select_related("attachment"),
            ),
        )
        .get(pk=pk)
    )


def record_context(
    decision: Decision, *, organisation: OrganisationSettings | None = None
) -> dict:
    """What the record's page and PDF show (``record``: all of it, as staff see it),
    with the totals, signatures, comments and hash. ``organisation``: the settings, if
    the page has read them already."""
    lines_total = funding_total(decision)
    linked_total = allocations_total(decision)
    valid = [s for s in decision.signoffs.all() if not s.void]
    signatures = {}
    for signoff in valid:
        signatures[signoff.step] = signoff  # the latest valid signature of each step
    return {
        "decision": decision,
        "lines_total": lines_total,
        "linked_total": linked_total,
        "totals_differ": bool(decision.allocations.all()) and linked_total != lines_total,
        "content_hash": content_hash(decision),
        "signatures": signatures,
        "comments": [c for c in decision.comments.all() if not c.void],
        "record": record_view(decision, organisation=organisation),
    }


def funding_total(decision: Decision) -> Decimal:
    return sum((line.amount for line in decision.funding_lines.all()), Decimal("0"))


def allocations_total(decision: Decision) -> Decimal:
    return sum((a.amount for a in decision.allocations.all()), Decimal("0"))


def decisions_for_list(queryset):
    """The records of a list, each with its funding total and, once published, the
    content SHA-256 its snapshot holds (``changed_since_published``), in the list's
    query: a subquery per row shown, so that counting and ordering the list need no
    grouping of every record."""
    totals = (
        FundingLine.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        total=Subquery(totals),
        published_hash=KeyTextTransform("content_hash", "published_snapshot__content"),
    )


def changed_since_published(decisions: list[Decision]) -> set[int]:
    """Of these records (a page of a list, read by ``decisions_for_list``), the
    published ones whose content no longer matches the content SHA-256 their snapshot
    holds: changed behind the app's back. A fixed number of queries, however many
    records: their lines, allocations and attachments are read together, each with
    only what the content holds."""
    published = [d for d in decisions if d.status == DecisionStatus.PUBLISHED]
    if not published:
        return set()
    ids = [d.pk for d in published]
    lines = _by_decision(
        FundingLine.objects.filter(decision__in=ids).only("decision_id", "item", "amount")
    )
    allocations = _by_decision(
        Allocation.objects.filter(decision__in=ids)
        .select_related("recipient")
        .only("decision_id", "title", "amount", "funding_stream_id", "recipient__name")
    )
    attachments = _by_decision(
        DecisionAttachment.objects.filter(decision__in=ids).only(
            "decision_id", "original_name", "sha256"
        )
    )
    return {
        d.pk
        for d in published
        if d.published_hash
        != content_hash(
            d,
            ContentParts(
                lines.get(d.pk, []), allocations.get(d.pk, []), attachments.get(d.pk, [])
            ),
        )
    }


def _by_decision(queryset) -> dict[int, list]:
    """The rows of ``queryset``, in its order, by the record they belong to."""
    rows: dict[int, list] = {}
    for row in queryset:
        rows.setdefault(row.decision_id, []).append(row)
    return rows
