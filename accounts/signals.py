"""Sign-in: what it still needs is worked out once, and the throttle's count is
cleared once the sign-in is complete."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from pcc_grants.models import User

from .middleware import FREE, sign_in_state
from .services import clear_throttle


@receiver(user_logged_in, dispatch_uid="accounts_sign_in_state")
def after_password(sender, request, user, **kwargs) -> None:
    """Signed in with the password: what is still needed (a code, a device set up) is
    kept in the session; with nothing needed the sign-in is complete and the count of
    wrong attempts is cleared (the code page clears it once a code is given)."""
    if request is None or not hasattr(request, "session"):
        return
    if sign_in_state(request, user) == FREE:
        clear_throttle(request, user)


@receiver(post_save, sender=TOTPDevice, dispatch_uid="accounts_totp_added")
@receiver(post_save, sender=WebAuthnCredential, dispatch_uid="accounts_passkey_added")
def device_added(sender, instance, created, **kwargs) -> None:
    """However a confirmed authenticator app or passkey comes to exist, the sessions
    signed in before it work out again what they need (``middleware.kept_state``)."""
    if created and instance.confirmed:
        User.objects.filter(pk=instance.user_id).update(second_factors_changed_at=timezone.now())
