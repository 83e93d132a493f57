from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from funding.models import Allocation
from pcc_grants.downloads import download
from pcc_grants.forms import add_service_errors
from pcc_grants.pagination import page_of
from pcc_grants.permissions import require
from pcc_grants.query import as_id, int_param, search_text
from pcc_grants.uploads import document_response, upload_from_form

from . import permissions, services
from .filters import AgreementFilter
from .forms import (
    AgreementForm,
    ContactFormSet,
    ContractsFilterForm,
    DocumentForm,
    MeasureFormSet,
    PartnerFormSet,
    ProviderForm,
    ReturnForm,
)
from .models import (
    Agreement,
    AgreementDocument,
    MonitoringReturn,
    Provider,
    ProviderType,
)
from .selectors import (
    agreement_allocation_choices,
    agreement_allocations_total,
    agreement_lines,
    contract_rows,
    contracts_register,
    overdue_returns,
    provider_allocations_by_year,
    provider_allocations_page,
    provider_suggestions,
    providers_found,
    return_lines,
)

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    return query.urlencode()


# Providers ---------------------------------------------------------------------------


@require_safe
def provider_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    search = search_text(request)
    providers = providers_found(search).order_by("name")
    provider_type = request.GET.get("type", "")
    if provider_type in ProviderType.values:
        providers = providers.filter(provider_type=provider_type)
    return render(
        request,
        "commissioning/provider_list.html",
        {
            "page": Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": _query_without_page(request),
            "search": search,
            "provider_type": provider_type,
            "types": ProviderType.choices,
            "can_edit": permissions.can_edit_commissioning(request.user),
        },
    )


@require_safe
def provider_suggest(request: HttpRequest) -> JsonResponse:
    """Providers whose names hold what is typed (``?q=``), for the suggestions a
    recipient field offers as the officer types. Without JavaScript the field is
    typed in full, and a new name is checked against near matches on saving."""
    require(permissions.can_view_commissioning(request.user))
    providers = provider_suggestions(request.GET.get("q", "")[:100])
    return JsonResponse(
        {
            "providers": [
                {"name": provider.name, "type": provider.get_provider_type_display()}
                for provider in providers
            ]
        }
    )


@require_safe
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    provider = get_object_or_404(Provider, pk=pk)
    allocations = provider_allocations_page(provider=provider, number=request.GET.get("page"))
    agreements = agreement_lines(provider.agreements.order_by("-start_date")[:100])
    today = timezone.localdate()
    returns = return_lines(
        MonitoringReturn.objects.filter(agreement__provider=provider)
        .select_related("agreement")
        .order_by("-due_date")[:20],
        today=today,
        with_agreement=True,
    )
    by_year = provider_allocations_by_year(provider=provider)
    return render(
        request,
        "commissioning/provider_detail.html",
        {
            "provider": provider,
            "contacts": list(provider.contacts.all()),
            "by_year": by_year,
            "committed_total": sum(row["committed"] for row in by_year),
            "allocations": allocations,
            "agreements": agreements,
            "agreements_total": provider.agreements.aggregate(t=Sum("total_value"))["t"] or 0,
            "returns": returns,
            "can_edit": permissions.can_edit_commissioning(request.user),
        },
    )


def _contacts(formset) -> list[dict]:
    return [
        {key: form.cleaned_data.get(key, "") for key in ("name", "role", "email", "phone")}
        for form in formset.forms
        if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
    ]


