import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcc_grants.models import default_two_factor_roles
from pcc_grants.roles import Role


@pytest.fixture(autouse=True)
def _sign_in_without_two_factor():
    """Here the organisation settings keep their own default: the roles that sign
    must use two factors at sign-in."""


@pytest.fixture
def two_factor_required(organisation):
    organisation.two_factor_roles = default_two_factor_roles()
    organisation.save()
    return organisation


@pytest.fixture
def commissioner(make_user):
    return make_user(Role.COMMISSIONER, username="commissioner")


def code_at(device: TOTPDevice, step_offset: int = 0) -> str:
    """The code an authenticator app shows for ``device`` (``step_offset`` steps of 30
    seconds later), worked out from its secret as the app does."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def phone(commissioner):
    return TOTPDevice.objects.create(user=commissioner, name="Phone", confirmed=True)


@pytest.fixture
def make_passkey():
    """A confirmed passkey of ``user``, as django-otp-webauthn stores one."""
    from django_otp_webauthn.models import WebAuthnCredential

    def make(user):
        return WebAuthnCredential.objects.create(
            user=user,
            name="Laptop",
            confirmed=True,
            credential_id=b"id",
            public_key=b"key",
            aaguid="00000000-0000-0000-0000-000000000000",
            credential_id_sha256="0" * 64,
        )

    return make
