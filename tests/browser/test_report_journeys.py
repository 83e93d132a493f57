"""Report journeys in a real browser: the panel's reports opened from the menu, the
year changed, the introduction written, a stream chosen, and each report downloaded as
PDF and CSV; the public grants register opened without signing in.

Every page a journey visits is checked with axe.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from funding.importers import run_import
from funding.models import FinancialYear, FundingStream
from pcc_grants.roles import Role

from ..factories import UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SEEDS = Path(settings.BASE_DIR) / "devtools" / "demo" / "seeds"
CDR = "Crime and Disorder Reduction Grants"
DECISIONS_HEADER = ["reference", "title", "date", "decision_maker", "amount", "status", "url"]


# Helpers ----------------------------------------------------------------------------


def load(prefix: str) -> FinancialYear:
    """Import a seed's funding streams then its allocations through the importer."""
    # The seeds record money already decided: imported by someone who may approve it.
    cfo = UserFactory(username="seed-importer", roles=[Role.CHIEF_FINANCE_OFFICER])
    for kind in ("funding", "allocations"):
        content = (SEEDS / f"{prefix}_{kind}.csv").read_bytes()
        result = run_import(kind=kind, content=content, by=cfo)
        assert result.ok, result.errors
    return FinancialYear.objects.get(start_year=int(re.search(r"\d{4}", prefix)[0]))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def open_reports(page: Page) -> None:
    """Follow "Reports for the panel" in the main menu."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Reports for the panel", exact=True).click()
    expect(heading(page)).to_have_text("Reports for the Police and Crime Panel")


def year_pills(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Financial years")


def summary_row(page: Page, stream_name: str) -> Locator:
    """A stream's row of the commissioning report's "Funding streams summary" table."""
    table = page.get_by_role("table", name="Funding streams summary")
    return table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=stream_name, exact=True)
    )


def absolute_href(link: Locator) -> str:
    """The URL a link leads to, resolved as the browser resolves it."""
    return link.evaluate("link => link.href")


def fetch_pdf_text(page: Page, link: Locator) -> str:
    """Open a link served inline as a PDF and return its text, spaces collapsed."""
    response = page.request.get(absolute_href(link))
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    reader = PdfReader(io.BytesIO(response.body()))
    return re.sub(r"\s+", " ", " ".join(pdf_page.extract_text() for pdf_page in reader.pages))


def made_pdf_text(page: Page) -> str:
    """Ask for the report's PDF, which a job makes, and read the file from the job's
    page, spaces collapsed."""
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("status").first).to_contain_text("The PDF is ready")
    assert_accessible(page)
    link = page.get_by_role("link", name=re.compile(r"^Download commissioning-activity-"))
    response = page.request.get(absolute_href(link))
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.body()))
    return re.sub(r"\s+", " ", " ".join(pdf_page.extract_text() for pdf_page in reader.pages))


def download_csv(page: Page, link: Locator) -> tuple[str, list[list[str]]]:
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    with open(download.path(), encoding="utf-8", newline="") as file:
        return download.suggested_filename, list(csv.reader(file))


@pytest.fixture
def seeds(organisation):
    """Durham 2015/16 and Cambridgeshire 2017/18, imported from the demo's seed files."""
    return {"durham": load("durham_2015"), "cambridgeshire": load("cambridgeshire_2017")}


@pytest.fixture
def panel_member(make_user):
    return make_user(Role.PANEL_MEMBER, username="panel")


# 1. Commissioning activity ------------------------------------------------------------


