"""The record as its pages and PDFs show it, as plain data.

One shape, built here from the live rows, is what every rendering of a record reads
(``decisions/_record.html``): the staff page and the draft PDF (everything), the
Monitoring Officer's preview (the proposed choices), and the published snapshot,
which the public page and the published PDF are both rendered from. A section not
published in full is replaced by its grounds: its text is never in the public shape,
so no page or PDF made from it can show it. Rebuilt from the live rows with the
stored choices, the shape of a published record equals its snapshot unless the rows
changed behind the app's back (``differences``).

Values are JSON's: dates and times as ISO 8601 text, amounts as text with two places.
"""

from dataclasses import dataclass
from decimal import Decimal

from pcc_grants.models import OrganisationSettings

from .content import content_hash
from .models import (
    IMPLICATIONS,
    CommentKind,
    Decision,
    DecisionStatus,
    Exemption,
    PublicationChoice,
    PublicationPart,
    SignOff,
    SignOffStep,
    attachment_label,
    section_key,
)

# The shape's version: a snapshot of another version is compared by its content hash.
VERSION = 1

# What the grounds of one section say. Each is a dict (see ``withheld``).
Withheld = dict


@dataclass(frozen=True)
class Section:
    """A section whose publication the Monitoring Officer decides."""

    key: str
    label: str
    covers: str


RECORD_COVERS = (
    "The executive summary, recommendations, officers present and contractor details. "
    "The title, the decision, its date and the lead officer are published with the "
    "record. Not published, the record has no public page: the register shows its "
    "reference, date and these grounds only."
)
IMPLICATION_COVERS = "The details given (whether it has these implications, yes or no, shows)."
COMMENT_COVERS = "The comment, with its author and date."
COMMENT_SECTIONS = {
    CommentKind.FINANCIAL: PublicationPart.FINANCIAL_COMMENT,
    CommentKind.LEGAL: PublicationPart.LEGAL_COMMENT,
}
ATTACHMENT_COVERS = (
    "Its name, size and SHA-256 in the list of attachments (the file itself is never published)."
)


def _valid_comments(decision: Decision) -> list:
    return [c for c in decision.comments.all() if not c.void]


def _attachments(decision: Decision) -> list:
    return sorted(decision.attachments.all(), key=lambda a: (a.uploaded_at, a.pk), reverse=True)


def record_sections(decision: Decision) -> list[Section]:
    """The sections of this record, in the order the record shows them: the record
    itself, each implication it has, each comment given, the key discussion points
    and supporting information if written, the funding breakdown and allocations if
    any, and each attachment. A section with nothing in it has nothing to decide."""
    sections = [Section(PublicationPart.RECORD, PublicationPart.RECORD.label, RECORD_COVERS)]
    for key, _label in IMPLICATIONS:
        if getattr(decision, f"{key}_implications"):
            part = PublicationPart(key)
            sections.append(Section(part, part.label, IMPLICATION_COVERS))
    kinds = {comment.kind for comment in _valid_comments(decision)}
    for kind, part in COMMENT_SECTIONS.items():
        if kind in kinds:
            sections.append(Section(part, part.label, COMMENT_COVERS))
    for part, field in (
        (PublicationPart.KEY_DISCUSSION_POINTS, "key_discussion_points"),
        (PublicationPart.SUPPORTING_INFORMATION, "supporting_information"),
    ):
        if getattr(decision, field).strip():
            sections.append(Section(part, part.label, f"The {part.label.lower()} as written."))
    if decision.funding_lines.all():
        part = PublicationPart.FUNDING_LINES
        sections.append(Section(part, part.label, "Each item, its amount, and the total."))
    if decision.allocations.all():
        part = PublicationPart.ALLOCATIONS
        sections.append(
            Section(
                part,
                part.label,
                "Each allocation's reference, recipient, purpose, funding stream and "
                "amount; the grants open data publishes these.",
            )
        )
    for attachment in _attachments(decision):
        sections.append(
            Section(
                section_key(PublicationPart.ATTACHMENT, attachment.pk),
                attachment_label(attachment.original_name),
                ATTACHMENT_COVERS,
            )
        )
    return sections


def grounds(exemption: str, legislation: str) -> str:
    """The exemption and the legislation, as the public reads them."""
    pieces = [Exemption(exemption).label if exemption else "", legislation.strip()]
    return "; ".join(piece for piece in pieces if piece)


def withheld(*, section: str, label: str, values: dict) -> Withheld:
    """A section's publication choice as the public reads it, from the choice's
    values (``choice``, ``exemption``, ``legislation``, ``public_interest``,
    ``review_date``)."""
    review = values.get("review_date")
    return {
        "section": section,
        "label": label,
        "choice": values["choice"],
        "choice_label": PublicationChoice(values["choice"]).label,
        "grounds": grounds(values.get("exemption") or "", values.get("legislation") or ""),
        "public_interest": (values.get("public_interest") or "").strip(),
        "review_date": review.isoformat() if review else None,
    }


