"""The benchmark behind ``manage.py bench`` (docs/benchmark.md).

Every staff and public page type is requested through the Django test client, as
a user holding the role that page is for (or nobody, for public pages): warm-up
requests first, then ``repeat`` timed ones, reporting the median and 95th
percentile of the time the request took in-process (URL resolution, middleware,
view, queries, template) and the SQL queries one request makes. Then the decision
record PDF against raw WeasyPrint on the same HTML, the commissioning report PDF
for 300 allocations, and an import of 10,000 allocations through the real import
path, rolled back. Nothing the benchmark does is kept in the database.
"""

import csv
import gc
import io
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from commissioning.models import Agreement, MonitoringReturn, Provider
from decisions.models import Decision, DecisionStatus, PublishedDocument
from decisions.selectors import decision_for_record, record_context
from funding import services as funding_services
from funding.importers import ALLOCATION_COLUMNS, run_import
from funding.models import Allocation, FinancialYear, FundingStream, PlanTheme
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.pdf import PDF_BASE_URL, StaticOnlyFetcher, render_pdf
from pcc_grants.roles import Role
from reports.selectors import commissioning_report_context

# Targets: reported, not asserted.
PAGE_MS = 50
PAGE_QUERIES = 15
PDF_RATIO = 1.3
IMPORT_ROWS_PER_SECOND = 1_000

# Pages held to the time and query targets; the others (whole-year reports, full
# exports and open data files) to the query target only: they grow with what they
# list by design, but their number of queries must not.
TIMED_KINDS = {"dashboard", "list", "search", "detail", "form", "public"}

# URL names the benchmark does not request, and why. The test of the benchmark
# fails when a URL name is neither benched nor listed here.
NOT_BENCHED = {
    "logout": "POST only",
    "password_change_done": "a static confirmation",  # nosec B105 - a URL name
    "funding:allocation_action": "POST only (approve, contract, withdraw)",
    "funding:import_confirm": "POST only; the import figure times the same import",
    "funding:position_pdf": "a PDF: rendered by WeasyPrint, like the PDFs timed below",
    "commissioning:agreement_allocations": "POST only",
    "commissioning:document_upload": "POST only",
    "commissioning:document_download": "streams an uploaded file; bulk data has none",
    "decisions:pdf": "timed as the decision PDF, against raw WeasyPrint",
    "decisions:attachment_upload": "POST only",
    "decisions:attachment": "streams an uploaded file; bulk data has none",
    "decisions:attachment_remove": "POST only",
    "decisions:comment": "POST only",
    "reports:commissioning_pdf": "timed as the commissioning report PDF",
    "reports:narrative": "POST only",
}
NOT_BENCHED_PREFIXES = ("admin:",)


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: str | None  # a username; None for an anonymous visitor
    kind: str
    url_name: str
    status: int = 200

    @property
    def timed(self) -> bool:
        return self.kind in TIMED_KINDS

    @property
    def target(self) -> str:
        return f"≤{PAGE_MS} ms, ≤{PAGE_QUERIES} q" if self.timed else f"≤{PAGE_QUERIES} q"


@dataclass
class PageResult:
    url: str
    user: str
    kind: str
    url_name: str
    status: int
    median_ms: float
    p95_ms: float
    # This process's CPU time: on a busy machine it moves less than the elapsed time
    # (with SQLite it includes the queries; with PostgreSQL not).
    median_cpu_ms: float
    queries: int
    target: str
    target_met: bool
    bytes: int = 0


@dataclass
class Results:
    generated_at: str
    machine: dict
    database: dict
    scale: float
    counts: dict
    repeat: int
    warmup: int
    targets: dict
    pages: dict = field(default_factory=dict)
    decision_pdf: dict | None = None
    report_pdf: dict | None = None
    import_allocations: dict | None = None


class BenchError(Exception):
    pass


# Which pages, with which records -----------------------------------------------------


def _user(role: Role) -> User:
    user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
    if user is None:
        raise BenchError(f"No active user holds the role {role.label}: generate data first.")
    return user