def test_panel_member_opens_commissioning_activity_changes_the_year_and_opens_the_pdf(
    page, login, panel_member, seeds
):
    login(panel_member)
    assert_accessible(page)
    open_reports(page)
    assert_accessible(page)

    page.get_by_role("link", name="commissioning activity 2015/16").click()
    expect(heading(page)).to_have_text("Commissioning activity 2015/16")
    expect(year_pills(page).get_by_role("link", name="2015/16")).to_have_attribute(
        "aria-current", "page"
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("£500,545")
    for stream in (
        "Community Safety Grant",
        "Community Safety Grant - Safe Durham Partnership",
        "Community Safety Grant - Darlington CSP",
        "Victims' Services",
        "Restorative Justice",
        "Community Safety Fund",
    ):
        expect(page.get_by_role("heading", name=stream, exact=True, level=2)).to_be_visible()
    expect(summary_row(page, "Community Safety Fund")).to_contain_text("To be determined")
    # A Panel member reads the report but does not write its introduction.
    expect(page.get_by_label("Introduction to the report")).to_have_count(0)
    expect(main).not_to_contain_text("£1,322,248")
    assert_accessible(page)

    year_pills(page).get_by_role("link", name="2017/18").click()
    expect(heading(page)).to_have_text("Commissioning activity 2017/18")
    expect(page).to_have_url(re.compile(r"/reports/commissioning/2017-18/$"))
    expect(year_pills(page).get_by_role("link", name="2017/18")).to_have_attribute(
        "aria-current", "page"
    )
    expect(summary_row(page, CDR)).to_contain_text("£1,322,248")
    expect(page.get_by_role("heading", name=CDR, level=2)).to_be_visible()
    expect(main).not_to_contain_text("£500,545")
    assert_accessible(page)

    pdf = made_pdf_text(page)
    expect(heading(page)).to_have_text("Commissioning activity 2017/18 as a PDF")
    assert "Commissioning activity 2017/18" in pdf
    assert "£1,322,248" in pdf
    assert CDR in pdf


# 2. The report's introduction ---------------------------------------------------------


def test_officer_writes_the_introduction_and_it_is_shown_in_the_report_and_its_pdf(
    page, login, officer, seeds
):
    introduction = "Ahead of 2015/16 the Commissioner has agreed five projects."
    login(officer)
    assert_accessible(page)
    open_reports(page)
    assert_accessible(page)
    page.get_by_role("link", name="commissioning activity 2015/16").click()
    expect(heading(page)).to_have_text("Commissioning activity 2015/16")
    expect(page.get_by_role("region", name="Introduction")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Introduction to the report").fill(introduction)
    page.get_by_role("button", name="Save the introduction").click()

    expect(heading(page)).to_have_text("Commissioning activity 2015/16")
    expect(page.get_by_role("status").first).to_contain_text(
        "The introduction is saved with the report."
    )
    expect(page.get_by_role("region", name="Introduction")).to_contain_text(introduction)
    expect(page.get_by_label("Introduction to the report")).to_have_value(introduction)
    assert_accessible(page)

    pdf = made_pdf_text(page)
    assert "Commissioning activity 2015/16" in pdf
    assert introduction in pdf


# 3. Grants by theme ---------------------------------------------------------------------


def test_grants_by_theme_for_one_stream_totals_the_same_on_the_page_csv_and_pdf(
    page, login, panel_member, seeds
):
    login(panel_member)
    assert_accessible(page)
    open_reports(page)
    assert_accessible(page)
    page.get_by_role("link", name="grants by theme 2017/18").click()
    expect(heading(page)).to_have_text("Grants by theme 2017/18")
    assert_accessible(page)

    page.get_by_label("Funding stream", exact=True).select_option(label=CDR)
    page.get_by_role("button", name="Show").click()

    stream = FundingStream.objects.get(financial_year=seeds["cambridgeshire"], name=CDR)
    expect(page).to_have_url(re.compile(rf"[?&]stream={stream.pk}$"))
    expect(page.get_by_label("Funding stream", exact=True)).to_have_value(str(stream.pk))
    table = page.get_by_role(
        "table", name=f"Grants 2017/18: {CDR}, by Police and Crime Plan theme"
    )
    expect(table.get_by_role("row", name="Total awards").get_by_role("cell")).to_have_text(
        "£1,322,248"
    )
    assert_accessible(page)

    filename, rows = download_csv(page, page.get_by_role("link", name="CSV", exact=True))
    assert filename == "grants-by-theme-2017-18.csv"
    assert rows[0] == ["theme", "service", "description", "provider", "amount"]
    assert rows[-1] == ["Total", "", "", "", "1322248.00"]
    lines = [row for row in rows[1:] if not row[0].startswith("Total")]
    assert lines
    assert sum(Decimal(row[4]) for row in lines) == Decimal("1322248")

    pdf = fetch_pdf_text(page, page.get_by_role("link", name="PDF", exact=True))
    assert f"Grants by theme 2017/18: {CDR}" in pdf
    assert "£1,322,248" in pdf


# 4. Decisions since a date ------------------------------------------------------------


def test_decisions_since_a_date_with_none_decided_says_so_and_the_csv_has_its_header(
    page, login, panel_member, organisation
):
    login(panel_member)
    assert_accessible(page)
    open_reports(page)
    assert_accessible(page)
    page.get_by_role("link", name="Decisions since a date").click()
    expect(heading(page)).to_contain_text("Decisions since")
    assert_accessible(page)

    page.get_by_label("Since").fill("2000-01-01")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"/reports/decisions/\?since=2000-01-01$"))
    expect(heading(page)).to_have_text("Decisions since 1 January 2000")
    expect(page.get_by_label("Since")).to_have_value("2000-01-01")
    table = page.get_by_role("table", name=re.compile("^Decisions taken since"))
    expect(table.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(table).to_contain_text("No decisions since")
    assert_accessible(page)

    filename, rows = download_csv(page, page.get_by_role("link", name="CSV", exact=True))
    assert filename == "decisions-since-2000-01-01.csv"
    assert rows == [DECISIONS_HEADER]


def test_a_decided_record_is_listed_with_its_decision_maker_and_amount_and_in_the_csv(
    page,
    login,
    people,
    draft,
    advance,
):
    approved = advance(draft, "approved")
    approved.refresh_from_db()
    # Staff see a record whose publication is still to be decided; the panel does not
    # (tests/reports/test_published_only.py).
    login(people["cfo"])
    assert_accessible(page)
    page.goto("/reports/decisions/")
    assert_accessible(page)
    page.get_by_label("Since").fill("2000-01-01")
    page.get_by_role("button", name="Show").click()

    table = page.get_by_role("table", name=re.compile("^Decisions taken since"))
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell").nth(0)).to_have_text(approved.reference)
    expect(rows.first.get_by_role("cell").nth(1)).to_have_text(approved.title)
    expect(rows.first.get_by_role("cell").nth(3)).to_have_text(
        f"{people['commissioner'].get_full_name()}, Police and Crime Commissioner"
    )
    expect(rows.first.get_by_role("cell").nth(4)).to_have_text("£9,400")
    expect(rows.first.get_by_role("cell").nth(5)).to_have_text("Approved")
    expect(table).not_to_contain_text("No decisions since")
    assert_accessible(page)

    _, csv_rows = download_csv(page, page.get_by_role("link", name="CSV", exact=True))
    assert csv_rows[0] == DECISIONS_HEADER
    assert len(csv_rows) == 2
    reference, title, decided_on, maker, amount, status, url = csv_rows[1]
    assert (reference, title, amount, status, url) == (
        approved.reference,
        approved.title,
        "9400.00",
        "Approved",
        "",
    )
    assert decided_on == approved.decision_date.isoformat()
    commissioner = people["commissioner"].get_full_name()
    assert maker == f"{commissioner}, Police and Crime Commissioner"


# 5. The public grants register ---------------------------------------------------------


def test_anonymous_visitor_opens_the_public_grants_register(page, organisation):
    response = page.goto("/grants/")
    assert response.status == 200
    expect(page).to_have_url(re.compile(r"/grants/$"))
    expect(heading(page)).to_have_text("Grants register")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_text("No grants have been published yet.")).to_be_visible()
    assert_accessible(page)
