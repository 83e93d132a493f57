"""The navigation: one table of menu entries and the roles that see each."""

from dataclasses import dataclass

from django.urls import reverse

from .roles import STAFF_ROLES, Role, user_roles

ANY_SIGNED_IN = frozenset(Role)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    section: str = ""


NAVIGATION = (
    NavItem("Dashboard", "home", ANY_SIGNED_IN),
    NavItem("Administration", "admin:index", frozenset({Role.ADMINISTRATOR})),
    NavItem(
        "Organisation settings",
        "admin:pcc_grants_organisationsettings_changelist",
        frozenset({Role.ADMINISTRATOR}),
    ),
)


def menu_for(user) -> list[dict]:
    roles = user_roles(user)
    if not roles:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in NAVIGATION
        if roles & item.roles
    ]


def is_staff_area_user(user) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)
