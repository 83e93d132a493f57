"""Second factors: which a user has, whether their role must have one, and checking a
code (an authenticator app's, or a single-use recovery code) or a passkey just used.

A wrong code counts in the sign-in throttle (django-axes) exactly as a wrong password
does, and once the throttle locks the account out from an address no code is checked
from it until the cool-off ends. Each device also slows guessing on its own
(django-otp's throttle: a wait that doubles with each wrong code in a row).
"""

import time
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import user_roles
from .signing_factors import SigningFactor

CODE_NEEDED = "Enter the 6-digit code from your authenticator app, or a recovery code."
WRONG_CODE = (
    "That code is not right: enter the current code from your authenticator app, or a "
    "recovery code you have not used."
)
CODES_PAUSED = (
    "Too many wrong attempts: sign-in and signing are paused for this account from your "
    "network. Wait and try again, or ask an administrator."
)
WAIT_FOR_DEVICE = "Too many wrong codes in a row: wait until {time} and try again."
NO_DEVICE = (
    "Signing needs a second factor: set up an authenticator app or a passkey on your "
    "account page first."
)

# A passkey used on the signing page counts for the next signature made within this
# many seconds, once.
PASSKEY_FRESH_SECONDS = 120
PASSKEY_SESSION_KEY = "pcc_passkey_verified"

TOTP, RECOVERY, PASSKEY = "totp", "recovery", "passkey"


@dataclass(frozen=True)
class Verified:
    """A second factor just checked: the device, and which kind it is."""

    device: object
    kind: str  # TOTP, RECOVERY or PASSKEY

    def signing_factor(self, *, with_password: bool) -> SigningFactor:
        name = f"password_{self.kind}" if with_password else self.kind
        return SigningFactor(name)


def has_device(user) -> bool:
    """The user has a second factor they can give: a confirmed authenticator app or
    passkey, or a recovery code not yet used (used up, recovery codes are none)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def must_use(user, organisation) -> bool:
    """The organisation settings say a role the user holds must use two factors."""
    return bool(user_roles(user) & organisation.two_factor_required)


def no_browser_request() -> HttpRequest:
    """What a command or a script counts as in the throttle: this machine."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request


def normalise(code: str) -> str:
    """Codes are read as typed, spaces and hyphens aside ("123 456", "ab12-cd34")."""
    return "".join((code or "").split()).replace("-", "").lower()


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def throttled(user, request: HttpRequest) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_failure(user, request: HttpRequest) -> None:
    """Count a wrong code in the sign-in throttle, as a wrong password is counted."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def verify_code(user, code: str, request: HttpRequest | None, *, field: str = "code") -> Verified:
    """The device whose code this is, or a ValidationError on ``field``: no code, a
    wrong one (counted), or the throttle's pause. A 6-digit code is an authenticator
    app's; anything else is tried as a recovery code, which is then used up."""
    request = request or no_browser_request()
    if throttled(user, request):
        raise ValidationError({field: [CODES_PAUSED]}, code="throttled")
    code = normalise(code)
    if not code:
        raise ValidationError({field: [CODE_NEEDED]}, code="required")
    if code.isdigit() and len(code) == 6:
        kind, devices = TOTP, TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        kind, devices = RECOVERY, StaticDevice.objects.devices_for_user(user, confirmed=True)
    waiting = None
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            waiting = (details or {}).get("locked_until")
            continue
        if device.verify_token(code):
            return Verified(device=device, kind=kind)
    count_failure(user, request)
    if getattr(request, "axes_locked_out", False):
        raise ValidationError({field: [CODES_PAUSED]}, code="throttled")
    if waiting is not None:
        when = date_format(timezone.localtime(waiting), "H:i:s")
        raise ValidationError({field: [WAIT_FOR_DEVICE.format(time=when)]}, code="wait")
    raise ValidationError({field: [WRONG_CODE]}, code="wrong_code")


def mark_passkey_used(request: HttpRequest, device) -> None:
    """A passkey was just used in this session (the WebAuthn ceremony succeeded)."""
    request.session[PASSKEY_SESSION_KEY] = {"device": device.pk, "at": time.time()}


def passkey_just_used(request: HttpRequest | None, user) -> Verified | None:
    """The passkey used in this session in the last ``PASSKEY_FRESH_SECONDS``, by this
    user: taken, so that one use signs once."""
    if request is None or not hasattr(request, "session"):
        return None
    used = request.session.pop(PASSKEY_SESSION_KEY, None)
    if not used or time.time() - used.get("at", 0) > PASSKEY_FRESH_SECONDS:
        return None
    from django_otp_webauthn.models import WebAuthnCredential

    device = WebAuthnCredential.objects.filter(
        pk=used.get("device"), user=user, confirmed=True
    ).first()
    return Verified(device=device, kind=PASSKEY) if device else None


def passkey_ready(request: HttpRequest, user) -> bool:
    """A passkey was used in this session recently enough to sign with (not taken)."""
    used = request.session.get(PASSKEY_SESSION_KEY) if hasattr(request, "session") else None
    return bool(used) and time.time() - used.get("at", 0) <= PASSKEY_FRESH_SECONDS


def has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
