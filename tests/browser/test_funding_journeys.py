"""Funding journeys in a real browser: streams, allocations, the register, imports,
the funding position and its PDF, and what a Panel member may and may not do.

Every page a journey visits is checked with axe.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from commissioning.models import Provider
from funding.importers import ALLOCATION_COLUMNS
from funding.models import Allocation, AllocationStatus, FundingStream
from pcc_grants.roles import Role
from pcc_grants.years import financial_year_label

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ALLOCATION_HEADER = ",".join(ALLOCATION_COLUMNS)


# Helpers ----------------------------------------------------------------------------


def current_year_label() -> str:
    today = timezone.localdate()
    return financial_year_label(today.year if today.month >= 4 else today.year - 1)


def open_funding_menu(page: Page, item: str) -> None:
    """Follow an entry of the "Funding" dropdown of the main menu."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Funding", exact=True).click()
    nav.get_by_role("link", name=item, exact=True).click()


def detail(page: Page, term: str) -> Locator:
    """The value shown against ``term`` in a details list (``<dt>``/``<dd>``)."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def position_figure(page: Page, stream_name: str, heading: str) -> Locator:
    """A figure of a stream's own position table, e.g. its "Available" money."""
    table = page.get_by_role("table", name=f"Money in and committed for {stream_name}")
    return table.get_by_role("row", name=heading).get_by_role("cell")


def register_rows(page: Page) -> Locator:
    return page.get_by_role("table", name="Allocations").locator("tbody").get_by_role("row")


