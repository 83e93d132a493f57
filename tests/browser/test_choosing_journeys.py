"""Choosing rather than typing, in a real browser: the recipient of an allocation
from suggestions (by keyboard alone), a near duplicate caught before it becomes a
second provider, the overspend warning on saving, a decision record drafted by
ticking two allocations, and a refused form's error summary.

Every page a journey visits is checked with axe.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from commissioning.models import Provider
from decisions.models import Decision
from funding.models import Allocation

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)
from .conftest import assert_accessible
from .test_decision_journeys import field
from .test_funding_journeys import tab_until_focused

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def stream(organisation):
    """A stream with £10,000 and £8,000 of it already proposed."""
    stream = FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Community Safety Grant",
        budget=Decimal("10000.00"),
    )
    AllocationFactory(funding_stream=stream, amount=Decimal("8000.00"), title="CCTV")
    return stream


@pytest.fixture
def partnership(db):
    ProviderFactory(name="Durham County Council")
    return ProviderFactory(name="Safe Durham Partnership")


def status_messages(page: Page):
    return page.get_by_role("status")


def test_keyboard_user_chooses_the_recipient_from_suggestions_and_is_warned_of_an_overspend(
    page, login, officer, stream, partnership
):
    login(officer)
    page.goto(stream.get_absolute_url())
    tab_until_focused(page, page.get_by_role("link", name="Add an allocation"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an allocation")
    assert_accessible(page)

    # The recipient comes first: the first field Tab reaches in the form.
    recipient = page.get_by_role("combobox", name="Recipient")
    tab_until_focused(page, recipient)
    page.keyboard.type("safe dur")
    suggestions = page.locator("#id_recipient_name__listbox")
    expect(suggestions.get_by_role("option", name="Safe Durham Partnership")).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(recipient).to_have_value("Safe Durham Partnership")

    page.keyboard.press("Tab")  # the stream, chosen already from the stream's page
    expect(page.get_by_label("Funding stream")).to_be_focused()
    tab_until_focused(page, page.get_by_label("Title"))
    page.keyboard.type("Hate crime advocacy")
    tab_until_focused(page, page.get_by_label("Amount"))
    page.keyboard.type("£5,000")
    tab_until_focused(page, page.get_by_role("button", name="Save allocation"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hate crime advocacy")
    expect(status_messages(page).filter(has_text="recorded as proposed")).to_be_visible()
    warning = page.get_by_text("If every proposed allocation of Community Safety Grant")
    expect(warning).to_contain_text("£3,000 more than the £10,000 it allows")
    assert_accessible(page)
    allocation = Allocation.objects.get(title="Hate crime advocacy")
    assert allocation.recipient == partnership
    assert Provider.objects.count() == 3  # two named here, one made by the stream's CCTV


def test_a_near_duplicate_name_is_caught_and_the_existing_provider_chosen(
    page, login, officer, stream, partnership
):
    providers = Provider.objects.count()
    login(officer)
    page.goto(f"/funding/allocations/new/?stream={stream.pk}")
    page.get_by_role("combobox", name="Recipient").fill("Safe Durham Partnershp")
    page.get_by_label("Title").fill("Hate crime advocacy")
    page.get_by_label("Amount").fill("£1,000")
    page.get_by_role("button", name="Save allocation").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    message = "“Safe Durham Partnershp” is not a provider yet, and looks like one that is"
    expect(summary).to_contain_text(message)
    assert_accessible(page)
    choices = page.get_by_role("group", name="Is it one of these providers?")
    expect(choices.get_by_role("radio")).to_have_count(2)
    summary.get_by_role("link", name=message).click()
    expect(choices.get_by_role("radio", name="Safe Durham Partnership")).to_be_focused()
    choices.get_by_role("radio", name="Safe Durham Partnership").check()
    page.get_by_role("button", name="Save allocation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hate crime advocacy")
    assert Allocation.objects.get(title="Hate crime advocacy").recipient == partnership
    assert Provider.objects.count() == providers


def test_a_refused_form_puts_the_focus_on_the_summary_whose_links_reach_each_field(
    page, login, officer, stream
):
    login(officer)
    page.goto("/funding/allocations/new/")
    page.get_by_role("button", name="Save allocation").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    assert_accessible(page)
    for message, label in (
        ("Choose the funding stream", "Funding stream"),
        ("Enter the title", "Title"),
        ("Enter the amount, for example £9,400", "Amount"),
    ):
        summary.get_by_role("link", name=message).click()
        expect(page.get_by_label(label)).to_be_focused()


def test_officer_drafts_a_decision_by_ticking_two_allocations(page, login, officer, stream):
    mentors = AllocationFactory(
        funding_stream=stream,
        recipient=ProviderFactory(name="Darlington Peer Mentors CIC"),
        title="Community Peer Mentors",
        amount=Decimal("9400.00"),
    )
    refuge = AllocationFactory(
        funding_stream=stream,
        recipient=ProviderFactory(name="Harbour Refuge"),
        title="Refuge support",
        amount=Decimal("1250.50"),
    )
    AllocationFactory(title="Another stream's allocation")
    login(officer)
    page.goto("/staff/decisions/new/")
    expect(page.get_by_label("OPCC lead officer")).to_have_value(str(officer.pk))
    field(page, "Title").fill("Community safety grants 2016/17")
    field(page, "Executive summary").fill("Two projects for the grant.")
    field(page, "Decision").fill("Agree both allocations.")

    # Find the stream's proposed allocations, without typing a reference.
    finder = page.get_by_role("search", name="Proposed allocations")
    finder.get_by_label("Funding stream").select_option(label=str(stream))
    finder.get_by_role("button", name="Find").click()
    finder = page.get_by_role("search", name="Proposed allocations")
    expect(finder.get_by_role("checkbox")).to_have_count(3)  # and the stream's CCTV
    expect(finder).not_to_contain_text("Another stream's allocation")
    assert_accessible(page)
    finder.get_by_role("checkbox", name="Community Peer Mentors").check()
    finder.get_by_role("checkbox", name="Refuge support").check()

    # Each one ticked starts its funding line at once; the total follows.
    items = page.locator("#funding-lines input[name$='-item']:visible")
    expect(items).to_have_count(3)  # the empty line, and the two started
    expect(items.nth(1)).to_have_value("Darlington Peer Mentors CIC: Community Peer Mentors")
    expect(page.locator("#lines-total")).to_have_text("£10,650.50")
    # Unticking one takes its line away again.
    finder.get_by_role("checkbox", name="Refuge support").uncheck()
    expect(items).to_have_count(2)
    finder.get_by_role("checkbox", name="Refuge support").check()
    expect(page.locator("#lines-total")).to_have_text("£10,650.50")
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()

    expect(status_messages(page).filter(has_text="saved")).to_be_visible()
    decision = Decision.objects.get()
    assert set(decision.allocations.all()) == {mentors, refuge}
    assert sorted((line.item, line.amount) for line in decision.funding_lines.all()) == [
        ("Darlington Peer Mentors CIC: Community Peer Mentors", Decimal("9400.00")),
        ("Harbour Refuge: Refuge support", Decimal("1250.50")),
    ]
    assert_accessible(page)


def test_a_focused_input_shows_the_strong_ring(page, login, officer, stream, tmp_path):
    """The picture of a focused field for the docs, and the ring it shows."""
    login(officer)
    page.goto("/funding/allocations/new/")
    amount = page.get_by_label("Amount")
    amount.focus()
    ring = amount.evaluate(
        "e => [getComputedStyle(e).outlineWidth, getComputedStyle(e).outlineColor]"
    )
    assert ring == ["3px", "rgb(255, 221, 0)"]
    recipient = page.get_by_role("combobox", name="Recipient")
    recipient.focus()
    ring = recipient.evaluate(
        "e => [getComputedStyle(e).outlineWidth, getComputedStyle(e).outlineColor]"
    )
    assert ring == ["3px", "rgb(255, 221, 0)"]


def test_a_provider_name_is_shown_in_the_suggestions_as_text_not_markup(
    page, login, officer, stream
):
    ProviderFactory(name='<img id="injected" src="/static/x.png"> Harbour Trust')
    login(officer)
    page.goto("/funding/allocations/new/")
    page.get_by_role("combobox", name="Recipient").press_sequentially("harbour")
    option = page.locator("#id_recipient_name__listbox").get_by_role("option")
    expect(option).to_have_text('<img id="injected" src="/static/x.png"> Harbour Trust')
    expect(page.locator("#injected")).to_have_count(0)
