"""Attacks on grant rounds, each a test: forged requests, people posting what is not
theirs to post, ids guessed or swapped, the closing second, redirects elsewhere, markup
in what others read, rounds opened at once, and the frozen application changed."""

import html
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from decisions import clock
from grants import applicants, services, submission
from grants.models import (
    Application,
    ApplicationStatus,
    GrantRound,
    JoinRequest,
    JoinStatus,
    Membership,
    Organisation,
    RoundStatus,
    canonical_sha256,
)
from pcc_grants.roles import Role
from tests.bad_input.state import database_state, stored_files
from tests.factories import UserFactory
from tests.grants.conftest import PDF, complete_application, make_applicant, round_parts
from tests.test_bad_input import assert_shown_as_text, markup

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def text_of(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def bo(db):
    return make_applicant("bo@newfutures.example", "Bo Brown")


@pytest.fixture
def bo_organisation(bo):
    return applicants.organisation_create(by=bo, name="New Futures", charity_number="1099999")


@pytest.fixture
def submitted(open_round, bo, bo_organisation, theme):
    """Bo's organisation's application, submitted."""
    return services.application_submit(
        application=complete_application(open_round, bo_organisation, bo, theme), by=bo
    )


def unchanged(media):
    """What the database and the stored files hold now, to compare after an attack."""
    return database_state(), stored_files(media)


def section(application, slug: str) -> str:
    return reverse("grants_apply:section", args=[application.pk, slug])


def upload_to(application) -> tuple[str, dict]:
    document = application.grant_round.required_documents.first()
    return section(application, "documents"), {
        "required_document": document.pk,
        f"document_{document.pk}-file": SimpleUploadedFile("planted.pdf", PDF),
    }


def staff_posts(grant_round, application) -> list[tuple[str, dict]]:
    """Every staff step on a round and an application, as a POST that would do it."""
    act = [
        (reverse("grants:round_act", args=[grant_round.pk, action]), {})
        for action in ("close", "cancel", "start_review", "open")
    ]
    return [
        *act,
        (
            reverse("grants:round_extend", args=[grant_round.pk]),
            {"closes_on": "2099-01-01", "closes_time": "17:00", "reason": "Snow."},
        ),
        (
            reverse("grants:application_screen", args=[application.pk]),
            {"outcome": "ineligible", "reason": "Not local."},
        ),
        (reverse("grants:round_edit", args=[grant_round.pk]), {"name": "Taken"}),
        (reverse("grants:round_new"), {"name": "Planted"}),
    ]


def applicant_posts(draft, submitted) -> list[tuple[str, dict]]:
    return [
        (reverse("grants_apply:check", args=[draft.pk]), {}),
        (section(draft, "project"), {"title": "Taken over"}),
        (section(draft, "budget"), {"amount_requested": "1"}),
        upload_to(draft),
        (reverse("grants_apply:withdraw", args=[submitted.pk]), {}),
        (reverse("grants_apply:start", args=[draft.grant_round.slug]), {}),
    ]


# Forged requests ------------------------------------------------------------------------


def test_every_grants_post_needs_the_csrf_token(settings, officer, applicant, draft, submitted):
    browsers = {}
    for user in (applicant, officer, None):
        browsers[user] = Client(enforce_csrf_checks=True)
        if user is not None:
            browsers[user].force_login(user)
    before = unchanged(settings.MEDIA_ROOT)
    posts = [(applicant, url, data) for url, data in applicant_posts(draft, submitted)[:4]] + [
        (officer, url, data) for url, data in staff_posts(draft.grant_round, submitted)
    ]
    posts += [
        (applicant, reverse("grants_apply:organisation_new"), {"name": "Forged"}),
        (
            applicant,
            reverse("grants_apply:organisation_join", args=[submitted.organisation_id]),
            {},
        ),
        (None, reverse("grants_public:register"), {"email": "x@example.org"}),
    ]
    for user, url, data in posts:
        response = browsers[user].post(url, data)
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode(), url
    assert unchanged(settings.MEDIA_ROOT) == before
    # The same post with its token is taken: the 403 was the token's.
    forged = browsers[applicant]
    page = forged.get(section(draft, "project"))
    token = page.cookies["csrftoken"].value
    forged.post(section(draft, "project"), {"title": "With a token", "csrfmiddlewaretoken": token})
    draft.refresh_from_db()
    assert draft.title == "With a token"


# Roles ----------------------------------------------------------------------------------


def test_an_applicant_posting_staff_steps_is_refused_and_nothing_changes(
    client, settings, applicant, open_round, submitted
):
    client.force_login(applicant)
    before = unchanged(settings.MEDIA_ROOT)
    for url, data in staff_posts(open_round, submitted):
        assert client.post(url, data).status_code == 403, url
    assert unchanged(settings.MEDIA_ROOT) == before
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_an_officer_posting_an_applicants_steps_is_refused_and_nothing_changes(
    client, settings, officer, draft, submitted
):
    client.force_login(officer)
    before = unchanged(settings.MEDIA_ROOT)
    for url, data in applicant_posts(draft, submitted):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "These pages are for people applying for grants" in text_of(response), url
    assert unchanged(settings.MEDIA_ROOT) == before
    # The services refuse the officer too, whatever page calls them.
    with pytest.raises(ValidationError, match="Only the Applicant can do this."):
        services.application_submit(application=draft, by=officer)
    with pytest.raises(ValidationError, match="Only a member of the organisation"):
        services.application_save(application=draft, by=officer, title="Taken over")


# Another organisation's application, by guessed ids ----------------------------------------


def test_an_applicant_of_another_organisation_cannot_submit_withdraw_or_upload(
    client, settings, bo, draft, submitted, applicant
):
    """Bo (New Futures) aims at Ann's draft and Ann's submitted application."""
    annes_submitted = services.application_submit(application=draft, by=applicant)
    GrantRound.objects.filter(pk=draft.grant_round_id).update(several_applications=True)
    services.application_withdraw(application=submitted, by=bo)
    annes_draft = complete_application(
        draft.grant_round, draft.organisation, applicant, amount="5000"
    )
    client.force_login(bo)
    before = unchanged(settings.MEDIA_ROOT)

    for url, data in [
        (reverse("grants_apply:check", args=[annes_draft.pk]), {}),
        (reverse("grants_apply:withdraw", args=[annes_submitted.pk]), {}),
        upload_to(annes_draft),
        (section(annes_draft, "project"), {"title": "Taken over"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 404, url
        assert "Domestic abuse helpline" not in response.content.decode()

    assert unchanged(settings.MEDIA_ROOT) == before
    for attempt in (
        lambda: services.application_withdraw(application=annes_submitted, by=bo),
        lambda: services.application_submit(application=annes_draft, by=bo),
        lambda: services.application_document_add(
            application=annes_draft,
            by=bo,
            required_document=annes_draft.grant_round.required_documents.first(),
            upload=SimpleUploadedFile("planted.pdf", PDF),
        ),
    ):
        with pytest.raises(ValidationError, match="Only a member of the organisation"):
            attempt()
    assert unchanged(settings.MEDIA_ROOT) == before


def test_a_document_of_another_application_is_not_found_by_swapping_its_id(
    client, officer, applicant, draft, submitted
):
    annes = services.application_submit(application=draft, by=applicant)
    bos_document = submitted.documents.first()
    client.force_login(officer)
    swapped = reverse("grants:application_document", args=[annes.pk, bos_document.pk])
    assert client.get(swapped).status_code == 404
    own = reverse("grants:application_document", args=[submitted.pk, bos_document.pk])
    assert client.get(own).status_code == 200

    client.force_login(applicant)
    mine = annes.documents.first()
    assert (
        client.get(reverse("grants_apply:document", args=[annes.pk, mine.pk])).status_code == 200
    )
    theirs = reverse("grants_apply:document", args=[annes.pk, bos_document.pk])
    assert client.get(theirs).status_code == 404


# Organisations and who joins them --------------------------------------------------------


def test_a_member_of_one_organisation_cannot_answer_anothers_request(
    client, applicant, bo, bo_organisation, applicant_organisation
):
    cara = make_applicant("cara@westcotes.example", "Cara New")
    request = applicants.join_request_create(by=cara, organisation=bo_organisation)
    client.force_login(applicant)  # a member of Living Without Abuse, not of New Futures

    for url, data in [
        (reverse("grants_apply:join_request_answer", args=[request.pk]), {"accept": "1"}),
        (reverse("grants:join_request_answer", args=[request.pk]), {"answer": "accept"}),
    ]:
        assert client.post(url, data).status_code == 403, url

    request.refresh_from_db()
    assert request.status == JoinStatus.PENDING
    assert not Membership.objects.filter(user=cara).exists()


def test_joining_an_organisation_twice_or_ones_own_is_refused(
    client, applicant, bo, applicant_organisation
):
    join = reverse("grants_apply:organisation_join", args=[applicant_organisation.pk])
    client.force_login(bo)
    client.post(join, {"message": "First time."})
    again = client.post(join, {"message": "Second time."}, follow=True)
    assert "You have already asked to join Living Without Abuse; a member will answer." in text_of(
        again
    )
    assert JoinRequest.objects.filter(user=bo).count() == 1

    client.force_login(applicant)
    own = client.post(join, {}, follow=True)
    assert "You are already a member of Living Without Abuse." in text_of(own)
    assert not JoinRequest.objects.filter(user=applicant).exists()

    request = JoinRequest.objects.get(user=bo)
    applicants.join_request_answer(join_request=request, by=applicant, accept=True)
    with pytest.raises(ValidationError, match="This request was already answered."):
        applicants.join_request_answer(join_request=request, by=applicant, accept=True)
    assert Membership.objects.filter(user=bo, organisation=applicant_organisation).count() == 1


def test_someone_waiting_to_join_sees_nothing_of_the_organisations_applications(
    client, bo, draft, applicant_organisation
):
    applicants.join_request_create(by=bo, organisation=applicant_organisation)
    client.force_login(bo)
    document = draft.documents.first()

    for url in (
        applicant_organisation.get_absolute_url(),
        draft.get_absolute_url(),
        reverse("grants_apply:check", args=[draft.pk]),
        section(draft, "project"),
        reverse("grants_apply:document", args=[draft.pk, document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    account = client.get(reverse("grants_apply:account"))
    assert account.status_code == 200
    assert "Living Without Abuse" in text_of(account)  # the request, waiting
    assert "Domestic abuse helpline" not in account.content.decode()


# Signing in and coming back -------------------------------------------------------------


def test_an_applicant_who_has_not_followed_the_link_cannot_sign_in(client, organisation):
    user = applicants.applicant_register(
        email="dee@example.org", full_name="Dee Waiting", password=PASSWORD
    )
    assert user.groups.filter(name=Role.APPLICANT).exists()
    credentials = {"username": "dee@example.org", "password": PASSWORD}

    refused = client.post(reverse("login"), credentials)
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert refused.context["form"].errors

    applicants.applicant_verify(token=applicants.verification_token(user))
    assert client.post(reverse("login"), credentials).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " https://evil.example",
    ],
)
def test_adding_an_organisation_never_redirects_to_another_site(client, applicant, target):
    client.force_login(applicant)
    url = reverse("grants_apply:organisation_new")

    form = client.get(url, {"next": target}).content.decode()
    assert "evil.example" not in form and "javascript:" not in form

    response = client.post(
        url + "?next=" + target,
        {"name": "Holly Hayes Wood", "organisation_type": "charity", "next": target},
    )
    organisation = Organisation.objects.get(name="Holly Hayes Wood")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()


# The closing time -----------------------------------------------------------------------


def test_a_submission_at_the_closing_second_itself_is_refused(client, applicant, draft):
    client.force_login(applicant)
    with clock.at(draft.grant_round.closes_at):
        response = client.post(reverse("grants_apply:check", args=[draft.pk]))
    assert "The round closed at" in text_of(response)
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (ApplicationStatus.DRAFT, "")


def test_withdrawing_after_the_close_is_refused(client, bo, submitted, officer):
    client.force_login(bo)
    url = reverse("grants_apply:withdraw", args=[submitted.pk])
    with clock.at(submitted.grant_round.closes_at + timedelta(seconds=1)):
        response = client.post(url, follow=True)
    assert "The round closed at" in text_of(response)
    services.round_transition(grant_round=submitted.grant_round, by=officer, action="close")
    response = client.post(url, follow=True)
    assert "The round is closed: it takes no changes." in text_of(response)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.withdrawn_at) == (ApplicationStatus.SUBMITTED, None)


# Markup in what others read --------------------------------------------------------------


def test_markup_in_an_organisation_name_and_an_answer_is_shown_as_text_everywhere(
    client, officer, open_round, theme
):
    name, said = markup("org"), markup("said")
    eve = make_applicant("eve@example.org", "Eve Example")
    organisation = applicants.organisation_create(by=eve, name=name)
    application = complete_application(open_round, organisation, eve, theme)
    text = open_round.questions.get(kind="text")
    services.application_save(application=application, by=eve, responses={text.pk: said})
    application = services.application_submit(application=application, by=eve)

    client.force_login(eve)
    assert_shown_as_text(client.get(application.get_absolute_url()).content.decode(), name)
    client.force_login(officer)
    assert_shown_as_text(client.get(open_round.get_absolute_url()).content.decode(), name)
    staff_page = client.get(application.get_staff_url()).content.decode()
    assert_shown_as_text(staff_page, name, said)
    exported = client.get(reverse("grants:round_export", args=[open_round.pk, "csv"]))
    assert exported["Content-Type"].startswith("text/csv")
    assert exported["Content-Disposition"].startswith("attachment;")
    assert name in exported.content.decode() and said in exported.content.decode()


# The frozen application -----------------------------------------------------------------


def test_the_stored_hash_is_the_hash_of_what_was_submitted_and_the_admin_changes_nothing(
    client, submitted
):
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.content_sha256 == canonical_sha256(stored.content)
    assert stored.content == submission.application_content(stored)
    assert len(stored.content_sha256) == 64

    client.force_login(
        UserFactory(username="admin", roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    )
    before = database_state()
    for model, pk in (
        ("application", stored.pk),
        ("grantround", stored.grant_round_id),
        ("organisation", stored.organisation_id),
    ):
        change = reverse(f"admin:grants_{model}_change", args=[pk])
        assert client.post(change, {"title": "Changed", "name": "Changed"}).status_code == 403
        delete = reverse(f"admin:grants_{model}_delete", args=[pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert database_state() == before
    assert Application.objects.get(pk=submitted.pk).content_sha256 == stored.content_sha256


# Rounds opened at once (PostgreSQL) -------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_rounds_opened_at_once_never_take_more_than_the_stream_has(officer, stream):
    """£100,000 in the stream; ten rounds of £60,000 each opened in the same instant:
    one opens, each other is told the money left."""
    now = timezone.now()
    rounds = [
        services.round_create(
            by=officer,
            funding_stream=stream,
            name=f"Round {n}",
            guidance="Projects that reduce crime.",
            budget=Decimal("60000"),
            maximum_award=Decimal("10000"),
            opens_at=now,
            closes_at=now + timedelta(days=14),
            **round_parts(),
        )
        for n in range(1, 11)
    ]
    start = threading.Barrier(len(rounds))
    outcomes: dict[int, str] = {}

    def open_(grant_round):
        try:
            start.wait()
            services.round_transition(grant_round=grant_round, by=officer, action="open")
            outcomes[grant_round.pk] = "opened"
        except ValidationError as error:
            outcomes[grant_round.pk] = error.messages[0]
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=open_, args=(r,)) for r in rounds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    opened = GrantRound.objects.filter(status=RoundStatus.OPEN)
    assert opened.count() == 1
    assert sum(r.budget for r in opened) <= stream.available
    refused = f"The round's budget of £60,000 is more than the £40,000 {stream} has available."
    assert sorted(outcomes.values()) == [refused] * 9 + ["opened"]
