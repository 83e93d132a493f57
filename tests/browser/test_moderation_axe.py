"""axe on the moderation page (with its fund line and a flagged spread) and the round
summary for the Review Panel."""

import pytest
from playwright.sync_api import expect

from pcc_grants.roles import Role

from ..grants.moderation_data import make_application, make_review, make_round
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_moderation_page_and_the_round_summary_pass_axe(page, login, make_user):
    grant_round = make_round(budget="1000", name="Safer Streets 2026")
    first = make_application(grant_round, "G-001", "600")
    make_review(first, (5, 5, 5))
    make_review(first, (3, 3, 3))  # a spread of 40: flagged
    second = make_application(grant_round, "G-002", "500")
    make_review(second, (4, 3, 5))  # below the line, short of reviews
    make_application(grant_round, "G-003", "250")  # not scored yet
    login(make_user(Role.OFFICER, username="moderating-officer"))

    page.goto(f"/staff/rounds/{grant_round.pk}/")
    page.get_by_role("link", name="Moderation: the ranking and the fund line").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moderation")
    expect(page.locator("#fund-line")).to_contain_text("The fund line")
    expect(page.get_by_text("Spread above 20 — look again")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Round summary for the panel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Round summary")
    expect(page.locator("#ratio")).to_contain_text("1.35 times the budget")
    assert_accessible(page)
