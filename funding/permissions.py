"""Who may do what with funding. Each check answers (allowed, reason)."""

from pcc_grants.permissions import Permission, holds
from pcc_grants.roles import EDITORS, STAFF_ROLES, Role, user_roles

from . import workflow
from .models import Allocation, FundingStream

POSITION_READERS = STAFF_ROLES | {Role.PANEL_MEMBER}


def can_view_funding(user) -> Permission:
    if user_roles(user) & STAFF_ROLES:
        return Permission(True)
    return Permission(False, "Funding records are for staff of the office.")


def can_view_position(user) -> Permission:
    if user_roles(user) & POSITION_READERS:
        return Permission(True)
    return Permission(False, "The funding position is for staff and the Police and Crime Panel.")


def can_edit_funding(user) -> Permission:
    return holds(user, EDITORS, "record funding streams and allocations")


def _year_open(stream: FundingStream) -> Permission:
    if stream.financial_year.is_closed:
        return Permission(False, f"{stream.financial_year} is closed.")
    return Permission(True)


def can_edit_stream(user, stream: FundingStream) -> Permission:
    return can_edit_funding(user) and _year_open(stream)


def can_edit_allocation(user, allocation: Allocation) -> Permission:
    return can_edit_funding(user) and _year_open(allocation.funding_stream)


def can_take(transition, user, allocation: Allocation) -> Permission:
    """May ``user`` take this status step (``funding.workflow``) on ``allocation``?"""
    verdict = workflow.ALLOCATIONS.check(transition, allocation, user)
    return Permission(verdict.allowed, verdict.reason)
