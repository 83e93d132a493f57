"""Decision record journeys in a real browser: drafting a record with its implications
and funding lines (with the page's script, with the keyboard only and without
JavaScript), removing a line, a refused save, and the record's PDF.

Every page a journey visits is checked with axe.
"""

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from decisions.models import Decision, FundingLine

from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TITLE = "Extending Community Peer Mentors Project into Bishop Auckland"
SUMMARY = "The project in Darlington has achieved successful outcomes."
DECISION = "Agree the allocation of £9,400 to extend the project."
IMPLICATION_LABELS = (
    "Financial",
    "Legal",
    "Equality and diversity",
    "Human rights",
    "Sustainability",
    "Risk management",
)


# Helpers ----------------------------------------------------------------------------


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled exactly ``label`` (a required one's label ends in "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def detail(page: Page, term: str) -> Locator:
    """The value shown against ``term`` in a details list (``<dt>``/``<dd>``)."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def breakdown(page: Page) -> Locator:
    return page.get_by_role("group", name="Funding breakdown")


def line_items(page: Page) -> Locator:
    """The "Item" fields of the lines shown (a removed line stays in the page, hidden)."""
    return field(breakdown(page), "Item").filter(visible=True)


def line_amounts(page: Page) -> Locator:
    return field(breakdown(page), "Amount").filter(visible=True)


def lines_total(page: Page) -> Locator:
    """The live total: an ``<output>``, whose role is "status"."""
    return breakdown(page).get_by_role("status")


def add_line_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Add a line", exact=True)


def save_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Save draft", exact=True)


def fill_line(page: Page, index: int, item: str, amount: str) -> None:
    line_items(page).nth(index).fill(item)
    line_amounts(page).nth(index).fill(amount)


def fill_request(page: Page, officer) -> None:
    field(page, "Title").fill(TITLE)
    field(page, "Executive summary").fill(SUMMARY)
    field(page, "Decision").fill(DECISION)
    field(page, "OPCC lead officer").select_option(label=str(officer))


def open_new_record(page: Page, check: Callable[[Page], None] | None = None) -> None:
    """From any page: "Decision records" in the main menu, then "New decision record";
    the list is checked with axe (with ``check`` if given) on the way."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Decision records", exact=True).click()
    expect(heading(page)).to_have_text("Decision records")
    (check or check_accessible)(page)
    page.get_by_role("link", name="New decision record").click()
    expect(heading(page)).to_have_text("New decision record")


def implication_cells(page: Page, label: str) -> Locator:
    """The "Yes" and "No" cells of an implication in the record's checklist."""
    table = page.get_by_role("table", name=re.compile(r"^Has consideration been taken"))
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return row.get_by_role("cell")


def funding_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Funding requested")


def funding_rows(page: Page) -> Locator:
    return funding_table(page).locator("tbody").get_by_role("row")


def funding_total(page: Page) -> Locator:
    return funding_table(page).get_by_role("row", name=re.compile(r"^Total")).get_by_role("cell")


