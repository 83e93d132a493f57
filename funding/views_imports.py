"""Imports in the browser: upload a file, watch it checked as a background job, see
every problem or every row it would make, confirm, watch it imported. Nothing is
saved until the confirmed import, and then all of it or none."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from jobs.views import confirm_follow_up
from pcc_grants.downloads import XLSX_TYPE
from pcc_grants.permissions import require

from . import import_templates, permissions
from .forms import FileImportForm
from .jobs import CHECK, import_check_start, import_confirm_start
from .models import FinancialYear
from .selectors import current_financial_year
from .spreadsheets import MAX_ROWS

# A hundred thousand rows of a full allocations file fit in this, with room.
MAX_IMPORT_BYTES = 40 * 1024 * 1024
TOO_LARGE = "The file is larger than 40 MB; split it into smaller files."


def import_upload(request: HttpRequest) -> HttpResponse:
    require(permissions.can_edit_funding(request.user))
    form = FileImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", TOO_LARGE)
        elif not upload.name.lower().endswith((".csv", ".xlsx")):
            form.add_error("file", "Upload a .csv or .xlsx file.")
        else:
            job = import_check_start(
                kind=form.cleaned_data["kind"],
                name=upload.name,
                content=upload.read(),
                by=request.user,
            )
            return redirect(job)
    return render(request, "funding/import_upload.html", {"form": form, "max_rows": MAX_ROWS})


@require_safe
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The workbook to fill in for an import: columns, an example, drop-down lists."""
    require(permissions.can_edit_funding(request.user))
    if kind not in import_templates.COLUMNS:
        raise Http404("No such import.")
    current = current_financial_year()
    year = (
        current.label
        if current
        else FinancialYear(start_year=FinancialYear.start_year_for(timezone.localdate())).label
    )
    response = HttpResponse(
        import_templates.import_template(kind, year=year), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="import-{kind}-template.xlsx"'
    return response


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    require(permissions.can_edit_funding(request.user))
    return confirm_follow_up(request, check_kind=CHECK, start=import_confirm_start)
