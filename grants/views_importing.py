"""Staff pages for importing a past or paper round: upload a workbook, see every
problem (or what would be made), confirm. The Officer and the Chief Finance Officer
only. The check and the import are background jobs reading the one stored file,
as the funding import's are."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from jobs.views import confirm_follow_up
from pcc_grants.downloads import XLSX_TYPE
from pcc_grants.permissions import require
from pcc_grants.uploads import check_upload

from .importing_workbook import template_workbook
from .jobs import CHECK, round_import_check_start, round_import_confirm_start
from .views_staff import can_run_rounds

NOT_XLSX = "Upload an Excel workbook (.xlsx)."


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


def round_import_upload(request: HttpRequest) -> HttpResponse:
    require(can_run_rounds(request.user))
    form = RoundImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = round_import_check_start(name=upload.name, content=upload.read(), by=request.user)
        return redirect(job)
    return render(request, "grants/staff/round_import.html", {"form": form})


@require_POST
def round_import_confirm(request: HttpRequest) -> HttpResponse:
    require(can_run_rounds(request.user))
    return confirm_follow_up(request, check_kind=CHECK, start=round_import_confirm_start)


@require_safe
def round_import_template(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in: the four sheets, their columns and an example row."""
    require(can_run_rounds(request.user))
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="import-round-template.xlsx"'
    return response
