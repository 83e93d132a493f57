"""Uploaded documents: which kinds are accepted, how big, and where they are kept.

A file is accepted when its extension is on the list *and* its first bytes are
what that kind of file starts with, so a renamed executable or HTML page is
refused. Files are stored under random names, outside any public URL, and are
only ever streamed by views that check who is asking.
"""

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_ZIP = (b"PK\x03\x04",)
ACCEPTED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}

WRONG_TYPE = "Upload a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or image file."
CONTENT_MISMATCH = "The file's content is not what its name says ({extension}): it was refused."
TOO_BIG = "The file is larger than {limit} MB."
EMPTY = "The file is empty."


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file; raises ValidationError with a message for the user."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ACCEPTED:
        raise ValidationError(WRONG_TYPE, code="file_type")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            TOO_BIG.format(limit=MAX_UPLOAD_BYTES // (1024 * 1024)), code="file_size"
        )
    if upload.size == 0:
        raise ValidationError(EMPTY, code="file_empty")
    content_type, signatures = ACCEPTED[extension]
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(signatures):
        raise ValidationError(
            CONTENT_MISMATCH.format(extension=f".{extension}"), code="file_content"
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name[:200], extension, content_type, upload.size, digest.hexdigest())


def store_document(document, upload):
    """Check ``upload``, store it under a random name and save ``document`` (a
    StoredDocument whose owner and uploader are set). A file is not left behind if
    the row cannot be saved."""
    from django.core.files.base import File

    checked = check_upload(upload)
    name = f"{uuid.uuid4().hex}.{checked.extension}"
    document.stored_name = name
    document.original_name = checked.original_name
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    document.file.save(name, File(upload), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_response(document):
    """Stream a stored document as a download that no cache keeps."""
    from django.http import FileResponse, Http404

    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def upload_from_form(request, form_class, add, owner, *, done: str):
    """Handle a one-file upload form: run ``add(upload)`` (a service) and say how it
    went in messages; then back to ``owner``'s page. Nothing is stored on refusal."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.errors.get("file", ["Choose a file."]):
            messages.error(request, message)
        return redirect(owner)
    upload = form.cleaned_data["file"]
    try:
        document = add(upload)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{upload.name}: {message}")
    else:
        messages.success(request, f"“{document.original_name}” {done}.")
    return redirect(owner)
