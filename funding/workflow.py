"""Allocation statuses as a table (DESIGN §2): proposed → approved → contracted, or
withdrawn, run by the engine in ``pcc_grants.transitions``. The allocation page asks
it what to offer and why not (``permissions``); the services perform it, on every
path (pages, imports, commands, the admin, a decision's approval), roles included.

Public money is committed only by a decision (DESIGN §1). Approving therefore has two
modes: by a decision (``BY_DECISION``), taken when the decision-maker approves the
record that lists the allocation; and online, a *direct* approval, open only to the
roles the organisation settings delegate it to, up to their limit.

An allocation a record lists is that record's to approve, and once the record is
submitted it is part of what the signatures vouch for: its details and its withdrawal
wait for the record. Once the record has approved it, it is frozen: a change is a new
record, a variation, whose new allocation *replaces* it; the approval of that record
withdraws the one replaced (the ``BY_DECISION`` mode of withdraw).
"""

from django.utils import timezone

from pcc_grants.models import OrganisationSettings
from pcc_grants.money import format_money
from pcc_grants.roles import DECISION_MAKERS, EDITORS
from pcc_grants.transitions import ONLINE, Attempt, Transition, Workflow

from .budget import YEAR_CLOSED, check_budget, stream_committed
from .models import Allocation, AllocationStatus

BY_DECISION = "decision"


# Who takes a decision: the decision-maker online, or the Chief Executive or Monitoring
# Officer recording a decision signed on paper.
def decision_takers() -> frozenset:
    """Read when asked: the paper recorders are set in the organisation settings."""
    return DECISION_MAKERS | OrganisationSettings.load().paper_recorders


ONLY_PROPOSED_CAN_BE_APPROVED = "Only a proposed allocation can be approved; this one is {status}."
ONLY_APPROVED_CAN_BE_CONTRACTED = (
    "Only an approved allocation can be marked contracted; this one is {status}."
)
ALREADY_WITHDRAWN = "This allocation is already withdrawn."
EDITORS_ONLY = "Only the {roles} can record funding streams and allocations."

DIRECT_APPROVAL_ROLES = (
    "Only the {roles} can approve an allocation directly; otherwise a decision record approves it."
)
NO_DIRECT_APPROVAL = (
    "The organisation settings let nobody approve an allocation directly: a decision "
    "record approves it."
)
OVER_DELEGATED_LIMIT = (
    "{amount} is more than the {limit} that may be approved directly: a decision record "
    "must approve it."
)
# A crime and disorder reduction grant is published with these (the Specified
# Information Order): each refusal names the field to fill in.
SPECIFIED_INFORMATION_NEEDED = {
    "conditions": (
        "Give the conditions attached before approving: the Specified Information Order "
        "publishes them."
    ),
    "purpose": (
        "Give the purpose before approving: the Specified Information Order publishes it."
    ),
    "crime_reduction_reasons": (
        "Say why it will reduce crime and disorder before approving: the Specified "
        "Information Order publishes the reasons."
    ),
}
ON_A_RECORD = "It is on decision {record}: it is approved when that record is."
VARIES_A_DECISION = (
    "It replaces {replaced}, which decision {reference} approved: a new decision record "
    "must approve the change."
)
DECISION_TAKERS_ONLY = "Only the {roles} can take a decision."
NOT_ON_THE_DECISION = "It is not on the decision record being approved."
NOT_REPLACED_ON_THE_DECISION = (
    "Only the approval of a record listing an allocation that replaces it can withdraw it."
)

APPROVED_BY_DECISION = (
    "Approved by decision {reference}: a change needs a new record, a variation, that "
    "references it."
)
REFUSED_BY_DECISION = (
    "Decision {reference} refused it, and the signed record keeps it as it was: propose "
    "a new allocation instead."
)
ON_A_SUBMITTED_RECORD = (
    "It is on decision {reference}, which is {status}: the record must be returned for "
    "changes first."
)


def _record_name(decision) -> str:
    return decision.reference or f"draft “{decision.title}”"


def held_by_its_record(allocation: Allocation) -> str | None:
    """Why the record that lists the allocation keeps it as it is, or None.

    From submission on, the allocations a record lists are part of its signed content
    (``decisions.content``): changing one would leave the record refused everywhere.
    """
    decision = allocation.decision
    if decision is None or decision.is_draft:
        return None
    if not decision.is_decided:
        return ON_A_SUBMITTED_RECORD.format(
            reference=decision.reference, status=decision.get_status_display().lower()
        )
    if allocation.status == AllocationStatus.PROPOSED:
        return REFUSED_BY_DECISION.format(reference=decision.reference)
    return APPROVED_BY_DECISION.format(reference=decision.reference)


def delegated_approvers() -> frozenset:
    """The roles the organisation settings let approve an allocation directly."""
    return OrganisationSettings.load().delegated_approvers


# Conditions: what must hold, each answering why not -----------------------------------


def year_open(allocation: Allocation, attempt: Attempt) -> str | None:
    year = allocation.funding_stream.financial_year
    return YEAR_CLOSED.format(year=year.label) if year.is_closed else None