def _first(queryset, what: str):
    found = queryset.first()
    if found is None:
        raise BenchError(f"No {what} in the database: run generate_bulk_data first.")
    return found


def pages() -> list[Page]:
    """Every page type, each with the record that makes it work hardest."""
    cfo = _user(Role.CHIEF_FINANCE_OFFICER).username
    officer = _user(Role.OFFICER).username
    commissioner = _user(Role.COMMISSIONER).username
    chief_executive = _user(Role.CHIEF_EXECUTIVE).username
    panel = _user(Role.PANEL_MEMBER).username

    year = _first(FinancialYear.objects.order_by("-start_year"), "financial year")
    older = FinancialYear.objects.order_by("start_year").first()
    stream = _first(
        FundingStream.objects.annotate(n=Count("allocations")).order_by("-n", "pk"),
        "funding stream",
    )
    open_stream = _first(
        FundingStream.objects.filter(financial_year__is_closed=False).order_by("pk"),
        "funding stream in an open year",
    )
    allocation = _first(
        Allocation.objects.filter(
            decision__isnull=False,
            agreement__isnull=False,
            funding_stream__financial_year__is_closed=False,
        ).order_by("-pk"),
        "allocation with a decision and an agreement",
    )
    provider = _first(
        Provider.objects.annotate(n=Count("allocations")).order_by("-n", "pk"), "provider"
    )
    agreement = _first(
        Agreement.objects.annotate(n=Count("allocations")).order_by("-n", "pk"), "agreement"
    )
    monitoring_return = _first(
        MonitoringReturn.objects.filter(received_date__isnull=False)
        .annotate(n=Count("measures"))
        .order_by("-n", "pk"),
        "received monitoring return",
    )
    published = _first(
        Decision.objects.filter(status=DecisionStatus.PUBLISHED)
        .annotate(n=Count("allocations"))
        .order_by("-n", "pk"),
        "published decision",
    )
    awaiting = _first(
        Decision.objects.filter(status=DecisionStatus.AWAITING_DECISION).order_by("pk"),
        "decision awaiting the Commissioner",
    )
    draft = _first(Decision.objects.filter(status=DecisionStatus.DRAFT).order_by("pk"), "draft")
    search_word = "victim"
    register_year = published.decision_date.year

    def url(name: str, *args, query: str = "") -> str:
        return reverse(name, args=args) + (f"?{query}" if query else "")

    return [
        # Dashboard and site
        Page("home: dashboard (CFO)", url("home"), cfo, "dashboard", "home"),
        Page("home: dashboard (Commissioner)", url("home"), commissioner, "dashboard", "home"),
        Page("home: public landing", url("home"), None, "public", "home"),
        Page("health", url("health"), None, "public", "health"),
        Page("login", url("login"), None, "public", "login"),
        Page("password change", url("password_change"), officer, "form", "password_change"),
        # Funding
        Page("funding streams (current year)", url("funding:stream_list"), cfo, "list",
             "funding:stream_list"),
        Page("funding streams (?year=)", url("funding:stream_list", query=f"year={older.slug}"),
             cfo, "list", "funding:stream_list"),
        Page("funding stream detail", url("funding:stream_detail", stream.pk), cfo, "detail",
             "funding:stream_detail"),
        Page("funding stream detail (?page=2)",
             url("funding:stream_detail", stream.pk, query="page=2"), cfo, "detail",
             "funding:stream_detail"),
        Page("funding stream new", url("funding:stream_create"), cfo, "form",
             "funding:stream_create"),
        Page("funding stream edit", url("funding:stream_edit", open_stream.pk), cfo, "form",
             "funding:stream_edit"),
        Page("funding register", url("funding:allocation_list"), cfo, "list",
             "funding:allocation_list"),
        Page("funding register (year + status)",
             url("funding:allocation_list", query=f"year={year.pk}&status=approved"), cfo,
             "list", "funding:allocation_list"),
        Page("funding register (stream + theme + route)",
             url("funding:allocation_list",
                 query=f"stream={stream.pk}&theme={PlanTheme.objects.order_by('pk').first().pk}"
                 "&route=grant"),
             cfo, "list", "funding:allocation_list"),
        Page("funding register (search)",
             url("funding:allocation_list", query=f"q={search_word}"), cfo, "search",
             "funding:allocation_list"),
        Page("funding register (page 100)",
             url("funding:allocation_list", query="page=100"), cfo, "list",
             "funding:allocation_list"),
        Page("funding register CSV (every allocation)",
             url("funding:allocation_list", query="download=csv"), cfo, "export",
             "funding:allocation_list"),
        Page("allocation detail", url("funding:allocation_detail", allocation.pk), cfo,
             "detail", "funding:allocation_detail"),
        Page("allocation new", url("funding:allocation_create"), cfo, "form",
             "funding:allocation_create"),
        Page("allocation edit", url("funding:allocation_edit", allocation.pk), cfo, "form",
             "funding:allocation_edit"),
        Page("funding position (redirect)", url("funding:position_current"), cfo, "dashboard",
             "funding:position_current", status=302),
        Page("funding position", url("funding:position", year.slug), cfo, "dashboard",
             "funding:position"),
        Page("funding position (panel member)", url("funding:position", year.slug), panel,
             "dashboard", "funding:position"),
        Page("import upload", url("funding:import"), cfo, "form", "funding:import"),
        # Commissioning
        Page("providers", url("commissioning:provider_list"), officer, "list",
             "commissioning:provider_list"),
        Page("providers (search)", url("commissioning:provider_list", query="q=trust"),
             officer, "search", "commissioning:provider_list"),
        Page("providers (type)", url("commissioning:provider_list", query="type=charity"),
             officer, "list", "commissioning:provider_list"),
        Page("provider detail", url("commissioning:provider_detail", provider.pk), officer,
             "detail", "commissioning:provider_detail"),
        Page("provider new", url("commissioning:provider_create"), officer, "form",
             "commissioning:provider_create"),
        Page("provider edit", url("commissioning:provider_edit", provider.pk), officer, "form",
             "commissioning:provider_edit"),
        Page("agreements", url("commissioning:agreement_list"), officer, "list",
             "commissioning:agreement_list"),
        Page("agreements (route + status)",
             url("commissioning:agreement_list", query="route=grant&status=active"), officer,
             "list", "commissioning:agreement_list"),
        Page("agreements (search)",
             url("commissioning:agreement_list", query=f"q={search_word}"), officer, "search",
             "commissioning:agreement_list"),
        Page("agreement detail", url("commissioning:agreement_detail", agreement.pk), officer,
             "detail", "commissioning:agreement_detail"),
        Page("agreement new", url("commissioning:agreement_create"), officer, "form",
             "commissioning:agreement_create"),
        Page("agreement edit", url("commissioning:agreement_edit", agreement.pk), officer,
             "form", "commissioning:agreement_edit"),
        Page("overdue monitoring returns", url("commissioning:return_list"), officer, "list",
             "commissioning:return_list"),
        Page("overdue monitoring returns (?page=2)",
             url("commissioning:return_list", query="page=2"), officer, "list",
             "commissioning:return_list"),
        Page("monitoring return", url("commissioning:return_record", monitoring_return.pk),
             officer, "form", "commissioning:return_record"),
        Page("contracts register", url("commissioning:contracts"), officer, "list",
             "commissioning:contracts"),
        Page("contracts register (over £10,000)",
             url("commissioning:contracts", query="band=over"), officer, "list",
             "commissioning:contracts"),
        Page("contracts register CSV", url("commissioning:contracts", query="download=csv"),
             officer, "export", "commissioning:contracts"),
        # Decision records (staff)
        Page("decision records", url("decisions:list"), officer, "list", "decisions:list"),
        Page("decision records (status + category)",
             url("decisions:list", query="status=published&category=commissioner"), officer,
             "list", "decisions:list"),
        Page("decision records (year + officer)",
             url("decisions:list",
                 query=f"year={register_year}&lead_officer={published.lead_officer_id}"),
             officer, "list", "decisions:list"),
        Page("decision records (search)",
             url("decisions:list", query=f"q={search_word}"), officer, "search",
             "decisions:list"),
        Page("decision record (published)", url("decisions:detail", published.pk), officer,
             "detail", "decisions:detail"),
        Page("decision record (awaiting decision, Commissioner)",
             url("decisions:detail", awaiting.pk), commissioner, "detail", "decisions:detail"),
        Page("decision record new", url("decisions:create"), officer, "form",
             "decisions:create"),
        Page("decision record edit (draft)", url("decisions:edit", draft.pk),
             draft.lead_officer.username, "form", "decisions:edit"),
        Page("decision step: approve", url("decisions:act", awaiting.pk, "approve"),
             commissioner, "form", "decisions:act"),
        Page("decision step: on paper", url("decisions:paper", awaiting.pk, "approve"),
             chief_executive, "form", "decisions:paper"),
        # Reports
        Page("reports", url("reports:index"), panel, "dashboard", "reports:index"),
        Page("commissioning activity report", url("reports:commissioning", year.slug), panel,
             "report", "reports:commissioning"),
        Page("grants by theme report", url("reports:themes", year.slug), panel, "report",
             "reports:themes"),
        Page("grants by theme report (one stream)",
             url("reports:themes", year.slug, query=f"stream={open_stream.pk}"), panel,
             "report", "reports:themes"),
        Page("grants by theme CSV", url("reports:themes", year.slug, query="format=csv"),
             panel, "export", "reports:themes"),
        Page("decisions since a date report", url("reports:decisions"), panel, "report",
             "reports:decisions"),
        Page("decisions since a date report (a year)",
             url("reports:decisions",
                 query=f"since={(published.decision_date - timedelta(days=365)).isoformat()}"),
             panel, "report", "reports:decisions"),
        Page("decisions since a date CSV", url("reports:decisions", query="format=csv"), panel,
             "export", "reports:decisions"),
        # Public
        Page("public decision register", url("register:list"), None, "public",
             "register:list"),
        Page("public decision register (search)",
             url("register:list", query=f"q={search_word}"), None, "search", "register:list"),
        Page("public decision register (year + category)",
             url("register:list", query=f"year={register_year}&category=commissioner"), None,
             "public", "register:list"),
        Page("public decision register (?page=20)", url("register:list", query="page=20"),
             None, "public", "register:list"),
        Page("public decision record", url("register:detail", published.slug), None,
             "public", "register:detail"),
        Page("public decision PDF (stored)", url("register:pdf", published.slug), None,
             "file", "register:pdf"),
        Page("public grants register", url("grants_register"), None, "public",
             "grants_register"),
        Page("public grants register (?page=20)", url("grants_register", query="page=20"),
             None, "public", "grants_register"),
        Page("open data: decisions.json", url("open_data_decisions"), None, "open data",
             "open_data_decisions"),
        Page("open data: grants.json (360Giving)", url("open_data_grants_json"), None,
             "open data", "open_data_grants_json"),
        Page("open data: grants.csv (360Giving)", url("open_data_grants_csv"), None,
             "open data", "open_data_grants_csv"),
        Page("open data: contracts.csv", url("open_data_contracts_csv"), None, "open data",
             "open_data_contracts_csv"),
    ]  # fmt: skip


