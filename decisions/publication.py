"""The Monitoring Officer's publication decision, and the PDF published once."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from pcc_grants.pdf import render_pdf

from . import clock
from .models import Decision, PublicationChoice, PublicationPart, PublishedDocument
from .public import public_context

GROUNDS_NEEDED = "Give the grounds (the exemption or the legislation) for not publishing {part}."
REASONING_NEEDED = "Give the public interest reasoning for not publishing {part}."
ALL_PARTS_NEEDED = (
    "Decide publication for every part: the record, the officer assessment and the "
    "supporting details."
)


def validate_choices(choices: dict[str, dict]) -> list[dict]:
    """One row per part, each withheld or redacted part with its grounds and reasoning."""
    errors: dict[str, list[str]] = {}
    if set(choices) != set(PublicationPart.values):
        raise ValidationError(ALL_PARTS_NEEDED)
    for part, values in choices.items():
        label = PublicationPart(part).label.lower()
        if values["choice"] != PublicationChoice.PUBLISH:
            if not (values.get("exemption") or values.get("legislation", "").strip()):
                errors.setdefault(f"{part}_legislation", []).append(
                    GROUNDS_NEEDED.format(part=label)
                )
            if not values.get("public_interest", "").strip():
                errors.setdefault(f"{part}_public_interest", []).append(
                    REASONING_NEEDED.format(part=label)
                )
    if errors:
        raise ValidationError(errors)
    return [{"part": part, **values} for part, values in choices.items()]


def publish(decision: Decision) -> PublishedDocument:
    """Render the public PDF once and keep it with its SHA-256. The file is written
    before the transaction commits; should the transaction then fail, the caller
    removes it (``remove_unpublished``), and a file left by a crash is named by
    ``verify_records``."""
    pdf = render_pdf("decisions/public_pdf.html", public_context(decision))
    digest = hashlib.sha256(pdf).hexdigest()
    document = PublishedDocument(
        decision=decision, sha256=digest, size=len(pdf), published_at=clock.now()
    )
    document.file.save(f"{decision.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
    decision._written_document = document
    document.save()
    return document


def remove_unpublished(decision: Decision) -> None:
    """After a refused or failed publication: the PDF it wrote has no record."""
    document = getattr(decision, "_written_document", None)
    if document is not None and document.file:
        document.file.storage.delete(document.file.name)
