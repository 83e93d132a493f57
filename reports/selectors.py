"""The panel's reports and the open data, read from the same selectors as the staff
pages so that a number is computed in one place."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Prefetch, Sum
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from django.utils.text import slugify

from decisions.models import Decision, DecisionStatus, PublishedSnapshot, SignOff
from funding.models import COMMITTED_STATUSES, Allocation, AllocationStatus, FinancialYear
from funding.selectors import FundingPosition, StreamPosition, funding_position
from pcc_grants.areas import area_location
from pcc_grants.charts import funding_bars
from pcc_grants.models import OrganisationSettings
from pcc_grants.money import json_number

ZERO = Decimal("0.00")


# Commissioning activity ----------------------------------------------------------------


@dataclass
class StreamSection:
    position: StreamPosition
    allocations: list[Allocation]

    @property
    def committed(self) -> list[Allocation]:
        return [a for a in self.allocations if a.status in COMMITTED_STATUSES]

    @property
    def proposed(self) -> list[Allocation]:
        return [a for a in self.allocations if a.status == AllocationStatus.PROPOSED]


@dataclass
class CommissioningActivity:
    year: FinancialYear
    position: FundingPosition
    sections: list[StreamSection]


def commissioning_activity(*, year: FinancialYear) -> CommissioningActivity:
    """The year's streams (from the funding position), each with its allocations."""
    position = funding_position(year=year)
    allocations = (
        Allocation.objects.filter(funding_stream__financial_year=year)
        .exclude(status=AllocationStatus.WITHDRAWN)
        .select_related("recipient", "theme")
        .order_by("funding_stream_id", "pk")
    )
    by_stream: dict[int, list[Allocation]] = {}
    for allocation in allocations:
        by_stream.setdefault(allocation.funding_stream_id, []).append(allocation)
    sections = [StreamSection(row, by_stream.get(row.stream.pk, [])) for row in position.rows]
    return CommissioningActivity(year=year, position=position, sections=sections)


class _ChartRow(NamedTuple):
    label: str
    available: Decimal
    approved: Decimal
    proposed: Decimal


def commissioning_report_context(year: FinancialYear) -> dict:
    """Everything the commissioning activity report shows, for its page and its PDF."""
    from .models import ReportKind, ReportNarrative

    activity = commissioning_activity(year=year)
    rows = [
        _ChartRow(("— " * row.depth) + row.stream.name, row.available, row.approved, row.proposed)
        for row in activity.position.rows
    ]
    return {
        "year": year,
        "activity": activity,
        "position": activity.position,
        "narrative": ReportNarrative.objects.filter(
            kind=ReportKind.COMMISSIONING, financial_year=year
        ).first(),
        "chart": funding_bars(rows),
    }


# Grants by theme -------------------------------------------------------------------------


@dataclass
class ThemeGroup:
    theme: str
    grants: list[Allocation] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((grant.amount for grant in self.grants), ZERO)


@dataclass
class GrantsByTheme:
    year: FinancialYear
    groups: list[ThemeGroup]
    stream_name: str = ""

    @property
    def total(self) -> Decimal:
        return sum((group.total for group in self.groups), ZERO)

    @property
    def count(self) -> int:
        return sum(len(group.grants) for group in self.groups)


def grants_by_theme(*, year: FinancialYear, stream_id: int | None = None) -> GrantsByTheme:
    """Approved and contracted allocations of the year, grouped by Plan theme."""
    grants = (
        Allocation.objects.filter(
            funding_stream__financial_year=year, status__in=COMMITTED_STATUSES
        )
        .select_related("recipient", "theme", "funding_stream")
        .order_by("theme__name", "pk")
    )
    stream_name = ""
    if stream_id:
        grants = grants.filter(funding_stream_id=stream_id)
    groups: dict[str, ThemeGroup] = {}
    for grant in grants:
        stream_name = grant.funding_stream.name if stream_id else ""
        name = grant.theme.name if grant.theme_id else "No theme recorded"
        groups.setdefault(name, ThemeGroup(name)).grants.append(grant)
    ordered = sorted(groups.values(), key=lambda g: (g.theme == "No theme recorded", g.theme))
    return GrantsByTheme(year=year, groups=ordered, stream_name=stream_name)


# Decisions since a date ----------------------------------------------------------------


DECIDED = (
    DecisionStatus.APPROVED,
    DecisionStatus.REJECTED,
    DecisionStatus.PUBLISHED,
    DecisionStatus.NOT_PUBLISHED,
)


# What a reader outside the office may know of: records whose publication has been
# decided. A record still awaiting that decision is not theirs to see, even by title.
PUBLICATION_DECIDED = (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED)