def url_names(urlconf=None) -> set[str]:
    """Every named URL pattern, with its namespace."""

    def walk(patterns, namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver(urlconf).url_patterns, ""))


def unbenched_url_names(planned: list[Page]) -> set[str]:
    """URL names neither benched nor listed as not benched, with a reason."""
    covered = {page.url_name for page in planned} | set(NOT_BENCHED)
    return {
        name
        for name in url_names()
        if name not in covered and not name.startswith(NOT_BENCHED_PREFIXES)
    }


# Timing ---------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _consume(response) -> int:
    """The body's size; reading a streamed body to its end closes it, as the test
    client closes the others. The database connection is kept between requests, as
    with CONN_MAX_AGE > 0: connecting is not part of a page's time."""
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def bench_page(page: Page, client: Client, *, repeat: int, warmup: int) -> PageResult:
    def get():
        return client.get(page.url, secure=True)

    for _ in range(warmup):
        _consume(get())
    timings, cpu = [], []
    size = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = get()
        size = _consume(response)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != page.status:
            raise BenchError(f"{page.name} ({page.url}) answered {response.status_code}.")
    with CaptureQueriesContext(connection) as captured:
        _consume(get())
    median = statistics.median(timings)
    queries = len(captured)
    met = queries <= PAGE_QUERIES and (not page.timed or median <= PAGE_MS)
    return PageResult(
        url=page.url,
        user=page.user or "anonymous",
        kind=page.kind,
        url_name=page.url_name,
        status=page.status,
        median_ms=round(median, 1),
        p95_ms=round(_percentile(timings, 0.95), 1),
        median_cpu_ms=round(statistics.median(cpu), 1),
        queries=queries,
        target=page.target,
        target_met=met,
        bytes=size,
    )