# A withheld attachment's name is part of what is withheld: the public reads this.
WITHHELD_ATTACHMENT = "An attachment"


def public_label(section: Section | str, label: str) -> str:
    """A section's name as the public reads it, in place of what it withholds."""
    key = section.key if isinstance(section, Section) else section
    return WITHHELD_ATTACHMENT if key.startswith(f"{PublicationPart.ATTACHMENT}_") else label


def choices_of(decision: Decision) -> dict[str, Withheld]:
    """The stored publication choices of a record, by section."""
    return {
        choice.section: withheld(
            section=choice.section,
            label=public_label(choice.section, choice.label),
            values={
                "choice": choice.choice,
                "exemption": choice.exemption,
                "legislation": choice.legislation,
                "public_interest": choice.public_interest,
                "review_date": choice.review_date,
            },
        )
        for choice in decision.publication_decisions.all()
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def organisation_view(settings: OrganisationSettings) -> dict:
    return {
        "name": settings.name,
        "chief_executive_title": settings.chief_executive_title,
        "chief_finance_officer_title": settings.chief_finance_officer_title,
        "decision_maker_title": settings.decision_maker_title,
        "monitoring_officer_title": settings.monitoring_officer_title,
        "officer_approval_statement": settings.officer_approval_statement,
        "decision_maker_statement": settings.decision_maker_statement,
    }


def signature_view(signoff: SignOff) -> dict:
    return {
        "step": signoff.step,
        "step_label": SignOffStep(signoff.step).label,
        "name": signoff.name,
        "title": signoff.title,
        "outcome": signoff.outcome,
        "statement": signoff.statement,
        "comment": signoff.comment,
        "signed_at": signoff.signed_at.isoformat(),
        "on_paper": signoff.on_paper,
        # On paper, who recorded it on the signer's behalf.
        "recorded_by": str(signoff.recorded_by) if signoff.on_paper else "",
    }


def _signatures(decision: Decision, extra: SignOff | None) -> dict:
    signatures = {}
    for signoff in decision.signoffs.all():
        if not signoff.void:
            signatures[signoff.step] = signature_view(signoff)  # the latest of each step
    if extra is not None:
        signatures[extra.step] = signature_view(extra)
    return signatures


def record_view(
    decision: Decision,
    *,
    publication: dict[str, Withheld] | None = None,
    publication_signoff: SignOff | None = None,
    organisation: OrganisationSettings | None = None,
) -> dict:
    """The record as plain data. Without ``publication``, all of it, as staff see it.
    With ``publication`` (the choice for each section, from ``withheld``), as the
    public sees it: a section not published in full carries its grounds instead of
    its content, and a record not published carries its reference, date and grounds
    only. ``publication_signoff`` is the publication's signature when it is not yet
    made (the preview). Reads only what ``selectors.decision_for_record`` prefetches."""
    organisation = organisation or OrganisationSettings.load()
    public = publication is not None
    choices = publication or {}

    def hidden(key: str) -> Withheld | None:
        choice = choices.get(key)
        return choice if choice and choice["choice"] != PublicationChoice.PUBLISH else None

    view = {
        "version": VERSION,
        "public": public,
        "organisation": organisation_view(organisation),
        "reference": decision.reference,
        "slug": decision.slug,
        "category": decision.category,
        "category_label": decision.get_category_display(),
        "decision_date": _iso(decision.decision_date),
    }
    record_withheld = hidden(PublicationPart.RECORD)
    if public and record_withheld and record_withheld["choice"] == PublicationChoice.WITHHOLD:
        view.update(
            status=DecisionStatus.NOT_PUBLISHED,
            published=False,
            request={"withheld": record_withheld},
            withheld=[record_withheld],
        )
        return view

    status = DecisionStatus.PUBLISHED if public else decision.status
    officer = decision.lead_officer
    view.update(
        status=status,
        status_label=DecisionStatus(status).label,
        published=public,
        significant_public_interest=decision.significant_public_interest,
        title=decision.title,
        decision=decision.decision,
        date_received=_iso(decision.date_received),
        lead_officer={"name": str(officer), "job_title": officer.job_title},
        content_hash=content_hash(decision),
        signatures=_signatures(decision, publication_signoff),
    )
    view["request"] = (
        {"withheld": record_withheld}
        if record_withheld
        else {
            "executive_summary": decision.executive_summary,
            "recommendations": decision.recommendations,
            "officers_present": decision.officers_present,
            "contractor_details": decision.contractor_details,
        }
    )

    implications = []
    for row in decision.implications():
        shown = {"key": row["key"], "label": row["label"], "applies": row["applies"]}
        if row["applies"]:
            grounds_given = hidden(row["key"])
            shown.update(
                {"withheld": grounds_given} if grounds_given else {"details": row["details"]}
            )
        implications.append(shown)
    view["implications"] = implications

    comments = []
    for comment in _valid_comments(decision):
        key = COMMENT_SECTIONS[comment.kind]
        label = CommentKind(comment.kind).label
        grounds_given = hidden(key)
        if grounds_given:
            if not any(c.get("withheld") is grounds_given for c in comments):
                comments.append({"section": key, "label": label, "withheld": grounds_given})
            continue
        comments.append(
            {
                "section": key,
                "label": label,
                "text": comment.text,
                "author_name": comment.author_name,
                "author_title": comment.author_title,
                "created_at": comment.created_at.isoformat(),
            }
        )
    view["comments"] = comments

    for key, field in (
        (PublicationPart.KEY_DISCUSSION_POINTS, "key_discussion_points"),
        (PublicationPart.SUPPORTING_INFORMATION, "supporting_information"),
    ):
        grounds_given = hidden(key) if getattr(decision, field).strip() else None
        view[field] = (
            {"withheld": grounds_given} if grounds_given else {"text": getattr(decision, field)}
        )

    lines = list(decision.funding_lines.all())
    lines_total = sum((line.amount for line in lines), Decimal("0"))
    grounds_given = hidden(PublicationPart.FUNDING_LINES) if lines else None
    view["funding_lines"] = (
        {"withheld": grounds_given}
        if grounds_given
        else {
            "lines": [{"item": line.item, "amount": _money(line.amount)} for line in lines],
            "total": _money(lines_total),
        }
    )
    allocations = sorted(decision.allocations.all(), key=lambda a: a.pk)
    linked_total = sum((a.amount for a in allocations), Decimal("0"))
    grounds_given = hidden(PublicationPart.ALLOCATIONS) if allocations else None
    view["allocations"] = (
        {"withheld": grounds_given}
        if grounds_given
        else {
            "rows": [
                {
                    "reference": allocation.reference,
                    "recipient": allocation.recipient_name,
                    "title": allocation.title,
                    "funding_stream": str(allocation.funding_stream),
                    "amount": _money(allocation.amount),
                }
                for allocation in allocations
            ],
            "total": _money(linked_total),
        }
    )
    # The warning would tell a hidden total: shown only when both tables are.
    view["totals_differ"] = (
        bool(allocations)
        and linked_total != lines_total
        and "withheld" not in view["funding_lines"]
        and "withheld" not in view["allocations"]
    )

    attachments = []
    for attachment in _attachments(decision):
        key = section_key(PublicationPart.ATTACHMENT, attachment.pk)
        grounds_given = hidden(key)
        if grounds_given:
            attachments.append({"withheld": grounds_given})
        else:
            shown = {
                "name": attachment.original_name,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            if not public:
                shown["id"] = attachment.pk  # staff download it
            attachments.append(shown)
    view["attachments"] = attachments
    if public:
        view["withheld"] = [
            choices[section.key] for section in record_sections(decision) if hidden(section.key)
        ]
    return view


# Comparing ---------------------------------------------------------------------------

# Not the record's content: the organisation's name and titles may be edited later
# (a PCC becomes a mayor), and the snapshot keeps them as they were.
NOT_COMPARED = ("version", "organisation")
FIELD_LABELS = {
    "reference": "Reference",
    "slug": "Reference",
    "category": "Category",
    "category_label": "Category",
    "decision_date": "Date of decision",
    "status": "Status",
    "status_label": "Status",
    "published": "Status",
    "significant_public_interest": "Significant public interest",
    "title": "Title",
    "decision": "Decision",
    "date_received": "Date received in the OPCC",
    "lead_officer": "OPCC lead officer",
    "content_hash": "Content SHA-256",
    "signatures": "Signatures",
    "request": PublicationPart.RECORD.label,
    "implications": "Implications",
    "comments": "Comments",
    "key_discussion_points": PublicationPart.KEY_DISCUSSION_POINTS.label,
    "supporting_information": PublicationPart.SUPPORTING_INFORMATION.label,
    "funding_lines": PublicationPart.FUNDING_LINES.label,
    "allocations": PublicationPart.ALLOCATIONS.label,
    "totals_differ": PublicationPart.FUNDING_LINES.label,
    "attachments": "Attachments",
    "withheld": "Publication choices",
    "public": "Publication choices",
}


def differences(published: dict, live: dict) -> list[str]:
    """What differs between a published shape and the live rows' shape, as the record
    names its parts ("Title", "Funding breakdown"), each once, in the record's order."""
    # The live shape's order: PostgreSQL keeps a snapshot's keys in an order of its own.
    keys = [k for k in dict.fromkeys([*live, *published]) if k not in NOT_COMPARED]
    labels = [FIELD_LABELS.get(key, key) for key in keys if published.get(key) != live.get(key)]
    return list(dict.fromkeys(labels))
