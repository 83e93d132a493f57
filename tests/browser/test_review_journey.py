"""A grant round from its review to an accepted offer, in a real browser (issue 18,
acceptance 1). The Officer starts the review and assigns two reviewers; one declares a
conflict on an application (and then cannot open it) and scores the other; the Officer
records the Review Panel's recommendations and drafts the Decision Record from them;
the record goes through the workflow to published and its allocation is approved; the
letters are sent; the successful applicant accepts the offer, which makes the grant
agreement with its monitoring returns; the unsuccessful one reads their letter.

The applications, the second reviewer's scores, the panel's meeting and the record's
signatures (which tests/browser/test_signoff_journey.py drives in the browser) are
made with the services. axe checks every page the journey visits.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from commissioning.models import Agreement
from decisions.models import Decision
from grants import applicants, reviewing
from grants import services as grant_services
from grants.models import Application, Letter, Review, ReviewStatus, RoundStatus
from tests.grants.conftest import make_applicant, open_a_round, stream, theme  # noqa: F401 - fixtures, named as arguments
from tests.grants.panel_data import meet
from tests.grants.reviewing_setup import submitted, submitted_review

from .conftest import assert_accessible

# ruff: noqa: F811

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CONFLICT = "I am a trustee of Leicester Warriors."


def visit(page: Page, path: str) -> None:
    page.goto(path)
    assert_accessible(page)


def press(page: Page, button) -> None:
    """Send a form by its button, wait for the page it leads to, and check that page."""
    with page.expect_navigation():
        button.click()
    assert_accessible(page)


def sign_in_as(page: Page, user, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _with_password(user, password: str):
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def test_a_round_from_its_review_to_an_accepted_offer_and_a_letter_read(
    page, people, advance, password, stream, theme
):
    officer = people["officer"]
    grant_round = open_a_round(officer, stream)
    ann = _with_password(make_applicant("ann@livingwithoutabuse.example"), password)
    bob = _with_password(make_applicant("bob@warriors.example", "Bob Bidder"), password)
    ann_org = applicants.organisation_create(by=ann, name="Living Without Abuse")
    bob_org = applicants.organisation_create(by=bob, name="Leicester Warriors")
    winner = submitted(grant_round, ann_org, ann, theme)
    loser = submitted(grant_round, bob_org, bob, theme)
    grant_services.round_transition(grant_round=grant_round, by=officer, action="close")
    rita = reviewing.reviewer_create(
        by=officer, name="Rita Reviewer", email="rita@reviewers.example", organisation="Acme"
    )
    omar = reviewing.reviewer_create(
        by=officer, name="Omar Other", email="omar@reviewers.example", organisation="Other Co"
    )
    _with_password(rita.user, password)

    # 1. The Officer starts the review and assigns both reviewers to every theme.
    sign_in_as(page, officer, password)
    visit(page, grant_round.get_absolute_url())
    press(page, page.get_by_role("button", name="Start the review"))
    press(page, page.get_by_role("link", name="Reviewers and reviews of this round"))
    for reviewer in (rita, omar):
        page.get_by_label(re.compile(r"^\s*Reviewer\*?\s*$")).select_option(label=str(reviewer))
        press(page, page.get_by_role("button", name="Assign", exact=True))
    assert Review.objects.filter(application__grant_round=grant_round).count() == 4

    # 2. Rita declares a conflict on Bob's application, then cannot open it; she scores
    # Ann's and submits.
    sign_in_as(page, rita.user, password)
    visit(page, "/review/")
    conflicted = Review.objects.get(reviewer=rita, application=loser)
    visit(page, f"/review/{conflicted.pk}/")
    page.get_by_label("The nature of your conflict").fill(CONFLICT)
    press(page, page.get_by_role("button", name="I have a conflict"))
    conflicted.refresh_from_db()
    assert (conflicted.status, conflicted.conflict_nature) == (ReviewStatus.CONFLICTED, CONFLICT)
    assert page.request.get(f"/review/{conflicted.pk}/").status == 404

    review = Review.objects.get(reviewer=rita, application=winner)
    visit(page, f"/review/{review.pk}/")
    press(page, page.get_by_role("button", name="No conflict"))
    for criterion in grant_round.criteria.all():
        scores = page.locator("fieldset").filter(has_text=criterion.name).first
        scores.get_by_label("4", exact=True).check()
        page.get_by_label(f"Comment on “{criterion.name}”").fill(f"Strong on {criterion.name}.")
    page.get_by_label("Fund", exact=True).check()
    page.get_by_label("Overall comment").fill("A clear need and a good plan.")
    press(page, page.get_by_role("button", name="Submit the review"))
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.content_sha256
    expect(page.get_by_text(review.content_sha256[:16])).to_be_visible()
    # Omar scores both (lower for Bob's), as the services would from his pages.
    for application in (winner, loser):
        theirs = Review.objects.get(reviewer=omar, application=application)
        submitted_review(theirs)

    # 3. The panel meets; the Officer records its recommendations and drafts the record.
    sign_in_as(page, officer, password)
    meet(grant_round, officer)
    visit(page, f"/staff/rounds/{grant_round.pk}/panel/")
    for application, outcome, reasons in (
        (winner, "Award", "Within the fund; a clear need."),
        (loser, "Do not award", "The panel prefers the other project."),
    ):
        visit(page, f"/staff/rounds/applications/{application.pk}/recommend/")
        page.get_by_label(outcome, exact=True).check()
        page.get_by_label("The panel's reasons").fill(reasons)
        press(page, page.get_by_role("button", name="Save the recommendation"))
    page.goto(f"/staff/rounds/{grant_round.pk}/panel/")
    press(page, page.get_by_role("button", name="Draft the decision record"))
    grant_round.refresh_from_db()
    decision = Decision.objects.get(pk=grant_round.decision_id)
    expect(page.get_by_text("Grant awards: PCC Community Grant 2026/27").first).to_be_visible()
    winner.refresh_from_db()
    allocation = winner.allocation
    assert allocation.status == "proposed" and allocation.decision_id == decision.pk

    # 4. Through the workflow to published: the allocation approved, the round decided.
    decision = advance(decision, "published")
    allocation.refresh_from_db()
    grant_round.refresh_from_db()
    assert allocation.status == "approved"
    assert grant_round.status == RoundStatus.DECIDED
    page.context.clear_cookies()
    visit(page, "/decisions/")
    expect(page.get_by_role("link", name=re.compile("Grant awards"))).to_be_visible()

    # 5. The letters: prepared and sent by the Officer.
    sign_in_as(page, officer, password)
    visit(page, f"/staff/rounds/{grant_round.pk}/letters/")
    press(page, page.get_by_role("button", name="Prepare the letters"))
    press(page, page.get_by_role("button", name=re.compile("^Send the 2 letters")))
    offer = Letter.objects.get(application=winner, kind="offer")
    outcome = Letter.objects.get(application=loser, kind="outcome")
    assert offer.sent_at and outcome.sent_at

    # Ann accepts the offer: the grant agreement is made, with its monitoring returns.
    sign_in_as(page, ann, password)
    visit(page, f"/apply/letters/{offer.pk}/")
    page.get_by_label("Your full name").fill("Ann Applicant")
    page.get_by_label("Your role in the organisation").fill("Chair of trustees")
    page.get_by_label(re.compile("I have read the terms above")).check()
    press(page, page.get_by_role("button", name="Accept the offer"))
    expect(page.get_by_text(re.compile("Accepted by Ann Applicant"))).to_be_visible()
    agreement = Agreement.objects.get(offer_acceptance__letter=offer)
    allocation.refresh_from_db()
    assert allocation.agreement_id == agreement.pk
    assert agreement.returns.count() >= 1

    # Bob reads his outcome letter and its feedback.
    sign_in_as(page, bob, password)
    visit(page, "/apply/")
    visit(page, f"/apply/letters/{outcome.pk}/")
    expect(page.get_by_text(re.compile("not been successful"))).to_be_visible()
    assert Application.objects.get(pk=loser.pk).letters.get().sent_at
