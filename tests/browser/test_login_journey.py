import re

import pytest
from playwright.sync_api import expect

from pcc_grants.roles import Role

from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_visitor_sees_the_public_landing_page_with_no_accessibility_violations(page, organisation):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organisation.name)
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert_accessible(page)


def test_officer_signs_in_through_the_form_and_reaches_the_dashboard(
    page, login, organisation, officer
):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    login(officer)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Charles Oakley (Officer)")
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Administration")
    assert_accessible(page)


def test_wrong_password_is_refused_with_a_message(page, organisation, officer):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    assert_accessible(page)


def test_administrator_menu_offers_administration_and_organisation_settings(
    page, login, organisation, make_user
):
    admin = make_user(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)
    login(admin)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Administration")).to_be_visible()
    nav.get_by_role("link", name="Organisation settings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("organisation settings")


def test_signing_out_returns_to_the_public_landing_page(page, login, organisation, officer):
    login(officer)
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(organisation.name)


def test_a_focused_control_shows_a_strong_yellow_ring(page, organisation, tmp_path):
    """WCAG 2.2 focus appearance: a 3px yellow outline on a focused input, however
    Bootstrap would draw it, and on a focused button."""
    page.goto("/accounts/login/")
    username = page.get_by_label("Username")
    username.focus()
    style = username.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, "
        "s.outlineColor, s.boxShadow]; }"
    )
    assert style[:3] == ["solid", "3px", "rgb(255, 221, 0)"]
    assert "inset" in style[3]
    page.keyboard.press("Tab")  # the password
    page.keyboard.press("Tab")  # the button
    button = page.get_by_role("button", name="Sign in")
    expect(button).to_be_focused()
    ring = button.evaluate(
        "e => [getComputedStyle(e).outlineWidth, getComputedStyle(e).outlineColor]"
    )
    assert ring == ["3px", "rgb(255, 221, 0)"]
