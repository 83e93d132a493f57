"""Every page type, each with the record that makes it work hardest, requested through
the test client: its median and 95th percentile time and its SQL queries.
"""

import math
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from commissioning.models import Agreement, MonitoringReturn, Provider
from decisions.models import Decision, DecisionStatus
from funding.models import Allocation, FinancialYear, FundingStream, PlanTheme
from pcc_grants.roles import Role
from pcc_grants.years import financial_year_label, financial_year_of

from .common import (
    FILE_KINDS,
    FLOOR_RATIO,
    PAGE_MS,
    PAGE_QUERIES,
    TIMED_KINDS,
    BenchError,
    first_of,
    user_with_role,
)

# URL names the benchmark does not request, and why. The test of the benchmark
# fails when a URL name is neither benched nor listed here.
NOT_BENCHED = {
    # Background jobs: each person's own. A job's report keeps at most 500 rows and
    # 1,000 errors whatever the file's size; its progress is one query.
    "jobs:list": "one person's own jobs, 50 a page; the bulk data starts none",
    "jobs:detail": "one job; the bulk data starts none",
    "jobs:status": "one job's progress, one query; the bulk data starts none",
    "jobs:download": "streams a job's file; the bulk data starts none",
    "reports:commissioning_pdf_job": "POST only; the job draws the PDF timed below",
    "logout": "POST only",
    "password_change_done": "a static confirmation",  # nosec B105 - a URL name
    "funding:allocation_action": "POST only (approve, contract, withdraw)",
    "funding:import_confirm": "POST only; the import figure times the same import",
    "funding:allocation_export": "POST only; the job builds the workbook the CSV export streams",
    "funding:import_template": "a workbook of one example row and the lists it offers",
    "funding:position_pdf": "a PDF: rendered by WeasyPrint, like the PDFs timed below",
    "commissioning:agreement_allocations": "POST only",
    "commissioning:document_upload": "POST only",
    "commissioning:document_download": "streams an uploaded file; bulk data has none",
    "commissioning:document_publish": "POST only",
    "transparency_contract_document": "streams an uploaded file; bulk data has none",
    "decisions:pdf": "timed as the decision PDF, against raw WeasyPrint",
    "decisions:attachment_upload": "POST only",
    "decisions:attachment": "streams an uploaded file; bulk data has none",
    "decisions:attachment_remove": "POST only",
    "decisions:comment": "POST only",
    "decisions:publication_preview_pdf": "POST only; a PDF rendered as the public PDF is",
    "reports:commissioning_pdf": "timed as the commissioning report PDF",
    "reports:narrative": "POST only",
    "accounts:two_factor": "one person's own devices: nothing on it grows with the data",
    "accounts:authenticator": "one person's QR code: nothing on it grows with the data",
    "accounts:recovery_codes": "shown once after a POST",
    "accounts:device_remove": "POST only",
    "accounts:verify": "the sign-in code form: nothing on it grows with the data",
    "accounts:reset": "an administrator's form for one person",
    # Grant rounds: the bulk data holds none. tests/grants/test_query_counts.py holds
    # the round page to the same queries at 10 and 1,000 applications, and its export
    # at 10 and 100.
    "grants:round": "the bulk data holds no grant round; held by the query-count tests",
    "grants:round_edit": "the bulk data holds no draft grant round to edit",
    "grants:round_act": "POST only (open, close, start the review, cancel)",
    "grants:round_extend": "the bulk data holds no open grant round",
    "grants:round_export": "the bulk data holds no grant round; held by the query-count tests",
    "grants:application": "the bulk data holds no grant application",
    "grants:application_screen": "POST only",
    "grants:application_document": "streams an uploaded file; bulk data has none",
    "grants:join_request_answer": "POST only",
    "grants_public:rounds": "the bulk data holds no grant round",
    "grants_public:round": "the bulk data holds no grant round",
    "grants_public:register": "a form: nothing on it grows with the data",
    "grants_public:register_sent": "a static confirmation",
    "grants_public:verify": "one person's link: nothing on it grows with the data",
    "grants_public:send_link_again": "a form: nothing on it grows with the data",
    # An applicant's pages show their own organisations' applications only;
    # tests/grants/test_accounts.py holds the account page's queries at 2 and 20.
    "grants_apply:account": "one applicant's own applications; held by the query-count test",
    "grants_apply:organisation_new": "a form: nothing on it grows with the data",
    "grants_apply:organisation": "one organisation's members and requests",
    "grants_apply:organisation_join": "POST only",
    "grants_apply:join_request_answer": "POST only",
    "grants_apply:start": "one applicant's organisations",
    "grants_apply:application": "one application",
    "grants_apply:check": "one application",
    "grants_apply:withdraw": "one application's confirmation",
    "grants_apply:document": "streams an uploaded file; bulk data has none",
    "grants_apply:document_remove": "POST only",
    "grants_apply:section": "one application's section",
    # Grant rounds part 2, importing a past round: a form, a POST and a fixed workbook
    "grants:round_import": "a form; a posted workbook is checked against itself only",
    "grants:round_import_confirm": "POST only",
    "grants:round_import_template": "a workbook of one example row per sheet",
    # Moderation: the bulk data holds no grant round. tests/grants/test_moderation.py
    # holds the page, its CSV and round_ranking to the same queries at 30 and 3,000
    # applications; tests/grants/test_round_summary.py the summary at 30 and 300.
    "grants:round_moderation": "the bulk data holds no grant round; held by the query-count tests",
    "grants:ranking_export": "the bulk data holds no grant round; held by the query-count tests",
    "grants:round_summary": "the bulk data holds no grant round; held by the query-count tests",
    "grants:round_summary_pdf": "the round summary as a PDF; its page is held by a query test",
    # The Review Panel: the bulk data holds no round in review.
    # tests/grants/test_panel.py holds the panel page to the same queries at 3 and 30.
    "grants:panel": "the bulk data holds no round in review; held by the query-count test",
    "grants:panel_meeting": "one meeting's form: nothing on it grows with the data",
    "grants:panel_decision": "POST only",
    "grants:panel_recommend": "one application's recommendation",
    "grants:panel_interest": "POST only",
    # Letters and offers (part: letters): the bulk data holds no decided round.
    "grants:round_letters": "the bulk data holds no decided grant round",
    "grants:letter_edit": "one letter's form",
    "grants:letter_pdf": "a PDF of one letter, rendered by WeasyPrint",
    "grants_apply:letter": "one letter of one applicant's organisation",
    "grants_apply:letter_pdf": "a PDF of one letter, rendered by WeasyPrint",
}
# Grant rounds, part 2: reviewers, declarations and scoring. The reviewer's list and the
# round's reviewers page are held by tests/grants/test_reviewing_pages.py's query counts.
NOT_BENCHED.update(
    {
        "grants:reviewers": "the bulk data holds no reviewer",
        "grants:reviewer_new": "a form: nothing on it grows with the data",
        "grants:reviewer_staff": "a form listing the staff",
        "grants:round_reviewers": "the bulk data holds no grant round; held by a query test",
        "grants:round_assign": "POST only",
        "grants:application_assign": "POST only",
        "grants:review_reopen": "POST only",
        "grants_review:reviews": "one reviewer's own reviews; held by a query-count test",
        "grants_review:review": "one review of one application",
        "grants_review:declare": "POST only",
        "grants_review:document": "streams an uploaded file; bulk data has none",
        "grants_review:welcome": "one person's link: nothing on it grows with the data",
    }
)
# The admin, and the passkey ceremonies (JSON, POST only, one person's keys).
NOT_BENCHED_PREFIXES = ("admin:", "otp_webauthn:")


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
        """Held to the time target (and, unless a file, to the floor's ratio)."""
        return self.kind in TIMED_KINDS or self.kind in FILE_KINDS

    @property
    def against_floor(self) -> bool:
        return self.kind in TIMED_KINDS

    @property
    def target(self) -> str:
        if self.against_floor:
            return f"≤{PAGE_MS} ms, ≤{FLOOR_RATIO}×, ≤{PAGE_QUERIES} q"
        if self.timed:
            return f"≤{PAGE_MS} ms, ≤{PAGE_QUERIES} q"
        return f"≤{PAGE_QUERIES} q"


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
    # The median over the floor's, measured in the same run (run.py).
    floor_ratio: float | None = None


