"""The reviewers' and the staff's review pages: what each shows, and that a reviewer
reaches only their own, unconflicted reviews by every URL and every POST (acceptance
point 3 of issue 18)."""

# The fixtures of reviewing_setup are imported by name, and named again as arguments.
# ruff: noqa: F811

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import reviewing
from grants.models import Review, ReviewStatus, Score
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .reviewing_setup import (
    applications,  # noqa: F401 - fixtures
    assigned,
    declared,
    in_review,  # noqa: F401
    other_reviewer,  # noqa: F401
    reviewer,  # noqa: F401
    second_applicant,  # noqa: F401
    second_organisation,  # noqa: F401
    submitted_review,
)
from .staff_data import submitted_applications

pytestmark = pytest.mark.django_db

ANSWER = b"Weekly drop-in sessions."


def _signed_in(client, user):
    client.force_login(user)
    return client


def _posted_scores(review, score=3) -> dict:
    data = {"recommendation": "fund", "comment": "Good value."}
    for criterion in review.application.grant_round.criteria.all():
        data[f"score_{criterion.pk}"] = str(score)
        data[f"comment_{criterion.pk}"] = f"On {criterion.name}"
    return data


def _state(review):
    review.refresh_from_db()
    return (
        review.status,
        review.declaration,
        review.recommendation,
        review.content_sha256,
        list(Score.objects.filter(review=review).values_list("criterion", "score", "comment")),
    )


