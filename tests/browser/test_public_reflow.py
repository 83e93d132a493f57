"""Every public page reflows at 320 CSS pixels (WCAG 1.4.10): the page never scrolls
sideways, with a published record whose title, recipient, web address and SHA-256
are long, and axe finds nothing on it. The staff pages keep their tables at a
desktop width."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from decisions import services
from decisions.models import PublishedDocument
from decisions.verification import FIELD_LABEL
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FundingStreamFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
RECIPIENT = "Durham Tees Valley Community Rehabilitation Company Limited"
ADDRESS = (
    "https://www.durham-pcc.gov.uk/document-library/commissioning/2016-17/"
    "community-peer-mentors-bishop-auckland-evaluation-report-final-version.pdf"
)

# The page's width, the body's, the window's, and the first elements that reach past
# the window's right edge (to say what to fix).
MEASURE = """() => {
  const width = window.innerWidth;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + [...e.classList].join('.') : '')
      + ' reaches ' + Math.round(e.getBoundingClientRect().right) + 'px');
  return {page: document.documentElement.scrollWidth, body: document.body.scrollWidth,
          width, wide};
}"""


@pytest.fixture
def published(draft, people, advance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    stream = FundingStreamFactory(name="Community Safety Fund", budget=Decimal("2000000"))
    allocation = AllocationFactory(
        funding_stream=stream,
        recipient__name=RECIPIENT,
        title="Community Peer Mentors Project, Bishop Auckland and Shildon",
        amount=Decimal("1009400.50"),
    )
    services.decision_update(
        decision=draft,
        by=people["officer"],
        allocations=[allocation],
        supporting_information=f"The evaluation of the pilot is at {ADDRESS}",
    )
    return advance(draft, "published")


def sideways(page: Page) -> str | None:
    """What scrolls sideways on the page, or None if nothing does."""
    measured = page.evaluate(MEASURE)
    if measured["page"] <= measured["width"] and measured["body"] <= measured["width"]:
        return None
    return (
        f"{page.url}: page {measured['page']}px, body {measured['body']}px in a "
        f"{measured['width']}px window; too wide: {', '.join(measured['wide'])}"
    )


def check(page: Page, problems: list[str]) -> None:
    problem = sideways(page)
    if problem:
        problems.append(problem)
    assert_accessible(page)


def test_no_public_page_scrolls_sideways_at_320_pixels(page, published, organisation):
    page.set_viewport_size(NARROW)
    problems: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organisation.name)
    check(page, problems)

    page.goto("/decisions/")
    # The register's rows stack, each cell named by its column.
    row = page.get_by_role("row").filter(has_text=published.reference)
    expect(row.get_by_role("cell", name=f"Reference {published.reference}")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Reference")).not_to_be_in_viewport()
    check(page, problems)

    page.get_by_role("searchbox", name="Search").fill("Bishop Auckland")
    page.get_by_role("button", name="Search").click()
    # An empty year stays empty (it once came back as "None").
    expect(page).to_have_url(re.compile(r"/decisions/\?q=Bishop\+Auckland&year=&category=$"))
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text(published.title)
    check(page, problems)

    page.get_by_role("link", name=published.title).click()
    expect(page.get_by_text(ADDRESS)).to_be_visible()
    expect(page.get_by_role("table", name="Allocations this decision approves")).to_contain_text(
        RECIPIENT
    )
    check(page, problems)

    page.goto("/grants/")
    expect(page.get_by_role("table")).to_contain_text(RECIPIENT)
    check(page, problems)

    page.goto("/decisions/verify/")
    check(page, problems)
    pdf = PublishedDocument.objects.get(decision=published).file.path
    page.get_by_label(FIELD_LABEL).set_input_files(pdf)
    page.get_by_role("button", name="Check the PDF").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("verdict")).to_contain_text("byte for byte")
    check(page, problems)

    page.goto("/decisions/expected/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decisions expected")
    check(page, problems)

    page.goto("/transparency/")
    check(page, problems)

    page.goto("/accounts/login/")
    check(page, problems)

    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check(page, problems)

    # Without a short name, the bar shows the organisation's full name.
    organisation.short_name = ""
    organisation.save()
    page.goto("/")
    expect(page.get_by_role("banner").get_by_role("link", name=organisation.name)).to_be_visible()
    check(page, problems)

    assert problems == []


def test_tables_keep_their_columns_at_a_desktop_width(page, login, published, people):
    """The stacking is for narrow windows only: at 1280 pixels the register shows its
    column headings, and the staff pages are as they were."""
    page.set_viewport_size(DESKTOP)
    page.goto("/decisions/")
    expect(page.get_by_role("columnheader", name="Reference")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=published.reference)
    expect(row.get_by_role("cell").first).to_have_text(published.reference)
    assert sideways(page) is None

    login(people["officer"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert sideways(page) is None
    for path in (
        "/staff/decisions/",
        f"/staff/decisions/{published.pk}/",
        "/funding/allocations/",
    ):
        page.goto(path)
        assert sideways(page) is None
        expect(page.get_by_role("columnheader").first).to_be_visible()
        assert_accessible(page)


def test_the_home_page_links_to_the_register_grants_and_open_data(page, organisation):
    page.set_viewport_size(NARROW)
    page.goto("/")
    for name, address in (
        ("Decision register", "/decisions/"),
        ("Check a published PDF", "/decisions/verify/"),
        ("Grants register", "/grants/"),
        ("Published decisions (JSON)", "/open-data/decisions.json"),
        ("Grants awarded (360Giving JSON)", "/open-data/grants.json"),
        ("Grants awarded (CSV)", "/open-data/grants.csv"),
        ("Contracts over £10,000 (CSV)", "/open-data/contracts.csv"),
    ):
        link = page.get_by_role("main").get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("href", address)
        assert page.request.get(link.get_attribute("href")).ok, name
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    description = page.locator("meta[name=description]").get_attribute("content")
    assert organisation.name in description


def test_a_panel_member_signed_in_sees_the_dashboard_not_the_home_page(page, login, make_user):
    login(make_user(Role.PANEL_MEMBER, username="panel"))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("link", name="Grants awarded (CSV)")).to_have_count(0)
