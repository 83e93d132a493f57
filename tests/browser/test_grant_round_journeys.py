"""Grant rounds in a real browser: a new person registers, confirms their address,
adds their organisation and applies over two visits with the keyboard alone; a
colleague in the same organisation sees the application; an Officer screens it.

Every page of the journey, its refusals included, is checked with axe.
"""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from funding import services as funding_services
from grants import applicants
from grants.models import Application, ApplicationStatus, Organisation, Screening
from tests.factories import FundingStreamFactory
from tests.grants.conftest import PDF, make_applicant, open_a_round

from .conftest import assert_accessible as axe_finds_nothing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EMAIL = "ann@livingwithoutabuse.example"
APPLICANT_PASSWORD = "correct horse battery staple"
ROUND_NAME = "PCC Community Grant 2026/27"

# What is wrong with the element that has the focus, so that someone using the
# keyboard could not see where they are; "" when nothing is.
FOCUS_PROBLEM = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return "nothing has the focus";
  const what = element.outerHTML.slice(0, 160);
  const box = element.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return "the focused element has no size: " + what;
  if (!element.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
    return "the focused element is hidden: " + what;
  }
  if (box.bottom < 0 || box.top > window.innerHeight) {
    return "the focused element is off the screen: " + what;
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  if (!outline && style.boxShadow === "none") return "no focus indicator on: " + what;
  return "";
}"""


# Every id an aria-describedby or aria-labelledby names that is missing from the page,
# and every id that says "None" (a form field rendered without its own id).
BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const element of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const name of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (element.getAttribute(name) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${name}="${id}" names no element`);
      }
    }
  }
  for (const element of document.querySelectorAll("[id]")) {
    if (/(^|_)None(_|$)/.test(element.id)) broken.push(`id="${element.id}"`);
  }
  return broken;
}"""


# Helpers ----------------------------------------------------------------------------


def assert_accessible(page: Page) -> None:
    """axe finds no violation, and every description or label the page points at is
    there (axe passes a reference of several ids when only one of them exists)."""
    axe_finds_nothing(page)
    assert page.evaluate(BROKEN_REFERENCES) == [], page.url


def press(page: Page, key: str) -> None:
    """Press a key that moves the focus; the element reached must show that it has it."""
    page.keyboard.press(key)
    # Bootstrap scrolls smoothly and fades the focus ring in: on a busy machine the
    # element may take a few seconds to show it.
    for _ in range(100):
        problem = page.evaluate(FOCUS_PROBLEM)
        if not problem:
            return
        page.wait_for_timeout(50)
    pytest.fail(f"After {key} on {page.url}: {problem}")


def tab_until_focused(
    page: Page, target: Locator, *, key: str = "Tab", max_presses: int = 80
) -> None:
    """Press Tab (or Shift+Tab), as a keyboard user would, until ``target`` has the
    focus, checking at every press that the focus can be seen."""
    target.wait_for()
    for _ in range(max_presses):
        press(page, key)
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} was not reached with {max_presses} presses of {key}")