def saved_lines(decision: Decision) -> list[tuple[int, str, Decimal]]:
    return list(decision.funding_lines.values_list("position", "item", "amount"))


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_until_focused(
    page: Page, target: Locator, *, backwards: bool = False, max_presses: int = 80
) -> None:
    """Press Tab (Shift+Tab with ``backwards``), as a keyboard user would, until
    ``target`` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_presses):
        page.keyboard.press(key)
        if is_focused(target):
            return
    pytest.fail(f"{target} was not reached with {max_presses} presses of {key}")


def expect_values(fields: Locator, values: list[str]) -> None:
    """The fields hold these values, in this order, and there are no others."""
    expect(fields).to_have_count(len(values))
    for index, value in enumerate(values):
        expect(fields.nth(index)).to_have_value(value)


def check_accessible(page: Page) -> None:
    """axe, once hover and focus transitions have run: a button the pointer happens to
    be over is otherwise measured half-way through its colour change."""
    page.wait_for_function(
        "() => document.getAnimations().every(animation => animation.playState !== 'running')"
    )
    assert_accessible(page)


def check_accessible_without_js(page: Page, axe_page: Page) -> None:
    """axe on a page shown without JavaScript.

    axe cannot run where scripts are off (its promises never settle, so it would hang),
    so it checks the very markup ``page`` shows, its ``<script>`` elements removed, served
    at the same address in ``axe_page``, whose own scripts run only for axe.
    """
    url = page.url
    markup = re.sub(
        r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.DOTALL | re.IGNORECASE
    )
    axe_page.route(
        lambda address: address == url,
        lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=markup),
    )
    axe_page.goto(url)
    axe_page.unroute_all()
    expect(heading(axe_page)).to_have_text(heading(page).text_content().strip())
    expect(axe_page.locator("script")).to_have_count(0)
    check_accessible(axe_page)


def pdf_text(body: bytes) -> str:
    text = " ".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


# 1. A record with two implications and three lines, and its PDF ----------------------


def test_officer_drafts_a_record_with_implications_and_three_lines_and_opens_its_pdf(
    page, login, organisation, officer
):
    login(officer)
    open_new_record(page)
    expect(line_items(page)).to_have_count(1)
    expect(line_items(page).first).to_have_value("")
    expect(lines_total(page)).to_have_text("£0")
    check_accessible(page)

    fill_request(page, officer)
    field(page, "Financial: this decision has implications").check()
    field(page, "Financial implications: details").fill(
        "The allocation of £9,400 is within the 2016/17 budget limits."
    )
    field(page, "Legal: this decision has implications").check()
    field(page, "Legal implications: details").fill("No specific legal implications.")

    fill_line(page, 0, "Out of pocket expenses and mileage", "£1,200")
    expect(lines_total(page)).to_have_text("£1,200")
    add_line_button(page).click()
    expect(line_items(page)).to_have_count(2)
    expect(line_items(page).nth(1)).to_be_focused()
    fill_line(page, 1, "Training of 2 x Community Peer Mentor Cohorts", "2,300.00")
    expect(lines_total(page)).to_have_text("£3,500")
    add_line_button(page).click()
    expect(line_items(page)).to_have_count(3)
    fill_line(page, 2, "Support Coordinator", "5900")
    expect(lines_total(page)).to_have_text("£9,400")
    check_accessible(page)

    save_button(page).click()

    expect(page.get_by_role("status").first).to_contain_text(f"Draft “{TITLE}” saved.")
    expect(heading(page)).to_have_text("Decision Record Form")
    expect(detail(page, "Title")).to_have_text(TITLE)
    expect(detail(page, "OPCC lead officer")).to_have_text("Charles Oakley")
    expect(implication_cells(page, "Financial")).to_have_text(["Yes ✓", ""])
    expect(implication_cells(page, "Legal")).to_have_text(["Yes ✓", ""])
    for label in IMPLICATION_LABELS[2:]:
        expect(implication_cells(page, label)).to_have_text(["", "No ✓"])
    expect(funding_rows(page)).to_have_count(3)
    expect(funding_rows(page).nth(0).get_by_role("cell")).to_have_text(
        ["Out of pocket expenses and mileage", "£1,200"]
    )
    expect(funding_rows(page).nth(1).get_by_role("cell")).to_have_text(
        ["Training of 2 x Community Peer Mentor Cohorts", "£2,300"]
    )
    expect(funding_rows(page).nth(2).get_by_role("cell")).to_have_text(
        ["Support Coordinator", "£5,900"]
    )
    expect(funding_total(page)).to_have_text("£9,400")
    check_accessible(page)

    decision = Decision.objects.get()
    assert decision.title == TITLE
    assert decision.is_draft
    assert decision.lead_officer == officer
    assert decision.created_by == officer
    assert decision.financial_implications is True
    assert decision.legal_implications is True
    assert not any(
        getattr(decision, f"{key}_implications")
        for key in ("equality", "human_rights", "sustainability", "risk")
    )
    assert FundingLine.objects.count() == 3
    assert saved_lines(decision) == [
        (0, "Out of pocket expenses and mileage", Decimal("1200.00")),
        (1, "Training of 2 x Community Peer Mentor Cohorts", Decimal("2300.00")),
        (2, "Support Coordinator", Decimal("5900.00")),
    ]

    href = page.get_by_role("link", name="Open as PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    text = pdf_text(response.body())
    assert TITLE in text, text
    assert "£9,400" in text, text
    assert "DRAFT" in text, text


# 2. Removing a line -----------------------------------------------------------------


def test_removing_a_line_in_the_page_updates_the_total_and_it_is_not_saved(
    page, login, organisation, officer
):
    login(officer)
    open_new_record(page)
    check_accessible(page)
    fill_request(page, officer)
    fill_line(page, 0, "Out of pocket expenses and mileage", "£1,200")
    add_line_button(page).click()
    fill_line(page, 1, "Training of 2 x Community Peer Mentor Cohorts", "2,300.00")
    add_line_button(page).click()
    fill_line(page, 2, "Support Coordinator", "5900")
    expect(lines_total(page)).to_have_text("£9,400")
    check_accessible(page)

    # The training line's own "Remove line" button.
    training_line = breakdown(page).locator("[data-line]").nth(1)
    expect(field(training_line, "Item")).to_have_value(
        "Training of 2 x Community Peer Mentor Cohorts"
    )
    training_line.get_by_role("button", name=re.compile(r"^Remove line")).click()

    expect_values(line_items(page), ["Out of pocket expenses and mileage", "Support Coordinator"])
    expect(lines_total(page)).to_have_text("£7,100")
    expect(add_line_button(page)).to_be_focused()
    check_accessible(page)

    save_button(page).click()

    expect(heading(page)).to_have_text("Decision Record Form")
    expect(funding_rows(page)).to_have_count(2)
    expect(funding_rows(page).nth(0).get_by_role("cell")).to_have_text(
        ["Out of pocket expenses and mileage", "£1,200"]
    )
    expect(funding_rows(page).nth(1).get_by_role("cell")).to_have_text(
        ["Support Coordinator", "£5,900"]
    )
    expect(funding_table(page)).not_to_contain_text("Training")
    expect(funding_total(page)).to_have_text("£7,100")
    check_accessible(page)

    decision = Decision.objects.get()
    assert saved_lines(decision) == [
        (0, "Out of pocket expenses and mileage", Decimal("1200.00")),
        (1, "Support Coordinator", Decimal("5900.00")),
    ]


# 3. With the keyboard only ----------------------------------------------------------


def test_keyboard_user_drafts_a_record_with_two_lines_without_the_mouse(
    page, login, organisation, officer
):
    login(officer)
    keyboard = page.keyboard

    tab_until_focused(
        page,
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Decision records"),
    )
    keyboard.press("Enter")
    expect(heading(page)).to_have_text("Decision records")
    check_accessible(page)
    tab_until_focused(page, page.get_by_role("link", name="New decision record"))
    keyboard.press("Enter")
    expect(heading(page)).to_have_text("New decision record")
    check_accessible(page)

    tab_until_focused(page, field(page, "Title"))
    keyboard.type("Community Peer Mentors")
    keyboard.press("Tab")
    expect(field(page, "Executive summary")).to_be_focused()
    keyboard.type(SUMMARY)
    # Back to the title, to finish it.
    tab_until_focused(page, field(page, "Title"), backwards=True)
    keyboard.press("End")
    keyboard.type(" in Bishop Auckland")
    tab_until_focused(page, field(page, "Decision"))
    keyboard.type(DECISION)
    lead_officer = field(page, "OPCC lead officer")
    tab_until_focused(page, lead_officer)
    keyboard.type("Charles")  # a closed select picks the option its name begins with
    expect(lead_officer).to_have_value(str(officer.pk))

    financial = field(page, "Financial: this decision has implications")
    tab_until_focused(page, financial)
    keyboard.press("Space")
    expect(financial).to_be_checked()
    keyboard.press("Tab")
    expect(field(page, "Financial implications: details")).to_be_focused()
    keyboard.type("Within the 2016/17 budget limits.")

    tab_until_focused(page, line_items(page).first)
    keyboard.type("Out of pocket expenses and mileage")
    keyboard.press("Tab")
    expect(line_amounts(page).first).to_be_focused()
    keyboard.type("£1,200")
    tab_until_focused(page, add_line_button(page))
    keyboard.press("Enter")
    expect(line_items(page)).to_have_count(2)
    expect(line_items(page).nth(1)).to_be_focused()
    keyboard.type("Support Coordinator")
    keyboard.press("Tab")
    expect(line_amounts(page).nth(1)).to_be_focused()
    keyboard.type("5,900.50")
    expect(lines_total(page)).to_have_text("£7,100.50")
    check_accessible(page)

    tab_until_focused(page, save_button(page))
    keyboard.press("Enter")

    expect(heading(page)).to_have_text("Decision Record Form")
    expect(detail(page, "Title")).to_have_text("Community Peer Mentors in Bishop Auckland")
    expect(implication_cells(page, "Financial")).to_have_text(["Yes ✓", ""])
    expect(funding_rows(page)).to_have_count(2)
    expect(funding_total(page)).to_have_text("£7,100.50")
    check_accessible(page)

    decision = Decision.objects.get()
    assert decision.title == "Community Peer Mentors in Bishop Auckland"
    assert decision.executive_summary == SUMMARY
    assert decision.lead_officer == officer
    assert decision.financial_implications is True
    assert decision.financial_details == "Within the 2016/17 budget limits."
    assert saved_lines(decision) == [
        (0, "Out of pocket expenses and mileage", Decimal("1200.00")),
        (1, "Support Coordinator", Decimal("5900.50")),
    ]


# 4. Without JavaScript --------------------------------------------------------------


def test_without_javascript_add_a_line_posts_back_what_was_typed_and_one_more_line(
    browser, live_server, page, password, organisation, officer
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    no_js = context.new_page()

    def check(shown: Page) -> None:
        check_accessible_without_js(shown, axe_page=page)

    try:
        no_js.goto("/accounts/login/")
        no_js.get_by_label("Username").fill(officer.username)
        no_js.get_by_label("Password").fill(password)
        no_js.get_by_role("button", name="Sign in").click()
        expect(no_js.get_by_role("heading", name="Dashboard")).to_be_visible()

        open_new_record(no_js, check)
        expect(line_items(no_js)).to_have_count(1)
        # Without the script each line keeps its "Remove this line" box.
        expect(field(breakdown(no_js), "Remove this line")).to_be_visible()
        expect(no_js.get_by_role("button", name=re.compile(r"^Remove line"))).to_have_count(0)
        check(no_js)

        fill_request(no_js, officer)
        field(no_js, "Legal: this decision has implications").check()
        field(no_js, "Legal implications: details").fill("No specific legal implications.")
        fill_line(no_js, 0, "Out of pocket expenses and mileage", "£1,200")
        add_line_button(no_js).click()

        expect(heading(no_js)).to_have_text("New decision record")
        expect(field(no_js, "Title")).to_have_value(TITLE)
        expect(field(no_js, "Executive summary")).to_have_value(SUMMARY)
        expect(field(no_js, "Decision")).to_have_value(DECISION)
        expect(field(no_js, "OPCC lead officer")).to_have_value(str(officer.pk))
        expect(field(no_js, "Legal: this decision has implications")).to_be_checked()
        expect(field(no_js, "Financial: this decision has implications")).not_to_be_checked()
        expect(field(no_js, "Legal implications: details")).to_have_value(
            "No specific legal implications."
        )
        expect_values(line_items(no_js), ["Out of pocket expenses and mileage", ""])
        expect_values(line_amounts(no_js), ["£1,200", ""])
        expect(lines_total(no_js)).to_have_text("£1,200")
        expect(no_js.get_by_text("This field is required")).to_have_count(0)
        assert not Decision.objects.exists()
        check(no_js)

        fill_line(no_js, 1, "Support Coordinator", "5900")
        save_button(no_js).click()

        expect(heading(no_js)).to_have_text("Decision Record Form")
        expect(detail(no_js, "Title")).to_have_text(TITLE)
        expect(implication_cells(no_js, "Legal")).to_have_text(["Yes ✓", ""])
        expect(funding_rows(no_js)).to_have_count(2)
        expect(funding_total(no_js)).to_have_text("£7,100")
        check(no_js)
    finally:
        context.close()

    decision = Decision.objects.get()
    assert decision.title == TITLE
    assert decision.legal_implications is True
    assert decision.financial_implications is False
    assert saved_lines(decision) == [
        (0, "Out of pocket expenses and mileage", Decimal("1200.00")),
        (1, "Support Coordinator", Decimal("5900.00")),
    ]


# 5. A refused save ------------------------------------------------------------------


def test_an_implication_ticked_without_details_is_refused_and_what_was_typed_is_kept(
    page, login, organisation, officer
):
    login(officer)
    open_new_record(page)
    check_accessible(page)
    fill_request(page, officer)
    field(page, "Risk management: this decision has implications").check()
    fill_line(page, 0, "Support Coordinator", "£5,900")
    add_line_button(page).click()
    fill_line(page, 1, "Training", "2,300.00")
    expect(lines_total(page)).to_have_text("£8,200")
    save_button(page).click()

    expect(heading(page)).to_have_text("New decision record")
    risk_details = field(page, "Risk management: details")
    expect(risk_details).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator(".invalid-feedback").get_by_text(
            "Give the details of the risk management implications.", exact=True
        )
    ).to_be_visible()
    expect(field(page, "Title")).to_have_value(TITLE)
    expect(field(page, "Executive summary")).to_have_value(SUMMARY)
    expect(field(page, "Decision")).to_have_value(DECISION)
    expect(field(page, "OPCC lead officer")).to_have_value(str(officer.pk))
    expect(field(page, "Risk management: this decision has implications")).to_be_checked()
    expect_values(line_items(page), ["Support Coordinator", "Training"])
    expect_values(line_amounts(page), ["£5,900", "2,300.00"])
    expect(lines_total(page)).to_have_text("£8,200")
    check_accessible(page)

    assert not Decision.objects.exists()
    assert not FundingLine.objects.exists()


# 6. Lines removed in the page, after a refused save -----------------------------------


def test_a_line_removed_in_the_page_stays_removed_when_the_save_is_refused(
    page, login, organisation, officer
):
    login(officer)
    open_new_record(page)
    check_accessible(page)
    fill_request(page, officer)
    field(page, "Risk management: this decision has implications").check()
    fill_line(page, 0, "Out of pocket expenses and mileage", "£1,200")
    add_line_button(page).click()
    fill_line(page, 1, "Training of 2 x Community Peer Mentor Cohorts", "2,300.00")
    add_line_button(page).click()
    fill_line(page, 2, "Support Coordinator", "5900")
    breakdown(page).locator("[data-line]").nth(1).get_by_role(
        "button", name=re.compile(r"^Remove line")
    ).click()
    expect(lines_total(page)).to_have_text("£7,100")
    save_button(page).click()

    expect(
        page.locator(".invalid-feedback").get_by_text(
            "Give the details of the risk management implications.", exact=True
        )
    ).to_be_visible()
    # The form comes back as the officer left it: the training line is not shown, nor
    # counted, as it will not be saved.
    expect_values(line_items(page), ["Out of pocket expenses and mileage", "Support Coordinator"])
    expect(lines_total(page)).to_have_text("£7,100")
    check_accessible(page)

    field(page, "Risk management: details").fill("Low: the provider is established.")
    save_button(page).click()

    expect(heading(page)).to_have_text("Decision Record Form")
    expect(funding_rows(page)).to_have_count(2)
    expect(funding_total(page)).to_have_text("£7,100")
    check_accessible(page)
    assert saved_lines(Decision.objects.get()) == [
        (0, "Out of pocket expenses and mileage", Decimal("1200.00")),
        (1, "Support Coordinator", Decimal("5900.00")),
    ]


def test_each_remove_line_button_is_named_after_its_line(page, login, organisation, officer):
    """A screen reader lists the buttons by name: "Remove line" three times would not
    say which line each removes (lines shown by the server are named after their item)."""
    login(officer)
    open_new_record(page)
    fill_line(page, 0, "Out of pocket expenses and mileage", "£1,200")
    add_line_button(page).click()
    fill_line(page, 1, "Support Coordinator", "5900")
    check_accessible(page)

    lines = breakdown(page).locator("[data-line]")
    expect(lines.nth(0).get_by_role("button")).to_have_accessible_name(
        "Remove line Out of pocket expenses and mileage"
    )
    expect(lines.nth(1).get_by_role("button")).to_have_accessible_name(
        "Remove line Support Coordinator"
    )
