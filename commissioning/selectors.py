"""Reads with logic for providers, agreements and returns."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import dateformat, formats

from funding.models import COMMITTED_STATUSES, Allocation, AllocationStatus, FundingStream
from pcc_grants.money import format_money
from pcc_grants.years import financial_year_label

from .matching import NearMatch, NearNames, match_key, near_matches
from .models import (
    Agreement,
    AgreementStatus,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
    normalise_name,
)

CONTRACT_BAND_LIMIT = Decimal("10000")
# A return's period, as its table writes it: "1 April 2017".
LONG_DATE = "j F Y"
SUGGESTIONS = 10


def providers_named(text: str) -> list[int]:
    """The keys of the providers whose names hold ``text``, in any case. A search that
    also matches a list's own columns reads them first: ``… OR provider IN (keys)``
    can then use each column's index, where an OR across a join reads every row."""
    found = Provider.objects.filter(name__icontains=text).order_by()
    return list(found.values_list("pk", flat=True))


def providers_found(text: str):
    """The providers the provider list's search finds: by part of the name, or by a
    charity or company number or organisation identifier given in full. On
    PostgreSQL each condition has an index on its expression (migration 0008)."""
    providers = Provider.objects.all()
    if not text:
        return providers
    return providers.filter(
        Q(name__icontains=text)
        | Q(charity_number__iexact=text)
        | Q(company_number__iexact=text)
        | Q(org_id__iexact=text)
    )


