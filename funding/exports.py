"""The register's full export as CSV, streamed: every allocation the filters leave,
read 2,000 at a time with the rows each names, in the import's own columns
(``funding.importers``), so that an export re-imports as it was."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from pcc_grants.downloads import csv_stream

from .importers import ALLOCATION_COLUMNS, ALLOCATION_EXPORT_ONLY, allocation_export_row
from .models import Allocation

CHUNK = 2000


def _decision_text_fields() -> list[str]:
    """The approving record's columns but its reference, which the export does not
    read: its texts would be fetched with each allocation."""
    decision = Allocation._meta.get_field("decision").related_model
    return [
        f"decision__{field.name}"
        for field in decision._meta.concrete_fields
        if not field.primary_key and field.name != "reference"
    ]


def allocation_export_queryset(queryset: QuerySet) -> QuerySet:
    """The allocations in the export's order (year, then as recorded), with the
    stream, year, recipient, theme and approving record's reference joined."""
    return (
        queryset.select_related("funding_stream__financial_year", "recipient", "theme", "decision")
        .defer(*_decision_text_fields())
        .order_by("funding_stream__financial_year__start_year", "pk")
    )


def allocation_csv_rows(queryset: QuerySet):
    yield [*ALLOCATION_EXPORT_ONLY, *ALLOCATION_COLUMNS]
    for allocation in allocation_export_queryset(queryset).iterator(chunk_size=CHUNK):
        yield allocation_export_row(allocation)


def allocations_csv(queryset: QuerySet) -> StreamingHttpResponse:
    """Every allocation of ``queryset`` as allocations.csv, in constant memory."""
    return csv_stream(allocation_csv_rows(queryset), filename="allocations")
