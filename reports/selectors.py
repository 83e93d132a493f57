"""The panel's reports and the open data, read from the same selectors as the staff
pages so that a number is computed in one place."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, Sum

from decisions.models import Decision, DecisionStatus, SignOff
from funding.models import COMMITTED_STATUSES, Allocation, AllocationStatus, FinancialYear
from funding.selectors import FundingPosition, StreamPosition, funding_position
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
    """Approved or contracted allocations to named recipients whose approving decision
    is published: the grants the office may publish as open data."""
    return (
        Allocation.objects.filter(
            status__in=COMMITTED_STATUSES,
            recipient__isnull=False,
            decision__status=DecisionStatus.PUBLISHED,
        )
        .select_related("recipient", "decision", "funding_stream__financial_year", "theme")
        .order_by("decision__decision_date", "pk")
    )


def grant_record(allocation: Allocation, settings: OrganisationSettings, request=None) -> dict:
    """One grant in the 360Giving Data Standard."""
    decision = allocation.decision
    funder_id = settings.org_id or settings.open_data_prefix
    record = {
        "id": f"{settings.open_data_prefix}-{allocation.reference}",
        "title": allocation.title,
        "description": allocation.description or allocation.title,
        "currency": "GBP",
        "amountAwarded": json_number(allocation.amount),
        "awardDate": decision.decision_date.isoformat(),
        "plannedDates": [
            {
                "startDate": allocation.period_start.isoformat(),
                "endDate": allocation.period_end.isoformat(),
            }
        ],
        "recipientOrganization": [
            {
                "id": allocation.recipient.identifier(settings.open_data_prefix),
                "name": allocation.recipient.name,
            }
        ],
        "fundingOrganization": [{"id": funder_id, "name": settings.name}],
        "grantProgramme": [
            {
                "title": allocation.funding_stream.name,
                "code": f"{allocation.funding_stream.financial_year.label}",
            }
        ],
    }
    if allocation.theme_id:
        record["classifications"] = [
            {"vocabulary": "Police and Crime Plan theme", "title": allocation.theme.name}
        ]
    if request is not None and decision.slug:
        from django.urls import reverse

        record["url"] = request.build_absolute_uri(
            reverse("register:detail", args=[decision.slug])
        )
    return record