def _timed(function: Callable[[], object], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


def bench_decision_pdf(*, runs: int) -> dict:
    """The decision record PDF through the app against raw WeasyPrint on the same HTML
    (the method of ``manage.py bench_decision_pdf``), for the published record with the
    most funding lines."""
    from weasyprint import HTML

    found = _first(
        Decision.objects.filter(status=DecisionStatus.PUBLISHED)
        .annotate(n=Count("funding_lines"))
        .order_by("-n", "pk"),
        "published decision",
    )

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


class _Rollback(Exception):
    pass


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
            timings = _timed(render, runs)
            raise _Rollback
    except _Rollback:
        pass
    return {
        "allocations": allocations,
        "runs": runs,
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "kib": size // 1024,
        "target": "none set (reported)",
        "target_met": None,
    }


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
    """``run_import`` of ``rows`` allocations, the path the import page confirms,
    inside a transaction that is rolled back."""
    year = _first(
        FinancialYear.objects.filter(is_closed=False).order_by("-start_year"), "open year"
    )
    cfo = _user(Role.CHIEF_FINANCE_OFFICER)
    result = None
    elapsed = 0.0
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
            start = time.perf_counter()
            result = run_import(kind="allocations", content=content, by=cfo)
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    if not result.ok:
        raise BenchError("The bench import was refused: " + "; ".join(map(str, result.errors[:5])))
    rate = rows / elapsed
    return {
        "rows": rows,
        "format": "csv",
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rate),
        "target": f"≥{IMPORT_ROWS_PER_SECOND:,} rows/s",
        "target_met": rate >= IMPORT_ROWS_PER_SECOND,
    }


