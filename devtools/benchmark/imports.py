"""An import of many allocations through the import's own path, rolled back, beside
``bulk_create_with_history`` of the same allocations: the fastest the rows and their
history can be written, with nothing checked."""

import csv
import io
import time
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from commissioning.models import Provider
from commissioning.selectors import ProviderLookalikes
from funding import services as funding_services
from funding.importers import ALLOCATION_COLUMNS, run_import
from funding.models import Allocation, FinancialYear, FundingStream, PlanTheme
from pcc_grants.roles import Role

from .common import IMPORT_ROWS_PER_SECOND, BenchError, Rollback, first_of, user_with_role

# The import may take at most this many times as long as writing its rows in bulk.
IMPORT_BULK_RATIO = 3


def import_csv(*, rows: int, year: FinancialYear, stream_names: list[str]) -> bytes:
    """A valid allocations file in the import's own columns: most rows to providers
    already recorded, some to new ones; a fifth of them approved."""
    providers = list(Provider.objects.order_by("pk").values_list("name", flat=True)[:500])
    themes = list(PlanTheme.objects.order_by("pk").values_list("name", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ALLOCATION_COLUMNS)
    for n in range(rows):
        recipient = providers[n % len(providers)] if n % 5 else f"Bench import provider {n}"
        writer.writerow(
            [
                year.label,
                stream_names[n % len(stream_names)] if n % 5 else stream_names[0],
                recipient,
                f"Bench imported project {n}",
                f"{1000 + n % 5000}.{n % 100:02d}",
                "approved" if n % 5 == 0 else "proposed",
                "",
                "",
                "no",
                themes[n % len(themes)] if themes else "",
                "grant",
                "",
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def bench_import(*, rows: int) -> dict:
    """``run_import`` of ``rows`` allocations, the path the import page confirms, then
    ``bulk_create_with_history`` of copies of the allocations it made, inside a
    transaction that is rolled back."""
    year = first_of(
        FinancialYear.objects.filter(is_closed=False).order_by("-start_year"), "open year"
    )
    cfo = user_with_role(Role.CHIEF_FINANCE_OFFICER)
    result = None
    elapsed = 0.0
    bulk = 0.0
    lookalikes = 0.0
    try:
        with transaction.atomic():
            # Approved rows go to a stream with room for them: the budget rule holds.
            roomy = funding_services.funding_stream_create(
                by=cfo, financial_year=year, name="Bench import stream", budget=Decimal(10**9)
            )
            names = [roomy.name] + list(
                FundingStream.objects.filter(financial_year=year, budget__isnull=False)
                .exclude(pk=roomy.pk)
                .order_by("name")
                .values_list("name", flat=True)
            )
            content = import_csv(rows=rows, year=year, stream_names=names)
            lookalikes = _lookalike_seconds(content)
            start = time.perf_counter()
            result = run_import(kind="allocations", content=content, by=cfo)
            elapsed = time.perf_counter() - start
            if result.ok:
                copies = list(Allocation.objects.filter(funding_stream__financial_year=year))
                copies = [copy for copy in copies if copy.title.startswith("Bench imported")]
                for copy in copies:
                    copy.pk = None
                start = time.perf_counter()
                bulk_create_with_history(copies, Allocation, batch_size=1000, default_user=cfo)
                bulk = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    if not result.ok:
        raise BenchError("The bench import was refused: " + "; ".join(map(str, result.errors[:5])))
    rate = rows / elapsed
    ratio = elapsed / bulk
    return {
        "rows": rows,
        "format": "csv",
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rate),
        "target": f"≥{IMPORT_ROWS_PER_SECOND:,} rows/s",
        "target_met": rate >= IMPORT_ROWS_PER_SECOND,
        # The import's notes of recipients new to the database that look like a
        # provider: each new name is compared with every provider and every earlier
        # new name of the file.
        "lookalike_seconds": round(lookalikes, 2),
        "rows_per_second_besides_lookalikes": round(rows / max(elapsed - lookalikes, 1e-9)),
        "bulk_seconds": round(bulk, 2),
        "bulk_rows_per_second": round(rows / bulk),
        "bulk_ratio": round(ratio, 2),
        "bulk_target": f"≤{IMPORT_BULK_RATIO}× bulk_create_with_history",
        "bulk_target_met": ratio <= IMPORT_BULK_RATIO,
    }


def _lookalike_seconds(content: bytes) -> float:
    """The time the import's lookalike notes take for the file's recipients, measured
    apart: the same notes, in the same order, before the import."""
    names = [row[2].strip() for row in csv.reader(io.StringIO(content.decode()))][1:]
    lookalikes = ProviderLookalikes()
    start = time.perf_counter()
    for name in names:
        lookalikes.note(name)
    return time.perf_counter() - start