def tab_until_focused(page: Page, target: Locator, *, max_presses: int = 80) -> None:
    """Press Tab, as a keyboard user would, until ``target`` has the focus."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} was not reached with {max_presses} presses of Tab")


def write_csv(tmp_path, name: str, *rows: str):
    path = tmp_path / name
    path.write_text("\n".join([ALLOCATION_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def victims_stream(organisation):
    """The stream journey 1 creates, as the allocation journeys start from it."""
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Victims' Services",
        budget=Decimal("300000.00"),
        carried_forward=Decimal("9400.00"),
    )


# 1. Funding streams -----------------------------------------------------------------


def test_officer_creates_a_funding_stream_and_sees_its_budget_and_available_money(
    page, login, organisation, officer
):
    login(officer)
    open_funding_menu(page, "Funding streams")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding streams")
    assert_accessible(page)

    page.get_by_role("link", name="Add a funding stream").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a funding stream")
    assert_accessible(page)
    # The year is chosen from a list that starts at the current one.
    expect(page.get_by_label("Financial year")).to_have_value(current_year_label())
    page.get_by_label("Financial year").select_option("2016/17")
    page.get_by_label("Name").fill("Victims' Services")
    page.get_by_label("Source").fill("Ministry of Justice")
    page.get_by_label("Budget").fill("£300,000")
    page.get_by_label("Carried forward").fill("9,400.00")
    page.get_by_role("button", name="Save funding stream").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Victims' Services")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2016/17")
    expect(page.get_by_role("status").first).to_contain_text(
        "Funding stream “Victims' Services” recorded."
    )
    expect(detail(page, "Source")).to_have_text("Ministry of Justice")
    expect(position_figure(page, "Victims' Services", "Budget")).to_have_text("£300,000")
    expect(position_figure(page, "Victims' Services", "Carried forward")).to_have_text("£9,400")
    expect(position_figure(page, "Victims' Services", "Available")).to_have_text("£309,400")
    assert_accessible(page)

    stream = FundingStream.objects.get()
    assert stream.financial_year.start_year == 2016
    assert stream.source.name == "Ministry of Justice"
    assert stream.budget == Decimal("300000.00")
    assert stream.carried_forward == Decimal("9400.00")
    assert isinstance(stream.budget, Decimal)


def test_a_budget_in_fractions_of_a_penny_is_refused_and_nothing_is_saved(
    page, login, organisation, officer
):
    login(officer)
    page.goto("/funding/streams/new/")
    page.get_by_label("Financial year").select_option("2016/17")
    page.get_by_label("Name").fill("Victims' Services")
    page.get_by_label("Budget").fill("12.345")
    page.get_by_role("button", name="Save funding stream").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a funding stream")
    budget = page.get_by_label("Budget")
    expect(budget).to_have_value("12.345")
    expect(budget).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator(".invalid-feedback").get_by_text(
            "Use at most two decimal places (whole pence)."
        )
    ).to_be_visible()
    assert_accessible(page)
    assert not FundingStream.objects.exists()


# 2. Allocations ---------------------------------------------------------------------


def test_officer_adds_an_allocation_to_a_new_recipient_and_sees_it_proposed(
    page, login, officer, victims_stream
):
    login(officer)
    page.goto(victims_stream.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Add an allocation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add an allocation")
    expect(page.get_by_label("Funding stream")).to_have_value(str(victims_stream.pk))
    assert_accessible(page)
    page.get_by_label("Title").fill("Restorative Justice Hub")
    page.get_by_label("Amount").fill("£9,400")
    page.get_by_label("Recipient").fill("Restorative Solutions CIC")
    page.get_by_role("button", name="Save allocation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Restorative Justice Hub")
    expect(page.get_by_role("status").first).to_contain_text(
        "Allocation “Restorative Justice Hub” recorded as proposed."
    )
    expect(detail(page, "Status")).to_have_text("Proposed")
    expect(detail(page, "Amount")).to_have_text("£9,400")
    expect(detail(page, "Recipient")).to_have_text("Restorative Solutions CIC")
    expect(detail(page, "Period")).to_have_text("1 April 2016 to 31 March 2017")
    assert_accessible(page)

    allocation = Allocation.objects.get()
    assert allocation.funding_stream == victims_stream
    assert allocation.amount == Decimal("9400.00")
    assert allocation.status == AllocationStatus.PROPOSED
    assert allocation.recipient == Provider.objects.get(name="Restorative Solutions CIC")


def test_keyboard_user_adds_an_allocation_without_the_mouse(page, login, officer, victims_stream):
    login(officer)
    page.goto(victims_stream.get_absolute_url())

    tab_until_focused(page, page.get_by_role("link", name="Add an allocation"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an allocation")

    tab_until_focused(page, page.get_by_label("Title"))
    page.keyboard.type("Witness care co-ordinator")
    tab_until_focused(page, page.get_by_label("Amount"))
    page.keyboard.type("£12,500.50")
    tab_until_focused(page, page.get_by_label("Recipient"))
    page.keyboard.type("Victim Support")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Witness care co-ordinator")
    expect(detail(page, "Amount")).to_have_text("£12,500.50")
    expect(detail(page, "Status")).to_have_text("Proposed")
    assert_accessible(page)
    allocation = Allocation.objects.get()
    assert allocation.amount == Decimal("12500.50")
    assert allocation.recipient.name == "Victim Support"


# 3. The allocations register ---------------------------------------------------------


@pytest.fixture
def register(victims_stream):
    """Four allocations in two streams and three statuses."""
    safety = FundingStreamFactory(
        financial_year=victims_stream.financial_year, name="Community Safety Grant"
    )
    hub = ProviderFactory(name="Restorative Solutions CIC")
    council = ProviderFactory(name="Durham County Council")
    return {
        "hub": AllocationFactory(
            funding_stream=victims_stream,
            recipient=hub,
            title="Restorative Justice Hub",
            amount=Decimal("52750.00"),
            approved=True,
        ),
        "witness": AllocationFactory(
            funding_stream=victims_stream,
            recipient=hub,
            title="Witness care co-ordinator",
            amount=Decimal("33445.00"),
        ),
        "asb": AllocationFactory(
            funding_stream=safety,
            recipient=council,
            title="Anti-Social Behaviour Officers",
            amount=Decimal("131883.00"),
            approved=True,
        ),
        "diversion": AllocationFactory(
            funding_stream=safety,
            recipient=council,
            title="Youth diversion",
            amount=Decimal("5000.00"),
            withdrawn=True,
        ),
    }


def test_filtering_the_register_by_status_and_search_changes_the_rows_shown(
    page, login, officer, register
):
    login(officer)
    open_funding_menu(page, "Allocations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocations")
    expect(register_rows(page)).to_have_count(4)
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Approved")
    page.get_by_role("button", name="Filter").click()
    expect(register_rows(page)).to_have_count(2)
    expect(register_rows(page).filter(has_text="Restorative Justice Hub")).to_have_count(1)
    expect(register_rows(page).filter(has_text="Anti-Social Behaviour Officers")).to_have_count(1)
    expect(page.get_by_text("2 allocations, totalling")).to_contain_text("£184,633")
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    expect(register_rows(page)).to_have_count(4)
    page.get_by_label("Search").fill("witness")
    page.get_by_role("button", name="Filter").click()
    expect(register_rows(page)).to_have_count(1)
    expect(register_rows(page).first).to_contain_text("Witness care co-ordinator")
    expect(register_rows(page).first).to_contain_text("Proposed")
    expect(page.get_by_text("1 allocation, totalling")).to_contain_text("£33,445")

    # A provider by part of its name, typed: the page lists no providers to choose from.
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Provider").fill("county council")
    page.get_by_role("button", name="Filter").click()
    expect(register_rows(page)).to_have_count(2)
    expect(page.get_by_text("to providers named “county council”: 2 allocations")).to_be_visible()
    assert_accessible(page)


def test_the_csv_download_holds_the_import_columns_and_only_the_filtered_rows(
    page, login, officer, register
):
    login(officer)
    page.goto("/funding/allocations/")
    page.get_by_label("Status").select_option(label="Approved")
    page.get_by_role("button", name="Filter").click()
    expect(register_rows(page)).to_have_count(2)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "allocations.csv"
    with open(download.path(), encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))

    assert header == ["reference", *ALLOCATION_COLUMNS]
    assert sorted((row[2], row[4], row[5], row[6]) for row in rows) == [
        ("Community Safety Grant", "Anti-Social Behaviour Officers", "131883.00", "approved"),
        ("Victims' Services", "Restorative Justice Hub", "52750.00", "approved"),
    ]


# 4. Imports in the browser -----------------------------------------------------------


def upload(page: Page, path) -> None:
    page.get_by_label("What the file holds").select_option(label="Allocations")
    page.get_by_label("CSV or XLSX file").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()


def test_an_import_with_problems_lists_each_by_row_and_column_and_saves_nothing(
    page, login, officer, victims_stream, tmp_path
):
    bad_file = write_csv(
        tmp_path,
        "allocations.csv",
        "2016/17,Victims' Services,Victim Support,Witness care,9400,,,,,,,,",
        "2016/17,Victims' Services,Victim Support,Hate crime advocacy,abc,,,,,,,,",
        "2016/17,No Such Stream,Victim Support,Outreach,1000,,,,,,,,",
    )
    login(officer)
    open_funding_menu(page, "Import from a file")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from a file")
    assert_accessible(page)

    upload(page, bad_file)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check of allocations.csv for an import of allocations"
    )
    expect(page.get_by_role("alert")).to_contain_text("2 problems found: nothing has been saved")
    problems = page.get_by_role("table", name="Problems in the file").locator("tbody")
    expect(problems.get_by_role("row")).to_have_count(2)
    expect(problems.get_by_role("row").nth(0).get_by_role("cell")).to_have_text(
        ["3", "amount", "Enter an amount in pounds, such as £9,400 or 9400.00."]
    )
    expect(problems.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["4", "funding_stream", "There is no funding stream “No Such Stream” in 2016/17."]
    )
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    assert_accessible(page)

    assert not Allocation.objects.exists()
    assert not Provider.objects.exists()


def test_an_officers_approved_row_is_refused_in_the_preview_by_row_and_column(
    page, login, officer, victims_stream, tmp_path
):
    """An approved row commits money: the officer, who may not approve, is refused."""
    file = write_csv(
        tmp_path,
        "victims.csv",
        "2016/17,Victims' Services,Victim Support,Witness care,9400,,,,,,,,",
        "2016/17,Victims' Services,Restorative Solutions CIC,Restorative Justice Hub,"
        '"£1,250.50",approved,,,,,,,',
    )
    login(officer)
    page.goto("/funding/import/")
    upload(page, file)

    expect(page.get_by_role("alert")).to_contain_text("1 problem found: nothing has been saved")
    problems = page.get_by_role("table", name="Problems in the file").locator("tbody")
    expect(problems.get_by_role("row").nth(0).get_by_role("cell")).to_have_text(
        [
            "3",
            "status",
            "Only the Chief Finance Officer can approve an allocation directly; otherwise a "
            "decision record approves it.",
        ]
    )
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    assert_accessible(page)
    assert not Allocation.objects.exists()


def test_a_good_import_is_previewed_with_its_total_then_saved_on_confirmation(
    page, login, make_user, victims_stream, tmp_path
):
    good_file = write_csv(
        tmp_path,
        "victims.csv",
        "2016/17,Victims' Services,Victim Support,Witness care,9400,,,,,,,,",
        "2016/17,Victims' Services,Restorative Solutions CIC,Restorative Justice Hub,"
        '"£1,250.50",approved,,,,,,,',
    )
    # The approved row is approved by whoever imports it: the Chief Finance Officer may.
    login(make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo"))
    page.goto("/funding/import/")
    upload(page, good_file)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check of victims.csv for an import of allocations"
    )
    expect(page.get_by_text("No problems found. Nothing has been saved yet.")).to_be_visible()
    planned = page.get_by_role("table", name="What will be created")
    expect(planned.locator("tbody").get_by_role("row")).to_have_count(2)
    expect(planned.locator("tbody").get_by_role("row").nth(0)).to_contain_text("Witness care")
    expect(planned.locator("tbody").get_by_role("row").nth(1)).to_contain_text("£1,250.50")
    expect(planned.get_by_role("row", name="Total")).to_contain_text("£10,650.50")
    assert_accessible(page)
    assert not Allocation.objects.exists()

    page.get_by_role("button", name="Confirm and import 2 rows").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import of allocations from victims.csv"
    )
    expect(page.get_by_role("status").first).to_contain_text(
        "2 allocations imported from victims.csv."
    )
    # Exactly the rows the import created, each a link to its record.
    created = page.get_by_test_id("imported-rows").locator("tbody").get_by_role("row")
    expect(created).to_have_count(2)
    assert_accessible(page)
    created.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Witness care")
    page.goto("/funding/allocations/")
    expect(register_rows(page)).to_have_count(2)
    assert sorted(Allocation.objects.values_list("title", "amount", "status")) == [
        ("Restorative Justice Hub", Decimal("1250.50"), AllocationStatus.APPROVED),
        ("Witness care", Decimal("9400.00"), AllocationStatus.PROPOSED),
    ]


# 6. The funding position --------------------------------------------------------------


def test_funding_position_pdf_shows_the_same_totals_as_the_page(
    page, login, officer, victims_stream
):
    safety = FundingStreamFactory(
        financial_year=victims_stream.financial_year,
        name="Community Safety Grant",
        budget=Decimal("125000.00"),
    )
    AllocationFactory(funding_stream=victims_stream, amount=Decimal("9400.00"), approved=True)
    AllocationFactory(funding_stream=safety, amount=Decimal("20000.00"))
    AllocationFactory(funding_stream=safety, amount=Decimal("5000.00"), withdrawn=True)
    login(officer)
    open_funding_menu(page, "Funding position")

    expect(page).to_have_url(re.compile(r"/funding/position/2016-17/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding position 2016/17")
    table = page.get_by_role("table", name="Funding position 2016/17")
    total = table.get_by_role("row", name=re.compile(r"^Total"))
    # Budget, carried forward, available, approved, proposed (the withdrawn £5,000 is
    # not counted), remaining, % committed, change on last year.
    expect(total.get_by_role("cell")).to_have_text(
        ["£425,000", "£9,400", "£434,400", "£9,400", "£20,000", "£425,000", "2.2%", "—"]
    )
    assert_accessible(page)
    total_row = [text.strip() for text in total.get_by_role("cell").all_inner_texts()]

    href = page.get_by_role("link", name="Download as PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    pdf_text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "Funding position 2016/17" in pdf_text
    # The PDF's Total row reads as the page's, figure for figure and in the same order.
    pdf_total_row = re.compile(r"Total\s+" + r"\s+".join(map(re.escape, total_row)))
    assert pdf_total_row.search(pdf_text), f"Total {total_row} not found in:\n{pdf_text}"


# 7. Permissions ---------------------------------------------------------------------


def test_panel_member_sees_the_funding_position_but_cannot_add_an_allocation(
    page, login, make_user, victims_stream
):
    panel_member = make_user(Role.PANEL_MEMBER, username="panel")
    login(panel_member)
    assert_accessible(page)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Funding", exact=True).click()
    expect(nav.get_by_role("link", name="Allocations")).to_have_count(0)
    nav.get_by_role("link", name="Funding position").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Funding position 2016/17")
    expect(page.get_by_role("table", name="Funding position 2016/17")).to_contain_text("£309,400")
    assert_accessible(page)

    response = page.goto("/funding/allocations/new/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(page.get_by_role("main")).to_contain_text(
        "Only the Chief Finance Officer or Officer can record funding streams and allocations."
    )
    assert_accessible(page)
    assert not Allocation.objects.exists()
