"""Role checks for views. Each check can say why it refused, for the 403 page."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import Role, has_role


def role_required(*roles: Role) -> Callable:
    """Refuse (403, naming the roles needed) unless the user holds one of ``roles``."""
    needed = ", ".join(role.label for role in roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied(f"This page is for: {needed}.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require(permission) -> None:
    """Refuse (403, with the check's reason) unless ``permission`` allows."""
    if not permission:
        raise PermissionDenied(permission.reason)