def _provider_form(request: HttpRequest, provider: Provider | None) -> HttpResponse:
    require(permissions.can_edit_commissioning(request.user))
    form = ProviderForm(request.POST or None, instance=provider)
    initial = list(provider.contacts.values("name", "role", "email", "phone")) if provider else []
    contacts = ContactFormSet(request.POST or None, initial=initial, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PROVIDER_FIELDS}
        try:
            if provider is None:
                provider = services.provider_create(
                    by=request.user, contacts=_contacts(contacts), **fields
                )
            else:
                provider = services.provider_update(
                    provider=provider, by=request.user, contacts=_contacts(contacts), **fields
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Provider “{provider.name}” saved.")
            return redirect(provider)
    return render(
        request,
        "commissioning/provider_form.html",
        {"form": form, "contacts": contacts, "provider": provider},
    )


def provider_create(request: HttpRequest) -> HttpResponse:
    return _provider_form(request, None)


def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_form(request, get_object_or_404(Provider, pk=pk))


# Agreements --------------------------------------------------------------------------


@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    filterset = AgreementFilter(request.GET or None, queryset=Agreement.objects.for_list())
    agreements = filterset.qs
    # One pass over the matching rows for the count and the total.
    summary = agreements.aggregate(count=Count("pk"), total=Sum("total_value"))
    page = page_of(agreements, request.GET.get("page"), PAGE_SIZE, count=summary["count"])
    page.object_list = agreement_lines(page.object_list, with_provider=True)
    return render(
        request,
        "commissioning/agreement_list.html",
        {
            "filter": filterset,
            "page": page,
            "total": summary["total"] or 0,
            "query": _query_without_page(request),
            "can_edit": permissions.can_edit_commissioning(request.user),
        },
    )


@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    agreement = get_object_or_404(Agreement.objects.select_related("provider"), pk=pk)
    allocations = list(
        agreement.allocations.select_related("funding_stream__financial_year").order_by("pk")
    )
    allocations_total = agreement_allocations_total(agreement=agreement)
    can_edit = permissions.can_edit_commissioning(request.user)
    # Only those who may change them are offered the boxes.
    candidates = agreement_allocation_choices(agreement=agreement) if can_edit else []
    return render(
        request,
        "commissioning/agreement_detail.html",
        {
            "agreement": agreement,
            "partners": list(agreement.partners.all()),
            "allocations": allocations,
            "allocations_total": allocations_total,
            "allocations_differ": allocations and allocations_total != agreement.total_value,
            "candidates": candidates,
            "documents": list(agreement.documents.select_related("uploaded_by")),
            "returns": return_lines(agreement.returns.all(), today=timezone.localdate()),
            "document_form": DocumentForm(),
            "can_edit": can_edit,
        },
    )


def _partners(formset) -> list[tuple]:
    return [
        (form.cleaned_data["name"], form.cleaned_data["contribution"])
        for form in formset.forms
        if form.cleaned_data.get("name")
    ]


def _agreement_form(request: HttpRequest, agreement: Agreement | None) -> HttpResponse:
    require(permissions.can_edit_commissioning(request.user))
    initial = {}
    if agreement is None and int_param(request, "provider"):
        initial["provider"] = int_param(request, "provider")
    form = AgreementForm(request.POST or None, instance=agreement, initial=initial)
    partner_initial = (
        [{"name": p.name, "contribution": p.contribution} for p in agreement.partners.all()]
        if agreement
        else []
    )
    partners = PartnerFormSet(request.POST or None, initial=partner_initial, prefix="partners")
    if request.method == "POST" and form.is_valid() and partners.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.AGREEMENT_FIELDS}
        try:
            if agreement is None:
                agreement = services.agreement_create(
                    by=request.user, partners=_partners(partners), **fields
                )
            else:
                agreement = services.agreement_update(
                    agreement=agreement, by=request.user, partners=_partners(partners), **fields
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} saved.")
            return redirect(agreement)
    return render(
        request,
        "commissioning/agreement_form.html",
        {"form": form, "partners": partners, "agreement": agreement},
    )


def agreement_create(request: HttpRequest) -> HttpResponse:
    return _agreement_form(request, None)


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _agreement_form(request, get_object_or_404(Agreement, pk=pk))


