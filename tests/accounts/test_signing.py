"""Every signature asks for a current second factor, and the sign-off records which."""

import time

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecurityEvent
from decisions import services as decision_services
from decisions.models import SignOff
from pcc_grants import two_factor
from pcc_grants.models import SigningCredentials
from pcc_grants.roles import Role

from .conftest import code_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_decision(draft, advance):
    return advance(draft, "awaiting_decision")


def approve(decision, user, **credentials):
    return decision_services.decision_transition(
        decision=decision, by=user, action="approve", **credentials
    )


def test_a_signature_with_an_authenticator_code_says_so(awaiting_decision, people, password):
    commissioner = people["commissioner"]
    phone = TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    approve(awaiting_decision, commissioner, password=password, code=code_at(phone))
    signoff = SignOff.objects.get(decision=awaiting_decision, step="decision")
    assert signoff.factor == "password_totp"
    assert signoff.get_factor_display() == "Password and authenticator app code"


def test_the_password_alone_no_longer_signs(awaiting_decision, people, password):
    commissioner = people["commissioner"]
    TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    with pytest.raises(ValidationError) as refused:
        approve(awaiting_decision, commissioner, password=password)
    assert refused.value.message_dict["code"] == [two_factor.CODE_NEEDED]
    assert not SignOff.objects.filter(step="decision").exists()


def test_a_signer_without_a_second_factor_is_told_to_set_one_up(
    awaiting_decision, people, password
):
    with pytest.raises(ValidationError) as refused:
        approve(awaiting_decision, people["commissioner"], password=password, code="123456")
    assert refused.value.message_dict["code"] == [two_factor.NO_DEVICE]


def test_a_wrong_signing_code_is_refused_and_counted(awaiting_decision, people, password):
    commissioner = people["commissioner"]
    phone = TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    right = code_at(phone)
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(ValidationError) as refused:
        approve(awaiting_decision, commissioner, password=password, code=wrong)
    assert refused.value.message_dict["code"] == [two_factor.WRONG_CODE]
    assert AccessAttempt.objects.get(username="commissioner").failures_since_start == 1
    assert not SignOff.objects.filter(step="decision").exists()


def test_a_code_signs_once(awaiting_decision, draft, people, password):
    commissioner = people["commissioner"]
    phone = TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    code = code_at(phone)
    approve(awaiting_decision, commissioner, password=password, code=code)
    assert TOTPDevice.objects.get(pk=phone.pk).last_t > 0
    # The same code again (a replay) is refused.
    verified = pytest.raises(ValidationError)
    with verified:
        two_factor.verify_code(commissioner, code, None)


def test_the_settings_may_sign_with_the_second_factor_instead_of_the_password(
    awaiting_decision, people, organisation
):
    organisation.signing_credentials = SigningCredentials.CODE
    organisation.save()
    commissioner = people["commissioner"]
    phone = TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    approve(awaiting_decision, commissioner, code=code_at(phone))
    assert SignOff.objects.get(step="decision").factor == "totp"


def test_a_passkey_just_used_signs_once(awaiting_decision, people, password, rf, make_passkey):
    commissioner = people["commissioner"]
    passkey = make_passkey(commissioner)
    request = rf.post("/")
    request.session = {}
    two_factor.mark_passkey_used(request, passkey)
    approve(awaiting_decision, commissioner, password=password, request=request)
    assert SignOff.objects.get(step="decision").factor == "password_passkey"
    assert two_factor.passkey_just_used(request, commissioner) is None  # used up

    # A passkey used more than two minutes ago does not count.
    request.session[two_factor.PASSKEY_SESSION_KEY] = {
        "device": passkey.pk,
        "at": time.time() - two_factor.PASSKEY_FRESH_SECONDS - 1,
    }
    assert two_factor.passkey_just_used(request, commissioner) is None


def test_the_sign_page_asks_for_the_code(client, awaiting_decision, people):
    commissioner = people["commissioner"]
    phone = TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)
    client.force_login(commissioner)
    session = client.session  # verified with the phone, as the code page leaves it
    session[DEVICE_ID_SESSION_KEY] = phone.persistent_id
    session.save()
    page = client.get(f"/staff/decisions/{awaiting_decision.pk}/act/approve/").content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert "Code from your authenticator app" in page


# An administrator's reset ------------------------------------------------------------


@pytest.fixture
def lost_phone(make_user):
    person = make_user(Role.COMMISSIONER, username="pcc2")
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    services.recovery_codes_create(person)
    return person


def test_an_administrators_reset_removes_every_factor_and_is_recorded(client, people, lost_phone):
    client.force_login(people["admin"])
    page = client.get(f"/accounts/two-factor/reset/{lost_phone.pk}/")
    assert "Reset two-factor authentication for" in page.content.decode()
    refused = client.post(f"/accounts/two-factor/reset/{lost_phone.pk}/", {"reason": " "})
    assert "Say why" in refused.content.decode()
    assert two_factor.has_device(lost_phone)

    done = client.post(
        f"/accounts/two-factor/reset/{lost_phone.pk}/",
        {"reason": "Phone lost; identity checked in person."},
    )
    assert done.status_code == 302
    assert not two_factor.has_device(lost_phone)
    event = SecurityEvent.objects.get(user=lost_phone, action="reset")
    assert event.by == people["admin"]
    assert "Phone lost" in event.detail and "2 devices removed" in event.detail
    # The user's own page shows it.
    client.force_login(lost_phone)
    assert "reset by an administrator" in client.get("/accounts/two-factor/").content.decode()


def test_only_another_administrator_resets(people, lost_phone, make_user):
    staff = make_user(Role.OFFICER, username="staffer", is_staff=True)
    with pytest.raises(services.PermissionDenied):
        services.two_factor_reset(lost_phone, by=staff, reason="asked")
    with pytest.raises(services.PermissionDenied):
        services.two_factor_reset(people["admin"], by=people["admin"], reason="mine")
    assert two_factor.has_device(lost_phone)


def test_the_reset_command_names_the_administrator(people, lost_phone):
    call_command("reset_two_factor", "pcc2", "--as", "admin", "--reason", "Lost phone")
    assert not two_factor.has_device(lost_phone)
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "pcc2", "--as", "officer", "--reason", "x")


def test_the_admin_offers_no_page_to_give_someone_a_device(client, people):
    client.force_login(people["admin"])
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