def decisions_since(*, since: date, staff: bool):
    """Decisions taken on or after ``since``, with their decision-maker and amount:
    every decided record for staff, only those whose publication is decided for
    anyone else (the panel)."""
    return (
        Decision.objects.filter(
            status__in=DECIDED if staff else PUBLICATION_DECIDED, decision_date__gte=since
        )
        .annotate(amount=Sum("funding_lines__amount"))
        .prefetch_related(
            Prefetch(
                "signoffs",
                queryset=SignOff.objects.filter(void=False, step="decision"),
                to_attr="decision_signoffs",
            )
        )
        .order_by("decision_date", "reference")
    )


# 360Giving ------------------------------------------------------------------------------


def published_grants():
    """Approved or contracted allocations to named recipients whose approving record is
    published with its allocations (that section published in full): the grants the
    office may publish as open data. What was published of each, read it through
    ``published_grant``: never the live rows of the decision."""
    return (
        Allocation.objects.filter(
            status__in=COMMITTED_STATUSES,
            recipient__isnull=False,
            decision__published_snapshot__allocations_published=True,
        )
        .select_related(
            "recipient", "funding_stream__financial_year", "theme", "application__grant_round"
        )
        .order_by("decision__published_snapshot__decision_date", "pk")
    )


# Records read at a time: SQLite refuses a query naming thousands of them at once.
DECISIONS_AT_ONCE = 500


def with_published_records(allocations) -> list[Allocation]:
    """``allocations`` with their decision records and published snapshots, read a
    few hundred records at a time and shared by the allocations of one record (whose
    snapshot is read once for them all)."""
    allocations = list(allocations)
    ids = sorted({allocation.decision_id for allocation in allocations})
    records = {}
    for start in range(0, len(ids), DECISIONS_AT_ONCE):
        chunk = ids[start : start + DECISIONS_AT_ONCE]
        records.update(Decision.objects.select_related("published_snapshot").in_bulk(chunk))
    for allocation in allocations:
        allocation.decision = records[allocation.decision_id]
    return allocations


@dataclass(frozen=True)
class PublishedGrant:
    """A grant as its decision record published it."""

    allocation: Allocation
    title: str
    amount: Decimal
    recipient_name: str
    award_date: date | None
    decision_reference: str
    decision_slug: str
    published_at: datetime | None = None


def _rows_by_reference(rows) -> dict[str, dict]:
    """The allocations a snapshot published (its content's allocations rows), by
    reference."""
    return {row["reference"]: row for row in rows or ()}


def published_grant(allocation: Allocation) -> PublishedGrant | None:
    """The title, amount and recipient of ``allocation`` as the snapshot of its
    published record holds them; None if the record did not publish it (its rows were
    changed behind the app's back to link it)."""
    snapshot = allocation.decision.published_snapshot
    rows = getattr(snapshot, "_published_allocations", None)
    if rows is None:
        rows = _rows_by_reference(snapshot.content["allocations"].get("rows"))
        snapshot._published_allocations = rows
    row = rows.get(allocation.reference)
    if row is None:
        return None
    return PublishedGrant(
        allocation=allocation,
        title=row["title"],
        amount=Decimal(row["amount"]),
        recipient_name=row["recipient"],
        award_date=snapshot.decision_date,
        decision_reference=snapshot.reference,
        decision_slug=snapshot.slug,
        published_at=snapshot.published_at,
    )


class RegisterGrant(NamedTuple):
    """A line of the public grants register, as its record published it."""

    recipient_name: str
    title: str
    amount: Decimal
    award_date: date | None
    decision_reference: str
    decision_slug: str


def grants_register_page(number, per_page: int = 50):
    """The page ``number`` (as typed in the URL) of the public grants register, in
    three queries: how many grants there are, the page's allocations' keys and records,
    and what those records published (the snapshot's columns and its allocations rows,
    not the rest of its content). The register shows nothing but what was published, so
    nothing else of the allocations is read."""
    keys = published_grants().values_list("pk", "decision_id")
    page = Paginator(keys, per_page).get_page(number)
    keys = list(page.object_list)
    snapshots = {
        snapshot["decision_id"]: snapshot
        for snapshot in PublishedSnapshot.objects.filter(
            decision_id__in={decision_id for _, decision_id in keys}
        ).values(
            "decision_id",
            "reference",
            "slug",
            "decision_date",
            rows=KeyTransform("rows", KeyTransform("allocations", "content")),
        )
    }
    grants = []
    for pk, decision_id in keys:
        snapshot = snapshots[decision_id]
        if "by_reference" not in snapshot:
            snapshot["by_reference"] = _rows_by_reference(snapshot["rows"])
        row = snapshot["by_reference"].get(Allocation.reference_of(pk))
        if row is not None:
            grants.append(
                RegisterGrant(
                    recipient_name=row["recipient"],
                    title=row["title"],
                    amount=Decimal(row["amount"]),
                    award_date=snapshot["decision_date"],
                    decision_reference=snapshot["reference"],
                    decision_slug=snapshot["slug"],
                )
            )
    page.object_list = grants
    return page


