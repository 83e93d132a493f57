"""Checks that what was signed and published is still what the database holds.

Used after a restore from backup (see README: Backup and restore) and at any time
by ``manage.py verify_records``.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Prefetch

from funding.models import Allocation
from pcc_grants.models import OrganisationSettings
from pcc_grants.sealing import check_signature, seal_certificates

from .content import tampered
from .models import (
    Decision,
    DecisionStatus,
    PublicationDecision,
    PublishedDocument,
    PublishedSnapshot,
)
from .publication import canonical_sha256, snapshot_columns
from .record_view import VERSION, choices_of, differences, record_view

DECIDED = (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED)
SNAPSHOT_ITSELF = "the snapshot itself (it no longer matches its SHA-256)"
REGISTER_COLUMNS = "the register's copy of the snapshot"


@dataclass
class IntegrityReport:
    documents_checked: int = 0
    records_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _document_problems(document: PublishedDocument, certificates) -> list[str]:
    """What no longer holds of a published PDF (and of its sealed copy, if any): each
    file matches its SHA-256 and size, and a sealed file carries the organisation's
    seal, unbroken, over the whole file."""
    reference = document.decision.reference
    problems = []
    files = [(document.file, document.sha256, document.size, document.sealed, "published PDF")]
    if document.sealed_copy:
        files.append(
            (
                document.sealed_copy,
                document.sealed_copy_sha256,
                document.sealed_copy_size,
                True,
                "sealed copy of the published PDF",
            )
        )
    for stored, sha256, size, sealed, what in files:
        try:
            with stored.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            problems.append(f"{reference}: the {what} {stored.name} is missing")
            continue
        if hashlib.sha256(data).hexdigest() != sha256 or len(data) != size:
            problems.append(f"{reference}: the {what} does not match its SHA-256 {sha256}")
        seal = check_signature(data, certificates=certificates) if sealed else None
        if seal is not None and not seal.sealed:
            problems.append(f"{reference}: the seal of the {what} does not hold. {seal.verdict}")
    return problems


def _orphans(known: set[str]) -> list[str]:
    """Files in the published folder that no published record holds: left by a
    publication that was interrupted after writing its PDF."""
    folder = PublishedDocument._meta.get_field("file").upload_to.rstrip("/")
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in names if f"{folder}/{name}" not in known)


def _column(snapshot: PublishedSnapshot, name: str):
    value = getattr(snapshot, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def published_differences(
    decision: Decision, *, organisation: OrganisationSettings | None = None
) -> list[str]:
    """What of a published (or withheld) record no longer matches what was published:
    the live rows, rebuilt into the public shape with the stored choices, against the
    snapshot, as the record names its parts ("Title", "Funding breakdown"). Empty for
    a record whose publication is not decided. ``decision`` as
    ``selectors.decision_for_record`` reads it."""
    snapshot = getattr(decision, "published_snapshot", None)
    if snapshot is None:
        return []
    problems = []
    content = snapshot.content
    if canonical_sha256(content) != snapshot.content_sha256:
        problems.append(SNAPSHOT_ITSELF)
    columns = snapshot_columns(content)
    columns.pop("content_sha256")
    if any(_column(snapshot, name) != value for name, value in columns.items()):
        problems.append(REGISTER_COLUMNS)
    live = record_view(decision, publication=choices_of(decision), organisation=organisation)
    if content.get("version") == VERSION:
        problems += differences(content, live)
    elif content.get("content_hash") != live.get("content_hash"):
        problems.append("Content SHA-256")
    return problems


def verify_records() -> IntegrityReport:
    """Every published PDF (and sealed copy) matches its stored SHA-256 and size and,
    when sealed, carries the organisation's seal unbroken; no published file
    lacks its record, no submitted or signed record's content differs from what was
    submitted or signed, and no record whose publication is decided differs from its
    snapshot (nor lacks one)."""
    report = IntegrityReport()
    known = set()
    for name, copy in PublishedDocument.objects.values_list("file", "sealed_copy"):
        known.update(filter(None, (name, copy)))
    for name in _orphans(known):
        report.problems.append(f"{name}: a published file with no published record")
    certificates = seal_certificates()
    documents = PublishedDocument.objects.select_related("decision").order_by("pk")
    for document in documents.iterator(chunk_size=500):
        report.documents_checked += 1
        report.problems += _document_problems(document, certificates)
    records = (
        Decision.objects.exclude(submitted_hash="")
        .select_related("lead_officer", "published_snapshot")
        .prefetch_related(
            "signoffs",
            "funding_lines",
            "comments",
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related(
                    "recipient", "funding_stream__financial_year"
                ),
            ),
            "attachments",
            Prefetch(
                "publication_decisions",
                queryset=PublicationDecision.objects.select_related("attachment"),
            ),
        )
        .order_by("pk")
    )
    organisation = OrganisationSettings.load()
    for decision in records.iterator(chunk_size=200):
        report.records_checked += 1
        # One problem per record, saying all that is wrong with it.
        found = []
        if tampered(decision):
            found.append("the content differs from what was submitted or signed")
        differ = published_differences(decision, organisation=organisation)
        if differ:
            found.append("the database differs from what was published: " + ", ".join(differ))
        if found:
            report.problems.append(f"{decision.reference}: " + "; ".join(found))
    published = Decision.objects.filter(status__in=DECIDED)
    for reference in published.filter(published_snapshot__isnull=True).values_list(
        "reference", flat=True
    ):
        report.problems.append(f"{reference}: its publication is decided but nothing was kept")
    orphaned = PublishedSnapshot.objects.exclude(decision__status__in=DECIDED)
    for reference in orphaned.values_list("reference", flat=True):
        report.problems.append(
            f"{reference}: published, but the database no longer says its publication is decided"
        )
    return report
