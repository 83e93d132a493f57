"""Two factors in the browser: a Commissioner without a device is sent to set one up,
enrols an authenticator app from the QR code's secret, signs in with a code, has a
wrong code refused and counted, and signs a decision with a code."""

import re
import time
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django_otp.oath import TOTP
from playwright.sync_api import expect

from decisions.models import SignOff
from pcc_grants.models import default_two_factor_roles

from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def code(key: bytes, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for ``key`` now (or ``steps_ahead`` steps of 30
    seconds later: the server accepts one step either side)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def failures(username: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


def test_a_commissioner_enrols_signs_in_with_a_code_and_signs_with_one(
    page, login, password, organisation, people, draft, advance
):
    organisation.two_factor_roles = default_two_factor_roles()
    organisation.save()
    decision = advance(draft, "awaiting_decision")
    commissioner = people["commissioner"]

    # Without a device the Commissioner is sent to set one up, whatever they open.
    login(commissioner)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    expect(page.get_by_test_id("enrol-required")).to_contain_text(
        "Set up a second factor to continue"
    )
    assert_accessible(page)
    page.goto(f"/staff/decisions/{decision.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))

    # The QR code and its key, served by the app; the test reads the key as a person
    # would type it into the app.
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    assert_accessible(page)
    shown = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = b32decode(shown + "=" * (-len(shown) % 8))
    page.get_by_label("Code from the app").fill(code(key, -1))
    page.get_by_label("A name for this app (optional)").fill("Work phone")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("button", name="Sign out").click()

    # Signing in again: the password, then the code. A wrong code is refused, counted.
    login(commissioner)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    right = code(key)
    page.get_by_label("Code", exact=True).fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert failures(commissioner.username) == 1
    assert_accessible(page)
    time.sleep(1.1)  # each device waits a second after a wrong code
    page.get_by_label("Code", exact=True).fill(code(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert failures(commissioner.username) == 0  # the sign-in is complete

    # Signing asks for the password and a code; a wrong code signs nothing.
    page.goto(f"/staff/decisions/{decision.pk}/act/approve/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*Your password, to sign")).fill(password)
    page.get_by_label(re.compile(r"^\s*Code from your authenticator app")).fill("123")
    page.get_by_role("button", name="Sign: Approve the decision").click()
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    assert failures(commissioner.username) == 1
    assert not SignOff.objects.filter(decision=decision, step="decision").exists()

    page.get_by_label(re.compile(r"^\s*Your password, to sign")).fill(password)
    page.get_by_label(re.compile(r"^\s*Code from your authenticator app")).fill(code(key, 1))
    page.get_by_role("button", name="Sign: Approve the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Approve the decision: done.")
    signatures = page.get_by_test_id("signatures")
    expect(signatures).to_contain_text("Password and authenticator app code")
    assert_accessible(page)
    signoff = SignOff.objects.get(decision=decision, step="decision")
    assert (signoff.signer, signoff.factor) == (commissioner, "password_totp")