def test_the_declaration_page_shows_only_what_judges_a_conflict(
    client, officer, in_review, reviewer
):
    review = assigned(in_review, reviewer, officer)
    page = _signed_in(client, reviewer.user).get(reverse("grants_review:review", args=[review.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    application = review.application
    for shown in (application.reference, application.title, "Living Without Abuse"):
        assert shown in text
    assert "Helpline worker" in text and "Phones" in text  # the names in its budget
    assert ANSWER.decode() not in text and "Latest accounts" not in text
    assert 'name="score_' not in text
    assert "No conflict" in text and "I have a conflict" in text


def test_after_no_conflict_the_application_and_the_scoring_form_show(
    client, officer, in_review, reviewer
):
    review = assigned(in_review, reviewer, officer)
    client = _signed_in(client, reviewer.user)
    url = reverse("grants_review:review", args=[review.pk])
    response = client.post(
        reverse("grants_review:declare", args=[review.pk]), {"declaration": "no_conflict"}
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    page = client.get(url).content.decode()
    assert ANSWER.decode() in page and "Latest accounts" in page
    for criterion in in_review.criteria.all():
        assert criterion.name in page and f'name="score_{criterion.pk}"' in page
    assert "Submit the review" in page and "Fund in part" in page
    document = review.application.documents.first()
    download = client.get(reverse("grants_review:document", args=[review.pk, document.pk]))
    assert download.status_code == 200


def test_scoring_by_the_page_saves_then_submits_and_then_refuses_every_change(
    client, officer, in_review, reviewer
):
    review = declared(assigned(in_review, reviewer, officer))
    client = _signed_in(client, reviewer.user)
    url = reverse("grants_review:review", args=[review.pk])
    data = _posted_scores(review)
    assert client.post(url, {**data, "action": "save"}).status_code == 302
    assert review.scores.filter(score=3).count() == 3
    bad = {**data, "recommendation": "fund_in_part", "recommended_amount": "20000"}
    response = client.post(url, {**bad, "action": "submit"})
    assert response.status_code == 400 and "below the £9,000.00 requested" in response.text
    assert client.post(url, {**data, "action": "submit"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    page = client.get(url).content.decode()
    assert review.content_sha256 in page and 'name="score_' not in page
    before = _state(review)
    response = client.post(url, {**_posted_scores(review, 1), "action": "save"})
    assert response.status_code == 403
    assert _state(review) == before


def test_a_reviewer_reaches_no_other_reviewers_review_by_any_url_or_post(
    client, officer, in_review, reviewer, other_reviewer
):
    theirs = declared(assigned(in_review, other_reviewer, officer))
    document = theirs.application.documents.first()
    client = _signed_in(client, reviewer.user)
    before = _state(theirs)
    for url in (
        reverse("grants_review:review", args=[theirs.pk]),
        reverse("grants_review:declare", args=[theirs.pk]),
        reverse("grants_review:document", args=[theirs.pk, document.pk]),
    ):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {**_posted_scores(theirs), "action": "submit"}).status_code in (
            404,
            405,
        ), url
    assert (
        client.post(
            reverse("grants_review:declare", args=[theirs.pk]), {"declaration": "conflict"}
        ).status_code
        == 404
    )
    assert _state(theirs) == before
    assert theirs.application.reference not in client.get(reverse("grants_review:reviews")).text


def test_a_conflicted_review_cannot_be_opened_or_scored(client, officer, in_review, reviewer):
    review = assigned(in_review, reviewer, officer)
    client = _signed_in(client, reviewer.user)
    response = client.post(
        reverse("grants_review:declare", args=[review.pk]),
        {"declaration": "conflict", "conflict_nature": "My sister runs it."},
    )
    assert response.status_code == 302
    before = _state(review)
    assert before[0] == ReviewStatus.CONFLICTED
    document = review.application.documents.first()
    for url in (
        reverse("grants_review:review", args=[review.pk]),
        reverse("grants_review:declare", args=[review.pk]),
        reverse("grants_review:document", args=[review.pk, document.pk]),
    ):
        assert client.get(url).status_code in (404, 405), url
        posted = {**_posted_scores(review), "action": "submit", "declaration": "no_conflict"}
        assert client.post(url, posted).status_code in (404, 405), url
    assert _state(review) == before
    listing = client.get(reverse("grants_review:reviews")).text
    assert "Conflict declared" in listing
    assert reverse("grants_review:review", args=[review.pk]) not in listing


def test_a_conflict_needs_its_nature_on_the_page_too(client, officer, in_review, reviewer):
    review = assigned(in_review, reviewer, officer)
    client = _signed_in(client, reviewer.user)
    response = client.post(
        reverse("grants_review:declare", args=[review.pk]), {"declaration": "conflict"}
    )
    assert response.status_code == 400 and "Say what the conflict is" in response.text
    assert _state(review)[0] == ReviewStatus.ASSIGNED


def test_scores_posted_before_declaring_are_refused(client, officer, in_review, reviewer):
    review = assigned(in_review, reviewer, officer)
    client = _signed_in(client, reviewer.user)
    before = _state(review)
    url = reverse("grants_review:review", args=[review.pk])
    assert client.post(url, {**_posted_scores(review), "action": "save"}).status_code == 403
    document = review.application.documents.first()
    assert (
        client.get(reverse("grants_review:document", args=[review.pk, document.pk])).status_code
        == 403
    )
    assert _state(review) == before


def test_people_who_are_not_reviewers_are_refused_the_reviewers_pages(
    client, officer, applicant, in_review, reviewer
):
    review = assigned(in_review, reviewer, officer)
    for someone in (officer, applicant):
        client = _signed_in(client, someone)
        assert client.get(reverse("grants_review:reviews")).status_code == 403
        assert client.get(reverse("grants_review:review", args=[review.pk])).status_code == 403
        response = client.post(
            reverse("grants_review:declare", args=[review.pk]), {"declaration": "no_conflict"}
        )
        assert response.status_code == 403
    assert _state(review)[0] == ReviewStatus.ASSIGNED


def test_a_reviewers_home_is_their_reviews_and_the_menu_says_so(client, reviewer):
    client = _signed_in(client, reviewer.user)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/review/"
    page = client.get("/review/")
    assert "Your reviews" in page.text and "No application is assigned to you yet" in page.text


# Staff pages ----------------------------------------------------------------------------


def test_the_round_page_marks_a_conflicted_review_as_needing_a_replacement(
    client, officer, in_review, reviewer, other_reviewer
):
    review = assigned(in_review, reviewer, officer)
    reviewing.review_declare(
        review=review, by=reviewer.user, conflict=True, nature="I am one of its trustees."
    )
    client = _signed_in(client, officer)
    url = reverse("grants:round_reviewers", args=[in_review.pk])
    page = client.get(url).text
    assert "Rita Reviewer: Conflict declared (I am one of its trustees.), needs a replacement" in (
        page
    )
    assert "Needs a replacement reviewer" in page
    response = client.post(
        reverse("grants:application_assign", args=[in_review.pk]),
        {"application": review.application.pk, "reviewer": other_reviewer.pk},
    )
    assert response.status_code == 302
    assert Review.objects.filter(application=review.application, reviewer=other_reviewer).exists()
    staff_page = client.get(review.application.get_staff_url()).text
    assert "Omar Other" in staff_page and "Waiting for the declaration of interests" in staff_page


def test_the_staff_application_page_shows_each_reviews_weighted_score(
    client, officer, in_review, reviewer
):
    review = submitted_review(assigned(in_review, reviewer, officer))
    page = _signed_in(client, officer).get(review.application.get_staff_url()).text
    assert "Weighted score" in page and "80.00" in page  # 4 of 5 on every criterion


def test_staff_reopen_a_review_from_the_round_page_with_a_reason(
    client, officer, in_review, reviewer
):
    review = submitted_review(assigned(in_review, reviewer, officer))
    client = _signed_in(client, officer)
    url = reverse("grants:review_reopen", args=[review.pk])
    client.post(url, {"reason": ""})
    assert _state(review)[0] == ReviewStatus.SUBMITTED
    client.post(url, {"reason": "Scored the wrong bid."})
    assert _state(review)[0] == ReviewStatus.IN_PROGRESS
    assert review.events.get(action="reopen").reason == "Scored the wrong bid."


def test_staff_pages_change_nothing_for_readers(client, in_review, officer, reviewer):
    chief = UserFactory(username="chief", roles=[Role.CHIEF_EXECUTIVE])
    client = _signed_in(client, chief)
    assert client.get(reverse("grants:round_reviewers", args=[in_review.pk])).status_code == 200
    assert client.get(reverse("grants:reviewers")).status_code == 200
    own = in_review.applications.first()
    response = client.post(
        reverse("grants:application_assign", args=[in_review.pk]),
        {"application": own.pk, "reviewer": reviewer.pk},
    )
    assert response.status_code == 403 and not Review.objects.exists()
    response = client.post(reverse("grants:reviewer_new"), {"name": "X Y", "email": "x@y.example"})
    assert response.status_code == 403


def test_adding_an_external_reviewer_by_the_page(client, officer):
    client = _signed_in(client, officer)
    response = client.post(
        reverse("grants:reviewer_new"),
        {"name": "Rita Reviewer", "email": "rita@reviewers.example", "organisation": "Acme"},
    )
    assert response.status_code == 302
    page = client.get(reverse("grants:reviewers")).text
    assert "Rita Reviewer" in page and "rita@reviewers.example" in page and "External" in page


# Queries per page -----------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _many_reviews(grant_round, officer, reviewer, count: int, start: int):
    made = submitted_applications(grant_round, officer, ["1000"] * count, start=start)
    reviews = Review.objects.bulk_create(
        Review(application=a, reviewer=reviewer, status=ReviewStatus.IN_PROGRESS) for a in made
    )
    criteria = list(grant_round.criteria.all())
    Score.objects.bulk_create(
        Score(review=r, criterion=c, score=2) for r in reviews for c in criteria
    )


def test_the_reviewers_list_and_the_round_page_ask_as_many_queries_at_any_size(
    client, officer, in_review, reviewer, other_reviewer
):
    _many_reviews(in_review, officer, reviewer, 3, start=100)
    reviewer_client = _signed_in(client, reviewer.user)
    reviewer_client.get("/review/")
    small = _queries(reviewer_client, "/review/")
    staff = _signed_in(type(client)(), officer)
    url = reverse("grants:round_reviewers", args=[in_review.pk])
    staff.get(url)
    small_round = _queries(staff, url)

    _many_reviews(in_review, officer, reviewer, 20, start=200)
    Review.objects.bulk_create(
        Review(application=a, reviewer=other_reviewer, status=ReviewStatus.CONFLICTED)
        for a in in_review.applications.filter(reference__endswith="0")
    )
    assert _queries(reviewer_client, "/review/") == small
    assert _queries(staff, url) == small_round
    assert Review.objects.filter(reviewer=reviewer).count() == 23
