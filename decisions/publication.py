"""The Monitoring Officer's publication decision: the choices for each section, the
preview of the public version, and at publication the snapshot and the sealed PDF, both
made once from the same public shape (``record_view``)."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from pcc_grants import sealing
from pcc_grants.pdf import render_pdf

from . import clock
from .models import (
    Decision,
    Exemption,
    PublicationChoice,
    PublicationPart,
    PublishedDocument,
    PublishedSnapshot,
    SignOffOutcome,
    SignOffStep,
)
from .record_view import (
    Withheld,
    choices_of,
    public_label,
    record_sections,
    record_view,
    withheld,
)
from .search import search_columns
from .selectors import decision_for_record
from .signing import signoff_for

GROUNDS_NEEDED = (
    "Give the grounds (the exemption or the legislation) for not publishing “{section}” in full."
)
REASONING_NEEDED = "Give the public interest reasoning for not publishing “{section}” in full."
GROUNDS_WITH_PUBLISH = (
    "“{section}” is set to “Publish”, but you gave grounds for withholding it: choose "
    "“Publish redacted” or “Do not publish”, or remove the exemption and legislation."
)
CHOICE_NEEDED = "Choose “Publish”, “Publish redacted” or “Do not publish” for “{section}”."
EXEMPTION_UNKNOWN = "Choose an exemption from the list for “{section}”."
SECTIONS_NEEDED = "Decide publication for every section of the record: {sections}."
NO_SUCH_SECTION = "This record has no section “{section}”: reload the page and decide again."

# Sections every record may have; a choice for one the record lacks decides nothing.
FIXED_SECTIONS = frozenset(PublicationPart.values) - {PublicationPart.ATTACHMENT}


def validate_choices(decision: Decision, choices: dict[str, dict]) -> list[dict]:
    """One row per section of the record (``record_sections``), each with its choice;
    a section not published in full with its grounds and public interest reasoning,
    and a section published in full without grounds for withholding it (an
    exemption with "Publish" would publish what it was meant to protect)."""
    sections = {section.key: section for section in record_sections(decision)}
    unknown = [key for key in choices if key not in sections and key not in FIXED_SECTIONS]
    if unknown:
        raise ValidationError(NO_SUCH_SECTION.format(section=unknown[0]), code="no_such_section")
    missing = [section.label for key, section in sections.items() if key not in choices]
    if missing:
        raise ValidationError(
            SECTIONS_NEEDED.format(sections="; ".join(missing)), code="sections_needed"
        )
    errors: dict[str, list[str]] = {}
    rows = []
    for key, section in sections.items():
        values = choices[key] or {}
        label = section.label
        choice = values.get("choice")
        exemption = values.get("exemption") or ""
        legislation = (values.get("legislation") or "").strip()
        public_interest = (values.get("public_interest") or "").strip()
        if choice not in PublicationChoice.values:
            errors.setdefault(f"{key}_choice", []).append(CHOICE_NEEDED.format(section=label))
        if exemption not in Exemption.values:
            errors.setdefault(f"{key}_exemption", []).append(
                EXEMPTION_UNKNOWN.format(section=label)
            )
        if choice == PublicationChoice.PUBLISH:
            if exemption or legislation:
                field = f"{key}_exemption" if exemption else f"{key}_legislation"
                errors.setdefault(field, []).append(GROUNDS_WITH_PUBLISH.format(section=label))
        elif choice in PublicationChoice.values:
            if not (exemption or legislation):
                errors.setdefault(f"{key}_legislation", []).append(
                    GROUNDS_NEEDED.format(section=label)
                )
            if not public_interest:
                errors.setdefault(f"{key}_public_interest", []).append(
                    REASONING_NEEDED.format(section=label)
                )
        part, _, attachment = (
            key.partition("_") if key.startswith("attachment_") else (key, "", "")
        )
        rows.append(
            {
                "part": part,
                "attachment_id": int(attachment) if attachment else None,
                "choice": choice,
                "exemption": exemption,
                "legislation": legislation,
                "public_interest": public_interest,
                "review_date": values.get("review_date"),
            }
        )
    if errors:
        raise ValidationError(errors)
    return rows


def proposed(decision: Decision, rows: list[dict]) -> dict[str, Withheld]:
    """Validated rows as the public shape reads choices, by section."""
    labels = {
        section.key: public_label(section, section.label) for section in record_sections(decision)
    }
    publication = {}
    for row in rows:
        key = f"{row['part']}_{row['attachment_id']}" if row["attachment_id"] else row["part"]
        publication[key] = withheld(section=key, label=labels[key], values=row)
    return publication


def preview(*, decision: Decision, choices: dict[str, dict], by, comment: str = "") -> dict:
    """The public version exactly as publishing with these choices would make it, the
    Monitoring Officer's signature shown as it will be made; nothing is stored.
    ``decision`` as ``selectors.decision_for_record`` reads it."""
    rows = validate_choices(decision, choices)
    signature = signoff_for(
        decision,
        step=SignOffStep.PUBLICATION,
        outcome=SignOffOutcome.PUBLICATION_DECIDED,
        by=by,
        comment=comment,
        paper=None,
    )
    return record_view(
        decision, publication=proposed(decision, rows), publication_signoff=signature
    )


def public_pdf(view: dict) -> bytes:
    """The published PDF of a public shape (the snapshot's, or a preview's)."""
    return render_pdf("decisions/public_pdf.html", {"record": view})


# The snapshot ------------------------------------------------------------------------


def canonical_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _texts(view: dict):
    """Every published text of a public shape but the title and the grounds."""
    yield view.get("decision", "")
    # In the order of the keys: PostgreSQL keeps a JSON object's keys in an order of
    # its own, so the text must not depend on the order they were written in.
    request = view.get("request", {})
    yield from (request[key] for key in sorted(request) if key != "withheld")
    for row in view.get("implications", ()):
        yield row.get("details", "")
    for comment in view.get("comments", ()):
        yield comment.get("text", "")
    for key in ("key_discussion_points", "supporting_information"):
        yield view.get(key, {}).get("text", "")
    for line in view.get("funding_lines", {}).get("lines", ()):
        yield line["item"]
    for allocation in view.get("allocations", {}).get("rows", ()):
        yield from (allocation["reference"], allocation["recipient"], allocation["title"])
    for attachment in view.get("attachments", ()):
        yield attachment.get("name", "")


def snapshot_columns(view: dict) -> dict:
    """What the register sorts, filters and searches by, copied from the shape."""
    published = view["published"]
    title = view.get("title", "") if published else ""
    text = "\n".join(text for text in _texts(view) if text) if published else ""
    return {
        "published": published,
        "reference": view["reference"],
        "slug": view["slug"],
        "category": view["category"],
        "decision_date": view["decision_date"],
        "title": title,
        "search_text": text,
        **search_columns(view, title=title, text=text),
        "allocations_published": published and bool(view["allocations"].get("rows")),
        "content_sha256": canonical_sha256(view),
    }


def organisation_seal() -> sealing.Seal:
    """The organisation's signing certificate, or a ValidationError saying what to set:
    nothing is published unsealed."""
    try:
        return sealing.load_seal()
    except sealing.SealUnavailable as error:
        raise ValidationError(str(error), code="seal_unavailable") from error


def sealed(pdf: bytes, *, with_seal: sealing.Seal) -> bytes:
    try:
        return sealing.seal(pdf, with_seal=with_seal)
    except sealing.SealUnavailable as error:
        raise ValidationError(str(error), code="seal_unavailable") from error


def publish(decision: Decision) -> PublishedSnapshot:
    """Fix the public shape of the record as its choices (stored by the transition)
    make it, and for a published record render its PDF from that same shape, once,
    sealed with the organisation's certificate (``pcc_grants.sealing``) and kept with
    the sealed file's SHA-256; without a usable certificate, a ValidationError before
    anything is rendered or written. The file is written before the transaction commits;
    should the transaction then fail, the caller removes it (``remove_unpublished``),
    and a file left by a crash is named by ``verify_records``."""
    record = decision_for_record(decision.pk)
    view = record_view(record, publication=choices_of(record))
    now = clock.now()
    snapshot = PublishedSnapshot(decision=decision, content=view, published_at=now)
    for name, value in snapshot_columns(view).items():
        setattr(snapshot, name, value)
    if view["published"]:
        with_seal = organisation_seal()  # refused before anything is rendered
        pdf = sealed(public_pdf(view), with_seal=with_seal)
        digest = hashlib.sha256(pdf).hexdigest()
        document = PublishedDocument(
            decision=decision, sha256=digest, size=len(pdf), published_at=now, sealed=True
        )
        document.file.save(f"{decision.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
        decision._written_document = document
        document.save()
    snapshot.full_clean(exclude=["decision"])
    snapshot.save()
    return snapshot


def remove_unpublished(decision: Decision) -> None:
    """After a refused or failed publication: the PDF it wrote has no record."""
    document = getattr(decision, "_written_document", None)
    if document is not None and document.file:
        document.file.storage.delete(document.file.name)


# Sealing what was published before sealing -------------------------------------------

SEALED_COPY_FIELDS = ("sealed_copy", "sealed_copy_sha256", "sealed_copy_size", "sealed_copy_at")
NOT_AS_PUBLISHED = (
    "{reference}: the published PDF no longer matches its SHA-256, so it was not sealed: "
    "run verify_records and restore the file from a backup."
)


@transaction.atomic
def published_document_seal(
    *, document: PublishedDocument, with_seal: sealing.Seal | None = None
) -> PublishedDocument:
    """A sealed copy beside a PDF published before sealing: the file as published is
    kept, byte for byte, with its SHA-256; the copy is that file with the
    organisation's seal added (an incremental update), stored with its own SHA-256,
    size and time. A PDF sealed at publication, or that has its copy, is left as it
    is; one that no longer matches its SHA-256 is refused, since sealing it would
    vouch for what was not published."""
    document = (
        PublishedDocument.objects.select_for_update(of=("self",))
        .select_related("decision")
        .get(pk=document.pk)
    )
    if document.sealed or document.sealed_copy:
        return document
    with document.file.open("rb") as handle:
        original = handle.read()
    if hashlib.sha256(original).hexdigest() != document.sha256:
        raise ValidationError(
            NOT_AS_PUBLISHED.format(reference=document.decision.reference), code="not_as_published"
        )
    pdf = sealed(original, with_seal=with_seal or organisation_seal())
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"{document.decision.slug}-{digest[:12]}-sealed.pdf"
    document.sealed_copy.save(name, ContentFile(pdf), save=False)
    document.sealed_copy_sha256 = digest
    document.sealed_copy_size = len(pdf)
    document.sealed_copy_at = clock.now()
    try:
        document.save(update_fields=SEALED_COPY_FIELDS)
    except BaseException:
        document.sealed_copy.storage.delete(document.sealed_copy.name)
        raise
    return document


published_document_seal.alters_data = True
