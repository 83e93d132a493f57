"""Time the Decision Record PDF against raw WeasyPrint on the same HTML."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from decisions.models import Decision
from decisions.selectors import decision_for_record, record_context
from pcc_grants.models import OrganisationSettings
from pcc_grants.pdf import PDF_BASE_URL, StaticOnlyFetcher, render_pdf


def _timed(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


class Command(BaseCommand):
    help = (
        "Render a decision record's PDF (default 034-2016 from load_demo) through the app "
        "and through raw WeasyPrint on the same HTML, and print both times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reference", default="034-2016")
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, reference: str, runs: int, **options):
        from weasyprint import HTML

        found = Decision.objects.filter(reference=reference).first()
        if found is None:
            raise CommandError(f"No decision {reference}: run load_demo first.")

        def through_the_app() -> bytes:
            decision = decision_for_record(found.pk)
            return render_pdf("decisions/decision_pdf.html", record_context(decision))

        html = render_to_string(
            "decisions/decision_pdf.html",
            {
                "organisation": OrganisationSettings.load(),
                **record_context(decision_for_record(found.pk)),
            },
        )

        def raw_weasyprint() -> bytes:
            return HTML(
                string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()
            ).write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True)

        through_the_app()  # warm: fonts, templates, imports
        raw_weasyprint()
        app = _timed(through_the_app, runs)
        raw = _timed(raw_weasyprint, runs)
        app_median, raw_median = statistics.median(app), statistics.median(raw)
        self.stdout.write(f"Decision {reference} PDF, median of {runs} warm runs:")
        self.stdout.write(
            f"  through the app (queries, template, WeasyPrint): {app_median * 1000:8.1f} ms"
        )
        self.stdout.write(
            f"  raw WeasyPrint on the same HTML:                {raw_median * 1000:8.1f} ms"
        )
        self.stdout.write(f"  ratio: {app_median / raw_median:.2f}")
