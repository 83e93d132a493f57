"""Who may do what. Each check answers a ``Permission``: allowed, or not and why, so
a page can say why a button is missing and the 403 page why it refused."""

from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from django.core.exceptions import PermissionDenied

from .roles import Role, has_role, user_roles


class Permission(NamedTuple):
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def holds(user, roles: frozenset, what: str) -> Permission:
    """Allowed when the user holds one of ``roles``; else "Only the … can ``what``"."""
    if user_roles(user) & roles:
        return Permission(True)
    names = " or ".join(sorted(role.label for role in roles))
    return Permission(False, f"Only the {names} can {what}.")


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
