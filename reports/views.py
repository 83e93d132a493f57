from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from funding.models import FinancialYear, FundingStream
from funding.permissions import can_edit_funding, can_view_position
from funding.selectors import current_financial_year, financial_year_from_slug
from pcc_grants.built_files import built_file_response
from pcc_grants.downloads import download
from pcc_grants.pdf import pdf_response, render_pdf
from pcc_grants.permissions import require
from pcc_grants.query import int_param
from pcc_grants.roles import is_staff_member

from . import open_data
from .jobs import commissioning_pdf_start
from .models import ReportKind, ReportNarrative
from .selectors import (
    commissioning_report_context,
    decisions_since,
    grants_by_theme,
    grants_register_page,
)


def _pdf(template: str, context: dict, filename: str) -> HttpResponse:
    return pdf_response(render_pdf(template, context), filename=filename)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    require(can_view_position(request.user))
    year = current_financial_year()
    return render(
        request,
        "reports/index.html",
        {"year": year, "years": list(FinancialYear.objects.all())},
    )


# Commissioning activity ---------------------------------------------------------------


@require_safe
def commissioning(request: HttpRequest, year: str) -> HttpResponse:
    require(can_view_position(request.user))
    context = commissioning_report_context(financial_year_from_slug(year))
    context["years"] = list(FinancialYear.objects.all())
    context["can_edit"] = can_edit_funding(request.user)
    return render(request, "reports/commissioning.html", context)


@require_safe
def commissioning_pdf(request: HttpRequest, year: str) -> HttpResponse:
    require(can_view_position(request.user))
    financial_year = financial_year_from_slug(year)
    return _pdf(
        "reports/commissioning_pdf.html",
        commissioning_report_context(financial_year),
        f"commissioning-activity-{financial_year.slug}",
    )


@require_POST
def commissioning_pdf_job(request: HttpRequest, year: str) -> HttpResponse:
    """Draw the report's PDF in a job, and go to the job's page to download it."""
    require(can_view_position(request.user))
    job = commissioning_pdf_start(year=financial_year_from_slug(year), by=request.user)
    return redirect(job)


@require_POST
def narrative_save(request: HttpRequest, year: str) -> HttpResponse:
    require(can_edit_funding(request.user))
    financial_year = financial_year_from_slug(year)
    text = request.POST.get("text", "").strip()[:20000]
    ReportNarrative.objects.update_or_create(
        kind=ReportKind.COMMISSIONING,
        financial_year=financial_year,
        defaults={"text": text, "updated_by": request.user},
    )
    messages.success(request, "The introduction is saved with the report.")
    return redirect("reports:commissioning", year=financial_year.slug)


# Grants by theme ----------------------------------------------------------------------


def _stream_id(request: HttpRequest) -> int | None:
    return int_param(request, "stream")


@require_safe
def themes(request: HttpRequest, year: str) -> HttpResponse:
    require(can_view_position(request.user))
    financial_year = financial_year_from_slug(year)
    report = grants_by_theme(year=financial_year, stream_id=_stream_id(request))
    file_format = request.GET.get("format")
    if file_format == "csv":
        rows = [["theme", "service", "description", "provider", "amount"]]
        for group in report.groups:
            for grant in group.grants:
                rows.append(
                    [
                        group.theme,
                        grant.title,
                        grant.description,
                        grant.recipient_name,
                        f"{grant.amount:.2f}",
                    ]
                )
            rows.append([f"Total {group.theme}", "", "", "", f"{group.total:.2f}"])
        rows.append(["Total", "", "", "", f"{report.total:.2f}"])
        return download(rows, filename=f"grants-by-theme-{financial_year.slug}", file_format="csv")
    context = {
        "year": financial_year,
        "report": report,
        "query": request.GET.urlencode(),
        "streams": FundingStream.objects.filter(financial_year=financial_year).order_by("name"),
        "stream_id": _stream_id(request),
        "years": list(FinancialYear.objects.all()),
    }
    if file_format == "pdf":
        return _pdf("reports/themes_pdf.html", context, f"grants-by-theme-{financial_year.slug}")
    return render(request, "reports/themes.html", context)


# Decisions since a date ---------------------------------------------------------------


@require_safe
def decisions(request: HttpRequest) -> HttpResponse:
    require(can_view_position(request.user))
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = timezone.localdate() - timedelta(days=90)
    staff = is_staff_member(request.user)
    rows = list(decisions_since(since=since, staff=staff))
    file_format = request.GET.get("format")
    if file_format == "csv":
        table = [["reference", "title", "date", "decision_maker", "amount", "status", "url"]]
        for decision in rows:
            maker = decision.decision_signoffs[-1] if decision.decision_signoffs else None
            url = (
                request.build_absolute_uri(f"/decisions/{decision.slug}/")
                if decision.status == "published"
                else ""
            )
            table.append(
                [
                    decision.reference,
                    decision.title if decision.status != "not_published" else "Not published",
                    decision.decision_date.isoformat(),
                    f"{maker.name}, {maker.title}" if maker else "",
                    f"{decision.amount:.2f}"
                    if decision.amount is not None and (staff or decision.status == "published")
                    else "",
                    decision.get_status_display(),
                    url,
                ]
            )
        return download(table, filename=f"decisions-since-{since.isoformat()}", file_format="csv")
    context = {"since": since, "decisions": rows, "staff": staff}
    if file_format == "pdf":
        return _pdf("reports/decisions_pdf.html", context, f"decisions-since-{since.isoformat()}")
    return render(request, "reports/decisions.html", context)


# Open data and the public grants register ---------------------------------------------


@login_not_required
@require_safe
def grants_json(request: HttpRequest) -> HttpResponse:
    """The published grants as a 360Giving data package, built when they change."""
    return built_file_response(request, open_data.grants_json_file(request))


@login_not_required
@require_safe
def grants_csv(request: HttpRequest) -> HttpResponse:
    """The same grants, every field of the JSON, in 360Giving's flattened CSV columns."""
    return built_file_response(request, open_data.grants_csv_file(request), filename="grants.csv")


@login_not_required
@require_safe
def grants_register(request: HttpRequest) -> HttpResponse:
    """The public register of grants: recipient, purpose, amount, date, decision."""
    page = grants_register_page(request.GET.get("page"))
    return render(request, "reports/grants_register.html", {"page": page, "query": ""})
