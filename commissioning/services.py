"""Every write to providers, agreements, documents and monitoring returns."""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcc_grants.models import OrganisationSettings
from pcc_grants.money import format_money
from pcc_grants.records import find_or_create
from pcc_grants.uploads import store_document

from .matching import match_key
from .models import (
    Agreement,
    AgreementDocument,
    AgreementPartner,
    CommissioningRoute,
    MonitoringFrequency,
    MonitoringReturn,
    Provider,
    ProviderContact,
    ReturnMeasure,
    normalise_name,
)

# A return is due this many days after the end of the period it covers.
RETURN_DUE_AFTER_DAYS = 30

DUPLICATE_NAME = "A provider called “{name}” already exists."
NAME_WITHOUT_LETTERS = (
    "Enter the organisation's name in letters or numbers, for example Safe Durham Partnership."
)
DUPLICATE_CHARITY = "A provider with charity number {number} already exists: {name}."
DUPLICATE_COMPANY = "A provider with company number {number} already exists: {name}."
STA_GROUND_NEEDED = (
    "A single tender action needs one of the two grounds: only one supplier can do the "
    "work for technical reasons, or continuity with an existing supplier."
)
STA_JUSTIFICATION_NEEDED = (
    "A single tender action needs a justification: the evidence for the ground chosen."
)
STA_FIELDS_ONLY_FOR_STA = "Grounds for a single tender apply only to a single tender action."
POOLED_NEEDS_PARTNERS = (
    "A co-commissioned or pooled budget needs its partners and their contributions, "
    "the office's own share included."
)
POOLED_SHARES_MISMATCH = (
    "The partners' contributions add up to {shares}, but the total value is {total}: "
    "they must be equal."
)
PARTNERS_ONLY_FOR_POOLED = "Partners' shares apply only to a co-commissioned or pooled budget."
END_BEFORE_START = "The end date must be after the start date."
REVIEW_BEFORE_START = "The review date cannot be before the start date."
ANNUAL_ABOVE_TOTAL = "The annual value cannot be more than the total value."
OTHER_PROVIDERS_ALLOCATIONS = (
    "{references}: an agreement delivers only allocations to its own provider, {provider}."
)
RECEIVED_IN_FUTURE = "The received date cannot be in the future."
RECEIVED_BEFORE_PERIOD = "The return cannot have been received before its period began."

# The fields of an agreement and of a provider that a person fills in, in the order
# their forms show them (the forms take these lists as they are).
AGREEMENT_FIELDS = (
    "reference",
    "provider",
    "route",
    "title",
    "description",
    "total_value",
    "annual_value",
    "start_date",
    "end_date",
    "review_date",
    "status",
    "match_funding",
    "co_funders",
    "monitoring_frequency",
    "single_tender_ground",
    "single_tender_justification",
)
PROVIDER_FIELDS = (
    "name",
    "provider_type",
    "charity_number",
    "company_number",
    "local_authority_code",
    "address",
    "postcode",
    "area_name",
    "area_code",
    "is_vcse",
    "is_sme",
    "is_active",
)


def _today() -> date:
    return timezone.localdate()


# Providers ---------------------------------------------------------------------------


def _normalise_provider(provider: Provider) -> None:
    provider.name = " ".join(provider.name.split())
    provider.charity_number = provider.charity_number.replace(" ", "").upper()
    company = provider.company_number.replace(" ", "").upper()
    provider.company_number = company.zfill(8) if company.isdigit() else company
    provider.local_authority_code = provider.local_authority_code.strip().upper()
    provider.area_name = " ".join(provider.area_name.split())
    provider.area_code = provider.area_code.strip().upper()
    postcode = provider.postcode.replace(" ", "").upper()
    provider.postcode = f"{postcode[:-3]} {postcode[-3:]}" if len(postcode) > 3 else postcode


def _check_shown(name: str) -> None:
    """A name of punctuation or invisible characters only ("—", "!!!") shows no name,
    and all such names reduce to the same nothing: the second would be the first."""
    if not match_key(name):
        raise ValidationError({"name": [NAME_WITHOUT_LETTERS]})


def _check_duplicates(provider: Provider) -> None:
    others = Provider.objects.exclude(pk=provider.pk) if provider.pk else Provider.objects
    errors: dict[str, list[str]] = {}
    same_name = others.filter(normalised_name=normalise_name(provider.name)).first()
    if same_name:
        errors["name"] = [DUPLICATE_NAME.format(name=same_name.name)]
    if provider.charity_number:
        same = others.filter(charity_number=provider.charity_number).first()
        if same:
            errors["charity_number"] = [
                DUPLICATE_CHARITY.format(number=provider.charity_number, name=same.name)
            ]
    if provider.company_number:
        same = others.filter(company_number=provider.company_number).first()
        if same:
            errors["company_number"] = [
                DUPLICATE_COMPANY.format(number=provider.company_number, name=same.name)
            ]
    if errors:
        raise ValidationError(errors)


