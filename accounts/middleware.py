"""Two factors at sign-in, for every page: a user who has a second factor gives it
before anything else, and one whose role must have one sets it up first."""

import time
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from pcc_grants.models import OrganisationSettings
from pcc_grants.two_factor import has_device, must_use

# What a user may reach before giving their second factor (and signing out).
VERIFYING = frozenset(
    {
        "accounts:verify",
        "logout",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
# What a user whose role must use two factors may reach before setting one up.
ENROLLING = frozenset(
    {
        "accounts:two_factor",
        "accounts:authenticator",
        "accounts:recovery_codes",
        "logout",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
# Adding a factor needs a session verified by one already, or none to verify with.
REGISTERING = frozenset(
    {
        "accounts:authenticator",
        "accounts:recovery_codes",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
    }
)


# Public pages that show a signed-in user their own work: closed until the sign-in
# is complete, like every staff page.
PERSONAL = frozenset({"home"})


def _open_to_all(name: str, view_func) -> bool:
    return not getattr(view_func, "login_required", True) and name not in PERSONAL


def _to(name: str, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


VERIFY, ENROL, FREE = "verify", "enrol", "free"
STATE_SESSION_KEY = "pcc_two_factor"
STATE_AT_SESSION_KEY = "pcc_two_factor_at"


def sign_in_state(request, user) -> str:
    """What this sign-in still needs, worked out at sign-in (``accounts.signals``) and
    kept in the session: a second factor to give (VERIFY), one to set up (ENROL), or
    nothing (FREE)."""
    if has_device(user):
        state = VERIFY
    elif must_use(user, OrganisationSettings.load()):
        state = ENROL
    else:
        state = FREE
    request.session[STATE_SESSION_KEY] = state
    request.session[STATE_AT_SESSION_KEY] = time.time()
    return state


def kept_state(request, user) -> str:
    """The state kept at sign-in, unless the account's second factors changed since
    (a device added elsewhere holds back a session signed in with the password
    alone): then worked out again. The user row is read anyway; no query more."""
    state = request.session.get(STATE_SESSION_KEY)
    changed = user.second_factors_changed_at
    if state and (
        changed is None or changed.timestamp() <= request.session.get(STATE_AT_SESSION_KEY, 0)
    ):
        return state
    return sign_in_state(request, user)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        state = kept_state(request, user)
        name = request.resolver_match.view_name if request.resolver_match else ""
        if state == VERIFY:
            # Signed in with the password, the second factor not yet given: only the
            # code page, whatever the page asked for (adding a device included).
            if name in VERIFYING:
                return None
            if name in REGISTERING or not _open_to_all(name, view_func):
                return _to("accounts:verify", request)
            return None
        if state == ENROL:
            if name in ENROLLING or _open_to_all(name, view_func):
                return None
            return _to("accounts:two_factor", request)
        return None
