"""What the public sees of decisions: the register, each published record, its PDF and
the register as open data. Everything here reads the snapshot fixed at publication
(``PublishedSnapshot``), never the live rows: a record changed behind the app's back
still shows as it was published, as its PDF does."""

import json

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.db.models.fields.json import KeyTransform
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from pcc_grants.built_files import built_file, built_file_response, fingerprint
from pcc_grants.pdf import pdf_response
from pcc_grants.years import financial_year_label

from .forms import RegisterFilterForm
from .models import (
    Decision,
    DecisionCategory,
    DecisionStatus,
    PublicationChoice,
    PublishedDocument,
    PublishedSnapshot,
)
from .search import register_search

PAGE_SIZE = 25


def register_queryset() -> QuerySet:
    """Every record whose publication is decided, as published, newest first."""
    return PublishedSnapshot.objects.select_related("decision__published_document").order_by(
        "-decision_date", "-decision_id"
    )


def register_lines() -> QuerySet:
    """The register's records as its lines show them, newest first: the columns a line
    shows, not the content (a whole record each), the record or its PDF."""
    return PublishedSnapshot.objects.only(
        "decision_id", "published", "reference", "slug", "category", "decision_date", "title"
    ).order_by("-decision_date", "-decision_id")


def register_page(snapshots: QuerySet, number):
    """The page ``number`` of ``snapshots`` (the register's lines), each line of a
    record not published with its grounds (``withheld``), read from the content of
    that page's records only."""
    page = Paginator(snapshots, PAGE_SIZE).get_page(number)
    lines = list(page.object_list)
    grounds = dict(
        PublishedSnapshot.objects.filter(
            pk__in=[line.pk for line in lines], published=False
        ).values_list("pk", KeyTransform("withheld", KeyTransform("request", "content")))
    )
    for line in lines:
        line.withheld = grounds.get(line.pk)
    page.object_list = lines
    return page


def register_years() -> list[int]:
    """The financial years of the register's records (their start years), newest first."""
    return list(
        PublishedSnapshot.objects.exclude(financial_year=None)
        .order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )


@login_not_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET, years=register_years())
    applied = form.applied()
    snapshots = register_lines()
    if applied["q"]:
        snapshots = register_search(snapshots, applied["q"])
    if applied["year"] is not None:
        snapshots = snapshots.filter(financial_year=applied["year"])
    if applied["category"]:
        snapshots = snapshots.filter(category=applied["category"])
    if applied["significant"]:
        snapshots = snapshots.filter(significant_public_interest=True)
    query = request.GET.copy()
    query.pop("page", None)
    year = applied["year"]
    return render(
        request,
        "decisions/register.html",
        {
            "form": form,
            "page": register_page(snapshots, request.GET.get("page")),
            "query": query.urlencode(),
            "q": applied["q"],
            "year": financial_year_label(year, separator="-") if year is not None else "",
            "years": form.year_choices(),
            "category": applied["category"],
            "categories": DecisionCategory.choices,
            "significant": applied["significant"],
            "filtered": any(applied.values()),
        },
    )


@login_not_required
@require_safe
def forward_plan(request: HttpRequest) -> HttpResponse:
    """The decisions expected: records flagged for the forward plan, until they are
    decided. Only what the officer wrote for the public shows: the title, the expected
    month, the category and the forward plan's summary, never the draft's content."""
    expected = Decision.objects.forward_plan().only(
        "title", "category", "expected_decision_month", "forward_plan_summary"
    )
    return render(
        request,
        "decisions/forward_plan.html",
        {"page": Paginator(expected, PAGE_SIZE).get_page(request.GET.get("page")), "query": ""},
    )


def _published(slug: str) -> PublishedSnapshot:
    return get_object_or_404(
        PublishedSnapshot.objects.select_related("decision__published_document"),
        slug=slug,
        published=True,
    )


@login_not_required
@require_safe
def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _published(slug)
    return render(
        request,
        "decisions/register_detail.html",
        {"record": snapshot.content, "document": snapshot.decision.published_document},
    )


