"""What the public sees of a decision: the published parts, and the grounds for the rest."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from pcc_grants.pdf import pdf_response
from pcc_grants.query import search_text, year_param

from .models import Decision, DecisionCategory, DecisionStatus, PublicationChoice, PublicationPart
from .selectors import decision_for_record, record_context


def public_context(decision: Decision) -> dict:
    """The record as published: a part not published, or published redacted, is
    replaced by the Monitoring Officer's grounds and never rendered."""
    decision = decision_for_record(decision.pk)
    context = record_context(decision)
    choices = {choice.part: choice for choice in decision.publication_decisions.all()}
    context["redacted"] = {
        part: choice
        for part, choice in choices.items()
        if choice.choice != PublicationChoice.PUBLISH
    }
    context["publication"] = [choices[part] for part in PublicationPart.values if part in choices]
    context["public"] = True
    return context


# The public register --------------------------------------------------------------------


PUBLIC_STATUSES = (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED)
PAGE_SIZE = 25


def register_queryset() -> QuerySet:
    return (
        Decision.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("published_document")
        .prefetch_related("publication_decisions")
        .order_by("-decision_date", "-pk")
    )


def search(decisions: QuerySet, text: str) -> QuerySet:
    """Full-text search of published records on PostgreSQL; a plain match elsewhere.
    Withheld records match on their reference only: their content is not public."""
    by_reference = Q(reference__icontains=text)
    published = decisions.filter(status=DecisionStatus.PUBLISHED)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "decision", weight="B", config="english"
        )
        matching = published.annotate(search=vector).filter(
            search=SearchQuery(text, search_type="websearch", config="english")
        )
    else:
        matching = published.filter(Q(title__icontains=text) | Q(decision__icontains=text))
    return decisions.filter(Q(pk__in=matching.values("pk")) | by_reference)


@login_not_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    decisions = register_queryset()
    text = search_text(request)
    if text:
        decisions = search(decisions, text)
    year = year_param(request)
    if year:
        decisions = decisions.filter(decision_date__year=year)
    category = request.GET.get("category", "")
    if category in DecisionCategory.values:
        decisions = decisions.filter(category=category)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/register.html",
        {
            "page": Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "q": text,
            "year": year,
            "category": category,
            "categories": DecisionCategory.choices,
        },
    )


def _published(slug: str) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("published_document"),
        slug=slug,
        status=DecisionStatus.PUBLISHED,
    )


@login_not_required
@require_safe
def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    decision = _published(slug)
    context = public_context(decision)
    context["document"] = decision.published_document
    return render(request, "decisions/register_detail.html", context)


@login_not_required
@require_safe
def register_pdf(request: HttpRequest, slug: str) -> FileResponse:
    """The PDF stored at publication, byte for byte; never rendered again."""
    document = _published(slug).published_document
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The published PDF is missing from storage.") from error
    response = pdf_response(handle, filename=f"decision-{slug}")
    response["X-Content-SHA256"] = document.sha256
    return response


@login_not_required
@require_safe
def open_data_decisions(request: HttpRequest) -> JsonResponse:
    """Every decision in the public register, as JSON: content only where published."""
    rows = []
    for decision in register_queryset():
        choices = {c.part: c for c in decision.publication_decisions.all()}
        row = {
            "reference": decision.reference,
            "status": decision.status,
            "category": decision.get_category_display(),
            "decision_date": decision.decision_date.isoformat()
            if decision.decision_date
            else None,
        }
        if decision.status == DecisionStatus.PUBLISHED:
            url = reverse("register:detail", args=[decision.slug])
            row.update(
                {
                    "title": decision.title,
                    "decision": decision.decision,
                    "url": request.build_absolute_uri(url),
                    "pdf_url": request.build_absolute_uri(
                        reverse("register:pdf", args=[decision.slug])
                    ),
                    "pdf_sha256": decision.published_document.sha256,
                }
            )
        row["withheld_parts"] = [
            {
                "part": choice.get_part_display(),
                "choice": choice.get_choice_display(),
                "grounds": choice.grounds,
                "public_interest": choice.public_interest,
            }
            for choice in choices.values()
            if choice.choice != "publish"
        ]
        rows.append(row)
    return JsonResponse({"decisions": rows}, json_dumps_params={"indent": 2})
