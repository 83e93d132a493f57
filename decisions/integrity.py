"""Checks that what was signed and published is still what the database holds.

Used after a restore from backup (see README: Backup and restore) and at any time
by ``manage.py verify_records``.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from .content import tampered
from .models import Decision, PublishedDocument


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


def verify_records() -> IntegrityReport:
    """Every published PDF matches its stored SHA-256 and size, no published file
    lacks its record, and no submitted or signed record's content differs from what
    was submitted or signed."""
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
        .select_related("lead_officer")
        .prefetch_related("signoffs", "funding_lines", "allocations", "attachments")
        .order_by("pk")
    )
    for decision in records.iterator(chunk_size=200):
        report.records_checked += 1
        if tampered(decision):
            report.problems.append(
                f"{decision.reference}: the content differs from what was submitted or signed"
            )
    return report
