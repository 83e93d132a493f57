"""Sign-in: what it still needs is worked out once, and the throttle's count is
cleared once the sign-in is complete."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

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
