"""Two factors at sign-in: the code after the password, enrolment for the roles that
must use it, recovery codes, and wrong codes counted in the sign-in throttle."""

import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from pcc_grants import two_factor
from pcc_grants.models import OrganisationSettings
from pcc_grants.roles import SIGNING_ROLES

from .conftest import code_at

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/login/code/"


def sign_in(client, username, password, next_url="/funding/"):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def failures(username: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


def test_a_new_organisation_asks_the_roles_that_sign_to_use_two_factors():
    assert OrganisationSettings.load().two_factor_required == SIGNING_ROLES


def test_with_a_device_every_page_waits_for_the_code(client, commissioner, phone, password):
    response = sign_in(client, "commissioner", password)
    assert response.status_code == 302
    # The dashboard too: it shows the signed-in person's own work.
    assert client.get("/")["Location"] == f"{CODE_PAGE}?next=%2F"
    assert client.get("/decisions/").status_code == 200  # the public register
    funding = client.get("/funding/")
    assert funding.status_code == 302
    assert funding["Location"] == f"{CODE_PAGE}?next=%2Ffunding%2F"
    # Adding a device is refused too: the code comes first.
    assert client.get("/accounts/two-factor/authenticator/")["Location"].startswith(CODE_PAGE)
    assert client.post("/accounts/passkeys/registration/begin/")["Location"].startswith(CODE_PAGE)
    page = client.get(f"{CODE_PAGE}?next=/funding/")
    assert "Enter your code" in page.content.decode()

    done = client.post(CODE_PAGE, {"code": code_at(phone), "next": "/funding/"})
    assert done["Location"] == "/funding/"
    assert client.get("/funding/").status_code == 200


def test_a_wrong_code_is_refused_and_counted_and_signing_in_again_does_not_clear_it(
    client, commissioner, phone, password, settings
):
    sign_in(client, "commissioner", password)
    wrong = client.post(CODE_PAGE, {"code": "000000" if code_at(phone) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert two_factor.WRONG_CODE in wrong.content.decode()
    assert failures("commissioner") == 1
    assert client.get("/funding/").status_code == 302  # still waiting for the code

    # An attacker who knows the password signs in again and guesses again: the count
    # goes on, and at the limit even the right code is refused.
    for guess in range(settings.AXES_FAILURE_LIMIT - 2):
        client.post("/accounts/logout/")
        sign_in(client, "commissioner", password)
        client.post(CODE_PAGE, {"code": f"99999{guess}"})
    assert failures("commissioner") == settings.AXES_FAILURE_LIMIT - 1
    client.post(CODE_PAGE, {"code": "12345"})  # the fifth wrong one
    paused = client.post(CODE_PAGE, {"code": code_at(phone, 1)})
    assert two_factor.CODES_PAUSED in paused.content.decode()
    assert client.get("/funding/").status_code == 302


def test_the_right_code_clears_the_count(client, commissioner, phone, password):
    sign_in(client, "commissioner", password)
    client.post(CODE_PAGE, {"code": "12345"})  # not 6 digits: tried as a recovery code
    assert failures("commissioner") == 1
    client.post(CODE_PAGE, {"code": code_at(phone)})
    assert failures("commissioner") == 0


def test_a_recovery_code_signs_in_once(client, commissioner, password):
    from accounts import services

    codes = services.recovery_codes_create(commissioner)
    sign_in(client, "commissioner", password)
    done = client.post(CODE_PAGE, {"code": codes[0].upper(), "next": "/funding/"})
    assert done["Location"] == "/funding/"
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    assert SecurityEvent.objects.filter(user=commissioner, action="recovery_code_used").exists()

    client.post("/accounts/logout/")
    sign_in(client, "commissioner", password)
    again = client.post(CODE_PAGE, {"code": codes[0]})
    assert two_factor.WRONG_CODE in again.content.decode()


def test_a_role_that_must_use_two_factors_is_sent_to_set_one_up(
    client, commissioner, password, two_factor_required
):
    sign_in(client, "commissioner", password, next_url="/staff/decisions/")
    waiting = client.get("/staff/decisions/")
    assert waiting["Location"] == "/accounts/two-factor/?next=%2Fstaff%2Fdecisions%2F"
    account = client.get("/accounts/two-factor/").content.decode()
    assert "Set up a second factor to continue" in account
    # The public pages stay open.
    assert client.get("/decisions/").status_code == 200

    setup = client.get("/accounts/two-factor/authenticator/?next=/staff/decisions/")
    page = setup.content.decode()
    assert "<svg" in page and "QR code of the secret" in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    # The same secret on every visit until it is confirmed; nothing stored before.
    assert secret in client.get("/accounts/two-factor/authenticator/").content.decode()
    assert not TOTPDevice.objects.filter(user=commissioner).exists()

    totp = TOTP(key)
    wrong = client.post(
        "/accounts/two-factor/authenticator/", {"code": "abc", "next": "/staff/decisions/"}
    )
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=commissioner).exists()

    confirmed = client.post(
        "/accounts/two-factor/authenticator/",
        {"code": f"{totp.token():06d}", "name": "Work phone", "next": "/staff/decisions/"},
    )
    assert confirmed["Location"].startswith("/accounts/two-factor/recovery-codes/")
    codes_page = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8,})</li>", codes_page)
    assert len(codes) == 10
    assert client.get(confirmed["Location"]).status_code == 302  # shown once
    device = TOTPDevice.objects.get(user=commissioner)
    assert (device.name, device.confirmed) == ("Work phone", True)
    assert client.get("/staff/decisions/").status_code == 200
    actions = set(SecurityEvent.objects.filter(user=commissioner).values_list("action", flat=True))
    assert actions == {"authenticator_added", "recovery_codes_created"}


def test_the_last_device_of_a_role_that_must_use_it_cannot_be_removed(
    client, commissioner, phone, two_factor_required
):
    client.force_login(commissioner)
    session = client.session  # verified with the phone, as the code page leaves it
    session[DEVICE_ID_SESSION_KEY] = phone.persistent_id
    session.save()
    response = client.post(f"/accounts/two-factor/authenticator/{phone.pk}/remove/", follow=True)
    assert "add another authenticator app or a passkey" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_nobody_removes_another_persons_device(client, make_user, phone):
    from pcc_grants.roles import Role

    other = make_user(Role.OFFICER, username="other")
    client.force_login(other)
    response = client.post(f"/accounts/two-factor/authenticator/{phone.pk}/remove/")
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_the_admin_waits_for_the_code_too(client, make_user, password):
    from pcc_grants.roles import Role

    admin = make_user(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    # Signed in through the admin's own sign-in form, with the password alone.
    client.post("/admin/login/", {"username": "admin", "password": password, "next": "/admin/"})
    assert "_auth_user_id" in client.session
    for url in (
        "/admin/",
        "/admin/pcc_grants/user/",
        f"/admin/pcc_grants/user/{admin.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(CODE_PAGE), url
