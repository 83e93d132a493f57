"""axe on every grant round page a journey does not pass through: the staff's round
form (empty and refused), round page, extension (refused), application page and
requests to join; the applicant's organisation pages, a submitted application and its
withdrawal; the public pages for a closed round and a link that does not work."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from grants import applicants
from grants import services as grant_services
from pcc_grants.roles import Role

from ..factories import FundingStreamFactory
from ..grants.conftest import complete_application, make_applicant, round_parts
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def world(make_user, organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = make_user(Role.OFFICER, username="rounds-officer")
    now = timezone.now()
    fields = {
        "funding_stream": FundingStreamFactory(),
        "guidance": "Projects that make the county safer.",
        "budget": 50000,
        "minimum_award": 500,
        "maximum_award": 10000,
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=14),
        **round_parts(),
    }
    grant_round = grant_services.round_create(by=officer, name="Community Grant", **fields)
    grant_round = grant_services.round_transition(
        grant_round=grant_round, by=officer, action="open"
    )
    draft_round = grant_services.round_create(by=officer, name="Next year's grant", **fields)
    applicant = make_applicant("lead@womensaid.example", "Wendy Lead")
    charity = applicants.organisation_create(by=applicant, name="Women's Aid Leicestershire")
    submitted = grant_services.application_submit(
        application=complete_application(grant_round, charity, applicant), by=applicant
    )
    joiner = make_applicant("new@womensaid.example", "Nina New")
    applicants.join_request_create(by=joiner, organisation=charity, message="I run the refuge.")
    return {
        "officer": officer,
        "round": grant_round,
        "draft_round": draft_round,
        "applicant": applicant,
        "charity": charity,
        "submitted": submitted,
    }


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def visit(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_accessible(page)


def test_every_staff_grant_page_passes_axe(page, world, password):
    sign_in(page, "rounds-officer", password)
    grant_round, submitted = world["round"], world["submitted"]

    visit(page, "/staff/rounds/", "Grant rounds")
    visit(page, "/staff/rounds/new/", "New grant round")
    page.get_by_role("button", name="Save the round").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    visit(page, f"/staff/rounds/{world['draft_round'].pk}/edit/", "Edit draft")
    visit(page, grant_round.get_absolute_url(), grant_round.name)
    visit(page, f"/staff/rounds/{grant_round.pk}/extend/", "Extend the closing time")
    page.get_by_role("button", name="Extend the closing time").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    visit(page, submitted.get_staff_url(), submitted.title)
    visit(page, "/staff/rounds/join-requests/", "Requests to join organisations")
    expect(page.get_by_text("I run the refuge.")).to_be_visible()


def test_every_applicant_and_public_grant_page_passes_axe(page, world, password):
    visit(page, "/apply/verify/not-a-link/", "This link does not work")
    visit(page, "/apply/verify/", "Send me a new link")
    visit(page, "/apply/register/", "Register to apply")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "lead@womensaid.example", password)
    submitted, charity = world["submitted"], world["charity"]
    visit(page, "/apply/", "Your applications")
    visit(page, charity.get_absolute_url(), charity.name)
    expect(page.get_by_role("button", name="Accept Nina New")).to_be_visible()
    visit(page, "/apply/organisations/new/", "Add your organisation")
    page.get_by_label("Organisation name").fill("women's aid leicestershire")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.get_by_text("You are a member of")).to_be_visible()
    assert_accessible(page)
    visit(page, submitted.get_absolute_url(), submitted.title)
    visit(page, f"/apply/applications/{submitted.pk}/check/", "What was submitted")
    visit(page, f"/apply/applications/{submitted.pk}/withdraw/", "Withdraw application")