def follow(page: Page, link: Locator) -> None:
    """Reach a link or button with Tab and press Enter on it."""
    tab_until_focused(page, link)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def type_into(page: Page, box: Locator, text: str) -> None:
    tab_until_focused(page, box)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly ``label`` (a required one's label ends in *)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def date_keys(page: Page, day: date) -> str:
    """What a keyboard user types into a date box for ``day``: its parts in the order
    the browser shows them (day first in en-GB, month first in Chromium's default
    en-US), found by typing into a box on a page of its own."""
    probe = page.context.new_page()
    try:
        probe.set_content('<label for="d">Day</label><input type="date" id="d">')
        probe.get_by_label("Day").press_sequentially("01022003")
        day_first = probe.get_by_label("Day").input_value() == "2003-02-01"
    finally:
        probe.close()
    parts = ("%d", "%m") if day_first else ("%m", "%d")
    return day.strftime(f"{parts[0]}{parts[1]}%Y")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def detail(page: Page, term: str) -> Locator:
    """The value shown against ``term`` in a details list (``<dt>``/``<dd>``)."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def task_status(page: Page, section: str) -> Locator:
    rows = page.get_by_test_id("task-list").get_by_role("listitem")
    return rows.filter(has=page.get_by_text(section, exact=True))


def sign_in(page: Page, username: str, password: str, *, check: bool = False) -> None:
    page.goto("/accounts/login/")
    if check:
        expect(h1(page)).to_have_text("Sign in")
        assert_accessible(page)
    field(page, "Username or e-mail address").fill(username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out_with_the_keyboard(page: Page) -> None:
    # The account menu is in the header, above where the focus is: back up to it.
    tab_until_focused(page, page.get_by_test_id("signed-in-as"), key="Shift+Tab")
    page.keyboard.press("Enter")
    follow(page, page.get_by_role("button", name="Sign out"))
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def link_in_email(message) -> str:
    """The path of the one link the e-mail holds (the link names the site's own
    address, not the test server's)."""
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_round(organisation, officer):
    """A round open for a fortnight, with eligibility questions, two sections of
    questions and two documents, spending a stream with money available."""
    stream = FundingStreamFactory(
        financial_year=funding_services.financial_year_get_or_create(start_year=2026),
        name="Community Safety Fund",
        budget=Decimal("100000"),
    )
    funding_services.plan_theme_get_or_create(name="Protecting vulnerable people")
    return open_a_round(officer, stream, ROUND_NAME)


@pytest.fixture
def files(tmp_path):
    """A small PDF, and a file named like one that is not (its leading bytes say so)."""
    (pdf := tmp_path / "accounts-2025.pdf").write_bytes(PDF)
    (not_a_pdf := tmp_path / "safeguarding.pdf").write_bytes(b"MZ\x90\x00 a program\n")
    return pdf, not_a_pdf


# The journey ------------------------------------------------------------------------


def register_and_confirm(page: Page) -> None:
    """From the round's public page: register, follow the link e-mailed, and arrive
    signed in."""
    page.goto("/rounds/")
    expect(h1(page)).to_have_text("Grant rounds")
    assert_accessible(page)
    page.get_by_role("link", name=ROUND_NAME).click()
    expect(h1(page)).to_have_text(ROUND_NAME)
    expect(detail(page, "Largest award")).to_have_text("£10,000")
    assert_accessible(page)

    page.get_by_role("link", name="Register to apply").click()
    expect(h1(page)).to_have_text("Register to apply for a grant")
    assert_accessible(page)
    field(page, "Full name").fill("Ann Applicant")
    field(page, "E-mail address").fill(EMAIL)
    field(page, "Password").fill(APPLICANT_PASSWORD)
    field(page, "Password again").fill("correct horse battery stable")
    page.get_by_role("button", name="Register").click()

    # A refusal: the two passwords differ.
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the same password twice")
    assert_accessible(page)
    assert mail.outbox == []
    field(page, "Password").fill(APPLICANT_PASSWORD)
    field(page, "Password again").fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name="Register").click()

    expect(h1(page)).to_have_text("Check your e-mail")
    expect(page.get_by_text(f"We have sent a link to {EMAIL}")).to_be_visible()
    assert_accessible(page)
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Confirm your e-mail address for PCC Grants"

    page.goto(link_in_email(message))
    expect(page.get_by_role("status")).to_contain_text(
        "Your e-mail address is confirmed and you are signed in."
    )
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Ann Applicant (Applicant)")
    expect(h1(page)).to_have_text("Your applications")
    expect(page.get_by_text("Your organisations have not applied")).to_be_visible()
    assert_accessible(page)


def add_the_organisation(page: Page) -> None:
    """From the round's page, through "Start an application": the person has no
    organisation yet, adds theirs, and comes back to start."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Grant rounds open").click()
    expect(h1(page)).to_have_text("Grant rounds")
    assert_accessible(page)
    page.get_by_role("link", name=ROUND_NAME).click()
    expect(page.get_by_role("link", name="Start an application")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start an application").click()
    expect(h1(page)).to_have_text(f"Start an application to {ROUND_NAME}")
    expect(page.get_by_text("You are not a member of one yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add your organisation").click()
    expect(h1(page)).to_have_text("Add your organisation")
    assert_accessible(page)
    field(page, "Organisation name").fill("Living Without Abuse")
    field(page, "Charity number").fill("1155789")
    field(page, "Address").fill("1 Market Street, Loughborough")
    field(page, "Postcode").fill("LE11 3EP")
    field(page, "Your job title").fill("Project lead")
    page.get_by_role("button", name="Add the organisation").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Living Without Abuse is registered, with you as a member."
    )
    expect(h1(page)).to_have_text(f"Start an application to {ROUND_NAME}")
    expect(field(page, "Living Without Abuse")).to_be_checked()
    assert_accessible(page)


def first_visit_with_the_keyboard(page: Page) -> None:
    """Start, answer the first sections (one answer refused, then put right), look at
    what is still to do, and save to come back later."""
    follow(page, page.get_by_role("button", name="Start the application"))
    expect(h1(page)).to_have_text("Your application")
    expect(task_status(page, "Eligibility")).to_contain_text("Not started")
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Eligibility"))
    expect(h1(page)).to_have_text("Eligibility")
    assert_accessible(page)
    tab_until_focused(page, field(page, "We are a not-for-profit organisation."))
    page.keyboard.press("Space")
    # The radios of a question are one stop: Tab reaches "Yes", the arrow moves to "No".
    tab_until_focused(page, page.get_by_role("radio", name="Yes"))
    press(page, "ArrowDown")
    expect(page.get_by_role("radio", name="No")).to_be_checked()
    follow(page, page.get_by_role("button", name="Save and continue"))

    expect(h1(page)).to_have_text("Your project")
    expect(page.get_by_role("status")).to_contain_text("“Eligibility” is saved.")
    assert_accessible(page)
    type_into(page, field(page, "Project title"), "Domestic abuse helpline")
    type_into(page, field(page, "Start date"), date_keys(page, date(2026, 4, 1)))
    expect(field(page, "Start date")).to_have_value("2026-04-01")
    type_into(page, field(page, "End date"), date_keys(page, date(2027, 3, 31)))
    expect(field(page, "End date")).to_have_value("2027-03-31")
    tab_until_focused(page, field(page, "Plan theme"))
    page.keyboard.press("ArrowDown")
    expect(field(page, "Plan theme")).to_have_value(re.compile(r"^\d+$"))
    follow(page, page.get_by_role("button", name="Save and continue"))

    expect(h1(page)).to_have_text("About your project")
    assert_accessible(page)
    answer = field(page, "What will the project do?")
    type_into(page, answer, "A helpline for victims of domestic abuse, open every evening.")
    expect(page.get_by_text("You have used 10 of 50 words.")).to_be_visible()
    type_into(page, field(page, "How many people will it reach?"), "lots")
    follow(page, page.get_by_role("button", name="Save and continue"))

    # Refused, naming the question; what was typed is kept.
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(h1(page)).to_have_text("About your project")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("“How many people will it reach?”: enter a number, like 25.")
    expect(summary).to_be_focused()
    reach = field(page, "How many people will it reach?")
    expect(reach).to_have_value("lots")
    expect(reach).to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_value("A helpline for victims of domestic abuse, open every evening.")
    assert_accessible(page)
    type_into(page, reach, "120")
    follow(page, page.get_by_role("button", name="Save and come back later"))

    expect(h1(page)).to_have_text("Domestic abuse helpline")
    expect(page.get_by_role("status")).to_contain_text("“About your project” is saved.")
    for section in ("Eligibility", "Your project", "About your project"):
        expect(task_status(page, section)).to_contain_text("Completed")
    for section in ("Delivery", "Amount and costs", "Documents"):
        expect(task_status(page, section)).to_contain_text("Not started")
    assert_accessible(page)

    # Checking the answers now lists what is still to do, and submitting is refused.
    follow(page, page.get_by_role("link", name="Check your answers"))
    expect(h1(page)).to_have_text("Check your answers before submitting")
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("When will the first session run?")
    expect(problems).to_contain_text("Safeguarding policy")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Submit the application"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("The application was not submitted")
    expect(refused).to_contain_text("Latest accounts")
    assert_accessible(page)
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def second_visit_with_the_keyboard(page: Page, choosers: list, files) -> None:
    """Back to the draft from the account: the answers of the first visit are there;
    the rest is answered, the documents uploaded (a false PDF refused), and the
    application checked and submitted."""
    pdf, not_a_pdf = files
    expect(h1(page)).to_have_text("Your applications")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Draft"))
    expect(h1(page)).to_have_text("Domestic abuse helpline")
    expect(task_status(page, "About your project")).to_contain_text("Completed")
    expect(task_status(page, "Delivery")).to_contain_text("Not started")
    assert_accessible(page)

    # The first visit's answers are still there.
    follow(page, page.get_by_role("link", name="About your project"))
    expect(h1(page)).to_have_text("About your project")
    assert_accessible(page)
    expect(field(page, "What will the project do?")).to_have_value(
        "A helpline for victims of domestic abuse, open every evening."
    )
    expect(field(page, "How many people will it reach?")).to_have_value("120")
    follow(page, page.get_by_role("button", name="Save and continue"))

    expect(h1(page)).to_have_text("Delivery")
    assert_accessible(page)
    first_session = date_keys(page, date(2026, 5, 1))
    type_into(page, field(page, "When will the first session run?"), first_session)
    type_into(page, field(page, "What other funding have you secured?"), "£2,000")
    follow(page, page.get_by_role("button", name="Save and continue"))

    expect(h1(page)).to_have_text("Amount and costs")
    assert_accessible(page)
    type_into(page, field(page, "Amount requested"), "£9,000")
    type_into(page, field(page, "Item 1"), "Helpline worker")
    type_into(page, field(page, "Cost 1"), "8,000")
    follow(page, page.get_by_role("button", name="Save and add another line"))
    expect(h1(page)).to_have_text("Amount and costs")
    expect(page.get_by_test_id("costs-total")).to_contain_text(
        "The cost lines saved add up to £8,000; you are asking for £9,000."
    )
    expect(page.get_by_test_id("costs-total")).to_contain_text(
        "They must add up to the amount requested."
    )
    assert_accessible(page)
    expect(field(page, "Item 1")).to_have_value("Helpline worker")
    type_into(page, field(page, "Item 2"), "Phones")
    type_into(page, field(page, "Cost 2"), "1,000")
    follow(page, page.get_by_role("button", name="Save and continue"))

    expect(h1(page)).to_have_text("Documents")
    assert_accessible(page)
    upload_with_the_keyboard(page, choosers, "Latest accounts", pdf)
    expect(page.get_by_role("status")).to_contain_text(
        "“accounts-2025.pdf” uploaded as “Latest accounts”."
    )
    assert_accessible(page)
    upload_with_the_keyboard(page, choosers, "Safeguarding policy", not_a_pdf)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("“Safeguarding policy”:")
    assert_accessible(page)
    upload_with_the_keyboard(page, choosers, "Safeguarding policy", pdf)
    expect(page.get_by_role("status")).to_contain_text(
        "“accounts-2025.pdf” uploaded as “Safeguarding policy”."
    )
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Continue"))

    expect(h1(page)).to_have_text("Check your answers before submitting")
    expect(page.get_by_test_id("problems")).to_have_count(0)
    expect(detail(page, "How many people will it reach?")).to_have_text("120")
    expect(detail(page, "When will the first session run?")).to_have_text("1 May 2026")
    expect(detail(page, "What other funding have you secured?")).to_have_text("£2,000")
    expect(detail(page, "Amount requested")).to_have_text("£9,000")
    expect(detail(page, "Start date")).to_have_text("1 April 2026")
    expect(detail(page, "Latest accounts")).to_have_text("accounts-2025.pdf")
    costs = page.get_by_role("table", name="Cost breakdown")
    expect(costs.get_by_role("row", name="Total")).to_contain_text("£9,000")
    assert_accessible(page)
    # Back up the page with Shift+Tab to the button, which follows the answers.
    tab_until_focused(page, page.get_by_role("link", name="Back to the application"))
    submit = page.get_by_role("button", name="Submit the application")
    tab_until_focused(page, submit, key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def upload_with_the_keyboard(page: Page, choosers: list, document: str, path) -> None:
    """Reach the document's file box with Tab, open the file chooser with Space,
    choose the file, and press Enter on its Upload button. ``choosers`` collects the
    file choosers the page opens (listened for from the start: Playwright takes a
    moment to begin catching them)."""
    box = page.get_by_role("region", name=document).get_by_label(document)
    tab_until_focused(page, box)
    choosers.clear()
    page.keyboard.press("Space")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, f"Space on the “{document}” box opened no file chooser"
    choosers.pop().set_files(path)
    follow(page, page.get_by_role("button", name=f"Upload {document}", exact=True))


def test_a_new_person_applies_over_two_visits_a_colleague_sees_it_and_staff_screen_it(
    page, organisation, officer, password, open_round, files
):
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))

    # 1. Registering, confirming the address, adding the organisation (mouse allowed).
    register_and_confirm(page)
    add_the_organisation(page)

    # 2. The application, with the keyboard alone, over two visits.
    first_visit_with_the_keyboard(page)
    sign_out_with_the_keyboard(page)
    assert_accessible(page)
    sign_in(page, EMAIL.upper(), APPLICANT_PASSWORD, check=True)
    second_visit_with_the_keyboard(page, choosers, files)
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Application \S+ submitted\."))

    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{3}", application.reference)
    assert len(application.content_sha256) == 64
    assert application.amount_requested == Decimal("9000.00")
    assert [(line.item, line.amount) for line in application.cost_lines.all()] == [
        ("Helpline worker", Decimal("8000.00")),
        ("Phones", Decimal("1000.00")),
    ]
    assert {d.required_document.name for d in application.documents.all()} == {
        "Latest accounts",
        "Safeguarding policy",
    }
    expect(page.get_by_role("status")).to_contain_text(
        f"Application {application.reference} submitted."
    )
    expect(detail(page, "Status")).to_have_text("Submitted")
    expect(detail(page, "Reference")).to_have_text(application.reference)
    expect(detail(page, "Eligibility")).to_have_text("Not screened yet")
    assert_accessible(page)
    acknowledgement = mail.outbox[-1]
    assert acknowledgement.to == [EMAIL]
    assert acknowledgement.subject == f"Application {application.reference} received"

    # 3. A colleague who joined the organisation sees the application.
    ann = application.submitted_by
    colleague = make_applicant("bea@livingwithoutabuse.example", "Bea Finance")
    joining = applicants.join_request_create(
        by=colleague, organisation=Organisation.objects.get(), job_title="Finance contact"
    )
    applicants.join_request_answer(join_request=joining, by=ann, accept=True)
    sign_out_with_the_keyboard(page)
    sign_in(page, colleague.email, "correct horse battery staple")
    expect(h1(page)).to_have_text("Your applications")
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_contain_text("Domestic abuse helpline")
    expect(row).to_contain_text("Living Without Abuse")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Not screened")
    assert_accessible(page)
    row.get_by_role("link", name=application.reference).click()
    expect(detail(page, "Submitted")).to_contain_text("by Ann Applicant")
    assert_accessible(page)

    # 4. An Officer opens the round and screens the application eligible.
    sign_out_with_the_keyboard(page)
    sign_in(page, officer.username, password)
    expect(h1(page)).to_have_text("Dashboard")
    assert_accessible(page)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Funding", exact=True).click()
    nav.get_by_role("link", name="Grant rounds", exact=True).click()
    expect(h1(page)).to_have_text("Grant rounds")
    assert_accessible(page)
    page.get_by_role("link", name=ROUND_NAME).click()
    expect(h1(page)).to_contain_text(ROUND_NAME)
    staff_row = page.get_by_role("table", name=f"Applications to {ROUND_NAME}").get_by_role(
        "row", name=re.compile(application.reference)
    )
    expect(staff_row).to_contain_text("£9,000")
    expect(staff_row).to_contain_text("Protecting vulnerable people")
    expect(staff_row).to_contain_text("Not screened")
    assert_accessible(page)
    staff_row.get_by_role("link", name=application.reference).click()
    expect(h1(page)).to_contain_text("Domestic abuse helpline")
    assert_accessible(page)

    # Recording it without an answer is refused, naming the question.
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Eligible", exact=True).check()
    page.get_by_role("button", name="Record the screening").click()
    screened = f"{application.reference} screened eligible."
    expect(page.get_by_role("status")).to_contain_text(screened)
    assert_accessible(page)
    application.refresh_from_db()
    assert application.screening == Screening.ELIGIBLE
    assert application.screened_by == officer

    # 5. The applicant's account shows it eligible.
    sign_out_with_the_keyboard(page)
    sign_in(page, EMAIL, APPLICANT_PASSWORD)
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_contain_text("Eligible")
    assert_accessible(page)
    row.get_by_role("link", name=application.reference).click()
    expect(detail(page, "Eligibility")).to_have_text("Eligible")
    assert_accessible(page)