def served(document: PublishedDocument, *, original: bool = False) -> tuple[FieldFile, str]:
    """The file the register serves for a published PDF, with its SHA-256: the sealed
    copy of a record published before sealing, once it has one, or else (and when
    ``original`` is asked for) the file stored at publication."""
    if document.sealed_copy and not original:
        return document.sealed_copy, document.sealed_copy_sha256
    return document.file, document.sha256


@login_not_required
@require_safe
def register_pdf(request: HttpRequest, slug: str) -> FileResponse:
    """The PDF stored at publication, byte for byte; never rendered again. For a record
    published before sealing, its sealed copy when it has one (``?original=1``: the
    file as first published)."""
    document = _published(slug).decision.published_document
    original = request.GET.get("original") == "1"
    stored, sha256 = served(document, original=original)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404("The published PDF is missing from storage.") from error
    name = f"decision-{slug}-original" if original and document.sealed_copy else f"decision-{slug}"
    response = pdf_response(handle, filename=name)
    response["X-Content-SHA256"] = sha256
    return response


def open_data_decisions_rows(request: HttpRequest) -> list[dict]:
    """Every decision in the public register, as the open data lists it: content only
    where published; the links on the host ``request`` names."""
    rows = []
    for snapshot in register_queryset():
        record = snapshot.content
        row = {
            "reference": snapshot.reference,
            "status": DecisionStatus.PUBLISHED
            if snapshot.published
            else DecisionStatus.NOT_PUBLISHED,
            "category": DecisionCategory(snapshot.category).label,
            "decision_date": record["decision_date"],
        }
        if snapshot.published:
            document = snapshot.decision.published_document
            row.update(
                {
                    "title": record["title"],
                    "decision": record["decision"],
                    "url": request.build_absolute_uri(
                        reverse("register:detail", args=[snapshot.slug])
                    ),
                    "pdf_url": request.build_absolute_uri(
                        reverse("register:pdf", args=[snapshot.slug])
                    ),
                    "pdf_sha256": served(document)[1],
                    "pdf_sealed": document.sealed or bool(document.sealed_copy),
                }
            )
            if document.sealed_copy:
                # Published before sealing: the file as first published, beside the
                # sealed copy the PDF's address now serves.
                row["original_pdf_url"] = row["pdf_url"] + "?original=1"
                row["original_pdf_sha256"] = document.sha256
        row["withheld_parts"] = [
            {
                "part": withheld["label"],
                "choice": PublicationChoice(withheld["choice"]).label,
                "grounds": withheld["grounds"],
                "public_interest": withheld["public_interest"],
            }
            for withheld in record["withheld"]
        ]
        rows.append(row)
    return rows


def open_data_decisions_bytes(request: HttpRequest) -> bytes:
    """decisions.json as built from the register: what the file kept must equal."""
    return json.dumps(
        {"decisions": open_data_decisions_rows(request)}, cls=DjangoJSONEncoder, indent=2
    ).encode("utf-8")


def open_data_decisions_key(request: HttpRequest) -> str:
    """What decisions.json reads, in one query: the snapshots (written once, never
    changed or deleted, so their number and largest id say which there are) and their
    PDFs (a sealed copy added to one published before sealing), and the host it links
    to."""
    documents = "decision__published_document"
    seen = PublishedSnapshot.objects.aggregate(
        snapshots=Count("pk"),
        last=Max("pk"),
        published=Count("pk", filter=Q(published=True)),
        documents=Count(f"{documents}__pk"),
        sealed=Count(f"{documents}__pk", filter=Q(**{f"{documents}__sealed": True})),
        sealed_copies=Count(f"{documents}__sealed_copy_at"),
        last_sealed_copy=Max(f"{documents}__sealed_copy_at"),
    )
    return fingerprint(DECISIONS_FILE, request.build_absolute_uri("/"), sorted(seen.items()))


DECISIONS_FILE = "decisions.json"


@login_not_required
@require_safe
def open_data_decisions(request: HttpRequest) -> HttpResponse:
    """Every decision in the public register, as JSON: content only where published.
    Built when the register changes, and kept (pcc_grants.built_files)."""
    built = built_file(
        name=DECISIONS_FILE,
        key=open_data_decisions_key(request),
        build=lambda: open_data_decisions_bytes(request),
        content_type="application/json",
    )
    return built_file_response(request, built)