# The whole ------------------------------------------------------------------------------


def data_counts() -> dict:
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


def run(
    *,
    repeat: int = 20,
    warmup: int = 2,
    only: str = "",
    pdf_runs: int = 11,
    import_rows: int = 10_000,
    log: Callable[[str], None] = print,
) -> Results:
    from devtools.bulk import BASE_COUNTS

    counts = data_counts()
    results = Results(
        generated_at=timezone.now().isoformat(timespec="seconds"),
        machine={"cpus": os.cpu_count(), "load_average_before": _load()},
        database={"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
        scale=round(counts["allocations"] / BASE_COUNTS["allocations"], 3),
        counts=counts,
        repeat=repeat,
        warmup=warmup,
        targets={
            "pages": f"median ≤{PAGE_MS} ms and ≤{PAGE_QUERIES} queries "
            f"({', '.join(sorted(TIMED_KINDS))}); others ≤{PAGE_QUERIES} queries",
            "decision_pdf": f"≤{PDF_RATIO} × raw WeasyPrint",
            "import": f"≥{IMPORT_ROWS_PER_SECOND:,} rows/s",
        },
    )
    wanted = only.lower()

    def chosen(name: str) -> bool:
        return not wanted or wanted in name.lower()

    planned = [page for page in pages() if chosen(page.name) or chosen(page.url)]
    clients: dict[str | None, Client] = {}
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ALLOWED_HOSTS=hosts):
        for page in planned:
            if page.user not in clients:
                clients[page.user] = Client()
                if page.user:
                    clients[page.user].force_login(User.objects.get(username=page.user))
            result = bench_page(page, clients[page.user], repeat=repeat, warmup=warmup)
            results.pages[page.name] = asdict(result)
            log(_row(page.name, result))
    if chosen("decision pdf"):
        log("decision PDF against raw WeasyPrint…")
        results.decision_pdf = bench_decision_pdf(runs=pdf_runs)
    if chosen("report pdf"):
        log("commissioning report PDF, 300 allocations…")
        results.report_pdf = bench_report_pdf(runs=pdf_runs)
    if chosen("import allocations") and import_rows:
        log(f"import of {import_rows:,} allocations…")
        results.import_allocations = bench_import(rows=import_rows)
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and (results.report_pdf or results.import_allocations)
    ):
        # The rolled-back rows are dead row versions until a vacuum: without one (a
        # server without autovacuum) every run would leave the next a slower table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    results.machine["load_average_after"] = _load()
    return results


