"""Reviewers, assignments, declarations and scores, through the services: what each
refuses (with the database unchanged), the lock, and the conflicts the product finds."""

# The fixtures of reviewing_setup are imported by name, and named again as arguments.
# ruff: noqa: F811

from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError

from grants import reviewing
from grants.models import (
    Review,
    Reviewer,
    ReviewerAssignment,
    ReviewEvent,
    ReviewStatus,
    Score,
    canonical_sha256,
)
from grants.services import round_transition
from pcc_grants.models import User
from pcc_grants.roles import Role, has_role
from tests.factories import UserFactory

from .reviewing_setup import (
    PARTNER,
    applications,  # noqa: F401 - fixtures
    assigned,
    cfo,  # noqa: F401
    declared,
    in_review,  # noqa: F401
    other_reviewer,  # noqa: F401
    reviewer,  # noqa: F401
    scored,
    second_applicant,  # noqa: F401
    second_organisation,  # noqa: F401
    submitted_review,
    to_review,
)

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Review.objects.values_list("pk", "status", "declaration", "recommendation")),
        list(Score.objects.values_list("review", "criterion", "score", "comment")),
        ReviewEvent.objects.count(),
        ReviewerAssignment.objects.count(),
        Reviewer.objects.count(),
        User.objects.count(),
    )


def _refused(call, *words, **kwargs):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    text = " ".join(caught.value.messages)
    for word in words:
        assert word in text, text
    assert _snapshot() == before
    return caught.value


# Reviewers ------------------------------------------------------------------------------


