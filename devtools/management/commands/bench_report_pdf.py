"""Time the commissioning activity report PDF for a year with N allocations."""

from django.core.management.base import BaseCommand

from devtools import benchmark


class Command(BaseCommand):
    help = (
        "Build a year with N allocations across 8 streams (rolled back afterwards) and "
        "print how long its commissioning activity PDF takes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allocations", type=int, default=300)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, allocations: int, runs: int, **options):
        result = benchmark.bench_report_pdf(allocations=allocations, runs=runs)
        self.stdout.write(
            f"Commissioning activity PDF, {allocations} allocations: median "
            f"{result['median_ms']:.0f} ms over {runs} runs ({result['kib']} KiB)"
        )
