"""Staff pages of a round's moderation: the ranking with its fund line (and as CSV or
XLSX), and the round summary for the Review Panel (HTML and PDF).

Every staff role reads them; panel members, reviewers and applicants are refused.
They only read: nothing here writes.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from pcc_grants.downloads import download
from pcc_grants.pdf import pdf_response, render_pdf
from pcc_grants.permissions import role_required
from pcc_grants.roles import STAFF_ROLES

from .models import GrantRound
from .moderation import moderation, ranking_rows, ranking_xlsx, threshold_text, xlsx_response
from .ranking import rank
from .round_report import round_report

staff_only = role_required(*STAFF_ROLES)
EXPORT_FORMATS = {"csv", "xlsx"}


def _round(pk: int) -> GrantRound:
    return get_object_or_404(
        GrantRound.objects.select_related("funding_stream__financial_year"), pk=pk
    )


@require_safe
@staff_only
def round_moderation(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    ranking = rank(grant_round)
    return render(
        request,
        "grants/moderation/moderation.html",
        {
            "round": grant_round,
            "moderation": moderation(ranking),
            "short_of_reviews": ranking.short_of_reviews(),
            "threshold": threshold_text(grant_round),
        },
    )


@require_safe
@staff_only
def ranking_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404("Choose CSV or XLSX.")
    grant_round = _round(pk)
    rows = ranking_rows(rank(grant_round))
    filename = f"{grant_round.slug}-ranking"
    if file_format == "xlsx":
        return xlsx_response(ranking_xlsx(rows), filename=filename)
    return download(rows, filename=filename, file_format="csv")


def summary_context(grant_round: GrantRound) -> dict:
    return {"round": grant_round, "report": round_report(grant_round)}


@require_safe
@staff_only
def round_summary(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    return render(request, "grants/moderation/summary.html", summary_context(grant_round))


@require_safe
@staff_only
def round_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    content = render_pdf("grants/moderation/summary_pdf.html", summary_context(grant_round))
    return pdf_response(content, filename=f"{grant_round.slug}-summary")
