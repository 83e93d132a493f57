"""axe on the review's pages: the reviewer's list, a declaration, a review being scored
and one submitted; the staff's reviewers, the form to add one, a round's reviewers page
with a conflicted review, and the application page's Reviews block."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from grants import reviewing
from tests.browser.conftest import assert_accessible
from tests.grants.conftest import (  # noqa: F401 - fixtures, named as arguments
    applicant,
    applicant_organisation,
    open_round,
    stream,
    theme,
)
from tests.grants.reviewing_setup import assigned, declared, submitted, submitted_review, to_review

# ruff: noqa: F811

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _sign_in(page, user, password):
    user.set_password(password)
    user.save()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_review_pages_are_accessible(
    page, password, officer, open_round, applicant_organisation, applicant, theme
):
    application = submitted(open_round, applicant_organisation, applicant, theme)
    grant_round = to_review(open_round, officer)
    rita = reviewing.reviewer_create(
        by=officer, name="Rita Reviewer", email="rita@reviewers.example", organisation="Acme"
    )
    omar = reviewing.reviewer_create(
        by=officer, name="Omar Other", email="omar@reviewers.example", organisation="Other"
    )
    review = assigned(grant_round, rita, officer)
    conflicted = assigned(grant_round, omar, officer)
    reviewing.review_declare(review=conflicted, by=omar.user, conflict=True, nature="A trustee.")

    _sign_in(page, rita.user, password)
    for url in (
        "/review/",
        reverse("grants_review:review", args=[review.pk]),
    ):
        page.goto(url)
        assert_accessible(page)
    declared(review)
    page.goto(reverse("grants_review:review", args=[review.pk]))
    assert page.get_by_role("button", name="Submit the review").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    other = reviewing.reviewer_create(
        by=officer, name="Sam Second", email="sam@reviewers.example", organisation="Second"
    )
    submitted_review(
        reviewing.assign_application(application=application, reviewer=other, by=officer)
    )
    _sign_in(page, other.user, password)
    page.goto(reverse("grants_review:review", args=[other.reviews.get().pk]))
    assert page.locator("#review-sha256").is_visible()
    assert_accessible(page)

    _sign_in(page, officer, password)
    for url in (
        reverse("grants:reviewers"),
        reverse("grants:reviewer_new"),
        reverse("grants:reviewer_staff"),
        reverse("grants:round_reviewers", args=[grant_round.pk]),
        application.get_staff_url(),
    ):
        page.goto(url)
        assert_accessible(page)
    page.goto(reverse("grants:reviewer_new"))
    page.get_by_role("button", name="Add the reviewer").click()
    page.wait_for_load_state()
    assert_accessible(page)
