"""Who may do what with funding. Each check answers (allowed, reason)."""

from pcc_grants.permissions import Permission, holds
from pcc_grants.roles import EDITORS, STAFF_ROLES, Role, user_roles

from . import workflow
from .models import Allocation, FundingStream

POSITION_READERS = STAFF_ROLES | {Role.PANEL_MEMBER}
NOT_VARIED = "A variation replaces an allocation that a decision record approved."


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


def _not_held_by_a_record(allocation: Allocation) -> Permission:
    reason = workflow.held_by_its_record(allocation)
    return Permission(False, reason) if reason else Permission(True)


def can_edit_allocation(user, allocation: Allocation) -> Permission:
    """Editors, in an open year, while no submitted or signed record holds it."""
    return (
        can_edit_funding(user)
        and _year_open(allocation.funding_stream)
        and _not_held_by_a_record(allocation)
    )


def can_record_variation(user, allocation: Allocation) -> Permission:
    """A variation replaces an allocation a signed record approved: offered to editors
    in an open year, on the page of the allocation it would replace."""
    if not (allocation.is_committed and allocation.decision_id and allocation.decision.is_decided):
        return Permission(False, NOT_VARIED)
    return can_edit_funding(user) and _year_open(allocation.funding_stream)


def can_take(transition, user, allocation: Allocation) -> Permission:
    """May ``user`` take this status step (``funding.workflow``) on ``allocation``?"""
    verdict = workflow.ALLOCATIONS.check(transition, allocation, user)
    return Permission(verdict.allowed, verdict.reason)
