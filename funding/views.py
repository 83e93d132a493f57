from decimal import Decimal
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from commissioning.models import CommissioningRoute
from pcc_grants.charts import funding_bars
from pcc_grants.forms import add_service_errors
from pcc_grants.history import change_history
from pcc_grants.pagination import page_of
from pcc_grants.pdf import pdf_response, render_pdf
from pcc_grants.permissions import require
from pcc_grants.query import int_param

from . import budget, exports, jobs, naming, permissions, services, workflow
from .filters import AllocationFilter
from .forms import AllocationForm, FundingStreamForm
from .models import Allocation, AllocationStatus, FinancialYear, FundingStream
from .selectors import (
    current_financial_year,
    financial_year_from_slug,
    funding_position,
    stream_position,
)

PAGE_SIZE = 50


def _chosen_year(request: HttpRequest, years: list[FinancialYear]) -> FinancialYear | None:
    wanted = request.GET.get("year", "")
    start = FinancialYear.start_year_from_label(wanted) if wanted else None
    for year in years:
        if year.start_year == start:
            return year
    current = current_financial_year()
    return current if current in years else (years[0] if years else None)


# Funding streams --------------------------------------------------------------------


@require_safe
def stream_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_funding(request.user))
    years = list(FinancialYear.objects.all())
    year = _chosen_year(request, years)
    position = funding_position(year=year) if year else None
    return render(
        request,
        "funding/stream_list.html",
        {
            "years": years,
            "year": year,
            "position": position,
            "can_edit": permissions.can_edit_funding(request.user),
        },
    )


