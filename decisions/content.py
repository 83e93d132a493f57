"""A record's canonical content, its SHA-256, and whether it still matches what was
submitted and signed. A signature vouches for exactly this content."""

import hashlib
import json

from .models import CONTENT_FIELDS, Decision


def decision_content(decision: Decision) -> dict:
    """Everything a signature vouches for, as plain data: the fields, the lead
    officer, the funding lines, the linked allocations and the attachments' hashes."""
    content = {}
    for name in CONTENT_FIELDS:
        value = getattr(decision, name)
        content[name] = value.isoformat() if hasattr(value, "isoformat") else value
    content["reference"] = decision.reference
    officer = decision.lead_officer
    content["lead_officer"] = {"name": str(officer), "job_title": officer.job_title}
    content["funding_lines"] = [
        {"item": line.item, "amount": f"{line.amount:.2f}"}
        for line in decision.funding_lines.all()
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
            for allocation in decision.allocations.all()
        ),
        key=lambda item: item["reference"],
    )
    content["attachments"] = sorted(
        ({"name": a.original_name, "sha256": a.sha256} for a in decision.attachments.all()),
        key=lambda item: (item["sha256"], item["name"]),
    )
    return content


def content_hash(decision: Decision) -> str:
    """The SHA-256 of the canonical content (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        decision_content(decision), sort_keys=True, separators=(",", ":"), ensure_ascii=False
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
