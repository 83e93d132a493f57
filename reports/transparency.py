"""The transparency page: what the Elected Local Policing Bodies (Specified
Information) Order 2011, as amended, requires an office to publish, read from the
records, and what it still lacks.

Three duties are read here: each crime and disorder reduction grant (recipient,
amount, conditions, purpose and why it will reduce crime and disorder), published
monthly; each contract over £10,000 with a copy of it, and a list of those of
£10,000 or less; and the record of each decision of significant public interest.

A grant a decision record in this system approved is public once that record is
published with its allocations in full, and shows as the record published it (the
snapshot); one approved otherwise (directly, or by a decision made outside the
system and imported) has no record to wait for. Each list is read in a fixed number
of queries, however long it is.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from commissioning.models import AgreementDocument
from commissioning.selectors import CONTRACT_BAND_LIMIT, contracts_register
from decisions.models import Decision, DecisionStatus, PublishedSnapshot
from funding.models import COMMITTED_STATUSES, SPECIFIED_INFORMATION, Allocation, AllocationStatus
from pcc_grants.money import format_money

from .selectors import published_grant

ZERO = Decimal("0.00")
FIELD_LABELS = {
    "conditions": "conditions attached",
    "purpose": "purpose",
    "crime_reduction_reasons": "why it will reduce crime and disorder",
}
CONTRACT_LIMIT_LABEL = format_money(CONTRACT_BAND_LIMIT).removesuffix(".00")


def _latest(*moments) -> date | None:
    """The latest of the dates and datetimes given, as a date; None if none."""
    days = [m.date() if isinstance(m, datetime) else m for m in moments if m is not None]
    return max(days, default=None)


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


# Crime and disorder reduction grants --------------------------------------------------


@dataclass(frozen=True)
class CrimeReductionGrant:
    allocation: Allocation
    title: str
    amount: Decimal
    recipient_name: str
    approved_on: date
    decision_reference: str
    decision_slug: str

    @property
    def month(self) -> date:
        return month_of(self.approved_on)


@dataclass
class GrantMonth:
    month: date
    grants: list[CrimeReductionGrant] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((grant.amount for grant in self.grants), ZERO)


def _crime_reduction_allocations() -> QuerySet:
    return Allocation.objects.filter(
        funding_stream__crime_and_disorder_reduction=True
    ).select_related("funding_stream__financial_year", "recipient")


def crime_reduction_allocations() -> QuerySet:
    """The approved or contracted crime and disorder reduction allocations the office
    may publish: no record in the system holds them back, or their record published
    its allocations."""
    return (
        _crime_reduction_allocations()
        .filter(status__in=COMMITTED_STATUSES)
        .filter(
            Q(decision__isnull=True) | Q(decision__published_snapshot__allocations_published=True)
        )
    )


def crime_reduction_grants() -> list[CrimeReductionGrant]:
    """Every approved or contracted crime and disorder reduction grant the office may
    publish, newest first: those no record in the system holds back, and those whose
    record is published with its allocations, as it published them."""
    snapshots = Decision.objects.select_related("published_snapshot")
    allocations = (
        crime_reduction_allocations()
        .prefetch_related(Prefetch("decision", queryset=snapshots))
        .order_by("-approved_on", "pk")
    )
    grants = []
    for allocation in allocations:
        if allocation.decision_id is None:
            grants.append(
                CrimeReductionGrant(
                    allocation=allocation,
                    title=allocation.title,
                    amount=allocation.amount,
                    recipient_name=allocation.recipient_name,
                    approved_on=allocation.approved_on or allocation.period_start,
                    decision_reference=allocation.decision_reference,
                    decision_slug="",
                )
            )
            continue
        published = published_grant(allocation)
        if published is not None:
            grants.append(
                CrimeReductionGrant(
                    allocation=allocation,
                    title=published.title,
                    amount=published.amount,
                    recipient_name=published.recipient_name,
                    approved_on=published.award_date or allocation.approved_on,
                    decision_reference=published.decision_reference,
                    decision_slug=published.decision_slug,
                )
            )
    grants.sort(key=lambda grant: (grant.approved_on, -grant.allocation.pk), reverse=True)
    return grants


def grants_by_month(grants: list[CrimeReductionGrant]) -> list[GrantMonth]:
    months: dict[date, GrantMonth] = {}
    for grant in grants:
        months.setdefault(grant.month, GrantMonth(grant.month)).grants.append(grant)
    return sorted(months.values(), key=lambda month: month.month, reverse=True)


def grants_updated(grants: list[CrimeReductionGrant]) -> date | None:
    """When the list last changed: a grant's change, or the publication of its record."""
    moments = []
    for grant in grants:
        moments.append(grant.allocation.updated_at)
        if grant.decision_slug:
            moments.append(grant.allocation.decision.published_snapshot.published_at)
    return _latest(*moments)


