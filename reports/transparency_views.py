"""The transparency page (the Specified Information Order), its lists as CSV, and the
staff's view of what is missing or overdue for each duty (``transparency``)."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from commissioning.models import AgreementDocument
from commissioning.public import contracts_key
from commissioning.selectors import contract_rows
from decisions.models import PublishedSnapshot
from funding.permissions import can_view_funding
from pcc_grants.built_files import built_file, fingerprint, kept_response
from pcc_grants.downloads import CSV_TYPE, csv_bytes
from pcc_grants.permissions import require

from .open_data import allocations_seen
from .transparency import (
    CONTRACT_LIMIT_LABEL,
    contracts,
    contracts_updated,
    crime_reduction_allocations,
    crime_reduction_grants,
    decisions_updated,
    grant_rows,
    grants_by_month,
    grants_updated,
    significant_decisions,
    transparency_gaps,
)

# The page's lists, kept as the CSVs are: they list every grant, contract and decision
# the Order asks for, thousands of rows that change only when one is published.
PAGE_FILE = "transparency-page.html"


def lists_html() -> bytes:
    grants = crime_reduction_grants()
    over, under = contracts(band="over"), contracts(band="under")
    decisions = significant_decisions()
    html = render_to_string(
        "reports/_transparency_lists.html",
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
    return html.encode("utf-8")


def _decisions_key() -> list:
    """The published records (snapshots, written once and never changed: their number
    and largest id say which)."""
    seen = PublishedSnapshot.objects.aggregate(snapshots=Count("pk"), last=Max("pk"))
    return sorted(seen.items())


@login_not_required
@require_safe
def page(request: HttpRequest) -> HttpResponse:
    key = fingerprint(
        PAGE_FILE,
        _grants_key(),
        _contracts_key(request, "over"),
        _contracts_key(request, "under"),
        _decisions_key(),
    )
    kept = built_file(name=PAGE_FILE, key=key, build=lists_html, content_type=HTML_TYPE)
    lists = mark_safe(kept.content.decode("utf-8"))  # noqa: S308  # nosec B308 B703 - rendered with autoescape by lists_html
    return render(
        request, "reports/transparency.html", {"lists": lists, "limit": CONTRACT_LIMIT_LABEL}
    )


# The lists as CSV, kept until what they list changes (pcc_grants.built_files).
HTML_TYPE = "text/html; charset=utf-8"
GRANTS_FILE = "transparency-grants.csv"
OVER_FILE, UNDER_FILE = "transparency-contracts-over.csv", "transparency-contracts-under.csv"
DECISIONS_FILE = "transparency-decisions.csv"


def grants_csv_bytes(request: HttpRequest | None = None) -> bytes:
    return csv_bytes(grant_rows(crime_reduction_grants()))


def _grants_key() -> str:
    """The crime and disorder reduction grants, in one query: how many could be
    listed, the sum and largest of their ids, when they and their streams last
    changed, the last record that published one."""
    seen = allocations_seen(crime_reduction_allocations())
    return fingerprint(GRANTS_FILE, sorted(seen.items()))


@login_not_required
@require_safe
def grants_csv(request: HttpRequest) -> HttpResponse:
    """Each crime and disorder reduction grant with its conditions, purpose and reasons."""
    return kept_response(
        request,
        name=GRANTS_FILE,
        key=_grants_key(),
        build=grants_csv_bytes,
        content_type=CSV_TYPE,
        filename="crime-and-disorder-reduction-grants.csv",
    )


def contracts_over_csv_bytes(request: HttpRequest) -> bytes:
    agreements = contracts(band="over")
    rows = contract_rows(agreements)
    rows[0] = [*rows[0], "documents"]
    for row, agreement in zip(rows[1:], agreements, strict=True):
        addresses = (
            request.build_absolute_uri(document.get_public_url())
            for document in agreement.published_documents
        )
        row.append(" ".join(addresses))
    return csv_bytes(rows)


def _contracts_key(request: HttpRequest, band: str) -> str:
    """The agreements in ``band`` and every published copy of a contract."""
    documents = AgreementDocument.objects.filter(published_at__isnull=False).aggregate(
        documents=Count("pk"), ids=Sum("pk"), last=Max("published_at")
    )
    return fingerprint(
        contracts_key(band), sorted(documents.items()), request.build_absolute_uri("/")
    )


@login_not_required
@require_safe
def contracts_over_csv(request: HttpRequest) -> HttpResponse:
    """The contracts over £10,000, in the register's columns, with the address of each
    published copy."""
    return kept_response(
        request,
        name=OVER_FILE,
        key=_contracts_key(request, "over"),
        build=lambda: contracts_over_csv_bytes(request),
        content_type=CSV_TYPE,
        filename="contracts-over-10000.csv",
    )


def contracts_under_csv_bytes(request: HttpRequest | None = None) -> bytes:
    return csv_bytes(contract_rows(contracts(band="under")))


@login_not_required
@require_safe
def contracts_under_csv(request: HttpRequest) -> HttpResponse:
    return kept_response(
        request,
        name=UNDER_FILE,
        key=_contracts_key(request, "under"),
        build=contracts_under_csv_bytes,
        content_type=CSV_TYPE,
        filename="contracts-10000-or-less.csv",
    )


def decisions_csv_bytes(request: HttpRequest) -> bytes:
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
    return csv_bytes(rows)


@login_not_required
@require_safe
def decisions_csv(request: HttpRequest) -> HttpResponse:
    """The published records of decisions of significant public interest (snapshots,
    written once and never changed: their number and largest id say which)."""
    return kept_response(
        request,
        name=DECISIONS_FILE,
        key=fingerprint(_decisions_key(), request.build_absolute_uri("/")),
        build=lambda: decisions_csv_bytes(request),
        content_type=CSV_TYPE,
        filename="significant-public-interest-decisions.csv",
    )


@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    """For staff: what each duty still lacks, and what is overdue."""
    require(can_view_funding(request.user))
    return render(
        request,
        "reports/transparency_gaps.html",
        {"gaps": transparency_gaps(today=timezone.localdate()), "limit": CONTRACT_LIMIT_LABEL},
    )
