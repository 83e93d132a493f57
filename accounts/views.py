"""The account page: second factors set up, listed and removed; the code asked for at
sign-in; and the passkey ceremonies (django-otp-webauthn) recorded as ours."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from pcc_grants.forms import add_service_errors
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.two_factor import (
    RECOVERY,
    has_device,
    has_passkey,
    mark_passkey_used,
    must_use,
    verify_code,
)

from . import services
from .forms import AuthenticatorForm, ResetForm, VerifyForm
from .middleware import VERIFY, sign_in_state
from .models import SecurityEvent

RECOVERY_CODES_SESSION_KEY = "pcc_new_recovery_codes"


def _next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """The account page: your second factors, your recovery codes, your history."""
    user = request.user
    organisation = OrganisationSettings.load()
    devices = services.authenticators(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "totp_devices": [d for d in devices if isinstance(d, TOTPDevice)],
            "passkeys": [d for d in devices if isinstance(d, WebAuthnCredential)],
            "recovery_codes_left": services.recovery_codes_left(user),
            "required": must_use(user, organisation),
            "enrolling": not devices,
            "events": SecurityEvent.objects.filter(user=user).select_related("by")[:20],
            "next": _next(request, "accounts:two_factor"),
        },
    )


PENDING_KEY_SESSION_KEY = "pcc_pending_authenticator_key"


def _second_factor_first(request: HttpRequest) -> HttpResponse | None:
    """Adding a second factor needs a session verified by one the account has, or an
    account with none (the middleware says so too; this holds whatever it kept)."""
    if not request.user.is_verified() and has_device(request.user):
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.path})}")
    return None


@never_cache
def authenticator(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the QR code and the secret, then a code from it."""
    if refused := _second_factor_first(request):
        return refused
    user = request.user
    device = services.authenticator_pending(user, request.session.get(PENDING_KEY_SESSION_KEY))
    request.session[PENDING_KEY_SESSION_KEY] = device.key
    form = AuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.authenticator_confirm(
                user,
                key=device.key,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[PENDING_KEY_SESSION_KEY]
            if not user.is_verified():
                otp_login(request, device)
                services.clear_throttle(request, user)
            messages.success(request, "Your authenticator app is set up.")
            if services.recovery_codes_left(user) == 0:
                request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_create(user)
                return redirect(
                    f"{reverse('accounts:recovery_codes')}?"
                    f"{urlencode({'next': _next(request, 'home')})}"
                )
            return redirect(_next(request, "accounts:two_factor"))
    key = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/authenticator.html",
        {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, dark="#000", light="#fff", title="QR code of the secret"
            ),
            "secret": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "next": _next(request, "accounts:two_factor"),
        },
    )


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (POST), shown once, on the page after."""
    if request.method == "POST":
        if refused := _second_factor_first(request):
            return refused
        user = request.user
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_create(user)
        if not user.is_verified():
            # The account had no second factor: its recovery codes are its first,
            # and this session goes on as verified by them.
            otp_login(
                request, StaticDevice.objects.get(user=user, name=services.RECOVERY_DEVICE_NAME)
            )
        return redirect(
            f"{reverse('accounts:recovery_codes')}?{urlencode({'next': _next(request)})}"
        )
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@require_POST
def device_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise Http404("No such kind of device.")
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    try:
        services.device_remove(request.user, device)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{device.name or 'Passkey'}” is removed.")
    return redirect("accounts:two_factor")


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code, a recovery code or a passkey."""
    user = request.user
    if user.is_verified() or sign_in_state(request, user) != VERIFY:
        # Nothing to give (an administrator may have reset the devices meanwhile).
        return redirect(_next(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = verify_code(user, form.cleaned_data["code"], request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, verified.device)
            services.clear_throttle(request, user)
            if verified.kind == RECOVERY:
                services.recovery_code_used(user)
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Create new ones on your "
                    "account page if you are running out.",
                )
            return redirect(_next(request))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "has_passkey": has_passkey(user), "next": _next(request)},
    )


@staff_member_required
@never_cache
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator's reset of someone's second factors, with the reason."""
    person = get_object_or_404(User, pk=pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_reset(person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Two-factor authentication is reset for {person}: they set up a new "
                "device at their next sign-in.",
            )
            return redirect("admin:pcc_grants_user_change", person.pk)
    return render(
        request,
        "accounts/reset.html",
        {
            "person": person,
            "form": form,
            "devices": services.authenticators(person),
            "events": SecurityEvent.objects.filter(user=person).select_related("by")[:20],
        },
    )


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """django-otp-webauthn's registration, recorded in the security history."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device = WebAuthnCredential.objects.filter(user=self.request.user).order_by("-pk").first()
        if device is not None:
            services.passkey_added(self.request.user, device)
        return response


class PasskeyAuthenticationComplete(CompleteCredentialAuthenticationView):
    """A passkey used: at sign-in it completes the sign-in; on a signing page it counts
    for the next signature, once, for two minutes."""

    def complete_auth(self, device):
        if not self.request.user.is_authenticated:
            raise PermissionDenied("Sign in with your password first.")
        # (A request that did not pass through django-otp's middleware is unverified.)
        signing = getattr(self.request.user, "is_verified", lambda: False)()
        super().complete_auth(device)
        if signing:
            # On a signing page, the sign-in long complete: it counts for the next
            # signature. The passkey that completes a sign-in signs nothing.
            mark_passkey_used(self.request, device)
        else:
            services.clear_throttle(self.request, self.request.user)
