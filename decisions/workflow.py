"""The decision workflow: one table of transitions (DESIGN §3).

For each transition: the states it leaves from, the state it goes to, the roles
that may perform it, whether it is signed, and what must hold. Every condition
returns the reason it fails, in words a user can read, or None when it holds.
Views ask ``available_actions`` what to offer and why not; services call
``check`` before they change anything. No state changes anywhere else.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pcc_grants.roles import Role, user_roles

from .content import TAMPERED, tampered
from .models import (
    CommentKind,
    Decision,
    DecisionStatus,
    SignOffOutcome,
    SignOffStep,
)

Condition = Callable[[Decision, object], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the target depends on the publication decision
    roles: frozenset
    conditions: tuple[Condition, ...] = ()
    step: str | None = None  # the sign-off step, for signed transitions
    outcome: str | None = None
    comment_required: bool = False

    @property
    def signed(self) -> bool:
        return self.step is not None


# Conditions ---------------------------------------------------------------------------


def content_intact(decision: Decision, user) -> str | None:
    return TAMPERED if tampered(decision) else None


def has_funding_or_no_allocations(decision: Decision, user) -> str | None:
    if decision.allocations.exists() and not decision.funding_lines.exists():
        return "The record links allocations but has no funding breakdown."
    return None


def financial_comment_given(decision: Decision, user) -> str | None:
    if decision.financial_implications and not _has_comment(decision, CommentKind.FINANCIAL):
        return (
            "The record has financial implications: the Chief Finance Officer must comment first."
        )
    return None


def legal_comment_given(decision: Decision, user) -> str | None:
    if decision.legal_implications and not _has_comment(decision, CommentKind.LEGAL):
        return "The record has legal implications: the Monitoring Officer must comment first."
    return None


def not_the_officer_approver(decision: Decision, user) -> str | None:
    # Read through all(): a page that prefetched the signatures asks no query more.
    approvals = [
        signoff
        for signoff in decision.signoffs.all()
        if not signoff.void and signoff.step == SignOffStep.OFFICER_APPROVAL
    ]
    if any(signoff.signer_id == user.pk for signoff in approvals):
        return "You gave the officer approval: someone else must take the decision."
    return None


def _has_comment(decision: Decision, kind: str) -> bool:
    return any(c.kind == kind and not c.void for c in decision.comments.all())


# The table ----------------------------------------------------------------------------

SUBMIT = Transition(
    name="submit",
    label="Submit for officer approval",
    sources=(DecisionStatus.DRAFT,),
    target=DecisionStatus.AWAITING_OFFICER_APPROVAL,
    roles=frozenset({Role.OFFICER, Role.CHIEF_FINANCE_OFFICER}),
    conditions=(has_funding_or_no_allocations,),
)
OFFICER_APPROVE = Transition(
    name="officer_approve",
    label="Give officer approval",
    sources=(DecisionStatus.AWAITING_OFFICER_APPROVAL,),
    target=DecisionStatus.AWAITING_DECISION,
    roles=frozenset({Role.CHIEF_EXECUTIVE, Role.CHIEF_FINANCE_OFFICER}),
    conditions=(content_intact,),
    step=SignOffStep.OFFICER_APPROVAL,
    outcome=SignOffOutcome.APPROVED,
)
RETURN = Transition(
    name="return",
    label="Return for changes",
    sources=(DecisionStatus.AWAITING_OFFICER_APPROVAL, DecisionStatus.AWAITING_DECISION),
    target=DecisionStatus.DRAFT,
    roles=frozenset({Role.CHIEF_EXECUTIVE, Role.CHIEF_FINANCE_OFFICER, Role.COMMISSIONER}),
    comment_required=True,
)
APPROVE = Transition(
    name="approve",
    label="Approve the decision",
    sources=(DecisionStatus.AWAITING_DECISION,),
    target=DecisionStatus.APPROVED,
    roles=frozenset({Role.COMMISSIONER}),
    conditions=(
        content_intact,
        not_the_officer_approver,
        financial_comment_given,
        legal_comment_given,
    ),
    step=SignOffStep.DECISION,
    outcome=SignOffOutcome.APPROVED,
)
REJECT = Transition(
    name="reject",
    label="Reject the decision",
    sources=(DecisionStatus.AWAITING_DECISION,),
    target=DecisionStatus.REJECTED,
    roles=frozenset({Role.COMMISSIONER}),
    conditions=(content_intact, not_the_officer_approver),
    step=SignOffStep.DECISION,
    outcome=SignOffOutcome.REJECTED,
    comment_required=True,
)
DECIDE_PUBLICATION = Transition(
    name="decide_publication",
    label="Decide publication",
    sources=(DecisionStatus.APPROVED, DecisionStatus.REJECTED),
    target=None,
    roles=frozenset({Role.MONITORING_OFFICER}),
    conditions=(content_intact,),
    step=SignOffStep.PUBLICATION,
    outcome=SignOffOutcome.PUBLICATION_DECIDED,
)

TRANSITIONS: dict[str, Transition] = {
    t.name: t for t in (SUBMIT, OFFICER_APPROVE, RETURN, APPROVE, REJECT, DECIDE_PUBLICATION)
}

# Comments are not transitions: they are allowed while a record awaits a signature.
COMMENT_ROLES = {
    CommentKind.FINANCIAL: Role.CHIEF_FINANCE_OFFICER,
    CommentKind.LEGAL: Role.MONITORING_OFFICER,
}
COMMENT_STATES = (DecisionStatus.AWAITING_OFFICER_APPROVAL, DecisionStatus.AWAITING_DECISION)

# Roles that may record a signature made on paper, for the step it stands for.
PAPER_RECORDERS = frozenset({Role.CHIEF_EXECUTIVE, Role.MONITORING_OFFICER})


@dataclass(frozen=True)
class Check:
    transition: Transition
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def check(transition: Transition, decision: Decision, user) -> Check:
    """May ``user`` perform ``transition`` on ``decision`` now? And if not, why not."""
    if decision.status not in transition.sources:
        return Check(
            transition,
            False,
            f"Not while the record is {decision.get_status_display().lower()}.",
        )
    if not user_roles(user) & transition.roles:
        names = " or ".join(sorted(role.label for role in transition.roles))
        return Check(transition, False, f"Only the {names} can do this.")
    for condition in transition.conditions:
        reason = condition(decision, user)
        if reason:
            return Check(transition, False, reason)
    return Check(transition, True)


def available_actions(decision: Decision, user) -> list[Check]:
    """Every transition that leaves the record's current state, each with its answer,
    so a page can offer what is allowed and say why the rest is not."""
    return [
        check(transition, decision, user)
        for transition in TRANSITIONS.values()
        if decision.status in transition.sources and user_roles(user) & transition.roles
    ]


def can_comment(decision: Decision, user, kind: str) -> bool:
    """The CFO (financial) or Monitoring Officer (legal) may comment while the record
    awaits a signature."""
    return COMMENT_ROLES[kind] in user_roles(user) and decision.status in COMMENT_STATES


def actionable_statuses(user) -> dict[str, list[str]]:
    """For the dashboard: which statuses the user's roles can move on, by action."""
    roles = user_roles(user)
    found: dict[str, list[str]] = {}
    for transition in TRANSITIONS.values():
        if transition.name in ("return", "submit") or not roles & transition.roles:
            continue
        for status in transition.sources:
            found.setdefault(status, []).append(transition.label)
    return found
