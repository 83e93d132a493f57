"""The decision record PDF against raw WeasyPrint on the same HTML, and the
commissioning activity report PDF for a year of many allocations.
"""

import gc
import statistics
import time
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string

from decisions.models import Decision, DecisionStatus
from decisions.selectors import decision_for_record, record_context
from funding.models import Allocation, FinancialYear, FundingStream
from pcc_grants.models import OrganisationSettings
from pcc_grants.pdf import PDF_BASE_URL, StaticOnlyFetcher, render_pdf
from reports.selectors import commissioning_report_context

from .common import PDF_RATIO, BenchError, Rollback, first_of, timed


def decision_to_render(reference: str | None = None) -> Decision:
    """The record ``reference`` names, or else the published record with the most
    funding lines (the longest PDF the bulk data holds)."""
    if reference is None:
        return first_of(
            Decision.objects.filter(status=DecisionStatus.PUBLISHED)
            .annotate(n=Count("funding_lines"))
            .order_by("-n", "pk"),
            "published decision",
        )
    found = Decision.objects.filter(reference=reference).first()
    if found is None:
        raise BenchError(f"No decision {reference}: run load_demo first.")
    return found


def bench_decision_pdf(*, runs: int, reference: str | None = None) -> dict:
    """The decision record PDF through the app against raw WeasyPrint on the same HTML,
    for the record ``reference`` names (``manage.py bench_decision_pdf``) or the
    published record with the most funding lines (``manage.py bench``)."""
    from weasyprint import HTML

    found = decision_to_render(reference)

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
        return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
            pdf_variant="pdf/a-3u", pdf_tags=True
        )

    through_the_app()  # warm: fonts, templates, imports
    raw_weasyprint()
    # Interleaved, so that a busy moment of the machine falls on both; CPU time too,
    # which a busy machine moves less than elapsed time.
    app, raw, app_cpu, raw_cpu = [], [], [], []
    for _ in range(runs):
        for function, wall, cpu in (
            (through_the_app, app, app_cpu),
            (raw_weasyprint, raw, raw_cpu),
        ):
            gc.collect()  # a collection of the pages' garbage must not land in one run
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    app_ms, raw_ms = statistics.median(app) * 1000, statistics.median(raw) * 1000
    ratio = app_ms / raw_ms
    return {
        "reference": found.reference,
        "runs": runs,
        "app_median_ms": round(app_ms, 1),
        "raw_weasyprint_median_ms": round(raw_ms, 1),
        "ratio": round(ratio, 2),
        "cpu_ratio": round(statistics.median(app_cpu) / statistics.median(raw_cpu), 2),
        "target": f"≤{PDF_RATIO} × raw WeasyPrint",
        "target_met": ratio <= PDF_RATIO,
    }


def bench_report_pdf(*, allocations: int = 300, runs: int) -> dict:
    """The commissioning activity PDF for a year of ``allocations`` allocations over
    8 streams, built and rolled back (the method of ``manage.py bench_report_pdf``)."""
    timings: list[float] = []
    size = 0
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

            def render() -> bytes:
                return render_pdf(
                    "reports/commissioning_pdf.html", commissioning_report_context(year)
                )

            size = len(render())  # warm
            timings = timed(render, runs)
            raise Rollback
    except Rollback:
        pass
    return {
        "allocations": allocations,
        "runs": runs,
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "kib": size // 1024,
        "target": "none set (reported)",
        "target_met": None,
    }
