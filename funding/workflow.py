"""Allocation statuses as a table (DESIGN §2): proposed → approved → contracted, or
withdrawn, run by the engine in ``pcc_grants.transitions``. The allocation page asks
it what to offer and why not (``permissions``); the services perform it."""

from pcc_grants.roles import EDITORS, Role
from pcc_grants.transitions import ONLINE, Attempt, Transition, Workflow

from .budget import YEAR_CLOSED, check_budget, stream_committed
from .models import Allocation, AllocationStatus

APPROVERS = frozenset({Role.CHIEF_FINANCE_OFFICER, Role.COMMISSIONER})

ONLY_PROPOSED_CAN_BE_APPROVED = "Only a proposed allocation can be approved; this one is {status}."
ONLY_APPROVED_CAN_BE_CONTRACTED = (
    "Only an approved allocation can be marked contracted; this one is {status}."
)
ALREADY_WITHDRAWN = "This allocation is already withdrawn."


def year_open(allocation: Allocation, attempt: Attempt) -> str | None:
    year = allocation.funding_stream.financial_year
    return YEAR_CLOSED.format(year=year.label) if year.is_closed else None


def within_budget(allocation: Allocation, attempt: Attempt) -> None:
    """The stream, locked by the caller, can commit the allocation too."""
    stream = attempt.given["stream"]
    check_budget(stream, committed=stream_committed(stream) + allocation.amount)


APPROVE = Transition(
    name="approve",
    label="Approve",
    sources=(AllocationStatus.PROPOSED,),
    target=AllocationStatus.APPROVED,
    roles=APPROVERS,
    conditions=(year_open,),
    effects=(within_budget,),
    wrong_state=ONLY_PROPOSED_CAN_BE_APPROVED,
    mode_refusals={ONLINE: "Only the {roles} can approve an allocation."},
)
CONTRACT = Transition(
    name="contract",
    label="Mark contracted",
    sources=(AllocationStatus.APPROVED,),
    target=AllocationStatus.CONTRACTED,
    roles=EDITORS,
    conditions=(year_open,),
    wrong_state=ONLY_APPROVED_CAN_BE_CONTRACTED,
    mode_refusals={ONLINE: "Only the {roles} can record funding streams and allocations."},
)
WITHDRAW = Transition(
    name="withdraw",
    label="Withdraw",
    sources=(AllocationStatus.PROPOSED, AllocationStatus.APPROVED, AllocationStatus.CONTRACTED),
    target=AllocationStatus.WITHDRAWN,
    roles=EDITORS,
    conditions=(year_open,),
    wrong_state=ALREADY_WITHDRAWN,
    mode_refusals={ONLINE: "Only the {roles} can record funding streams and allocations."},
)

ALLOCATIONS = Workflow((APPROVE, CONTRACT, WITHDRAW))
