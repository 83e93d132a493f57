"""The whole benchmark: every page, the PDFs and the import, with the machine and the
data they ran on; and the table a person reads.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import FREE, STATE_AT_SESSION_KEY, STATE_SESSION_KEY
from devtools.bulk import BASE_COUNTS
from devtools.bulk.checks import data_counts
from pcc_grants.models import User

from .common import (
    FILE_KINDS,
    FLOOR_RATIO,
    IMPORT_ROWS_PER_SECOND,
    PAGE_MS,
    PAGE_QUERIES,
    PDF_RATIO,
    TIMED_KINDS,
)
from .floor import FLOOR_ROWS, FLOOR_URL_NAME, URLCONF
from .imports import bench_import
from .pages import Page, PageResult, bench_page, pages
from .pdf import bench_decision_pdf, bench_report_pdf


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
    floor: dict | None = None
    decision_pdf: dict | None = None
    report_pdf: dict | None = None
    import_allocations: dict | None = None


def run(
    *,
    repeat: int = 20,
    warmup: int = 2,
    only: str = "",
    pdf_runs: int = 11,
    import_rows: int = 10_000,
    log: Callable[[str], None] = print,
) -> Results:
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
            "pages": f"median ≤{PAGE_MS} ms, ≤{FLOOR_RATIO} × the floor's and "
            f"≤{PAGE_QUERIES} queries ({', '.join(sorted(TIMED_KINDS))}); median "
            f"≤{PAGE_MS} ms and ≤{PAGE_QUERIES} queries ({', '.join(sorted(FILE_KINDS))}); "
            f"others ≤{PAGE_QUERIES} queries",
            "decision_pdf": f"≤{PDF_RATIO} × raw WeasyPrint",
            "import": f"≥{IMPORT_ROWS_PER_SECOND:,} rows/s",
        },
    )
    wanted = only.lower()

    def chosen(name: str) -> bool:
        return not wanted or wanted in name.lower()

    planned = [page for page in pages() if chosen(page.name) or chosen(page.url)]
    clients: dict[str | None, Client] = {}

    def client_of(username: str | None) -> Client:
        if username not in clients:
            clients[username] = client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
                _second_factor_given(client)
        return clients[username]

    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # The site's URLs and the floor, for this run only.
    with override_settings(ALLOWED_HOSTS=hosts, ROOT_URLCONF=URLCONF):
        floor = _floor_page(planned)
        floor_result = bench_page(floor, client_of(floor.user), repeat=repeat, warmup=warmup)
        results.floor = asdict(floor_result)
        log(_row(floor.name, floor_result))
        for page in planned:
            result = bench_page(
                page,
                client_of(page.user),
                repeat=repeat,
                warmup=warmup,
                floor_ms=floor_result.median_ms,
            )
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


def _second_factor_given(client: Client) -> None:
    """The session of a user who signed in with both factors: the roles the
    organisation settings send to set one up (the bulk data's signers) reach their
    pages, as they would once signed in."""
    session = client.session
    session[STATE_SESSION_KEY] = FREE
    session[STATE_AT_SESSION_KEY] = time.time()
    session.save()


FLOOR_NAME = f"floor: {FLOOR_ROWS} allocations in the layout"


def _floor_page(planned: list[Page]) -> Page:
    """The floor, requested by the user of the first staff list benched (the funding
    register's, a Chief Finance Officer), or else of any staff page."""
    users = [page.user for page in planned if page.kind == "list" and page.user]
    users += [page.user for page in pages() if page.user]
    return Page(FLOOR_NAME, reverse(FLOOR_URL_NAME), users[0], "floor", FLOOR_URL_NAME)


def _load() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _yes(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def _ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.1f}×"


def _row(name: str, result: PageResult | dict) -> str:
    page = asdict(result) if isinstance(result, PageResult) else result
    met = "" if page["kind"] == "floor" else _yes(page["target_met"])
    return (
        f"{name[:52]:<52} {page['kind']:<9} {page['median_ms']:>8.1f} {page['p95_ms']:>8.1f} "
        f"{_ratio(page.get('floor_ratio')):>7} {page['queries']:>4} {page['target']:>24} "
        f"{met:>4}"
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
        f"{'page':<52} {'kind':<9} {'median':>8} {'p95':>8} {'×floor':>7} {'q':>4} "
        f"{'target':>24} {'met':>4}",
    ]
    if floor := data.get("floor"):
        lines.append(_row(FLOOR_NAME, floor))
    for name, page in data["pages"].items():
        lines.append(_row(name, page))
    met = sum(1 for page in data["pages"].values() if page["target_met"])
    lines.append(f"{met} of {len(data['pages'])} pages meet their target.")
    ratios = [
        page["floor_ratio"]
        for page in data["pages"].values()
        if page["kind"] in TIMED_KINDS and page.get("floor_ratio") is not None
    ]
    if floor and ratios:
        within = sum(1 for ratio in ratios if ratio <= FLOOR_RATIO)
        lines.append(
            f"Floor ({FLOOR_ROWS} allocations in the layout): {floor['median_ms']:.1f} ms, "
            f"{floor['queries']} queries; {within} of {len(ratios)} timed pages within "
            f"{FLOOR_RATIO} × the floor (median ratio {statistics.median(ratios):.1f})."
        )
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
        if "lookalike_seconds" in imported:
            lines.append(
                f"  of which lookalike notes of new recipients: "
                f"{imported['lookalike_seconds']:.1f} s; the rest "
                f"{imported['rows_per_second_besides_lookalikes']:,} rows/s"
            )
        if "bulk_ratio" in imported:
            lines.append(
                f"  bulk_create_with_history of the same rows: {imported['bulk_seconds']:.1f} s, "
                f"{imported['bulk_rows_per_second']:,} rows/s; the import takes "
                f"{imported['bulk_ratio']:.2f}× as long (target {imported['bulk_target']}): "
                f"{_yes(imported['bulk_target_met'])}"
            )
    return "\n".join(lines)
