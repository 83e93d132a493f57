"""Published records in the bulk data: each decided record's snapshot, and each
published record's PDF rendered from it as publication renders it, in worker
processes, and stored with its SHA-256; or, with ``pdfs="sample"``, a placeholder
that says what it is.
"""

import hashlib
import logging
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

import django
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from decisions.models import Decision, DecisionStatus, PublishedDocument, PublishedSnapshot
from decisions.publication import snapshot_columns
from decisions.record_view import choices_of, record_view
from decisions.selectors import decision_for_record
from pcc_grants.models import OrganisationSettings
from pcc_grants.pdf import html_to_pdf

from .bases import WriterBase
from .plan import PlanDecision


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint warns once per document when fontTools subsets the fonts."""
    weasy = logging.getLogger("weasyprint")
    before = weasy.level
    weasy.setLevel(logging.ERROR)
    try:
        yield
    finally:
        weasy.setLevel(before)


PLACEHOLDER_PDF_TEXT = (
    "Placeholder stored by generate_bulk_data --pdfs sample for {reference}; "
    "not the published record."
)


def placeholder_pdf(reference: str) -> bytes:
    """A one-page PDF that says what it is (``--pdfs sample`` only)."""
    text = PLACEHOLDER_PDF_TEXT.format(reference=reference)
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class PdfWriter(WriterBase):
    """Each decided record's snapshot, and each published record's PDF made from it,
    stored once with its SHA-256."""

    def _published_records(self, decided: list[PlanDecision]) -> None:
        """As publication keeps them (``decisions.publication.publish``): the public
        shape of each record whose publication is decided, from its choices; for a
        published one its PDF rendered from that shape, by the template and WeasyPrint
        call publication uses, in ``workers`` processes."""
        organisation = OrganisationSettings.load()
        at = {d.pk: d.steps[-1].at for d in decided}
        published = [d for d in decided if d.status == DecisionStatus.PUBLISHED]
        real = len(published) if self.pdfs == "all" else min(self.pdf_sample, len(published))
        rendered = {d.pk for d in published[:real]}
        documents: list[PublishedDocument] = []
        snapshots: list[PublishedSnapshot] = []

        def keep(decision: Decision, view: dict) -> None:
            snapshot = PublishedSnapshot(
                decision=decision, content=view, published_at=at[decision.pk]
            )
            for name, value in snapshot_columns(view).items():
                setattr(snapshot, name, value)
            snapshots.append(snapshot)
            if len(snapshots) >= 200:
                PublishedSnapshot.objects.bulk_create(snapshots)
                snapshots.clear()

        def store(decision: Decision, pdf: bytes) -> None:
            digest = hashlib.sha256(pdf).hexdigest()
            document = PublishedDocument(
                decision=decision, sha256=digest, size=len(pdf), published_at=at[decision.pk]
            )
            document.file.save(f"{decision.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
            documents.append(document)
            if len(documents) >= 200:
                PublishedDocument.objects.bulk_create(documents)
                documents.clear()

        def view_of(pk: int) -> tuple[Decision, dict]:
            decision = decision_for_record(pk)
            view = record_view(
                decision, publication=choices_of(decision), organisation=organisation
            )
            keep(decision, view)
            return decision, view

        def html_of(view: dict) -> str:
            return render_to_string(
                "decisions/public_pdf.html", {"organisation": organisation, "record": view}
            )

        for planned in decided:
            if planned.pk not in rendered:
                decision, view = view_of(planned.pk)
                if view["published"]:
                    store(decision, placeholder_pdf(decision.reference))
        pks = [d.pk for d in published[:real]]
        if self.workers > 1 and len(pks) > 1:
            # Fresh processes (no database connection inherited) that only run WeasyPrint
            # on the HTML this process renders; LOG_LEVEL quiets their font warnings.
            with (
                _environment(LOG_LEVEL="ERROR"),
                ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=get_context("spawn"),
                    initializer=django.setup,
                ) as pool,
            ):
                pending: deque = deque()
                for number, pk in enumerate(pks, start=1):
                    decision, view = view_of(pk)
                    pending.append((decision, pool.submit(html_to_pdf, html_of(view))))
                    while len(pending) > 3 * self.workers:
                        done, future = pending.popleft()
                        store(done, future.result())
                    if number % 250 == 0:
                        self.log(f"    {number} of {len(pks)} PDFs rendered")
                while pending:
                    done, future = pending.popleft()
                    store(done, future.result())
        else:
            for pk in pks:
                decision, view = view_of(pk)
                store(decision, html_to_pdf(html_of(view)))
        PublishedSnapshot.objects.bulk_create(snapshots)
        PublishedDocument.objects.bulk_create(documents)