@require_safe
def stream_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_funding(request.user))
    stream = get_object_or_404(FundingStream.objects.select_related("financial_year"), pk=pk)
    position, sub_streams = stream_position(stream=stream)
    allocations = Paginator(
        stream.allocations.select_related("recipient", "theme").order_by("pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/stream_detail.html",
        {
            "stream": position.stream,
            "position": position,
            "sub_streams": sub_streams,
            "allocations": allocations,
            "history": change_history(stream.history.all()),
            "can_edit": permissions.can_edit_stream(request.user, stream),
        },
    )


def _stream_fields(data: dict) -> dict:
    return {
        "name": data["name"],
        "budget": data["budget"],
        "carried_forward": data["carried_forward"],
        "ring_fenced": data["ring_fenced"],
        "crime_and_disorder_reduction": data["crime_and_disorder_reduction"],
        "over_allocation_tolerance_percent": data["over_allocation_tolerance_percent"],
        "parent": data["parent"],
        "previous": data["previous"],
        "description": data["description"],
    }


def stream_create(request: HttpRequest) -> HttpResponse:
    require(permissions.can_edit_funding(request.user))
    form = FundingStreamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = _stream_fields(form.cleaned_data)
        if fields["over_allocation_tolerance_percent"] is None:
            del fields["over_allocation_tolerance_percent"]
        try:
            stream = naming.funding_stream_create_for_year(
                by=request.user,
                start_year=form.cleaned_data["financial_year"],
                source_name=form.cleaned_data["source"],
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Funding stream “{stream.name}” recorded.")
            return redirect(stream)
    return render(request, "funding/stream_form.html", {"form": form, "stream": None})


def stream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stream = get_object_or_404(FundingStream.objects.select_related("financial_year"), pk=pk)
    require(permissions.can_edit_stream(request.user, stream))
    form = FundingStreamForm(request.POST or None, user=request.user, stream=stream)
    if request.method == "POST" and form.is_valid():
        fields = _stream_fields(form.cleaned_data)
        try:
            naming.funding_stream_update_named(
                stream=stream, by=request.user, source_name=form.cleaned_data["source"], **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Funding stream “{fields['name']}” saved.")
            return redirect(stream)
    return render(request, "funding/stream_form.html", {"form": form, "stream": stream})


# Allocations ------------------------------------------------------------------------


def _covering(filterset: AllocationFilter) -> str:
    """What the register's total covers, in words: "2017/18, all streams", "All
    years, Victims' Services, approved"."""
    chosen = getattr(filterset.form, "cleaned_data", {}) or {}
    year, stream = chosen.get("year"), chosen.get("stream")
    parts = [
        year.label if year else ("" if stream else "All years"),
        (stream.name if year else str(stream)) if stream else "all streams",
    ]
    if chosen.get("status"):
        parts.append(AllocationStatus(chosen["status"]).label.lower())
    if chosen.get("recipient"):
        parts.append(f"to {chosen['recipient']}")
    if chosen.get("provider"):
        parts.append(f"to providers named “{chosen['provider']}”")
    if chosen.get("theme"):
        parts.append(f"theme {chosen['theme']}")
    if chosen.get("route"):
        parts.append(CommissioningRoute(chosen["route"]).label.lower())
    if chosen.get("q"):
        parts.append(f"matching “{chosen['q']}”")
    text = ", ".join(part for part in parts if part)
    return text[:1].upper() + text[1:]


@require_safe
def allocation_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_funding(request.user))
    filterset = AllocationFilter(request.GET or None, queryset=Allocation.objects.for_register())
    allocations = filterset.qs
    file_format = request.GET.get("download")
    if file_format == "csv":
        return exports.allocations_csv(allocations)
    # One pass over the matching rows for the count and the total.
    summary = allocations.aggregate(count=Count("pk"), total=Sum("amount"))
    page = page_of(allocations, request.GET.get("page"), PAGE_SIZE, count=summary["count"])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    return render(
        request,
        "funding/allocation_list.html",
        {
            "filter": filterset,
            "page": page,
            "total": summary["total"],
            "covering": _covering(filterset),
            "query": query.urlencode(),
            "can_edit": permissions.can_edit_funding(request.user),
        },
    )


@require_POST
def allocation_export(request: HttpRequest) -> HttpResponse:
    """Build the register's Excel workbook, with the filters of the address, in a job,
    and go to the job's page to download it."""
    require(permissions.can_view_funding(request.user))
    filterset = AllocationFilter(request.GET or None, queryset=Allocation.objects.for_register())
    # The filters are checked now, so the job's title says what it exports.
    filterset.is_valid()
    job = jobs.allocations_xlsx_start(
        query=request.GET, covering=_covering(filterset), by=request.user
    )
    return redirect(job)


@require_safe
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_funding(request.user))
    allocation = get_object_or_404(
        Allocation.objects.select_related(
            "funding_stream__financial_year", "recipient", "theme", "decision", "replaces"
        ),
        pk=pk,
    )
    user = request.user
    actions = [
        (transition.name, transition.label, permissions.can_take(transition, user, allocation))
        for transition in workflow.ALLOCATIONS
    ]
    return render(
        request,
        "funding/allocation_detail.html",
        {
            "allocation": allocation,
            "actions": actions,
            "can_edit": permissions.can_edit_allocation(user, allocation),
            "can_vary": permissions.can_record_variation(user, allocation),
            # Decision records are drafted by the same roles that record allocations.
            "can_draft_decision": (
                allocation.status == AllocationStatus.PROPOSED
                and allocation.decision_id is None
                and permissions.can_edit_funding(user)
            ),
            "held": workflow.held_by_its_record(allocation),
            "replaced_by": list(allocation.replaced_by.select_related("decision")[:10]),
            "history": change_history(allocation.history.all()),
        },
    )


def _allocation_fields(data: dict) -> dict:
    return {name: data[name] for name in AllocationForm.Meta.fields}


ALLOCATION_ERROR_ALIASES = {"recipient": "recipient_name", "theme": "theme_name"}


def allocation_create(request: HttpRequest) -> HttpResponse:
    require(permissions.can_edit_funding(request.user))
    initial = {}
    stream_pk = int_param(request, "stream")
    if stream_pk:
        initial["funding_stream"] = stream_pk
    varied = _allocation_varied(request)
    if varied is not None:
        initial.update(_variation_initial(varied))
    form = AllocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = naming.allocation_save_named(
                by=request.user,
                recipient_name=form.cleaned_data["recipient_name"],
                theme_name=form.cleaned_data["theme_name"],
                **_allocation_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error, ALLOCATION_ERROR_ALIASES)
        else:
            messages.success(request, f"Allocation “{allocation.title}” recorded as proposed.")
            _warn_of_overspend(request, allocation)
            return redirect(allocation)
    return render(request, "funding/allocation_form.html", {"form": form, "allocation": None})


def _warn_of_overspend(request: HttpRequest, allocation: Allocation) -> None:
    """On saving, what the proposals would do to the stream, not later on its page."""
    warning = budget.proposed_overspend(allocation.funding_stream)
    if warning:
        messages.warning(request, warning)


def _allocation_varied(request: HttpRequest) -> Allocation | None:
    """The allocation a new one is to replace (``?replaces=<pk>``), when it may be varied."""
    pk = int_param(request, "replaces")
    if not pk:
        return None
    related = ("funding_stream__financial_year", "recipient", "theme", "decision")
    allocation = Allocation.objects.select_related(*related).filter(pk=pk).first()
    if allocation is None or not permissions.can_record_variation(request.user, allocation):
        return None
    return allocation


def _variation_initial(allocation: Allocation) -> dict:
    """A variation starts as a copy of what it replaces, to be changed before saving."""
    return {
        "funding_stream": allocation.funding_stream_id,
        "replaces": allocation.pk,
        "title": allocation.title,
        "description": allocation.description,
        "amount": allocation.amount,
        "recipient_name": allocation.recipient.name if allocation.recipient_id else "",
        "theme_name": allocation.theme.name if allocation.theme_id else "",
        "period_start": allocation.period_start,
        "period_end": allocation.period_end,
        "indicative": allocation.indicative,
        "route": allocation.route,
    }


def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    related = ("funding_stream__financial_year", "decision", "recipient", "theme")
    allocation = get_object_or_404(Allocation.objects.select_related(*related), pk=pk)
    require(permissions.can_edit_allocation(request.user, allocation))
    form = AllocationForm(request.POST or None, instance=allocation)
    if request.method == "POST" and form.is_valid():
        try:
            naming.allocation_save_named(
                by=request.user,
                allocation=allocation,
                recipient_name=form.cleaned_data["recipient_name"],
                theme_name=form.cleaned_data["theme_name"],
                **_allocation_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error, ALLOCATION_ERROR_ALIASES)
        else:
            messages.success(request, "Allocation saved.")
            _warn_of_overspend(request, allocation)
            return redirect(allocation)
    return render(
        request, "funding/allocation_form.html", {"form": form, "allocation": allocation}
    )


# Each status step of the table, performed by its service, and what the message says.
_ACTIONS = {
    workflow.APPROVE.name: (services.allocation_approve, "approved"),
    workflow.CONTRACT.name: (services.allocation_mark_contracted, "marked contracted"),
    workflow.WITHDRAW.name: (services.allocation_withdraw, "withdrawn"),
}


@require_POST
def allocation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404("No such action.")
    perform, done = _ACTIONS[action]
    allocation = get_object_or_404(
        Allocation.objects.select_related(
            "funding_stream__financial_year", "decision", "replaces__decision"
        ),
        pk=pk,
    )
    require(permissions.can_take(workflow.ALLOCATIONS[action], request.user, allocation))
    try:
        allocation = perform(allocation=allocation, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Allocation “{allocation.title}” {done}.")
        position, _ = stream_position(stream=allocation.funding_stream)
        for warning in position.warnings:
            messages.warning(request, f"{allocation.funding_stream.name}: {warning}")
    return redirect(allocation)


# Funding position -------------------------------------------------------------------


def _position_context(year: FinancialYear) -> dict:
    position = funding_position(year=year)
    chart_rows = [
        _ChartRow(("— " * row.depth) + row.stream.name, row.available, row.approved, row.proposed)
        for row in position.rows
    ]
    return {"year": year, "position": position, "chart": funding_bars(chart_rows)}


class _ChartRow(NamedTuple):
    label: str
    available: Decimal
    approved: Decimal
    proposed: Decimal


@require_safe
def position_current(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_position(request.user))
    year = current_financial_year()
    if year is None:
        return render(request, "funding/position.html", {"year": None, "years": []})
    return redirect("funding:position", year=year.slug)


@require_safe
def position(request: HttpRequest, year: str) -> HttpResponse:
    require(permissions.can_view_position(request.user))
    context = _position_context(financial_year_from_slug(year))
    context["years"] = list(FinancialYear.objects.all())
    return render(request, "funding/position.html", context)


@require_safe
def position_pdf(request: HttpRequest, year: str) -> HttpResponse:
    require(permissions.can_view_position(request.user))
    financial_year = financial_year_from_slug(year)
    pdf = render_pdf("funding/position_pdf.html", _position_context(financial_year))
    return pdf_response(pdf, filename=f"funding-position-{financial_year.slug}")
