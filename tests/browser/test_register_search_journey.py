"""The public register's search and filters in a real browser: a visitor searches for
"knife", narrows to 2016/17, finds the record whose summary mentions knife crime and
not the others; a year with no decisions is named in the error summary, which takes
the focus; an officer puts a draft on the forward plan, which the public then reads
from the register's link. Every page is checked with axe."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from decisions import clock, services
from decisions.models import ReferenceCounter

from ..factories import ALL_PUBLISHED, signing_code
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def register(settings, tmp_path, monkeypatch, people, advance, password):
    """Three published records: 034-2016 (knife crime, decided in February 2017, so in
    2016/17), another on knife crime decided in 2017/18, and one on rural crime."""
    settings.MEDIA_ROOT = tmp_path

    def publish(title, summary, *, submitted, decided, number=None):
        monkeypatch.setattr(clock, "today", lambda: submitted)
        moment = datetime(decided.year, decided.month, decided.day, 10, tzinfo=UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)
        if number is not None:
            ReferenceCounter.objects.update_or_create(
                series="commissioner", year=submitted.year, defaults={"last_number": number - 1}
            )
        decision = services.decision_create(
            by=people["officer"],
            lead_officer=people["officer"],
            title=title,
            executive_summary=summary,
            decision="Agree the grant.",
        )
        services.decision_transition(
            decision=advance(decision, "approved"),
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            publication=ALL_PUBLISHED,
        )

    publish(
        "Schools safety programme",
        "Knife crime prevention in schools across the county.",
        submitted=date(2016, 12, 1),
        decided=date(2017, 2, 14),
        number=34,
    )
    publish(
        "Youth outreach",
        "Follow-on knife crime work.",
        submitted=date(2017, 5, 1),
        decided=date(2017, 6, 1),
    )
    publish(
        "Rural crime partnership",
        "Farm machinery thefts.",
        submitted=date(2016, 6, 1),
        decided=date(2016, 8, 1),
    )
    monkeypatch.undo()


def listed(page):
    """The titles the register lists, as a locator, so an assertion on them waits for
    the page that the last search loaded rather than reading the one it replaces."""
    return page.locator("tbody td a:not([href$='.pdf'])")


def test_a_visitor_searches_and_filters_the_register(page, register):
    page.goto("/decisions/")
    assert_accessible(page)
    page.get_by_label("Search", exact=True).fill("knife")
    page.get_by_role("button", name="Search").click()
    expect(listed(page)).to_have_text(["Youth outreach", "Schools safety programme"])
    page.get_by_label("Financial year").select_option(label="2016/17")
    page.get_by_role("button", name="Search").click()
    expect(listed(page)).to_have_text(["Schools safety programme"])
    expect(page.get_by_label("Financial year")).to_have_value("2016-17")
    expect(page.get_by_label("Search", exact=True)).to_have_value("knife")
    assert_accessible(page)

    page.get_by_label("Search", exact=True).fill("034/2016")
    page.get_by_label("Financial year").select_option(label="All years")
    page.get_by_role("button", name="Search").click()
    expect(listed(page)).to_have_text(["Schools safety programme"])

    page.goto("/decisions/?year=2026/27")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        "The register has no decisions made in 2026/27: choose a year from the list."
    )
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Financial year")).to_be_focused()
    expect(listed(page)).to_have_count(3)
    assert_accessible(page)


def test_an_officer_puts_a_draft_on_the_forward_plan_the_public_reads(page, login, officer):
    login(officer)
    page.goto("/staff/decisions/new/")
    page.locator("#id_title").fill("Exploitation support service")
    page.locator("#id_executive_summary").fill("Not for the public yet: costs under review.")
    page.locator("#id_decision").fill("Agree the service.")
    page.get_by_label("List it on the forward plan").check()
    page.get_by_label("Month the decision is expected").fill("2027-03")
    page.get_by_label("Summary for the forward plan").fill(
        "A new service supporting young victims of exploitation."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("On the public")).to_contain_text("expected March 2027")
    page.context.clear_cookies()
    page.goto("/decisions/")
    page.get_by_role("link", name="decisions expected (the forward plan)").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("March 2027")
    expect(row).to_contain_text("Exploitation support service")
    expect(row).to_contain_text("A new service supporting young victims of exploitation.")
    expect(page.locator("main")).not_to_contain_text("costs under review")
    assert_accessible(page)