def _load() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _yes(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def _row(name: str, result: PageResult) -> str:
    return (
        f"{name[:52]:<52} {result.kind:<9} {result.median_ms:>8.1f} {result.p95_ms:>8.1f} "
        f"{result.queries:>4} {result.target:>17} {_yes(result.target_met):>4}"
    )


def table(results: Results | dict) -> str:
    """The results as a table a person can read."""
    data = asdict(results) if isinstance(results, Results) else results
    machine = data.get("machine") or {}
    lines = [
        f"Database: {data['database']['vendor']} · scale {data['scale']:g} · "
        f"{data['repeat']} timed requests a page after {data['warmup']} warm-up · "
        f"{machine.get('cpus')} CPUs, load average {machine.get('load_average_before')} "
        f"before, {machine.get('load_average_after')} after",
        f"{'page':<52} {'kind':<9} {'median':>8} {'p95':>8} {'q':>4} {'target':>17} {'met':>4}",
    ]
    for name, page in data["pages"].items():
        lines.append(
            f"{name[:52]:<52} {page['kind']:<9} {page['median_ms']:>8.1f} "
            f"{page['p95_ms']:>8.1f} {page['queries']:>4} {page['target']:>17} "
            f"{_yes(page['target_met']):>4}"
        )
    met = sum(1 for page in data["pages"].values() if page["target_met"])
    lines.append(f"{met} of {len(data['pages'])} pages meet their target.")
    if pdf := data.get("decision_pdf"):
        lines.append(
            f"Decision PDF ({pdf['reference']}): app {pdf['app_median_ms']:.0f} ms, raw "
            f"WeasyPrint {pdf['raw_weasyprint_median_ms']:.0f} ms, ratio {pdf['ratio']:.2f} "
            f"(CPU time {pdf.get('cpu_ratio', '—')}; target {pdf['target']}): "
            f"{_yes(pdf['target_met'])}"
        )
    if report := data.get("report_pdf"):
        lines.append(
            f"Commissioning report PDF, {report['allocations']} allocations: "
            f"{report['median_ms']:.0f} ms ({report['kib']} KiB)"
        )
    if imported := data.get("import_allocations"):
        lines.append(
            f"Import of {imported['rows']:,} allocations (CSV): {imported['seconds']:.1f} s, "
            f"{imported['rows_per_second']:,} rows/s (target {imported['target']}): "
            f"{_yes(imported['target_met'])}"
        )
    return "\n".join(lines)
