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


def _file_digest(document: PublishedDocument) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


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
    """Every published PDF matches its stored SHA-256 and size, no published file
    lacks its record, no submitted or signed record's content differs from what was
    submitted or signed, and no record whose publication is decided differs from its
    snapshot (nor lacks one)."""
    report = IntegrityReport()
    known = set(PublishedDocument.objects.values_list("file", flat=True))
    for name in _orphans(known):
        report.problems.append(f"{name}: a published file with no published record")
    documents = PublishedDocument.objects.select_related("decision").order_by("pk")
    for document in documents.iterator(chunk_size=500):
        report.documents_checked += 1
        reference = document.decision.reference
        try:
            digest, size = _file_digest(document)
        except FileNotFoundError:
            report.problems.append(
                f"{reference}: the published PDF {document.file.name} is missing"
            )
            continue
        if digest != document.sha256 or size != document.size:
            report.problems.append(
                f"{reference}: the published PDF does not match its SHA-256 {document.sha256}"
            )
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