def test_an_external_reviewer_is_a_user_with_the_reviewer_role_and_a_link_to_sign_in(
    officer, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reviewer = reviewing.reviewer_create(
            by=officer,
            name="Rita  van Reviewer",
            email=" Rita@Reviewers.example ",
            organisation="Acme",
        )
    user = reviewer.user
    assert (user.username, user.email) == ("rita@reviewers.example", "rita@reviewers.example")
    assert (user.first_name, user.last_name) == ("Rita", "van Reviewer")
    assert not user.has_usable_password()
    assert has_role(user, Role.REVIEWER)
    assert reviewer.external and reviewer.organisation_key == "acme"
    [message] = mail.outbox
    assert message.to == ["rita@reviewers.example"]
    link = next(word for word in message.body.split() if "/review/welcome/" in word)
    path = link.removeprefix("http://testserver").split("://", 1)[-1]
    path = path[path.index("/review/") :]
    response = client.get(path, follow=True)
    assert b"Set your password" in response.content
    password = "a long and unusual passphrase 42"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.check_password(password)
    # The link works once: the token no longer matches the new password.
    assert not default_token_generator.check_token(user, path.rstrip("/").split("/")[-1])


def test_a_reviewer_is_refused_an_email_address_already_used_and_non_editors_are_refused(
    officer, applicant
):
    _refused(
        reviewing.reviewer_create,
        "has an account already",
        by=officer,
        name="Ann Again",
        email=applicant.email.upper(),
    )
    _refused(reviewing.reviewer_create, "e-mail address", by=officer, name="X", email="nope")
    _refused(reviewing.reviewer_create, "name", by=officer, name=" ", email="a@b.example")
    _refused(
        reviewing.reviewer_create,
        "Only the Officer or Chief Finance Officer",
        by=applicant,
        name="Self Made",
        email="self@made.example",
    )
    assert mail.outbox == []


def test_a_member_of_staff_becomes_a_reviewer_once_and_only_staff(officer, applicant):
    chief = UserFactory(username="chief", roles=[Role.CHIEF_EXECUTIVE])
    reviewer = reviewing.reviewer_for_staff(by=officer, user=chief, organisation="OPCC")
    assert not reviewer.external and has_role(User.objects.get(pk=chief.pk), Role.REVIEWER)
    _refused(reviewing.reviewer_for_staff, "a reviewer already", by=officer, user=chief)
    _refused(reviewing.reviewer_for_staff, "not a member of staff", by=officer, user=applicant)


# Conflicts the product finds ------------------------------------------------------------


def test_the_applicants_own_organisation_and_a_partner_in_the_budget_are_conflicts(
    officer, applications
):
    own, partnered = applications
    same = reviewing.reviewer_create(
        by=officer, name="Sam Same", email="sam@lwa.example", organisation="living without abuse!"
    )
    partner = reviewing.reviewer_create(
        by=officer, name="Pat Partner", email="pat@lyt.example", organisation=PARTNER
    )
    assert "Living Without Abuse, the applicant's own organisation" in (
        reviewing.automatic_conflict(same, own)
    )
    assert reviewing.automatic_conflict(same, partnered) is None
    reason = reviewing.automatic_conflict(partner, partnered)
    assert PARTNER in reason and "partner named in the budget" in reason
    assert reviewing.automatic_conflict(partner, own) is None


def test_the_providers_name_is_the_applicants_too(officer, applications):
    own, _ = applications
    provider = own.organisation.provider
    provider.name = "LWA Services Ltd"
    provider.save()
    reviewer = reviewing.reviewer_create(
        by=officer, name="Lee Lwa", email="lee@lwa.example", organisation="LWA Services Ltd"
    )
    own.refresh_from_db()
    assert "the applicant's own organisation" in reviewing.automatic_conflict(reviewer, own)


# Assigning ------------------------------------------------------------------------------


def test_assigning_a_round_skips_the_automatically_conflicted_and_says_why(
    officer, in_review, applications, theme, django_capture_on_commit_callbacks
):
    own, partnered = applications
    partner = reviewing.reviewer_create(
        by=officer, name="Pat Partner", email="pat@lyt.example", organisation=PARTNER
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviews, refused = reviewing.assign_round(
            grant_round=in_review, reviewer=partner, theme=theme, by=officer
        )
    assert [r.application for r in reviews] == [own]
    assert reviews[0].status == ReviewStatus.ASSIGNED
    [message] = refused
    assert partnered.reference in message and PARTNER in message
    assert ReviewerAssignment.objects.filter(reviewer=partner, theme=theme).count() == 1
    [email] = mail.outbox
    assert email.to == ["pat@lyt.example"] and own.reference in email.body
    # Again: nothing new, and no second e-mail for nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again, _ = reviewing.assign_round(
            grant_round=in_review, reviewer=partner, theme=theme, by=officer
        )
    assert again == [] and Review.objects.filter(reviewer=partner).count() == 1
    assert mail.outbox == []


def test_assigning_is_refused_while_the_round_is_open_and_to_non_editors(
    officer, open_round, applications, reviewer, applicant
):
    _refused(
        reviewing.assign_round,
        "The round is open",
        grant_round=open_round,
        reviewer=reviewer,
        by=officer,
    )
    _refused(
        reviewing.assign_application,
        "The round is open",
        application=applications[0],
        reviewer=reviewer,
        by=officer,
    )
    to_review(open_round, officer)
    _refused(
        reviewing.assign_round,
        "Only the Officer or Chief Finance Officer",
        grant_round=open_round,
        reviewer=reviewer,
        by=applicant,
    )


def test_assigning_one_application_refuses_an_automatic_conflict_and_a_duplicate(
    officer, in_review, applications, reviewer
):
    own, partnered = applications
    partner = reviewing.reviewer_create(
        by=officer, name="Pat Partner", email="pat@lyt.example", organisation=PARTNER
    )
    _refused(
        reviewing.assign_application,
        PARTNER,
        "partner named in the budget",
        application=partnered,
        reviewer=partner,
        by=officer,
    )
    reviewing.assign_application(application=own, reviewer=reviewer, by=officer)
    _refused(
        reviewing.assign_application,
        "assigned to",
        own.reference,
        application=own,
        reviewer=reviewer,
        by=officer,
    )


# Declaring ------------------------------------------------------------------------------


def test_only_the_reviewer_declares_and_a_conflict_needs_its_nature(
    officer, in_review, reviewer, other_reviewer
):
    review = assigned(in_review, reviewer, officer)
    _refused(
        reviewing.review_declare, "Only the reviewer", review=review, by=officer, conflict=False
    )
    _refused(
        reviewing.review_declare,
        "Only the reviewer",
        review=review,
        by=other_reviewer.user,
        conflict=False,
    )
    error = _refused(
        reviewing.review_declare,
        "Say what the conflict is",
        review=review,
        by=reviewer.user,
        conflict=True,
        nature="  ",
    )
    assert "conflict_nature" in error.message_dict
    review = reviewing.review_declare(
        review=review, by=reviewer.user, conflict=True, nature="I am one of its trustees."
    )
    assert (review.status, review.declaration) == (ReviewStatus.CONFLICTED, "conflict")
    event = review.events.get(action="declare_conflict")
    assert event.reason == "I am one of its trustees." and event.by == reviewer.user
    _refused(
        reviewing.review_declare,
        "declared already",
        review=review,
        by=reviewer.user,
        conflict=False,
    )


def test_no_conflict_opens_the_review_for_scoring(officer, in_review, reviewer):
    review = declared(assigned(in_review, reviewer, officer))
    assert (review.status, review.declaration) == (ReviewStatus.IN_PROGRESS, "no_conflict")
    assert review.declared_at is not None
    assert list(review.events.values_list("action", flat=True)) == ["assign", "declare_none"]


# Scoring --------------------------------------------------------------------------------


def test_scores_are_whole_numbers_on_the_rounds_scale(officer, in_review, reviewer):
    review = declared(assigned(in_review, reviewer, officer))
    criterion = in_review.criteria.first()
    user = reviewer.user
    for bad in (6, -1, 2.5, "3", True):
        _refused(
            reviewing.review_save,
            f"“{criterion.name}”",
            "from 0 to 5",
            review=review,
            by=user,
            scores={criterion.pk: (bad, "")},
        )
    _refused(
        reviewing.review_save,
        "not one of the round's",
        review=review,
        by=user,
        scores={999_999: (1, "")},
    )
    saved = reviewing.review_save(
        review=review, by=user, scores={criterion.pk: (5, " Clear need. ")}
    )
    score = saved.scores.get()
    assert (score.score, score.comment) == (5, "Clear need.")
    reviewing.review_save(review=review, by=user, scores={criterion.pk: (0, "Changed")})
    assert review.scores.get().score == 0


def test_fund_in_part_needs_an_amount_above_nothing_and_below_the_request(
    officer, in_review, reviewer
):
    review = declared(assigned(in_review, reviewer, officer))
    user = reviewer.user
    for amount in (None, Decimal("0"), Decimal("9000"), Decimal("9500")):
        _refused(
            reviewing.review_save,
            "fund in part",
            "£9,000.00 requested",
            review=review,
            by=user,
            scores={},
            recommendation="fund_in_part",
            recommended_amount=amount,
        )
    _refused(
        reviewing.review_save,
        "Choose fund",
        review=review,
        by=user,
        scores={},
        recommendation="maybe",
    )
    saved = reviewing.review_save(
        review=review,
        by=user,
        scores={},
        recommendation="fund_in_part",
        recommended_amount=Decimal("6000"),
    )
    assert saved.recommended_amount == Decimal("6000")
    saved = reviewing.review_save(
        review=review,
        by=user,
        scores={},
        recommendation="fund",
        recommended_amount=Decimal("6000"),
    )
    assert saved.recommended_amount is None


def test_only_the_reviewer_scores_only_in_progress_only_while_in_review(
    officer, in_review, reviewer, other_reviewer
):
    review = assigned(in_review, reviewer, officer)
    scores = scored(review)
    _refused(
        reviewing.review_save,
        "it takes no changes",
        review=review,
        by=reviewer.user,
        scores=scores,
    )
    review = declared(review)
    for someone in (officer, other_reviewer.user):
        _refused(
            reviewing.review_save, "Only the reviewer", review=review, by=someone, scores=scores
        )
    # Out of review (a round is decided only by its record; cancelled will do here).
    round_transition(grant_round=in_review, by=officer, action="cancel")
    _refused(
        reviewing.review_save,
        "The round is cancelled",
        review=review,
        by=reviewer.user,
        scores=scores,
    )


# Submitting: the lock -------------------------------------------------------------------


def test_submitting_names_every_criterion_not_scored_and_the_recommendation(
    officer, in_review, reviewer
):
    review = declared(assigned(in_review, reviewer, officer))
    first, *rest = in_review.criteria.all()
    reviewing.review_save(
        review=review, by=reviewer.user, scores={first.pk: (3, ""), rest[0].pk: (None, "later")}
    )
    error = _refused(reviewing.review_submit, review=review, by=reviewer.user)
    text = " ".join(error.messages)
    for criterion in rest:
        assert f"Score “{criterion.name}”" in text
    assert first.name not in text
    assert "Choose a recommendation" in text


def test_a_submitted_review_is_locked_by_the_hash_of_its_content(officer, in_review, reviewer):
    review = submitted_review(assigned(in_review, reviewer, officer))
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert review.content_sha256 == canonical_sha256(review.content)
    assert review.content["reviewer"] == "rita@reviewers.example"
    assert [s["score"] for s in review.content["scores"]] == [4, 4, 4]
    assert review.content["recommendation"] == "fund"
    event = review.events.get(action="submit")
    assert event.content_sha256 == review.content_sha256
    _refused(
        reviewing.review_save,
        "This review is submitted: it takes no changes",
        review=review,
        by=reviewer.user,
        scores=scored(review, 1),
        comment="Changed my mind",
    )
    _refused(
        reviewing.review_submit, "Only a review being scored", review=review, by=reviewer.user
    )


def test_staff_reopen_a_submitted_review_with_a_reason_kept_beside_its_hash(
    officer, in_review, reviewer, cfo, applicant
):
    review = submitted_review(assigned(in_review, reviewer, officer))
    locked = Review.objects.get(pk=review.pk).content_sha256
    _refused(
        reviewing.review_reopen, "Only the", review=review, by=reviewer.user, reason="I want to"
    )
    _refused(reviewing.review_reopen, "Only the", review=review, by=applicant, reason="x")
    _refused(reviewing.review_reopen, "Say why", review=review, by=cfo, reason="  ")
    review = reviewing.review_reopen(review=review, by=cfo, reason="Scored the wrong bid.")
    assert review.status == ReviewStatus.IN_PROGRESS and review.content_sha256 == ""
    event = review.events.get(action="reopen")
    assert (event.reason, event.content_sha256, event.by) == ("Scored the wrong bid.", locked, cfo)
    # Being scored again, it takes changes and is submitted with a new lock.
    reviewing.review_save(
        review=review, by=reviewer.user, scores=scored(review, 2), recommendation="do_not_fund"
    )
    review = reviewing.review_submit(review=review, by=reviewer.user)
    assert review.content_sha256 not in ("", locked)
