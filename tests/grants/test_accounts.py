"""An applicant's account: registering with an e-mail address and confirming it by the
link sent, organisations created or joined, and the applications their members see."""

import re
from decimal import Decimal
from html import escape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import applicants
from grants import services as grant_services
from grants.models import Applicant, JoinRequest, JoinStatus, Membership, Organisation
from pcc_grants.models import User

from .conftest import make_applicant
from .test_public_rounds import make_round

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
REGISTRATION = {
    "full_name": "Beth Brown",
    "email": "Beth@NewFutures.example",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _link_in(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return urlsplit(url).path


def _register(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("grants_public:register"), {**REGISTRATION, **changes})


def _signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_a_person_registers_confirms_by_the_link_is_signed_in_and_adds_their_organisation(
    client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    response = _register(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("grants_public:register_sent")
    page = client.get(response.url).content.decode()
    assert "We have sent a link to <strong>beth@newfutures.example</strong>" in page
    user = User.objects.get(email="beth@newfutures.example")
    assert not user.is_active
    assert [m.to for m in mailoutbox] == [["beth@newfutures.example"]]

    # Not able to sign in before following the link.
    refused = client.post(
        reverse("login"), {"username": "beth@newfutures.example", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert _signed_in_as(client) is None

    response = client.get(_link_in(mailoutbox[0]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("grants_apply:account")
    assert _signed_in_as(client) == user.pk
    page = response.content.decode()
    assert "Your e-mail address is confirmed and you are signed in." in page
    assert "You are not a member of an organisation yet." in page
    assert Applicant.objects.get(user=user).email_verified_at is not None

    response = client.post(
        reverse("grants_apply:organisation_new"),
        {
            "name": "New Futures",
            "organisation_type": "charity",
            "charity_number": "1098765",
            "address": "2 High Street, Leicester",
            "postcode": "LE1 1AA",
            "job_title": "Finance contact",
        },
        follow=True,
    )

    created = Organisation.objects.get(name="New Futures")
    assert response.redirect_chain[-1][0] == created.get_absolute_url()
    assert created.charity_number == "1098765"
    assert Membership.objects.get(organisation=created).user == user
    page = response.content.decode()
    assert "New Futures is registered, with you as a member." in page
    assert "Beth Brown, Finance contact" in page


def test_the_person_signs_in_on_the_sign_in_page_with_their_e_mail_address(
    client, applicant, organisation
):
    page = client.get(reverse("login")).content.decode()
    assert ">Username or e-mail address</label>" in page

    response = client.post(
        reverse("login"), {"username": "ann@livingwithoutabuse.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert _signed_in_as(client) == applicant.pk


def test_registering_an_e_mail_address_twice_is_refused_on_the_e_mail_field(
    client, applicant, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    response = _register(
        client, django_capture_on_commit_callbacks, email="Ann@LivingWithoutAbuse.example"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["form"].errors["email"] == [applicants.EMAIL_TAKEN]
    assert f'<a class="alert-link" href="#id_email">{applicants.EMAIL_TAKEN}' in page
    assert User.objects.filter(email__iexact="ann@livingwithoutabuse.example").count() == 1
    assert mailoutbox == []


def test_passwords_that_differ_or_are_weak_are_refused_on_their_field(client, organisation):
    response = client.post(
        reverse("grants_public:register"), {**REGISTRATION, "password2": "something else"}
    )
    assert response.context["form"].errors["password2"] == [
        "Enter the same password twice: the two you entered are different."
    ]

    response = client.post(
        reverse("grants_public:register"),
        {**REGISTRATION, "password1": "12345678", "password2": "12345678"},
    )
    assert "This password is entirely numeric." in response.context["form"].errors["password1"]
    assert not User.objects.filter(email="beth@newfutures.example").exists()


def test_a_changed_link_is_refused_with_its_reason_and_signs_no_one_in(
    client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, django_capture_on_commit_callbacks)
    link = _link_in(mailoutbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    changed = reverse("grants_public:verify", args=[token[:-3] + "abc"])

    response = client.get(changed)

    assert response.status_code == 400
    assert applicants.LINK_BROKEN in response.content.decode()
    assert _signed_in_as(client) is None
    assert not User.objects.get(email="beth@newfutures.example").is_active


def test_a_link_signs_in_only_once_then_only_confirms(
    client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, django_capture_on_commit_callbacks)
    link = _link_in(mailoutbox[0])
    client.get(link)
    client.post(reverse("logout"))

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your e-mail address is confirmed already: sign in to continue." in (
        response.content.decode()
    )
    assert _signed_in_as(client) is None


def test_a_second_person_asks_to_join_the_first_accepts_and_the_second_sees_its_applications(
    client,
    applicant,
    applicant_organisation,
    draft,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    second = make_applicant("carl@livingwithoutabuse.example", "Carl Jones")
    client.force_login(second)
    page = client.get(reverse("grants_apply:account")).content.decode()
    assert "Domestic abuse helpline" not in page

    # Found by its charity number, and asked to join.
    search = client.get(reverse("grants_apply:organisation_new"), {"q": "1155789"})
    assert "Ask to join Living Without Abuse" in search.content.decode()
    join_url = reverse("grants_apply:organisation_join", args=[applicant_organisation.pk])
    assert f'action="{join_url}"' in search.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            join_url, {"job_title": "Finance contact", "message": "I keep the books."}
        )
    assert response.url == reverse("grants_apply:account")
    join_request = JoinRequest.objects.get(user=second)
    assert join_request.status == JoinStatus.PENDING
    assert [m.to for m in mailoutbox] == [["ann@livingwithoutabuse.example"]]
    page = client.get(reverse("grants_apply:account")).content.decode()
    assert "Living Without Abuse: asked" in page
    assert "Domestic abuse helpline" not in page

    client.force_login(applicant)
    page = client.get(applicant_organisation.get_absolute_url()).content.decode()
    assert "Carl Jones (carl@livingwithoutabuse.example), Finance contact" in page
    assert "I keep the books." in page
    response = client.post(
        reverse("grants_apply:join_request_answer", args=[join_request.pk]), {"accept": "1"}
    )
    assert response.url == applicant_organisation.get_absolute_url()
    join_request.refresh_from_db()
    assert join_request.status == JoinStatus.ACCEPTED
    assert Membership.objects.get(user=second).job_title == "Finance contact"

    client.force_login(second)
    page = client.get(reverse("grants_apply:account")).content.decode()
    assert "Domestic abuse helpline" in page
    assert f'href="{draft.get_absolute_url()}">Draft</a>' in page
    assert "£9,000" in page
    assert "PCC Community Grant 2026/27" in page


def test_a_refused_request_makes_no_member(client, applicant, applicant_organisation):
    second = make_applicant("carl@livingwithoutabuse.example", "Carl Jones")
    join_request = applicants.join_request_create(by=second, organisation=applicant_organisation)
    client.force_login(applicant)

    client.post(
        reverse("grants_apply:join_request_answer", args=[join_request.pk]), {"accept": "0"}
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinStatus.REFUSED
    assert not Membership.objects.filter(user=second).exists()


def test_an_applicant_cannot_see_another_organisations_page_or_answer_its_requests(
    client, applicant, applicant_organisation, draft
):
    outsider = make_applicant("dee@otherproject.example", "Dee Outsider")
    asking = make_applicant("eve@livingwithoutabuse.example", "Eve Asking")
    join_request = applicants.join_request_create(by=asking, organisation=applicant_organisation)
    client.force_login(outsider)

    assert client.get(applicant_organisation.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("grants_apply:join_request_answer", args=[join_request.pk]), {"accept": "1"}
    )

    assert response.status_code == 403
    reason = applicants.MEMBERS_OR_STAFF.format(organisation="Living Without Abuse")
    assert escape(reason) in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinStatus.PENDING
    assert not Membership.objects.filter(user=asking).exists()
    page = client.get(reverse("grants_apply:account")).content.decode()
    assert "Domestic abuse helpline" not in page
    assert "Living Without Abuse" not in page


def test_staff_do_not_reach_the_applicants_pages(client, officer):
    client.force_login(officer)

    assert client.get(reverse("grants_apply:account")).status_code == 403
    assert client.get(reverse("grants_apply:organisation_new")).status_code == 403


def test_an_organisation_registered_already_is_refused_naming_the_field_and_offered_to_join(
    client, applicant_organisation
):
    second = make_applicant("carl@livingwithoutabuse.example", "Carl Jones")
    client.force_login(second)

    response = client.post(
        reverse("grants_apply:organisation_new"),
        {"name": "Another name", "organisation_type": "charity", "charity_number": "1155789"},
    )

    assert response.status_code == 200
    message = applicants.REGISTERED_BY["charity_number"].format(
        organisation="Living Without Abuse"
    )
    assert response.context["form"].errors["charity_number"] == [message]
    page = response.content.decode()
    assert f'<a class="alert-link" href="#id_charity_number">{message}' in page
    join_url = reverse("grants_apply:organisation_join", args=[applicant_organisation.pk])
    assert f'action="{join_url}"' in page
    assert "Ask to join Living Without Abuse</button>" in page
    assert Organisation.objects.count() == 1


def test_after_adding_an_organisation_the_applicant_returns_where_they_were(client, applicant):
    client.force_login(applicant)
    start = reverse("grants_apply:start", args=["pcc-community-grant-2026-27"])
    form_page = client.get(reverse("grants_apply:organisation_new"), {"next": start})
    assert f'name="next" value="{start}"' in form_page.content.decode()

    response = client.post(
        reverse("grants_apply:organisation_new"),
        {"name": "Westcotes Street Pastors", "organisation_type": "charity", "next": start},
    )

    assert response.url == start


def test_a_next_address_on_another_site_is_ignored(client, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("grants_apply:organisation_new"),
        {
            "name": "Westcotes Street Pastors",
            "organisation_type": "charity",
            "next": "https://evil.example/",
        },
    )

    assert response.url == Organisation.objects.get().get_absolute_url()


def test_asking_twice_to_join_is_refused_with_the_reason(client, applicant_organisation):
    second = make_applicant("carl@livingwithoutabuse.example", "Carl Jones")
    applicants.join_request_create(by=second, organisation=applicant_organisation)
    client.force_login(second)

    response = client.post(
        reverse("grants_apply:organisation_join", args=[applicant_organisation.pk]),
        {"job_title": ""},
        follow=True,
    )

    assert applicants.ALREADY_ASKED.format(organisation="Living Without Abuse") in (
        response.content.decode()
    )
    assert JoinRequest.objects.filter(user=second).count() == 1


def test_the_account_page_reads_as_many_queries_for_20_applications_as_for_2(
    client, applicant, applicant_organisation, officer, stream
):
    grant_round = make_round(
        officer, stream, "Open Many", several_applications=True, maximum_award=Decimal("5000")
    )
    second = make_applicant("carl@livingwithoutabuse.example", "Carl Jones")
    applicants.join_request_create(by=second, organisation=applicant_organisation)
    client.force_login(applicant)

    def start(count):
        for _ in range(count):
            grant_services.application_start(
                by=applicant, grant_round=grant_round, organisation=applicant_organisation
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("grants_apply:account"))
        assert response.status_code == 200
        return len(captured)

    start(2)
    with_two = queries()
    start(18)
    with_twenty = queries()

    page = client.get(reverse("grants_apply:account")).content.decode()
    assert page.count(">Draft</a>") == 20
    assert with_twenty == with_two


def test_someone_whose_link_expired_gets_a_new_one_and_nothing_else_changes(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = applicants.applicant_register(
            email="late@example.org", full_name="Lee Late", password="correct horse battery staple"
        )
    password = user.password
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/apply/verify/", {"email": "Late@Example.org"})
        client.post("/apply/verify/", {"email": "nobody@example.org"})

    assert response.headers["Location"] == "/apply/register/sent/"
    assert [m.to for m in mailoutbox] == [["late@example.org"]]
    link = re.search(r"http://\S+/apply/verify/\S+/", mailoutbox[0].body)[0]
    client.get(link.replace(settings.SITE_URL, ""))
    user.refresh_from_db()
    assert user.is_active and user.password == password


def test_an_applicant_signs_in_with_their_address_however_it_is_capitalised(client, applicant):
    response = client.post(
        "/accounts/login/",
        {"username": "Ann@LivingWithoutAbuse.example", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(applicant.pk)