@require_POST
def agreement_allocations(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_edit_commissioning(request.user))
    agreement = get_object_or_404(Agreement, pk=pk)
    chosen = Allocation.objects.filter(
        pk__in=[pk for pk in map(as_id, request.POST.getlist("allocations")) if pk]
    )
    try:
        services.agreement_set_allocations(
            agreement=agreement, allocations=chosen, by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The allocations this agreement delivers are saved.")
    return redirect(agreement)


# Documents ---------------------------------------------------------------------------


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_edit_commissioning(request.user))
    agreement = get_object_or_404(Agreement, pk=pk)
    return upload_from_form(
        request,
        DocumentForm,
        lambda upload: services.agreement_document_add(
            agreement=agreement, upload=upload, by=request.user
        ),
        agreement,
        done="uploaded",
    )


@require_POST
def document_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a document as the public copy of its contract, or withdraw it."""
    require(permissions.can_edit_commissioning(request.user))
    document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
    published = request.POST.get("published") == "yes"
    services.agreement_document_publish(document=document, by=request.user, published=published)
    if published:
        messages.success(
            request, f"“{document.original_name}” is published on the transparency page."
        )
    else:
        messages.success(
            request, f"“{document.original_name}” is withdrawn from the transparency page."
        )
    return redirect(document.agreement)


@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    require(permissions.can_download_documents(request.user))
    document = get_object_or_404(AgreementDocument, pk=pk)
    return document_response(document)


# Monitoring returns ------------------------------------------------------------------


@require_safe
def return_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    today = timezone.localdate()
    page = page_of(overdue_returns(today=today), request.GET.get("page"), PAGE_SIZE)
    page.object_list = return_lines(
        page.object_list, today=today, with_agreement=True, with_provider=True
    )
    return render(
        request,
        "commissioning/return_list.html",
        {
            "page": page,
            "query": "",
            "today": today,
        },
    )


def return_record(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = get_object_or_404(
        MonitoringReturn.objects.select_related("agreement__provider"), pk=pk
    )
    if request.method == "POST":
        require(permissions.can_edit_commissioning(request.user))
    else:
        require(permissions.can_view_commissioning(request.user))
    form = ReturnForm(request.POST or None, instance=monitoring_return)
    initial = [
        {"metric": m.metric, "value": m.value, "target": m.target}
        for m in monitoring_return.measures.all()
    ]
    measures = MeasureFormSet(request.POST or None, initial=initial, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        try:
            services.monitoring_return_record(
                monitoring_return=monitoring_return,
                by=request.user,
                received_date=form.cleaned_data["received_date"],
                spend_to_date=form.cleaned_data["spend_to_date"],
                rag=form.cleaned_data["rag"],
                narrative=form.cleaned_data["narrative"],
                measures=[
                    (m.cleaned_data["metric"], m.cleaned_data["value"], m.cleaned_data["target"])
                    for m in measures.forms
                    if m.cleaned_data.get("metric")
                ],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Monitoring return recorded.")
            return redirect(monitoring_return.agreement)
    return render(
        request,
        "commissioning/return_form.html",
        {
            "form": form,
            "measures": measures,
            "monitoring_return": monitoring_return,
            "can_edit": permissions.can_edit_commissioning(request.user),
        },
    )


# Contracts register ------------------------------------------------------------------


@require_safe
def contracts(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_commissioning(request.user))
    form = ContractsFilterForm(request.GET or None)
    band = form.cleaned_data["band"] if form.is_valid() else ""
    agreements = contracts_register(band=band)
    if request.GET.get("download") == "csv":
        suffix = {"over": "-over-10000", "under": "-10000-or-less"}.get(band, "")
        return download(
            contract_rows(agreements), filename=f"contracts-register{suffix}", file_format="csv"
        )
    return render(
        request,
        "commissioning/contracts.html",
        {
            "form": form,
            "page": page_of(agreements, request.GET.get("page"), PAGE_SIZE),
            "total": agreements.aggregate(t=Sum("total_value"))["t"] or 0,
            "query": _query_without_page(request),
        },
    )
