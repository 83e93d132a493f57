"""Imports of funding streams and allocations from CSV or XLSX (DESIGN §5).

All-or-nothing: any error, or a dry run, saves nothing, inside one transaction. Every
error is reported with its row number as a spreadsheet numbers it (the header is
row 1) and its column (``import_rows`` reads the file and its cells).

Funding streams go row by row through the same service functions as the forms, each
row in a savepoint. Allocations are checked in Python under the same rules and
written in bulk (``allocation_import``); ``_import_allocation_row`` is the row-by-row
path through ``services.allocation_create`` that the bulk path reproduces, kept for
a status table it cannot take in bulk and as the reference its tests compare with.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.selectors import ProviderLookalikes
from pcc_grants.money import format_money

from . import naming, services
from .allocation_import import (
    bulk_supported,
    find_stream,
    import_allocations,
    read_allocation_cells,
    summary,
)
from .import_rows import (  # noqa: F401 (what the imports' callers and tests name)
    ALLOCATION_COLUMNS,
    ALLOCATION_EXPORT_ONLY,
    ALLOCATION_REQUIRED,
    BAD_DATE,
    BAD_PERCENT,
    BAD_ROUTE,
    BAD_STATUS,
    BAD_YEAR,
    BAD_YES_NO,
    COLUMN_MAX_LENGTHS,
    DUPLICATE_COLUMN,
    DUPLICATE_ROW,
    DUPLICATE_STREAM,
    FUNDING_COLUMNS,
    FUNDING_REQUIRED,
    MISSING_COLUMN,
    NO,
    NO_DATA_ROWS,
    NUL_CHARACTER,
    REQUIRED_VALUE,
    STATUS_NEEDS_A_PERSON,
    TOO_LONG,
    UNKNOWN_COLUMN,
    UNKNOWN_PARENT,
    UNKNOWN_STREAM,
    YES,
    ImportResult,
    PlannedRow,
    Progress,
    ProgressReport,
    RowError,
    _duplicate,
    _records,
    _Row,
    _RowInvalid,
    _service_errors,
)
from .models import Allocation, FinancialYear, FundingStream

# Funding streams --------------------------------------------------------------------


def _import_funding_row(row: _Row, *, by, years: dict[int, FinancialYear]) -> PlannedRow:
    start_year = row.year()
    name = row.text("name", required=True)
    source_name = row.text("source")
    budget = row.money("budget", tbd=True)
    carried_forward = row.money("carried_forward") or Decimal("0.00")
    tolerance = row.percent("over_allocation_tolerance_percent")
    ring_fenced = row.yes_no("ring_fenced")
    parent_name = row.text("parent")
    description = row.text("description")
    crime_and_disorder_reduction = row.yes_no("crime_and_disorder_reduction")
    row.raise_if_invalid()

    if start_year not in years:
        years[start_year] = services.financial_year_get_or_create(start_year=start_year)
    year = years[start_year]
    parent = None
    if parent_name:
        parent = FundingStream.objects.filter(
            financial_year=year, name__iexact=parent_name
        ).first()
        if parent is None:
            row.error("parent", UNKNOWN_PARENT.format(name=parent_name, year=year.label))
            row.raise_if_invalid()
    previous = FundingStream.objects.filter(
        financial_year__start_year=start_year - 1, name__iexact=name
    ).first()
    fields = {
        "source": naming.source_named(source_name),
        "budget": budget,
        "carried_forward": carried_forward,
        "ring_fenced": ring_fenced,
        "crime_and_disorder_reduction": crime_and_disorder_reduction,
        "over_allocation_tolerance_percent": tolerance,
        "parent": parent,
        "previous": previous,
        "description": description,
    }
    existing = FundingStream.objects.filter(financial_year=year, name__iexact=name).first()
    if existing:
        stream = services.funding_stream_update(stream=existing, by=by, name=name, **fields)
        action = "update"
    else:
        stream = services.funding_stream_create(by=by, financial_year=year, name=name, **fields)
        action = "create"
    shown = "to be determined" if stream.budget is None else format_money(stream.budget)
    return PlannedRow(
        row.number,
        action,
        f"{year.label} · {stream.name} · budget {shown}",
        stream.budget,
        stream.get_absolute_url(),
    )


# Allocations, row by row ------------------------------------------------------------


def _import_allocation_row(
    row: _Row,
    *,
    by,
    streams: dict[tuple[int, str], FundingStream | None],
    lookalikes: ProviderLookalikes,
) -> PlannedRow:
    cells = read_allocation_cells(row, by=by)
    stream = find_stream(row, cells, streams)
    row.raise_if_invalid()

    note = lookalikes.note(cells.recipient_name)
    allocation = services.allocation_create(
        by=by,
        funding_stream=stream,
        recipient=naming.recipient_named(cells.recipient_name),
        title=cells.title,
        amount=cells.amount,
        status=cells.status,
        period_start=cells.period_start,
        period_end=cells.period_end,
        indicative=cells.indicative,
        theme=naming.theme_named(cells.theme_name),
        route=cells.route,
        decision_reference=cells.decision_reference,
        comments=cells.comments,
        approved_on=cells.approved_on,
        conditions=cells.conditions,
        purpose=cells.purpose,
        crime_reduction_reasons=cells.crime_reduction_reasons,
    )
    return PlannedRow(
        row.number,
        "create",
        summary(
            stream,
            allocation.recipient_name,
            cells.title,
            allocation.get_status_display().lower(),
        ),
        allocation.amount,
        allocation.get_absolute_url(),
        note,
    )


# Running an import ------------------------------------------------------------------

_KINDS = {
    "funding": (FUNDING_COLUMNS, FUNDING_REQUIRED),
    "allocations": ((*ALLOCATION_EXPORT_ONLY, *ALLOCATION_COLUMNS), ALLOCATION_REQUIRED),
}


def _import_rows(
    *, kind: str, records: list[tuple[int, dict]], by, report: ProgressReport
) -> ImportResult:
    """Each row through the services, in a savepoint of its own, inside the caller's
    transaction."""
    result = ImportResult(kind=kind)
    cache: dict = {}
    seen: dict = {}
    lookalikes = ProviderLookalikes()
    for number, values in records:
        report.advance()
        duplicate = _duplicate(kind, number, values, seen)
        if duplicate is not None:
            result.errors.append(duplicate)
            continue
        row = _Row(number, values)
        try:
            with transaction.atomic():
                if kind == "funding":
                    planned = _import_funding_row(row, by=by, years=cache)
                else:
                    planned = _import_allocation_row(
                        row, by=by, streams=cache, lookalikes=lookalikes
                    )
                result.planned.append(planned)
        except _RowInvalid as invalid:
            result.errors.extend(invalid.errors)
        except ValidationError as error:
            default_column = "name" if kind == "funding" else "amount"
            result.errors.extend(_service_errors(number, error, default_column=default_column))
    report.finish()
    return result


def run_import(
    *,
    kind: str,
    content: bytes,
    by=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a whole file, or nothing, in ``by``'s name. ``dry_run`` checks everything
    and saves nothing. Each row is what ``by`` could record on the pages: an approved or
    contracted allocation is approved by them, so only where the organisation settings
    let them approve it directly; with no ``by`` (a command run without ``--as``),
    allocations are recorded as proposed only.

    ``progress(done, total)``, if given, is called at least every 500 steps and when
    the import ends, at ``(total, total)``. A funding stream is one step; an allocation
    two, checked and then written (a file refused, or a dry run, ends after checking)."""
    columns, required = _KINDS[kind]
    records, errors = _records(content, columns, required)
    if errors:
        return ImportResult(kind=kind, errors=errors)
    with transaction.atomic():
        if kind == "allocations" and bulk_supported():
            report = ProgressReport(progress, 2 * len(records))
            result = import_allocations(records, by=by, dry_run=dry_run, report=report)
        else:
            steps = len(records) * (2 if kind == "allocations" else 1)
            report = ProgressReport(progress, steps)
            result = _import_rows(kind=kind, records=records, by=by, report=report)
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.saved = True
    return result