def pages() -> list[Page]:
    """Every page type, each with the record that makes it work hardest."""
    cfo = user_with_role(Role.CHIEF_FINANCE_OFFICER).username
    officer = user_with_role(Role.OFFICER).username
    commissioner = user_with_role(Role.COMMISSIONER).username
    chief_executive = user_with_role(Role.CHIEF_EXECUTIVE).username
    panel = user_with_role(Role.PANEL_MEMBER).username

    year = first_of(FinancialYear.objects.order_by("-start_year"), "financial year")
    older = FinancialYear.objects.order_by("start_year").first()
    stream = first_of(
        FundingStream.objects.annotate(n=Count("allocations")).order_by("-n", "pk"),
        "funding stream",
    )
    open_stream = first_of(
        FundingStream.objects.filter(financial_year__is_closed=False).order_by("pk"),
        "funding stream in an open year",
    )
    allocation = first_of(
        Allocation.objects.filter(
            decision__isnull=False,
            agreement__isnull=False,
            funding_stream__financial_year__is_closed=False,
        ).order_by("-pk"),
        "allocation with a decision and an agreement",
    )
    # A submitted or signed record holds its allocations: the edit form is for others.
    editable = first_of(
        Allocation.objects.filter(
            Q(decision__isnull=True) | Q(decision__status=DecisionStatus.DRAFT),
            funding_stream__financial_year__is_closed=False,
        ).order_by("-pk"),
        "allocation no submitted record holds",
    )
    provider = first_of(
        Provider.objects.annotate(n=Count("allocations")).order_by("-n", "pk"), "provider"
    )
    agreement = first_of(
        Agreement.objects.annotate(n=Count("allocations")).order_by("-n", "pk"), "agreement"
    )
    monitoring_return = first_of(
        MonitoringReturn.objects.filter(received_date__isnull=False)
        .annotate(n=Count("measures"))
        .order_by("-n", "pk"),
        "received monitoring return",
    )
    published = first_of(
        Decision.objects.filter(status=DecisionStatus.PUBLISHED)
        .annotate(n=Count("allocations"))
        .order_by("-n", "pk"),
        "published decision",
    )
    awaiting = first_of(
        Decision.objects.filter(status=DecisionStatus.AWAITING_DECISION).order_by("pk"),
        "decision awaiting the Commissioner",
    )
    draft = first_of(Decision.objects.filter(status=DecisionStatus.DRAFT).order_by("pk"), "draft")
    search_word = "victim"
    register_year = published.decision_date.year
    # The public register filters by financial year, as its address writes it.
    public_year = financial_year_label(financial_year_of(published.decision_date), separator="-")

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
        Page("allocation edit", url("funding:allocation_edit", editable.pk), cfo, "form",
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
        Page("provider suggestions", url("commissioning:provider_suggest", query="q=trust"),
             officer, "search", "commissioning:provider_suggest"),
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
        # Grant rounds (staff)
        Page("grant rounds", url("grants:rounds"), officer, "list", "grants:rounds"),
        Page("grant round new", url("grants:round_new"), officer, "form", "grants:round_new"),
        Page("requests to join organisations", url("grants:join_requests"), officer, "list",
             "grants:join_requests"),
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
             url("register:list", query=f"year={public_year}&category=commissioner"), None,
             "public", "register:list"),
        Page("public decision register (?page=20)", url("register:list", query="page=20"),
             None, "public", "register:list"),
        Page("public decision record", url("register:detail", published.slug), None,
             "public", "register:detail"),
        Page("public decision PDF (stored)", url("register:pdf", published.slug), None,
             "file", "register:pdf"),
        Page("public decision register (reference typed 034/2016)",
             url("register:list", query=f"q={published.reference.replace('-', '/')}"), None,
             "search", "register:list"),
        Page("public forward plan", url("register:expected"), None, "public",
             "register:expected"),
        Page("public PDF check (the form)", url("register:verify"), None, "public",
             "register:verify"),
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
        # Every grant, contract and decision the Order publishes, on one page: it grows
        # with what it lists, as the whole-year reports do; its queries must not.
        Page("transparency page", url("transparency"), None, "report",
             "transparency"),
        Page("transparency: grants CSV", url("transparency_grants_csv"), None, "open data",
             "transparency_grants_csv"),
        Page("transparency: contracts over £10,000 CSV", url("transparency_contracts_over_csv"),
             None, "open data", "transparency_contracts_over_csv"),
        Page("transparency: contracts of £10,000 or less CSV",
             url("transparency_contracts_under_csv"), None, "open data",
             "transparency_contracts_under_csv"),
        Page("transparency: decisions CSV", url("transparency_decisions_csv"), None,
             "open data", "transparency_decisions_csv"),
        Page("transparency: what is missing", url("reports:transparency"), officer, "report",
             "reports:transparency"),
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


def bench_page(
    page: Page, client: Client, *, repeat: int, warmup: int, floor_ms: float | None = None
) -> PageResult:
    """``floor_ms``: the floor's median, for the page's ratio to it."""

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
    ratio = round(median / floor_ms, 2) if floor_ms else None
    met = (
        queries <= PAGE_QUERIES
        and (not page.timed or median <= PAGE_MS)
        and (not page.against_floor or ratio is None or ratio <= FLOOR_RATIO)
    )
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
        floor_ratio=ratio,
    )
