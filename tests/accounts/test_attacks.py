"""Attacks on the second factor: each test is a way round it that should be refused."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import views
from decisions import services as decision_services
from decisions.models import SignOff

from .conftest import code_at

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/login/code/"
AUTHENTICATOR = "/accounts/two-factor/authenticator/"


def sign_in(client, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302
    return response


def test_a_session_signed_in_before_a_device_was_added_still_waits_for_the_code(
    client, commissioner, password, organisation
):
    """Someone who has the password signs in while the account has no second factor
    (and its role need not have one). The owner then sets up an authenticator app in
    their own browser. The earlier session, password only, keeps every staff page:
    the state worked out at sign-in ("free") is never looked at again."""
    organisation.two_factor_roles = []
    organisation.save()
    sign_in(client, "commissioner", password)
    assert client.get("/funding/").status_code == 200

    TOTPDevice.objects.create(user=commissioner, name="Owner's phone", confirmed=True)

    funding = client.get("/funding/")
    assert funding.status_code == 302
    assert funding["Location"].startswith(CODE_PAGE)


def test_a_session_waiting_to_enrol_cannot_add_a_device_once_the_account_has_one(
    client, commissioner, password, two_factor_required
):
    """Someone who has the password signs in while the account has no second factor
    yet ("enrol"). The owner then sets up their phone. The earlier, unverified session
    may still open the set-up page, add an authenticator app of its own, and so
    become verified without ever giving the owner's code."""
    sign_in(client, "commissioner", password)
    TOTPDevice.objects.create(user=commissioner, name="Owner's phone", confirmed=True)

    page = client.get(AUTHENTICATOR)
    key = client.session.get(views.PENDING_KEY_SESSION_KEY)
    if page.status_code == 200 and key:
        totp = TOTP(bytes.fromhex(key))
        client.post(AUTHENTICATOR, {"code": f"{totp.token():06d}", "name": "Attacker"})

    assert not TOTPDevice.objects.filter(user=commissioner, name="Attacker").exists()
    assert client.get("/funding/").status_code == 302


def test_a_session_waiting_to_enrol_cannot_replace_the_recovery_codes(
    client, commissioner, password, two_factor_required
):
    """The same stale "enrol" session creates recovery codes (replacing the owner's)
    and signs in with one of them: a second factor it never had."""
    sign_in(client, "commissioner", password)
    phone = TOTPDevice.objects.create(user=commissioner, name="Owner's phone", confirmed=True)
    assert code_at(phone)

    client.post("/accounts/two-factor/recovery-codes/")
    codes = client.session.get(views.RECOVERY_CODES_SESSION_KEY) or []
    if codes:
        client.post(CODE_PAGE, {"code": codes[0]})

    assert codes == []
    assert client.get("/funding/").status_code == 302


def test_the_passkey_used_to_sign_in_does_not_also_sign(
    draft, advance, people, password, make_passkey
):
    """A TOTP code given at sign-in cannot sign again, but the passkey ceremony that
    completes the sign-in also leaves the two-minute signing stamp: whoever holds the
    freshly signed-in session signs with the password alone, no new ceremony."""
    decision = advance(draft, "awaiting_decision")
    commissioner = people["commissioner"]
    passkey = make_passkey(commissioner)
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post(CODE_PAGE, REMOTE_ADDR="127.0.0.1")
    request.session = SessionStore()
    request.user = commissioner
    view = views.PasskeyAuthenticationComplete()
    view.request = request
    view.complete_auth(passkey)  # the sign-in's second step, on the code page

    with pytest.raises(ValidationError):
        decision_services.decision_transition(
            decision=decision,
            by=commissioner,
            action="approve",
            password=password,
            request=request,
        )
    assert not SignOff.objects.filter(decision=decision, step="decision").exists()
