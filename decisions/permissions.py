"""Who may do what with decision records. Each check answers (allowed, reason)."""

from pcc_grants.permissions import Permission, holds
from pcc_grants.roles import EDITORS, STAFF_ROLES, user_roles

from .models import Decision

DRAFTERS = EDITORS


def can_view_decisions(user) -> Permission:
    if user_roles(user) & STAFF_ROLES:
        return Permission(True)
    return Permission(False, "Decision records in preparation are for staff of the office.")


def can_draft(user) -> Permission:
    return holds(user, DRAFTERS, "prepare decision records")


def can_edit(user, decision: Decision) -> Permission:
    allowed = can_draft(user)
    if not allowed:
        return allowed
    if not decision.is_draft:
        return Permission(
            False,
            f"The record is {decision.get_status_display().lower()}: its content is frozen.",
        )
    return Permission(True)