run_import.alters_data = True


def export_allocation_rows(queryset) -> list[list]:
    """Rows in the import's own columns, after the allocation's reference, so that an
    export re-imports as it was. Money is a ``Decimal`` and dates are dates: a CSV
    writes them as ``9400.00`` and ``2016-04-01``, a workbook as typed cells."""
    rows = [[*ALLOCATION_EXPORT_ONLY, *ALLOCATION_COLUMNS]]
    for allocation in queryset.select_related(
        "funding_stream__financial_year", "recipient", "theme", "decision"
    ).order_by("funding_stream__financial_year__start_year", "pk"):
        rows.append(allocation_export_row(allocation))
    return rows


def allocation_export_row(allocation: Allocation) -> list:
    return [
        allocation.reference,
        allocation.funding_stream.financial_year.label,
        allocation.funding_stream.name,
        allocation.recipient.name if allocation.recipient_id else "",
        allocation.title,
        allocation.amount.quantize(Decimal("0.01")),
        allocation.status,
        allocation.period_start,
        allocation.period_end,
        "yes" if allocation.indicative else "no",
        allocation.theme.name if allocation.theme_id else "",
        allocation.route,
        # The record that approved it here, or the one named for a decision made
        # outside the system.
        allocation.decision.reference
        if allocation.decision_id and allocation.decision.reference
        else allocation.decision_reference,
        allocation.comments,
        allocation.approved_on,
        allocation.conditions,
        allocation.purpose,
        allocation.crime_reduction_reasons,
    ]
