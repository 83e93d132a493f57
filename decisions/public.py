"""What the public sees of decisions: the register, each published record, its PDF and
the register as open data. Everything here reads the snapshot fixed at publication
(``PublishedSnapshot``), never the live rows: a record changed behind the app's back
still shows as it was published, as its PDF does."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from pcc_grants.pdf import pdf_response
from pcc_grants.query import search_text, year_param

from .models import (
    DecisionCategory,
    DecisionStatus,
    PublicationChoice,
    PublishedDocument,
    PublishedSnapshot,
)

PAGE_SIZE = 25


def register_queryset() -> QuerySet:
    """Every record whose publication is decided, as published, newest first."""
    return PublishedSnapshot.objects.select_related("decision__published_document").order_by(
        "-decision_date", "-decision_id"
    )


def search(snapshots: QuerySet, text: str) -> QuerySet:
    """Full-text search of what was published, on PostgreSQL (the index of migration
    decisions 0008 matches this expression); a plain match elsewhere. A record not
    published matches on its reference only: nothing else of it is public."""
    by_reference = Q(reference__icontains=text)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "search_text", weight="B", config="english"
        )
        matching = snapshots.annotate(search=vector).filter(
            search=SearchQuery(text, search_type="websearch", config="english")
        )
    else:
        matching = snapshots.filter(Q(title__icontains=text) | Q(search_text__icontains=text))
    return snapshots.filter(Q(pk__in=matching.values("pk")) | by_reference)


@login_not_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    snapshots = register_queryset()
    text = search_text(request)
    if text:
        snapshots = search(snapshots, text)
    year = year_param(request)
    if year:
        snapshots = snapshots.filter(decision_date__year=year)
    category = request.GET.get("category", "")
    if category in DecisionCategory.values:
        snapshots = snapshots.filter(category=category)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/register.html",
        {
            "page": Paginator(snapshots, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "q": text,
            "year": year,
            "category": category,
            "categories": DecisionCategory.choices,
        },
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


@login_not_required
@require_safe
def open_data_decisions(request: HttpRequest) -> JsonResponse:
    """Every decision in the public register, as JSON: content only where published."""
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
    return JsonResponse({"decisions": rows}, json_dumps_params={"indent": 2})
