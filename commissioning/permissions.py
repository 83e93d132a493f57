"""Who may do what with providers and agreements. Each check answers (allowed, reason)."""

from pcc_grants.permissions import Permission, holds
from pcc_grants.roles import EDITORS, STAFF_ROLES, user_roles


def can_view_commissioning(user) -> Permission:
    if user_roles(user) & STAFF_ROLES:
        return Permission(True)
    return Permission(False, "Providers and agreements are for staff of the office.")


def can_edit_commissioning(user) -> Permission:
    return holds(user, EDITORS, "record providers, agreements and monitoring returns")


def can_download_documents(user) -> Permission:
    if user_roles(user) & STAFF_ROLES:
        return Permission(True)
    return Permission(False, "Agreement documents are for staff of the office.")