PLAN_THEMES = "Police and Crime Plan themes"


def _months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` inclusive: April to March is 12."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _description(grant: PublishedGrant) -> str:
    """The allocation's description, or, where it has none of its own (or repeats the
    title), a sentence that says what the title does not: the programme, the recipient
    and the record that approved it."""
    allocation = grant.allocation
    own = allocation.description.strip()
    if own and own != grant.title:
        return own
    stream = allocation.funding_stream
    return (
        f"{grant.title}: a grant of £{grant.amount:,.2f} to {grant.recipient_name} from the "
        f"{stream.name} {stream.financial_year.label}, approved by decision record "
        f"{grant.decision_reference}."
    )


def _recipient(grant: PublishedGrant, settings: OrganisationSettings) -> dict:
    provider = grant.allocation.recipient
    recipient = {
        "id": provider.identifier(settings.open_data_prefix),
        "name": grant.recipient_name,
    }
    if provider.charity_number:
        recipient["charityNumber"] = provider.charity_number
    if provider.company_number:
        recipient["companyNumber"] = provider.company_number
    if provider.postcode:
        recipient["postalCode"] = provider.postcode
    name, code = provider.area_name, provider.area_code
    if not name:
        name, code = settings.area_name, settings.area_code
    if name:
        recipient["location"] = [area_location(name, code)]
    return recipient


def _beneficiary_location(allocation: Allocation, settings: OrganisationSettings) -> list:
    name, code = allocation.beneficiary_area_name, allocation.beneficiary_area_code
    if not name:
        name, code = settings.area_name, settings.area_code
    if not name:
        return []
    return [{**area_location(name, code), "countryCode": "GB"}]


def programme_code(stream_name: str) -> str:
    """The funding stream as a grant programme, under a code that stays the same from
    year to year (the stream's name, as a slug)."""
    return slugify(stream_name)


def _programme(allocation: Allocation) -> dict:
    """The grant round that awarded the allocation, if a round did (its slug and name);
    else the funding stream."""
    application = getattr(allocation, "application", None)
    if application is not None:
        grant_round = application.grant_round
        return {"code": grant_round.slug, "title": grant_round.name}
    stream = allocation.funding_stream
    return {"code": programme_code(stream.name), "title": stream.name}


def grant_record(grant: PublishedGrant, settings: OrganisationSettings, request=None) -> dict:
    """One grant in the 360Giving Data Standard: what the decision record published
    (title, amount, recipient, date), with the allocation's own period, programme,
    theme and places. With ``request``, the links to the published record."""
    allocation = grant.allocation
    record = {
        "id": f"{settings.open_data_prefix}-{allocation.reference}",
        "title": grant.title,
        "description": _description(grant),
        "currency": "GBP",
        "amountAwarded": json_number(grant.amount),
        "awardDate": grant.award_date.isoformat(),
        "plannedDates": [
            {
                "startDate": allocation.period_start.isoformat(),
                "endDate": allocation.period_end.isoformat(),
                "duration": _months(allocation.period_start, allocation.period_end),
            }
        ],
        "recipientOrganization": [_recipient(grant, settings)],
        "fundingOrganization": [
            {"id": settings.org_id or settings.open_data_prefix, "name": settings.name}
        ],
        "grantProgramme": [_programme(allocation)],
    }
    beneficiaries = _beneficiary_location(allocation, settings)
    if beneficiaries:
        record["beneficiaryLocation"] = beneficiaries
    if allocation.theme_id:
        record["classifications"] = [
            {
                "vocabulary": f"{settings.short_name or settings.name} {PLAN_THEMES}",
                "code": slugify(allocation.theme.name),
                "title": allocation.theme.name,
            }
        ]
    if request is not None and grant.decision_slug:
        record["url"] = request.build_absolute_uri(
            reverse("register:detail", args=[grant.decision_slug])
        )
        # The published record, sealed, is where the grant's data comes from.
        record["dataSource"] = request.build_absolute_uri(
            reverse("register:pdf", args=[grant.decision_slug])
        )
    modified = max(filter(None, (allocation.updated_at, grant.published_at)))
    record["dateModified"] = modified.isoformat(timespec="seconds")
    return record