def specified_information_given(allocation: Allocation, attempt: Attempt) -> str | None:
    """A crime and disorder reduction grant has what the Order publishes of it."""
    missing = allocation.specified_information_missing
    return SPECIFIED_INFORMATION_NEEDED[missing[0]] if missing else None


def not_for_a_record(allocation: Allocation, attempt: Attempt) -> str | None:
    """A direct approval cannot take the place of a record that lists the allocation,
    nor change what a signed record approved."""
    if allocation.decision_id:
        return ON_A_RECORD.format(record=_record_name(allocation.decision))
    replaced = allocation.replaces
    if replaced is not None and replaced.decision_id and replaced.decision.is_decided:
        return VARIES_A_DECISION.format(
            replaced=replaced.reference, reference=replaced.decision.reference
        )
    return None


def within_delegated_limit(allocation: Allocation, attempt: Attempt) -> str | None:
    limit = OrganisationSettings.load().delegated_approval_limit
    if limit is not None and allocation.amount > limit:
        return OVER_DELEGATED_LIMIT.format(
            amount=format_money(allocation.amount), limit=format_money(limit)
        )
    return None


def on_the_decision(allocation: Allocation, attempt: Attempt) -> str | None:
    """By a decision: the record being approved lists the allocation."""
    decision = attempt.given.get("decision")
    if decision is None or allocation.decision_id != decision.pk or not decision.is_approved:
        return NOT_ON_THE_DECISION
    return None


def not_held_by_its_record(allocation: Allocation, attempt: Attempt) -> str | None:
    """Withdrawing waits for the record; once it has approved the allocation, only a
    variation withdraws it. A proposal the record refused may go."""
    decision = allocation.decision
    refused = decision is not None and decision.is_decided
    if refused and allocation.status == AllocationStatus.PROPOSED:
        return None
    return held_by_its_record(allocation)


def replaced_on_the_decision(allocation: Allocation, attempt: Attempt) -> str | None:
    """By a decision: the record being approved lists an allocation replacing it."""
    decision = attempt.given.get("decision")
    if decision is None or not decision.is_approved:
        return NOT_REPLACED_ON_THE_DECISION
    if not allocation.replaced_by.filter(decision_id=decision.pk).exists():
        return NOT_REPLACED_ON_THE_DECISION
    return None


# Effects ------------------------------------------------------------------------------


def within_budget(allocation: Allocation, attempt: Attempt) -> None:
    """The stream, locked by the caller, can commit the allocation too."""
    stream = attempt.given["stream"]
    check_budget(stream, committed=stream_committed(stream) + allocation.amount)


def date_the_approval(allocation: Allocation, attempt: Attempt) -> None:
    """The day it is approved: the decision's (given by the record approving it), the
    day of a decision made outside the system (given with it), or today."""
    allocation.approved_on = (
        attempt.given.get("approved_on") or allocation.approved_on or timezone.localdate()
    )


# The table ----------------------------------------------------------------------------

APPROVE = Transition(
    name="approve",
    label="Approve",
    sources=(AllocationStatus.PROPOSED,),
    target=AllocationStatus.APPROVED,
    roles=delegated_approvers,
    conditions=(year_open, specified_information_given),
    mode_conditions={
        ONLINE: (not_for_a_record, within_delegated_limit),
        BY_DECISION: (on_the_decision,),
    },
    effects=(within_budget, date_the_approval),
    wrong_state=ONLY_PROPOSED_CAN_BE_APPROVED,
    modes={BY_DECISION: decision_takers},
    mode_refusals={ONLINE: DIRECT_APPROVAL_ROLES, BY_DECISION: DECISION_TAKERS_ONLY},
    nobody=NO_DIRECT_APPROVAL,
)
CONTRACT = Transition(
    name="contract",
    label="Mark contracted",
    sources=(AllocationStatus.APPROVED,),
    target=AllocationStatus.CONTRACTED,
    roles=EDITORS,
    conditions=(year_open,),
    wrong_state=ONLY_APPROVED_CAN_BE_CONTRACTED,
    mode_refusals={ONLINE: EDITORS_ONLY},
)
WITHDRAW = Transition(
    name="withdraw",
    label="Withdraw",
    sources=(AllocationStatus.PROPOSED, AllocationStatus.APPROVED, AllocationStatus.CONTRACTED),
    target=AllocationStatus.WITHDRAWN,
    roles=EDITORS,
    conditions=(year_open,),
    mode_conditions={
        ONLINE: (not_held_by_its_record,),
        BY_DECISION: (replaced_on_the_decision,),
    },
    wrong_state=ALREADY_WITHDRAWN,
    modes={BY_DECISION: decision_takers},
    mode_refusals={ONLINE: EDITORS_ONLY, BY_DECISION: DECISION_TAKERS_ONLY},
)

ALLOCATIONS = Workflow((APPROVE, CONTRACT, WITHDRAW))

# The steps from proposed to each status, for an allocation recorded in that status
# (an import): an approved or contracted row is approved by whoever imports it.
STEPS_TO = {
    AllocationStatus.PROPOSED: (),
    AllocationStatus.APPROVED: (APPROVE,),
    AllocationStatus.CONTRACTED: (APPROVE, CONTRACT),
    AllocationStatus.WITHDRAWN: (WITHDRAW,),
}
