"""Time the Decision Record PDF against raw WeasyPrint on the same HTML."""

from django.core.management.base import BaseCommand, CommandError

from devtools import benchmark


class Command(BaseCommand):
    help = (
        "Render a decision record's PDF (default 034-2016 from load_demo) through the app "
        "and through raw WeasyPrint on the same HTML, and print both times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reference", default="034-2016")
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, reference: str, runs: int, **options):
        try:
            result = benchmark.bench_decision_pdf(runs=runs, reference=reference)
        except benchmark.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Decision {reference} PDF, median of {runs} warm runs:")
        self.stdout.write(
            f"  through the app (queries, template, WeasyPrint): {result['app_median_ms']:8.1f} ms"
        )
        self.stdout.write(
            "  raw WeasyPrint on the same HTML:                "
            f"{result['raw_weasyprint_median_ms']:8.1f} ms"
        )
        self.stdout.write(f"  ratio: {result['ratio']:.2f}")
