"""Who may do what with decision records. Each check answers (allowed, reason)."""

from funding.permissions import Permission, _holds
from pcc_grants.roles import STAFF_ROLES, Role, user_roles

from .models import Decision

DRAFTERS = frozenset({Role.OFFICER, Role.CHIEF_FINANCE_OFFICER})


def can_view_decisions(user) -> Permission:
    if user_roles(user) & STAFF_ROLES:
        return Permission(True)
    return Permission(False, "Decision records in preparation are for staff of the office.")


def can_draft(user) -> Permission:
    return _holds(user, DRAFTERS, "prepare decision records")


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
