"""What must hold of the bulk data before it is kept (the budget rule, the stored
PDFs), whether a database already holds data, and the checksum the seed decides.
"""

import hashlib
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Q, Sum

from commissioning.models import Agreement, MonitoringReturn, Provider
from decisions.models import Decision, DecisionStatus, PublishedDocument, SignOff
from funding.models import COMMITTED_STATUSES, Allocation, FinancialYear, FundingStream
from funding.services import stream_committed
from pcc_grants.models import User

from .common import ZERO


class InvariantBroken(Exception):
    pass


def budget_breaches() -> list[str]:
    """Streams whose committed money is beyond what the budget rule allows, and
    parents whose sub-streams and own commitments exceed what they have."""
    problems = []
    streams = FundingStream.objects.select_related("financial_year").annotate(
        own=Sum("allocations__amount", filter=Q(allocations__status__in=COMMITTED_STATUSES))
    )
    by_parent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = list(streams)
    for stream in rows:
        if stream.parent_id:
            by_parent[stream.parent_id] += stream.available
    for stream in rows:
        committed = (stream.own or ZERO) + by_parent[stream.pk]
        if committed > stream.ceiling:
            problems.append(f"{stream}: {committed} committed, ceiling {stream.ceiling}")
        if by_parent[stream.pk] and committed > stream.available:
            problems.append(f"{stream}: sub-streams and commitments exceed what it has")
    return problems


def pdf_mismatches() -> list[str]:
    """Published records whose stored PDF is missing or does not match its SHA-256."""
    problems = []
    published = Decision.objects.filter(status=DecisionStatus.PUBLISHED)
    documents = PublishedDocument.objects.filter(decision__in=published).select_related("decision")
    if documents.count() != published.count():
        problems.append(f"{published.count()} published records, {documents.count()} PDFs")
    for document in documents.iterator(chunk_size=500):
        try:
            with document.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            problems.append(f"{document.decision.reference}: PDF missing")
            continue
        if hashlib.sha256(content).hexdigest() != document.sha256 or len(content) != (
            document.size
        ):
            problems.append(f"{document.decision.reference}: PDF does not match its SHA-256")
    return problems


def check_invariants() -> None:
    problems = budget_breaches() + pdf_mismatches()
    # Each stream's committed money, the services' own sum, for a sample of streams.
    for stream in FundingStream.objects.order_by("pk")[:5]:
        if stream_committed(stream) > stream.ceiling:
            problems.append(f"{stream}: over its ceiling (services' sum)")
    if problems:
        raise InvariantBroken("; ".join(problems[:10]))


HOLDS_DATA = (User, FinancialYear, Provider, Allocation, Agreement, Decision)


def database_holds_data() -> bool:
    return any(model.objects.exists() for model in HOLDS_DATA)


def _canonical(value) -> str:
    """One spelling of a value whatever the database: money to the penny, moments in
    UTC."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def data_checksum() -> str:
    """SHA-256 over what the seed decides: names, references, amounts, statuses and
    dates, the same on SQLite and PostgreSQL. Primary keys (and so ``A000123``
    references and the content hashes that include them) are left out: they depend on
    the database's sequences."""
    digest = hashlib.sha256()

    def feed(rows) -> None:
        # Sorted here, not by the database: NULLs and collations sort differently.
        for row in sorted(tuple(_canonical(value) for value in row) for row in rows):
            digest.update(repr(row).encode())

    feed(
        FundingStream.objects.values_list(
            "financial_year__start_year",
            "name",
            "budget",
            "carried_forward",
            "over_allocation_tolerance_percent",
            "parent__name",
            "previous__name",
        )
    )
    feed(
        (p.name, p.provider_type, p.registered_org_id(), p.postcode)
        for p in Provider.objects.all()
    )
    feed(
        Allocation.objects.values_list(
            "funding_stream__financial_year__start_year",
            "funding_stream__name",
            "recipient__name",
            "title",
            "amount",
            "status",
            "period_start",
            "period_end",
            "agreement__reference",
            "decision__reference",
        )
    )
    feed(
        Agreement.objects.values_list(
            "reference", "provider__name", "route", "total_value", "start_date", "end_date"
        )
    )
    feed(
        MonitoringReturn.objects.values_list(
            "agreement__reference", "period_start", "due_date", "received_date", "rag"
        )
    )
    feed(
        Decision.objects.values_list(
            "reference", "status", "title", "decision_date", "category", "date_received"
        )
    )
    feed(
        SignOff.objects.values_list(
            "decision__reference", "step", "name", "title", "signed_at", "void"
        )
    )
    return digest.hexdigest()


def data_counts() -> dict:
    """How many of each kind of record the database holds."""
    return {
        "financial years": FinancialYear.objects.count(),
        "funding streams": FundingStream.objects.count(),
        "providers": Provider.objects.count(),
        "allocations": Allocation.objects.count(),
        "agreements": Agreement.objects.count(),
        "monitoring returns": MonitoringReturn.objects.count(),
        "decision records": Decision.objects.count(),
        "published with stored PDF": PublishedDocument.objects.count(),
    }