def _save_provider(provider: Provider, contacts: Iterable[dict] | None) -> Provider:
    _normalise_provider(provider)
    provider.full_clean(exclude=["normalised_name", "org_id"], validate_constraints=False)
    _check_shown(provider.name)
    _check_duplicates(provider)
    provider.save()
    provider.org_id = ""
    provider.org_id = provider.identifier(OrganisationSettings.load().open_data_prefix)
    provider.save(update_fields=["org_id"])
    if contacts is not None:
        provider.contacts.all().delete()
        for contact in contacts:
            ProviderContact(provider=provider, **contact).full_clean(exclude=["provider"])
            ProviderContact.objects.create(provider=provider, **contact)
    return provider


@transaction.atomic
def provider_create(
    *, by, name: str, contacts: Iterable[dict] | None = None, **fields
) -> Provider:
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Not a provider field: {', '.join(sorted(unknown))}")
    return _save_provider(Provider(name=name, **fields), contacts)


provider_create.alters_data = True


@transaction.atomic
def provider_update(
    *, provider: Provider, by, contacts: Iterable[dict] | None = None, **changes
) -> Provider:
    unknown = set(changes) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Not a provider field: {', '.join(sorted(unknown))}")
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    for field, value in changes.items():
        setattr(provider, field, value)
    return _save_provider(provider, contacts)


provider_update.alters_data = True


@transaction.atomic
def provider_get_or_create(*, name: str) -> Provider:
    """The provider of that name, ignoring case and punctuation; recorded if unknown,
    once however many ask for it at the same moment."""
    _check_shown(name)
    normalised = normalise_name(name)
    return find_or_create(
        lambda: Provider.objects.filter(normalised_name=normalised).first(),
        lambda: _save_provider(Provider(name=name), None),
    )


provider_get_or_create.alters_data = True


# Agreements --------------------------------------------------------------------------