GRANT_COLUMNS = [
    "month",
    "approved_on",
    "reference",
    "recipient",
    "title",
    "amount",
    "conditions",
    "purpose",
    "crime_reduction_reasons",
    "funding_stream",
    "financial_year",
    "decision_reference",
]


def grant_rows(grants: list[CrimeReductionGrant]) -> list[list]:
    rows = [GRANT_COLUMNS]
    for grant in grants:
        allocation = grant.allocation
        rows.append(
            [
                grant.month.strftime("%Y-%m"),
                grant.approved_on.isoformat(),
                allocation.reference,
                grant.recipient_name,
                grant.title,
                f"{grant.amount:.2f}",
                allocation.conditions,
                allocation.purpose,
                allocation.crime_reduction_reasons,
                allocation.funding_stream.name,
                allocation.funding_stream.financial_year.label,
                grant.decision_reference,
            ]
        )
    return rows


# Contracts ---------------------------------------------------------------------------


def contracts(*, band: str) -> list:
    """The agreements over £10,000 (``band="over"``) or of £10,000 or less
    (``"under"``), each with its published documents (``published_documents``)."""
    published = AgreementDocument.objects.filter(published_at__isnull=False).order_by(
        "published_at", "pk"
    )
    return list(
        contracts_register(band=band).prefetch_related(
            Prefetch("documents", queryset=published, to_attr="published_documents")
        )
    )


def contracts_updated(agreements: list) -> date | None:
    moments = [agreement.updated_at for agreement in agreements]
    for agreement in agreements:
        moments.extend(document.published_at for document in agreement.published_documents)
    return _latest(*moments)


# Decisions of significant public interest ---------------------------------------------


def significant_decisions() -> list[PublishedSnapshot]:
    """The published records of decisions of significant public interest, newest first."""
    return list(
        PublishedSnapshot.objects.filter(
            published=True, decision__significant_public_interest=True
        ).order_by("-decision_date", "-decision_id")
    )


def decisions_updated(snapshots: list[PublishedSnapshot]) -> date | None:
    return _latest(*(snapshot.published_at for snapshot in snapshots))


# What is missing or overdue -----------------------------------------------------------


@dataclass(frozen=True)
class LackingGrant:
    allocation: Allocation
    missing: list[str]

    @property
    def missing_labels(self) -> str:
        return ", ".join(FIELD_LABELS[name] for name in self.missing)

    @property
    def published_without(self) -> bool:
        """Approved already: it is on the transparency page without them."""
        return self.allocation.is_committed


@dataclass
class UnpublishedMonth:
    month: date
    today: date
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def due(self) -> date:
        """Monthly publication: by the last day of the month after the grants'."""
        return month_after(month_after(self.month)) - timedelta(days=1)

    @property
    def overdue(self) -> bool:
        return self.today > self.due


@dataclass
class TransparencyGaps:
    lacking: list[LackingGrant]
    unpublished_months: list[UnpublishedMonth]
    contracts_without_copy: list
    decisions_awaiting: list[Decision]
    today: date

    @property
    def count(self) -> int:
        return (
            len(self.lacking)
            + len(self.unpublished_months)
            + len(self.contracts_without_copy)
            + len(self.decisions_awaiting)
        )


def _lacking_grants() -> list[LackingGrant]:
    empty = Q()
    for name in SPECIFIED_INFORMATION:
        empty |= Q(**{name: ""})
    allocations = (
        _crime_reduction_allocations()
        .exclude(status=AllocationStatus.WITHDRAWN)
        .filter(empty)
        .order_by("funding_stream__financial_year__start_year", "pk")
    )
    # ``specified_information_missing`` also counts text of spaces only as missing.
    return [
        LackingGrant(allocation, allocation.specified_information_missing)
        for allocation in allocations
    ]


def _unpublished_months(today: date) -> list[UnpublishedMonth]:
    """Approved grants whose record in the system is not yet published with them: not
    yet decided for publication, or published without the allocations in full."""
    allocations = (
        _crime_reduction_allocations()
        .filter(status__in=COMMITTED_STATUSES, decision__isnull=False)
        .exclude(decision__published_snapshot__allocations_published=True)
        .select_related("decision")
        .order_by("approved_on", "pk")
    )
    months: dict[date, UnpublishedMonth] = {}
    for allocation in allocations:
        month = month_of(allocation.approved_on or allocation.period_start)
        months.setdefault(month, UnpublishedMonth(month, today)).allocations.append(allocation)
    return list(months.values())


def transparency_gaps(*, today: date) -> TransparencyGaps:
    contracts_over = contracts(band="over")
    return TransparencyGaps(
        lacking=_lacking_grants(),
        unpublished_months=_unpublished_months(today),
        contracts_without_copy=[
            agreement for agreement in contracts_over if not agreement.published_documents
        ],
        decisions_awaiting=list(
            Decision.objects.filter(
                significant_public_interest=True,
                status__in=(DecisionStatus.APPROVED, DecisionStatus.REJECTED),
            ).order_by("decision_date", "pk")
        ),
        today=today,
    )
