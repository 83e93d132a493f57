"""Is this PDF one the organisation published? Anyone may ask, on the public page
(``verify``), and staff with ``manage.py verify_pdf FILE``: the file is looked up by
its SHA-256 among the published PDFs and their sealed copies, and its signature is
checked (``pcc_grants.sealing.check_signature``). Nothing uploaded is kept."""

import hashlib
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from pcc_grants.sealing import SignatureCheck, check_signature

from .models import PublishedDocument

MAX_BYTES = 20 * 1024 * 1024
FIELD_LABEL = "PDF to check"
CHOOSE_A_FILE = "Select the PDF to check."
EMPTY = "The PDF to check is empty: select the PDF as you received it."
TOO_BIG = "The PDF to check must be smaller than 20 MB."
NOT_A_PDF = (
    "The PDF to check must be a PDF file: the selected file does not begin as a PDF does (%PDF-)."
)
NO_MATCH = "This file matches no published record."

# Which of a record's files an identical upload is.
PUBLISHED = "published"
SEALED_COPY = "sealed_copy"


@dataclass(frozen=True)
class Match:
    """The published record whose stored file is byte for byte the one checked."""

    document: PublishedDocument
    copy: str = PUBLISHED

    @property
    def decision(self):
        return self.document.decision

    @property
    def snapshot(self):
        return self.document.decision.published_snapshot

    @property
    def sealed(self) -> bool:
        """The matched file should carry the seal."""
        return self.copy == SEALED_COPY or self.document.sealed

    @property
    def is_sealed_copy(self) -> bool:
        return self.copy == SEALED_COPY


@dataclass(frozen=True)
class Verdict:
    sha256: str
    size: int
    match: Match | None
    signature: SignatureCheck

    @property
    def ok(self) -> bool:
        """Byte for byte a published record, and, where that file was sealed, with the
        seal unbroken."""
        return self.match is not None and (not self.match.sealed or self.signature.sealed)


def find_published(sha256: str) -> Match | None:
    """The published PDF or sealed copy with this SHA-256: one query, however many
    records are published (both columns are indexed)."""
    document = (
        PublishedDocument.objects.select_related("decision__published_snapshot")
        .filter(Q(sha256=sha256) | Q(sealed_copy_sha256=sha256))
        .order_by("pk")
        .first()
    )
    if document is None:
        return None
    return Match(document, PUBLISHED if document.sha256 == sha256 else SEALED_COPY)


def verify_pdf(data: bytes) -> Verdict:
    sha256 = hashlib.sha256(data).hexdigest()
    match = find_published(sha256)
    return Verdict(sha256=sha256, size=len(data), match=match, signature=check_signature(data))


# What a multipart form adds around the file: its boundaries, headers, the CSRF token.
FORM_OVERHEAD = 64 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class VerifyForm(forms.Form):
    pdf = forms.FileField(
        label=FIELD_LABEL,
        help_text="The PDF as you downloaded or received it, up to 20 MB. It is checked "
        "and not kept.",
        error_messages={"required": CHOOSE_A_FILE, "empty": EMPTY, "invalid": CHOOSE_A_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_BYTES:
            raise ValidationError(TOO_BIG, code="file_size")
        upload.seek(0)
        if upload.read(5) != b"%PDF-":
            raise ValidationError(NOT_A_PDF, code="file_content")
        upload.seek(0)
        return upload


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF and learn whether it is a published record, and whose seal it
    carries. The answer is the page itself: nothing is stored."""
    posted = request.method == "POST"
    if posted and _declared_length(request) > MAX_BYTES + FORM_OVERHEAD:
        # Refused by what the request says it holds, before the body is read.
        form = VerifyForm(data={}, files={})
        form.is_valid()
        form.errors["pdf"] = form.error_class([TOO_BIG])
        return render(request, "decisions/verify.html", {"form": form}, status=413)
    form = VerifyForm(request.POST, request.FILES) if posted else VerifyForm()
    verdict = None
    if posted and form.is_valid():
        upload = form.cleaned_data["pdf"]
        verdict = verify_pdf(b"".join(upload.chunks()))
    return render(
        request,
        "decisions/verify.html",
        {"form": form, "verdict": verdict},
    )
