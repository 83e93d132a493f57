"""Time the commissioning activity report PDF for a year with N allocations."""

import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from funding.models import Allocation, FinancialYear, FundingStream
from pcc_grants.pdf import render_pdf
from reports.selectors import commissioning_report_context


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Build a year with N allocations across 8 streams (rolled back afterwards) and "
        "print how long its commissioning activity PDF takes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allocations", type=int, default=300)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, allocations: int, runs: int, **options):
        try:
            with transaction.atomic():
                year, _ = FinancialYear.objects.get_or_create(start_year=2090)
                streams = [
                    FundingStream.objects.create(
                        financial_year=year, name=f"Bench stream {n}", budget=Decimal(10**8)
                    )
                    for n in range(8)
                ]
                Allocation.objects.bulk_create(
                    Allocation(
                        funding_stream=streams[n % len(streams)],
                        title=f"Bench project {n}",
                        amount=Decimal("1234.56"),
                        status="approved",
                        period_start=year.starts_on,
                        period_end=year.ends_on,
                    )
                    for n in range(allocations)
                )
                render_pdf("reports/commissioning_pdf.html", commissioning_report_context(year))
                timings = []
                for _ in range(runs):
                    start = time.perf_counter()
                    pdf = render_pdf(
                        "reports/commissioning_pdf.html", commissioning_report_context(year)
                    )
                    timings.append(time.perf_counter() - start)
                raise _Rollback
        except _Rollback:
            pass
        self.stdout.write(
            f"Commissioning activity PDF, {allocations} allocations: median "
            f"{statistics.median(timings) * 1000:.0f} ms over {runs} runs "
            f"({len(pdf) // 1024} KiB)"
        )
