"""A record's canonical content, its SHA-256, and whether it still matches what was
submitted and signed. A signature vouches for exactly this content."""

import hashlib
import json
from collections.abc import Iterable
from typing import NamedTuple

from .models import CONTENT_FIELDS, Decision


class ContentParts(NamedTuple):
    """A record's funding lines (in their order), allocations and attachments."""

    lines: Iterable
    allocations: Iterable
    attachments: Iterable


def decision_content(decision: Decision, parts: ContentParts | None = None) -> dict:
    """Everything a signature vouches for, as plain data: the fields, the lead
    officer, the funding lines, the linked allocations and the attachments' hashes.
    ``parts``: the lines, allocations and attachments read already (a list reads them
    for all its records at once), else the record's own."""
    lines, allocations, attachments = parts or (
        decision.funding_lines.all(),
        decision.allocations.all(),
        decision.attachments.all(),
    )
    content = {}
    for name in CONTENT_FIELDS:
        value = getattr(decision, name)
        content[name] = value.isoformat() if hasattr(value, "isoformat") else value
    content["reference"] = decision.reference
    officer = decision.lead_officer
    content["lead_officer"] = {"name": str(officer), "job_title": officer.job_title}
    content["funding_lines"] = [
        {"item": line.item, "amount": f"{line.amount:.2f}"} for line in lines
    ]
    content["allocations"] = sorted(
        (
            {
                "reference": allocation.reference,
                "title": allocation.title,
                "amount": f"{allocation.amount:.2f}",
                "recipient": allocation.recipient_name,
                "funding_stream_id": allocation.funding_stream_id,
            }
            for allocation in allocations
        ),
        key=lambda item: item["reference"],
    )
    content["attachments"] = sorted(
        ({"name": a.original_name, "sha256": a.sha256} for a in attachments),
        key=lambda item: (item["sha256"], item["name"]),
    )
    return content


def content_hash(decision: Decision, parts: ContentParts | None = None) -> str:
    """The SHA-256 of the canonical content (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        decision_content(decision, parts),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


TAMPERED = (
    "The record's content has changed since it was submitted or signed: it cannot go "
    "further until the change is explained and the record is returned."
)


def tampered(decision: Decision) -> bool:
    """True when the content no longer matches what was submitted or signed."""
    if decision.is_draft:
        return False
    current = content_hash(decision)
    if decision.submitted_hash and decision.submitted_hash != current:
        return True
    return any(s.content_hash != current for s in decision.signoffs.all() if not s.void)
