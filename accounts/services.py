"""Every change to an account's second factors, each in a transaction and each
recorded as a ``SecurityEvent``."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role, has_role
from pcc_grants.two_factor import must_use

from .models import SecurityAction, SecurityEvent

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
WRONG_SETUP_CODE = (
    "That code is not right: enter the 6-digit code your authenticator app shows now for "
    "this account."
)
LAST_FACTOR = (
    "Your role must use two-factor authentication: add another authenticator app or a "
    "passkey before removing this one."
)
ONLY_ADMINISTRATORS = "Only an administrator can reset another person's two-factor authentication."
NOT_YOUR_OWN = "Another administrator must reset your own two-factor authentication."
REASON_NEEDED = "Say why the devices are being reset (for the audit trail)."


def record(
    user, action: str, *, by, detail: str = "", factors_changed: bool = True
) -> SecurityEvent:
    """The event in the account's history; and when the account's second factors
    changed, every session signed in before now works out again what it needs."""
    if factors_changed:
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(second_factors_changed_at=now)
        user.second_factors_changed_at = now
    return SecurityEvent.objects.create(
        user=user, action=action, by=by, by_name=str(by), detail=detail
    )


def _locked(user):
    """The user's row, locked: two changes to one account's factors wait in turn."""
    return User.objects.select_for_update().get(pk=user.pk)


def clear_throttle(request, user) -> None:
    """The sign-in is complete: clear the wrong passwords and codes counted for this
    username from this address (the throttle's reset on success)."""
    AxesProxyHandler.reset_attempts(
        ip_address=get_client_ip_address(request), username=user.get_username()
    )


def authenticators(user) -> list:
    """The user's confirmed authenticator apps and passkeys (recovery codes aside)."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        *WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
    ]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def authenticator_pending(user, key: str | None) -> TOTPDevice:
    """The authenticator app being set up, not saved: its secret (``key``, kept in the
    session until confirmed, so that every visit to the page shows the same one) or a
    new one."""
    device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
    if key:
        device.key = key
    return device


@transaction.atomic
def authenticator_confirm(user, *, key: str, code: str, name: str = "") -> TOTPDevice:
    """The app shows the right code for the secret: the device is saved, confirmed."""
    device = authenticator_pending(user, key)
    code = "".join((code or "").split())
    if not key or not (code.isdigit() and len(code) == 6 and device.verify_token(code)):
        raise ValidationError({"code": [WRONG_SETUP_CODE]})
    # verify_token saved the device as it checked the code (its last time step).
    device.confirmed = True
    device.name = (name or "").strip()[:64] or "Authenticator app"
    device.save()
    record(user, SecurityAction.AUTHENTICATOR_ADDED, by=user, detail=device.name)
    return device


@transaction.atomic
def recovery_codes_create(user) -> list[str]:
    """Ten new single-use recovery codes, replacing any left; shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(user, SecurityAction.RECOVERY_CODES_CREATED, by=user)
    return codes


def passkey_added(user, device) -> None:
    record(user, SecurityAction.PASSKEY_ADDED, by=user, detail=device.name or "Passkey")


def recovery_code_used(user) -> None:
    record(
        user,
        SecurityAction.RECOVERY_CODE_USED,
        by=user,
        detail=f"{recovery_codes_left(user)} left",
        factors_changed=False,  # a code given at sign-in: the session is verified by it
    )


@transaction.atomic
def device_remove(user, device) -> None:
    """Remove one of the user's authenticator apps or passkeys; not the last one of
    a user whose role must use two factors."""
    if device.user_id != user.pk:
        raise PermissionDenied("That is not one of your devices.")
    _locked(user)
    left = [d for d in authenticators(user) if (type(d), d.pk) != (type(device), device.pk)]
    if not left and must_use(user, OrganisationSettings.load()):
        raise ValidationError(LAST_FACTOR)
    name = device.name or "Passkey"
    device.delete()
    record(user, SecurityAction.DEVICE_REMOVED, by=user, detail=name)


@transaction.atomic
def two_factor_reset(user, *, by, reason: str) -> int:
    """An administrator removes every second factor of someone who lost theirs; at
    their next sign-in they set up a new one. Recorded with the reason."""
    if not (has_role(by, Role.ADMINISTRATOR) or by.is_superuser):
        raise PermissionDenied(ONLY_ADMINISTRATORS)
    if by.pk == user.pk:
        raise PermissionDenied(NOT_YOUR_OWN)
    if not (reason or "").strip():
        raise ValidationError({"reason": [REASON_NEEDED]})
    _locked(user)
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    record(
        user,
        SecurityAction.RESET_BY_ADMINISTRATOR,
        by=by,
        detail=f"{reason.strip()} ({removed} device{'s' if removed != 1 else ''} removed)",
    )
    return removed


authenticator_confirm.alters_data = True
recovery_codes_create.alters_data = True
device_remove.alters_data = True
two_factor_reset.alters_data = True