def _validate_agreement(agreement: Agreement, partners: list[tuple[str, Decimal]]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if agreement.start_date and agreement.end_date and agreement.end_date <= agreement.start_date:
        add("end_date", END_BEFORE_START)
    if (
        agreement.review_date
        and agreement.start_date
        and agreement.review_date < agreement.start_date
    ):
        add("review_date", REVIEW_BEFORE_START)
    if (
        agreement.annual_value is not None
        and agreement.total_value is not None
        and agreement.annual_value > agreement.total_value
    ):
        add("annual_value", ANNUAL_ABOVE_TOTAL)
    if agreement.route == CommissioningRoute.SINGLE_TENDER:
        if not agreement.single_tender_ground:
            add("single_tender_ground", STA_GROUND_NEEDED)
        if not agreement.single_tender_justification.strip():
            add("single_tender_justification", STA_JUSTIFICATION_NEEDED)
    elif agreement.single_tender_ground or agreement.single_tender_justification.strip():
        add("single_tender_ground", STA_FIELDS_ONLY_FOR_STA)
    if agreement.route == CommissioningRoute.POOLED:
        if not partners:
            add("partners", POOLED_NEEDS_PARTNERS)
        else:
            shares = sum((amount for _, amount in partners), Decimal("0"))
            if agreement.total_value is not None and shares != agreement.total_value:
                add(
                    "partners",
                    POOLED_SHARES_MISMATCH.format(
                        shares=format_money(shares), total=format_money(agreement.total_value)
                    ),
                )
    elif partners:
        add("partners", PARTNERS_ONLY_FOR_POOLED)
    try:
        agreement.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                add(field, message)
    if errors:
        raise ValidationError(errors)


def _save_agreement(agreement: Agreement, partners) -> Agreement:
    partners = [(name.strip(), amount) for name, amount in (partners or []) if name.strip()]
    _validate_agreement(agreement, partners)
    agreement.save()
    agreement.partners.all().delete()
    AgreementPartner.objects.bulk_create(
        AgreementPartner(agreement=agreement, name=name, contribution=amount)
        for name, amount in partners
    )
    monitoring_returns_generate(agreement=agreement)
    return agreement


@transaction.atomic
def agreement_create(
    *, by, partners: Iterable[tuple[str, Decimal]] | None = None, **fields
) -> Agreement:
    """Record an agreement with its partners' shares and its schedule of returns."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not an agreement field: {', '.join(sorted(unknown))}")
    fields.setdefault("single_tender_justification", "")
    return _save_agreement(Agreement(**fields), partners)


agreement_create.alters_data = True


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, by, partners: Iterable[tuple[str, Decimal]] | None = None, **changes
) -> Agreement:
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not an agreement field: {', '.join(sorted(unknown))}")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    for field, value in changes.items():
        setattr(agreement, field, value)
    if partners is None:
        partners = list(agreement.partners.values_list("name", "contribution"))
    return _save_agreement(agreement, partners)


agreement_update.alters_data = True


@transaction.atomic
def agreement_set_allocations(*, agreement: Agreement, allocations: Iterable, by) -> Agreement:
    """The allocations this agreement delivers, linked through the funding services."""
    from funding import services as funding_services
    from funding.models import Allocation

    wanted = {allocation.pk for allocation in allocations}
    others = Allocation.objects.filter(pk__in=wanted).exclude(recipient=agreement.provider)
    if others.exists():
        raise ValidationError(
            OTHER_PROVIDERS_ALLOCATIONS.format(
                references=", ".join(a.reference for a in others.order_by("pk")),
                provider=agreement.provider.name,
            )
        )
    for allocation in Allocation.objects.filter(agreement=agreement).exclude(pk__in=wanted):
        funding_services.allocation_update(allocation=allocation, by=by, agreement=None)
    for allocation in Allocation.objects.filter(pk__in=wanted).exclude(agreement=agreement):
        funding_services.allocation_update(allocation=allocation, by=by, agreement=agreement)
    return agreement


agreement_set_allocations.alters_data = True


# Documents ---------------------------------------------------------------------------


@transaction.atomic
def agreement_document_add(*, agreement: Agreement, upload, by) -> AgreementDocument:
    """Store an uploaded document under a random name; refuse the wrong kind or size."""
    return store_document(AgreementDocument(agreement=agreement, uploaded_by=by), upload)


agreement_document_add.alters_data = True


@transaction.atomic
def agreement_document_publish(
    *, document: AgreementDocument, by, published: bool = True
) -> AgreementDocument:
    """Publish the document as the public copy of its contract, on the transparency
    page (staff upload the copy fit to publish, redacted where the law allows), or
    withdraw it from there (``published=False``)."""
    document = AgreementDocument.objects.select_for_update().get(pk=document.pk)
    if published and document.published_at is None:
        document.published_at, document.published_by = timezone.now(), by
    elif not published:
        document.published_at, document.published_by = None, None
    document.save(update_fields=["published_at", "published_by"])
    return document


agreement_document_publish.alters_data = True


# Monitoring returns ------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def return_periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """Consecutive periods of ``months`` from ``start``; the last one ends at ``end``."""
    if months <= 0:
        return []
    periods = []
    period_start = start
    while period_start <= end:
        next_start = _add_months(start, months * (len(periods) + 1))
        periods.append((period_start, min(next_start - timedelta(days=1), end)))
        period_start = next_start
    return periods


@transaction.atomic
def monitoring_returns_generate(*, agreement: Agreement) -> list[MonitoringReturn]:
    """Bring the agreement's returns in line with its frequency and dates.

    Returns already received are kept whatever happens; expected ones that no
    longer fit the schedule are removed, and missing ones are added.
    """
    months = MonitoringFrequency(agreement.monitoring_frequency).months
    wanted = dict(return_periods(agreement.start_date, agreement.end_date, months))
    existing = {r.period_start: r for r in agreement.returns.all()}
    for period_start, monitoring_return in existing.items():
        if monitoring_return.is_received:
            continue
        if wanted.get(period_start) != monitoring_return.period_end:
            monitoring_return.delete()
    kept = {r.period_start for r in agreement.returns.all()}
    MonitoringReturn.objects.bulk_create(
        MonitoringReturn(
            agreement=agreement,
            period_start=start,
            period_end=end,
            due_date=end + timedelta(days=RETURN_DUE_AFTER_DAYS),
        )
        for start, end in wanted.items()
        if start not in kept
    )
    return list(agreement.returns.all())


monitoring_returns_generate.alters_data = True


@transaction.atomic
def monitoring_return_record(
    *,
    monitoring_return: MonitoringReturn,
    by,
    received_date: date,
    spend_to_date: Decimal | None,
    rag: str,
    narrative: str,
    measures: Iterable[tuple[str, Decimal, Decimal | None]] = (),
) -> MonitoringReturn:
    """Record what a provider reported for a period: spend, RAG, outputs and outcomes."""
    monitoring_return = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
    errors = {}
    if received_date > _today():
        errors["received_date"] = [RECEIVED_IN_FUTURE]
    elif received_date < monitoring_return.period_start:
        errors["received_date"] = [RECEIVED_BEFORE_PERIOD]
    if errors:
        raise ValidationError(errors)
    monitoring_return.received_date = received_date
    monitoring_return.spend_to_date = spend_to_date
    monitoring_return.rag = rag
    monitoring_return.narrative = narrative
    monitoring_return.recorded_by = by
    monitoring_return.full_clean()
    monitoring_return.save()
    monitoring_return.measures.all().delete()
    for metric, value, target in measures:
        measure = ReturnMeasure(
            monitoring_return=monitoring_return, metric=metric.strip(), value=value, target=target
        )
        measure.full_clean()
        measure.save()
    return monitoring_return


monitoring_return_record.alters_data = True
