"""Sign-in throttling, session expiry and the security headers on every kind of answer."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Throttling ------------------------------------------------------------------------


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_password(
    client, officer, password, settings
):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "officer", f"guess {attempt}")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()

    locked = sign_in(client, "officer", "one guess too many")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    again = sign_in(client, "officer", password)
    assert again.status_code == 429
    assert not signed_in(client)
    # The attempt made during the pause counts as one more failure.
    attempts = AccessAttempt.objects.get(username="officer")
    assert attempts.failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_a_lockout_holds_one_username_from_one_address_not_everyone(
    client, officer, make_user, password, settings
):
    make_user(username="colleague")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess {attempt}")
    assert sign_in(client, "officer", password).status_code == 429

    colleague = sign_in(client, "colleague", password)
    assert colleague.status_code == 302
    assert signed_in(client)


def test_signing_in_clears_earlier_failures(client, officer, password, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer", f"guess {attempt}")
    assert sign_in(client, "officer", password).status_code == 302
    client.logout()

    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "officer", f"again {attempt}").status_code == 200
    assert sign_in(client, "officer", password).status_code == 302


def test_the_pause_ends_after_the_cool_off_time(client, officer, password, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess {attempt}")
    assert sign_in(client, "officer", password).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert sign_in(client, "officer", password).status_code == 302
    assert signed_in(client)


# Sessions --------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_is_hidden_from_scripts(
    client, officer, password
):
    response = sign_in(client, "officer", password)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_session_expires_eight_hours_after_signing_in(client, officer, password):
    sign_in(client, "officer", password)
    assert client.get(reverse("funding:allocation_list")).status_code == 200
    assert 8 * 3600 - 60 <= client.session.get_expiry_age() <= 8 * 3600

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("funding:allocation_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_signing_out_ends_the_session_on_the_server(client, officer, password):
    sign_in(client, "officer", password)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("funding:allocation_list")).status_code == 302


# Headers ---------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def answers(client, officer, draft):
    """One answer of each kind: a public page, the sign-in form, a staff page, a PDF,
    a JSON download, a refusal and a page that does not exist."""
    anonymous = {
        "public page": client.get(reverse("register:list")),
        "sign-in form": client.get(LOGIN),
        "open data": client.get(reverse("open_data_decisions")),
        "not found": client.get("/no-such-page/"),
    }
    client.force_login(officer)
    return anonymous | {
        "staff page": client.get(reverse("funding:allocation_list")),
        "staff PDF": client.get(reverse("decisions:pdf", args=[draft.pk])),
        "refusal": client.get(reverse("admin:index")),
    }


def test_every_kind_of_answer_carries_the_security_headers(answers):
    for kind, response in answers.items():
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "same-origin", kind
        assert response["X-Frame-Options"] == "DENY", kind
        assert "Content-Security-Policy" in response, kind


def test_the_content_security_policy_allows_no_inline_script_and_nothing_from_elsewhere(
    answers,
):
    for kind, response in answers.items():
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"], kind
        assert directives["script-src"] == ["'self'"], kind
        assert directives["style-src"] == ["'self'"], kind
        assert directives["object-src"] == ["'none'"], kind
        assert directives["frame-ancestors"] == ["'none'"], kind
        assert directives["form-action"] == ["'self'"], kind


def test_no_page_carries_an_inline_script(answers):
    for kind, response in answers.items():
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            scripts = html.count("<script")
            assert scripts == html.count("<script src="), f"{kind} has an inline script"


# The client's address behind a proxy ------------------------------------------------


def test_behind_a_load_balancer_each_client_is_throttled_on_its_own_address(
    client, officer, make_user, password, settings
):
    """Reported: behind a load balancer every client had one address, so anyone could
    lock the Commissioner out with five guesses."""
    settings.PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = {**balancer, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/", {"username": "officer", "password": f"guess {attempt}"}, **attacker
        )
    assert (
        client.post(
            "/accounts/login/", {"username": "officer", "password": password}, **attacker
        ).status_code
        == 429
    )
    # The officer, at another address behind the same balancer, still signs in.
    officer_at_desk = {**balancer, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": password}, **officer_at_desk
    )
    assert response.status_code == 302


def test_a_forged_forwarded_address_is_not_believed(settings):
    from django.test import RequestFactory

    from pcc_grants.clients import client_ip

    forged = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
    )
    settings.PROXY_COUNT = 0
    assert client_ip(forged) == "10.0.0.2"  # no proxy trusted: the socket's address
    settings.PROXY_COUNT = 1
    assert client_ip(forged) == "198.51.100.7"  # what the balancer saw, not the forgery


def test_a_username_longer_than_any_account_gets_the_forms_error(client):
    """Reported: a sign-in username over 255 characters was a server error."""
    response = client.post("/accounts/login/", {"username": "x" * 300, "password": "guess"})
    assert response.status_code == 200
    assert (
        "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()
    )
    assert not AccessAttempt.objects.exists()


def test_a_refused_request_is_logged_as_one_line(client, make_user, caplog):
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.PANEL_MEMBER, username="panel"))
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/funding/allocations/new/")
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and all(r.exc_info is None for r in refused)
    assert refused[0].getMessage().startswith("Forbidden")
    assert "\n" not in refused[0].getMessage()
