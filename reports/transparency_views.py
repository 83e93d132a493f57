"""The transparency page (the Specified Information Order), its lists as CSV, and the
staff's view of what is missing or overdue for each duty (``transparency``)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.selectors import contract_rows
from funding.permissions import can_view_funding
from pcc_grants.downloads import download
from pcc_grants.permissions import require

from .transparency import (
    CONTRACT_LIMIT_LABEL,
    contracts,
    contracts_updated,
    crime_reduction_grants,
    decisions_updated,
    grant_rows,
    grants_by_month,
    grants_updated,
    significant_decisions,
    transparency_gaps,
)


@login_not_required
@require_safe
def page(request: HttpRequest) -> HttpResponse:
    grants = crime_reduction_grants()
    over, under = contracts(band="over"), contracts(band="under")
    decisions = significant_decisions()
    return render(
        request,
        "reports/transparency.html",
        {
            "months": grants_by_month(grants),
            "grants_count": len(grants),
            "grants_updated": grants_updated(grants),
            "contracts_over": over,
            "contracts_under": under,
            "contracts_updated": contracts_updated(over + under),
            "decisions": decisions,
            "decisions_updated": decisions_updated(decisions),
            "limit": CONTRACT_LIMIT_LABEL,
        },
    )


@login_not_required
@require_safe
def grants_csv(request: HttpRequest) -> HttpResponse:
    """Each crime and disorder reduction grant with its conditions, purpose and reasons."""
    rows = grant_rows(crime_reduction_grants())
    return download(rows, filename="crime-and-disorder-reduction-grants", file_format="csv")


@login_not_required
@require_safe
def contracts_over_csv(request: HttpRequest) -> HttpResponse:
    """The contracts over £10,000, in the register's columns, with the address of each
    published copy."""
    agreements = contracts(band="over")
    rows = contract_rows(agreements)
    rows[0] = [*rows[0], "documents"]
    for row, agreement in zip(rows[1:], agreements, strict=True):
        addresses = (
            request.build_absolute_uri(document.get_public_url())
            for document in agreement.published_documents
        )
        row.append(" ".join(addresses))
    return download(rows, filename="contracts-over-10000", file_format="csv")


@login_not_required
@require_safe
def contracts_under_csv(request: HttpRequest) -> HttpResponse:
    rows = contract_rows(contracts(band="under"))
    return download(rows, filename="contracts-10000-or-less", file_format="csv")


@login_not_required
@require_safe
def decisions_csv(request: HttpRequest) -> HttpResponse:
    """The published records of decisions of significant public interest."""
    rows = [["reference", "title", "decision_date", "category", "url", "pdf_url"]]
    for snapshot in significant_decisions():
        rows.append(
            [
                snapshot.reference,
                snapshot.title,
                snapshot.decision_date.isoformat() if snapshot.decision_date else "",
                snapshot.get_category_display(),
                request.build_absolute_uri(reverse("register:detail", args=[snapshot.slug])),
                request.build_absolute_uri(reverse("register:pdf", args=[snapshot.slug])),
            ]
        )
    return download(rows, filename="significant-public-interest-decisions", file_format="csv")


@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    """For staff: what each duty still lacks, and what is overdue."""
    require(can_view_funding(request.user))
    return render(
        request,
        "reports/transparency_gaps.html",
        {"gaps": transparency_gaps(today=timezone.localdate()), "limit": CONTRACT_LIMIT_LABEL},
    )