def provider_suggestions(text: str, *, limit: int = SUGGESTIONS) -> list[Provider]:
    """Providers whose names hold what was typed, lookalike letters folded; those
    whose names start with it first. Nothing for fewer than two letters."""
    key = match_key(text)
    if len(key) < 2:
        return []
    return list(
        Provider.objects.filter(
            Q(match_key__contains=key) | Q(normalised_name__contains=normalise_name(text))
        )
        .annotate(
            starts=Case(
                When(match_key__startswith=key, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("starts", "-is_active", "name")[:limit]
    )


def providers_like(name: str) -> list[NearMatch]:
    """The recorded providers whose names look like ``name``, before a new one is
    recorded under it: one query, however many providers."""
    return near_matches(name, Provider.objects.values_list("pk", "name", "match_key"))


def providers_a_new_name_looks_like(
    name: str, *, other_than: Provider | None = None
) -> list[NearMatch]:
    """What a form asks about before a provider is recorded (or renamed) under
    ``name``: the providers it looks like, but nothing when it is blank or already a
    provider's name (that provider is the one meant; for a rename, the service
    refuses it), and never ``other_than`` itself."""
    name = name.strip()[:255]
    pk = other_than.pk if other_than is not None else None
    if not name or (other_than is not None and name == other_than.name):
        return []
    if Provider.objects.filter(normalised_name=normalise_name(name)).exclude(pk=pk).exists():
        return []
    return [match for match in providers_like(name) if match.pk != pk]


def provider_allocations_by_year(*, provider: Provider) -> list[dict]:
    """Per financial year: how many allocations, committed and proposed money."""
    rows = (
        Allocation.objects.filter(recipient=provider)
        .values("funding_stream__financial_year__start_year")
        .annotate(
            count=Count("pk"),
            committed=Sum("amount", filter=Q(status__in=COMMITTED_STATUSES)),
            proposed=Sum("amount", filter=Q(status="proposed")),
        )
        .order_by("-funding_stream__financial_year__start_year")
    )
    return [
        {
            "year": financial_year_label(start),
            "count": row["count"],
            "committed": row["committed"] or Decimal("0"),
            "proposed": row["proposed"] or Decimal("0"),
        }
        for row in rows
        for start in [row["funding_stream__financial_year__start_year"]]
    ]


class AllocationChoice(NamedTuple):
    """An allocation an agreement may deliver, as its box on the agreement's page
    offers it: the value the box sends (the allocation's key), its label, and whether
    the agreement delivers it."""

    value: str
    label: str
    checked: bool


def agreement_allocation_choices(*, agreement: Agreement, limit: int = 200) -> list:
    """The allocations to the agreement's provider that it delivers or could (not
    withdrawn, delivered by no other agreement), newest year first, each labelled
    "A000012 Title · Stream (2016/17) · £9,400 (approved)". Read as values and
    labelled here: a page of 200 boxes is otherwise 200 allocations, streams and years
    made and drawn one field at a time."""
    rows = (
        Allocation.objects.filter(recipient_id=agreement.provider_id)
        .filter(Q(agreement__isnull=True) | Q(agreement=agreement))
        .exclude(status="withdrawn")
        .order_by("-funding_stream__financial_year__start_year", "pk")
        .values_list(
            "pk",
            "title",
            "amount",
            "status",
            "agreement_id",
            "funding_stream__name",
            "funding_stream__financial_year__start_year",
        )[:limit]
    )
    statuses = dict(AllocationStatus.choices)
    return [
        AllocationChoice(
            str(pk),
            f"{Allocation.reference_of(pk)} {title} · {FundingStream.label_of(stream, start)}"
            f" · {format_money(amount)} ({statuses.get(status, status).lower()})",
            delivered_by == agreement.pk,
        )
        for pk, title, amount, status, delivered_by, stream, start in rows
    ]


def provider_allocations_page(*, provider: Provider, number, per_page: int = 50):
    """The page ``number`` of the allocations to ``provider``, in the register's order,
    each given ``provider`` as its recipient rather than reading it again for each."""
    allocations = (
        Allocation.objects.filter(recipient=provider)
        .for_register()
        .select_related(None)
        .select_related("funding_stream__financial_year", "theme")
    )
    page = Paginator(allocations, per_page).get_page(number)
    page.object_list = list(page.object_list)
    for allocation in page.object_list:
        allocation.recipient = provider
    return page


def agreement_allocations_total(*, agreement: Agreement) -> Decimal:
    total = agreement.allocations.exclude(status="withdrawn").aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


@dataclass(frozen=True)
class AgreementLine:
    """An agreement as a line of the agreements table shows it, written out once in
    Python (links, route, dates, status, value) rather than field by field by the
    template; its provider only where the table shows it."""

    url: str
    reference: str
    title: str
    route: str
    start: str
    end: str
    status: str
    value: str
    provider_url: str = ""
    provider_name: str = ""


def agreement_lines(agreements, *, with_provider: bool = False) -> list[AgreementLine]:
    """``agreements`` as the lines of the agreements table, ``with_provider`` (read with
    them) when it shows it."""
    day_format = formats.get_format("DATE_FORMAT")  # as the template's ``{{ day }}``
    routes = dict(CommissioningRoute.choices)
    statuses = dict(AgreementStatus.choices)
    lines = []
    for agreement in agreements:
        extra = {}
        if with_provider:
            extra["provider_url"] = agreement.provider.get_absolute_url()
            extra["provider_name"] = agreement.provider.name
        lines.append(
            AgreementLine(
                url=agreement.get_absolute_url(),
                reference=agreement.reference,
                title=agreement.title,
                route=routes.get(agreement.route, agreement.route),
                start=dateformat.format(agreement.start_date, day_format),
                end=dateformat.format(agreement.end_date, day_format),
                status=statuses.get(agreement.status, agreement.status),
                value=format_money(agreement.total_value),
                **extra,
            )
        )
    return lines


@dataclass(frozen=True)
class ReturnLine:
    """A monitoring return as a line of the returns table shows it, written out once
    in Python (dates, spend, rating, links) rather than field by field by the
    template: the agreement's reference and link, and its provider's name, only where
    the table shows them."""

    url: str
    period: str
    due: str
    overdue: bool
    received: str
    is_received: bool
    spend: str
    rag: str
    month: str
    agreement_url: str = ""
    agreement_reference: str = ""
    provider_name: str = ""


def return_lines(
    returns, *, today: date, with_agreement: bool = False, with_provider: bool = False
) -> list[ReturnLine]:
    """``returns`` as the lines of the returns table, ``with_agreement`` (read with
    them) and ``with_provider`` (the agreement's, read with it) when it shows them."""
    # As the template's ``{{ day }}`` and ``|date:"…"`` write a date, each format
    # looked up once.
    formats_of = {name: formats.get_format(name) for name in ("DATE_FORMAT", LONG_DATE, "M Y")}

    def written_as(day: date, format_name: str = "DATE_FORMAT") -> str:
        return dateformat.format(day, formats_of[format_name])

    ratings = dict(MonitoringReturn._meta.get_field("rag").flatchoices)
    lines = []
    for item in returns:
        extra = {}
        if with_agreement:
            agreement = item.agreement
            extra["agreement_url"] = agreement.get_absolute_url()
            extra["agreement_reference"] = agreement.reference
            if with_provider:
                extra["provider_name"] = agreement.provider.name
        received = item.received_date
        lines.append(
            ReturnLine(
                url=item.get_absolute_url(),
                period=f"{written_as(item.period_start, LONG_DATE)} – "
                f"{written_as(item.period_end, LONG_DATE)}",
                due=written_as(item.due_date),
                overdue=not received and item.due_date < today,
                received=written_as(received) if received else "—",
                is_received=bool(received),
                spend=format_money(item.spend_to_date) if item.spend_to_date is not None else "—",
                rag=ratings.get(item.rag, item.rag) or "—",
                month=written_as(item.period_start, "M Y"),
                **extra,
            )
        )
    return lines


def overdue_returns(*, today: date):
    return (
        MonitoringReturn.objects.overdue(today)
        .select_related("agreement__provider")
        .order_by("due_date", "pk")
    )


def contracts_register(*, band: str = ""):
    agreements = Agreement.objects.select_related("provider").order_by("reference")
    if band == "over":
        agreements = agreements.filter(total_value__gt=CONTRACT_BAND_LIMIT)
    elif band == "under":
        agreements = agreements.filter(total_value__lte=CONTRACT_BAND_LIMIT)
    return agreements


CONTRACT_COLUMNS = [
    "reference",
    "title",
    "description",
    "supplier",
    "registration_number",
    "vcse",
    "sme",
    "value",
    "start",
    "end",
    "review_date",
    "procurement_route",
]


def contract_rows(agreements) -> list[list]:
    rows = [CONTRACT_COLUMNS]
    for agreement in agreements:
        provider = agreement.provider
        rows.append(
            [
                agreement.reference,
                agreement.title,
                agreement.description,
                provider.name,
                provider.registration_number or provider.org_id,
                "yes" if provider.is_vcse else "no",
                "yes" if provider.is_sme else "no",
                f"{agreement.total_value:.2f}",
                agreement.start_date.isoformat(),
                agreement.end_date.isoformat(),
                agreement.review_date.isoformat() if agreement.review_date else "",
                agreement.get_route_display(),
            ]
        )
    return rows


IMPORTED_LOOKS_LIKE = (
    "“{name}” is not a provider yet and looks like {others}: it will be recorded as a "
    "new provider. If it is the same organisation, use the recorded name in the file."
)


class ProviderLookalikes:
    """For an import: the providers a recipient named for the first time looks like,
    as the allocation form asks. The recorded ones are read once for the whole file,
    and each name a row gives for the first time is a candidate for the rows after."""

    def __init__(self):
        self._candidates = None
        self._known: set[str] = set()

    def note(self, name: str) -> str:
        if not name:
            return ""
        if self._candidates is None:
            rows = Provider.objects.values_list("pk", "name", "match_key", "normalised_name")
            self._candidates = NearNames((pk, other, key) for pk, other, key, _ in rows)
            self._known = {normalised for *_, normalised in rows}
        normalised = normalise_name(name)
        if normalised in self._known:
            return ""
        matches = self._candidates.near(name)
        self._known.add(normalised)
        self._candidates.add(None, name, match_key(name))
        if not matches:
            return ""
        others = ", ".join(f"“{match.name}”" for match in matches)
        return IMPORTED_LOOKS_LIKE.format(name=name, others=others)
