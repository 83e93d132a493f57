"""Staff pages for importing a past or paper round: upload a workbook, see every
problem (or what would be made), confirm. The Officer and the Chief Finance Officer
only; the upload is kept under a random name between the two steps, as the funding
import keeps its files."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from pcc_grants.downloads import XLSX_TYPE
from pcc_grants.permissions import require
from pcc_grants.uploads import check_upload

from .importing import KINDS, round_import
from .importing_workbook import template_workbook
from .models import GrantRound
from .views_staff import can_run_rounds

SESSION_KEY = "grants_round_import"
NOT_XLSX = "Upload an Excel workbook (.xlsx)."
EXPIRED = "That import has expired or was already confirmed: upload the workbook again."


class RoundImportForm(forms.Form):
    file = forms.FileField(
        label="Excel workbook (.xlsx)",
        help_text="The sheets round, criteria, applications and reviews. Nothing is saved "
        "until you confirm.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(NOT_XLSX)
        check_upload(upload)  # its size, and content that is a workbook's
        return upload


def _preview(request, summary, *, token: str, file_name: str) -> HttpResponse:
    created = [(KINDS[kind], count) for kind, count in summary.created.items()]
    return render(
        request,
        "grants/staff/round_import_preview.html",
        {"summary": summary, "created": created, "token": token, "file_name": file_name},
    )


def round_import_upload(request: HttpRequest) -> HttpResponse:
    require(can_run_rounds(request.user))
    form = RoundImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        summary = round_import(content=content, by=request.user, dry_run=True)
        token = ""  # nosec B105 - no confirmation until the preview is clean
        if summary.ok:
            token = uuid.uuid4().hex
            default_storage.save(f"imports/{token}.upload", ContentFile(content))
            request.session[SESSION_KEY] = {"token": token, "name": upload.name}
        return _preview(request, summary, token=token, file_name=upload.name)
    return render(request, "grants/staff/round_import.html", {"form": form})


@require_POST
def round_import_confirm(request: HttpRequest) -> HttpResponse:
    require(can_run_rounds(request.user))
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or pending.get("token") != token:
        messages.error(request, EXPIRED)
        return redirect("grants:round_import")
    path = f"imports/{token}.upload"
    with default_storage.open(path, "rb") as stored:
        content = stored.read()
    summary = round_import(content=content, by=request.user, source=pending["name"])
    if not summary.ok:
        return _preview(request, summary, token="", file_name=pending["name"])  # nosec B106
    default_storage.delete(path)
    del request.session[SESSION_KEY]
    count = summary.created["applications"]
    messages.success(
        request,
        f"Imported the round “{summary.round_name}” from {pending['name']}, with {count} "
        f"application{'s' if count != 1 else ''} and {summary.created['reviews']} reviews.",
    )
    return redirect(GrantRound(pk=summary.round_pk).get_absolute_url())


@require_safe
def round_import_template(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in: the four sheets, their columns and an example row."""
    require(can_run_rounds(request.user))
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="import-round-template.xlsx"'
    return response
