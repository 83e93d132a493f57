import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funding.importers import export_allocation_rows
from funding.models import Allocation, FinancialYear
from pcc_grants.downloads import csv_bytes, xlsx_bytes


class Command(BaseCommand):
    help = "Export allocations in the columns import_allocations reads."

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Only this financial year, e.g. 2016/17.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, year: str | None, format: str, output: str | None, **options):
        allocations = Allocation.objects.all()
        if year:
            start = FinancialYear.start_year_from_label(year)
            if start is None:
                raise CommandError(f"Not a financial year: {year} (write it as 2016/17).")
            allocations = allocations.filter(funding_stream__financial_year__start_year=start)
        rows = export_allocation_rows(allocations)
        content = xlsx_bytes(rows, title="Allocations") if format == "xlsx" else csv_bytes(rows)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"{len(rows) - 1} allocations written to {output}.")
        elif format == "xlsx":
            raise CommandError("XLSX is binary: give --output FILE.")
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
