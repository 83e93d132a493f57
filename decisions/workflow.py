"""The decision workflow: one table of transitions (DESIGN §3), run by the engine in
``pcc_grants.transitions``.

For each transition: the states it leaves from, the state it goes to, the roles
that may take it (online, and on paper for a signed step), what must hold, what the
person must give, and its effects. Views ask ``check`` and ``available_actions``
what to offer and why not; ``services.decision_transition`` performs it. No state
changes anywhere else.
"""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from funding import services as funding_services
from funding.models import Allocation, AllocationStatus
from funding.workflow import SPECIFIED_INFORMATION_NEEDED
from pcc_grants import two_factor
from pcc_grants.models import OrganisationSettings
from pcc_grants.roles import DECISION_MAKERS, Role, user_roles
from pcc_grants.signing_factors import SigningFactor
from pcc_grants.transitions import Attempt, Check, Transition, Workflow

from . import clock, publication, signals, signing
from .content import TAMPERED, content_hash, tampered
from .models import (
    CommentKind,
    Decision,
    DecisionStatus,
    PublicationChoice,
    PublicationDecision,
    PublicationPart,
    SignOffOutcome,
    SignOffStep,
)
from .references import decision_reference_allocate
from .selectors import decision_for_record

PAPER = "paper"
WRONG_PASSWORD = "That is not your password: the signature was not recorded."  # noqa: S105  # nosec B105
SIGNING_PAUSED = (
    "Too many wrong passwords: signing and sign-in are paused for this account from your "
    "network. Wait and try again."
)
REASON_NEEDED = "Say why: the officer who prepared the record will read it."


def paper_recorders(settings: OrganisationSettings | None = None) -> frozenset:
    """The roles that may record a signature made on paper, for the step it stands
    for: set in the organisation settings, read when asked (or from ``settings``, read
    already by the page asking)."""
    return (settings or OrganisationSettings.load()).paper_recorders


ON_PAPER = {
    "modes": {PAPER: paper_recorders},
    "mode_refusals": {PAPER: "Only the {roles} can record a signature made on paper."},
}


@dataclass(frozen=True)
class DecisionTransition(Transition):
    step: str | None = None  # the sign-off step, for signed transitions
    outcome: str | None = None
    comment_required: bool = False

    @property
    def signed(self) -> bool:
        return self.step is not None


# Conditions: what must hold, each answering why not -------------------------------------


def content_intact(decision: Decision, attempt: Attempt) -> str | None:
    return TAMPERED if tampered(decision) else None


def has_funding_or_no_allocations(decision: Decision, attempt: Attempt) -> str | None:
    if decision.allocations.exists() and not decision.funding_lines.exists():
        return "The record links allocations but has no funding breakdown."
    return None


ALLOCATION_LACKS = (
    "Allocation {reference}, “{title}”, is a crime and disorder reduction grant. {need}"
)


def allocations_publishable(decision: Decision, attempt: Attempt) -> str | None:
    """The crime and disorder reduction grants it would approve have what the Specified
    Information Order publishes of them: asked before anyone signs."""
    for allocation in _proposed_crime_and_disorder_grants(decision):
        missing = allocation.specified_information_missing
        if missing:
            return ALLOCATION_LACKS.format(
                reference=allocation.reference,
                title=allocation.title,
                need=SPECIFIED_INFORMATION_NEEDED[missing[0]],
            )
    return None


def _proposed_crime_and_disorder_grants(decision: Decision) -> list[Allocation]:
    """In order: from the allocations a page read with the record (and their streams,
    ``selectors.decision_for_step``), else asked of the database."""
    if "allocations" in getattr(decision, "_prefetched_objects_cache", {}):
        return sorted(
            (
                allocation
                for allocation in decision.allocations.all()
                if allocation.status == AllocationStatus.PROPOSED
                and allocation.funding_stream.crime_and_disorder_reduction
            ),
            key=lambda allocation: allocation.pk,
        )
    return list(
        decision.allocations.filter(
            status=AllocationStatus.PROPOSED, funding_stream__crime_and_disorder_reduction=True
        )
        .select_related("funding_stream")
        .order_by("pk")
    )


def financial_comment_given(decision: Decision, attempt: Attempt) -> str | None:
    if decision.financial_implications and not _has_comment(decision, CommentKind.FINANCIAL):
        return (
            "The record has financial implications: the Chief Finance Officer must comment first."
        )
    return None


def legal_comment_given(decision: Decision, attempt: Attempt) -> str | None:
    if decision.legal_implications and not _has_comment(decision, CommentKind.LEGAL):
        return "The record has legal implications: the Monitoring Officer must comment first."
    return None


def not_the_officer_approver(decision: Decision, attempt: Attempt) -> str | None:
    """The signer of the officer approval cannot also take the decision. A signature
    made on paper names its signer in words, with no account to compare."""
    if attempt.signer is None:
        return None
    # Read through all(): a page that prefetched the signatures asks no query more.
    approvals = [
        signoff
        for signoff in decision.signoffs.all()
        if not signoff.void and signoff.step == SignOffStep.OFFICER_APPROVAL
    ]
    if any(signoff.signer_id == attempt.signer.pk for signoff in approvals):
        return "You gave the officer approval: someone else must take the decision."
    return None


AUTHOR_CANNOT_APPROVE = "You prepared this record: someone else must give the officer approval."
AUTHOR_CANNOT_DECIDE = "You prepared this record: someone else must take the decision."
SIGNED_ALREADY = (
    "You have signed this record already ({step}): one person signs at most one step of a record."
)


def _authored_by_signer(decision: Decision, attempt: Attempt) -> bool:
    return attempt.signer is not None and decision.created_by_id == attempt.signer.pk


def not_the_author_approving(decision: Decision, attempt: Attempt) -> str | None:
    return AUTHOR_CANNOT_APPROVE if _authored_by_signer(decision, attempt) else None


def not_the_author_deciding(decision: Decision, attempt: Attempt) -> str | None:
    return AUTHOR_CANNOT_DECIDE if _authored_by_signer(decision, attempt) else None


def one_signing_step_each(decision: Decision, attempt: Attempt) -> str | None:
    """Nobody completes two signing steps of one record, whatever roles they hold."""
    if attempt.signer is None:
        return None
    for signoff in decision.signoffs.all():
        if not signoff.void and signoff.signer_id == attempt.signer.pk:
            return SIGNED_ALREADY.format(step=signoff.get_step_display().lower())
    return None


PAPER_SIGNER_WITHOUT_ROLE = "{name} does not hold the role of {roles}, who sign this step."
PAPER_NAME_SIGNED_ALREADY = (
    "{name} has signed this record already or prepared it: one person signs at most one "
    "step of a record."
)


def paper_signer_may_sign(decision: Decision, attempt: Attempt) -> str | None:
    """On paper, the signer chosen holds the step's role; a signer with no account,
    named in words, is not someone who has signed the record or prepared it."""
    paper = attempt.given.get("paper")
    if attempt.mode != PAPER or paper is None:
        return None
    transition = attempt.transition
    if paper.signer is not None:
        if not user_roles(paper.signer) & transition.roles:
            names = " or ".join(sorted(role.label for role in transition.roles))
            return PAPER_SIGNER_WITHOUT_ROLE.format(name=paper.signer, roles=names)
        return None
    wanted = " ".join(paper.name.split()).casefold()
    earlier = [s.name for s in decision.signoffs.all() if not s.void]
    earlier.append(str(decision.created_by))
    if any(" ".join(name.split()).casefold() == wanted for name in earlier):
        return PAPER_NAME_SIGNED_ALREADY.format(name=paper.name)
    return None


# Conditions about the person rather than the record: a task is not offered to
# someone they refuse, whatever the record still waits for.
ABOUT_THE_PERSON = (
    not_the_author_approving,
    not_the_author_deciding,
    not_the_officer_approver,
    one_signing_step_each,
    paper_signer_may_sign,
)


def _has_comment(decision: Decision, kind: str) -> bool:
    return any(c.kind == kind and not c.void for c in decision.comments.all())


# Requirements: what the person must give ----------------------------------------------


def signature_authenticated(decision: Decision, attempt: Attempt) -> None:
    """The person acting has just given their password again (``step_up``): online the
    signer; on paper the officer who records the signature, with the scan."""
    if not attempt.given.get("authenticated"):
        raise ValidationError({"password": [WRONG_PASSWORD]})


def step_up(user, *, password: str, code: str, request: HttpRequest | None) -> SigningFactor:
    """Re-ask the signer: their password (unless the organisation settings sign with
    a second factor alone) through ``authenticate()`` with the request, so the sign-in
    throttle counts a wrong one against the same limit as a failed sign-in; then a
    current second factor (a code, or a passkey just used on the page), a wrong code
    counted the same way. Once the limit is reached signing pauses as sign-in does.
    Called outside the signing transaction, so that a failure is counted even though
    nothing is signed. Returns what the signature was made with."""
    request = request or two_factor.no_browser_request()
    with_password = OrganisationSettings.load().signature_needs_password
    if with_password:
        signer = authenticate(request, username=user.get_username(), password=password or "")
        if getattr(request, "axes_locked_out", False):
            raise ValidationError({"password": [SIGNING_PAUSED]})
        if signer is None or signer.pk != user.pk:
            raise ValidationError({"password": [WRONG_PASSWORD]})
    passkey = two_factor.passkey_just_used(request, user)
    if passkey is not None:
        return passkey.signing_factor(with_password=with_password)
    if not two_factor.has_device(user):
        raise ValidationError({"code": [two_factor.NO_DEVICE]}, code="no_device")
    verified = two_factor.verify_code(user, code, request)
    return verified.signing_factor(with_password=with_password)


def reason_given(decision: Decision, attempt: Attempt) -> None:
    if not attempt.comment.strip():
        raise ValidationError({"comment": [REASON_NEEDED]})


def publication_choices_valid(decision: Decision, attempt: Attempt) -> None:
    """A choice for every section of the record, each with the grounds it needs."""
    attempt.given["rows"] = publication.validate_choices(
        decision_for_record(decision.pk), attempt.given.get("publication") or {}
    )


# Effects: the work of a transition, in order ------------------------------------------


def allocate_reference(decision: Decision, attempt: Attempt) -> None:
    if not decision.reference:
        allocated = decision_reference_allocate(decision=decision)
        decision.reference, decision.slug = allocated.reference, allocated.slug


def freeze_content(decision: Decision, attempt: Attempt) -> None:
    decision.submitted_hash = content_hash(decision)


def void_signoffs(decision: Decision, attempt: Attempt) -> None:
    """A returned record starts again: earlier signatures and comments are kept, void."""
    for signoff in decision.signoffs.valid():
        signoff.void, signoff.voided_at, signoff.void_reason = True, clock.now(), attempt.comment
        signoff.save(update_fields=["void", "voided_at", "void_reason"])
    decision.comments.filter(void=False).update(void=True)
    decision.submitted_hash = ""


def withdraw_replaced(decision: Decision, attempt: Attempt) -> None:
    """A variation: the allocations that the record's allocations replace are
    withdrawn by its approval, first, so that their money is free for what replaces
    them. The trace is the record: the withdrawal is taken in its name."""
    replaced = (
        Allocation.objects.filter(replaced_by__decision=decision)
        .exclude(status=AllocationStatus.WITHDRAWN)
        .distinct()
        .order_by("pk")
    )
    for allocation in replaced:
        funding_services.allocation_withdraw(
            allocation=allocation, by=attempt.by, decision=decision
        )


def approve_allocations(decision: Decision, attempt: Attempt) -> None:
    """The linked allocations become approved by this decision (the funding table's
    decision mode), under the budget rule, on the day of the decision: a breach
    refuses the whole approval."""
    paper = attempt.given.get("paper")
    day = paper.signed_on if paper else clock.now().date()
    for allocation in decision.allocations.filter(status=AllocationStatus.PROPOSED):
        funding_services.allocation_approve(
            allocation=allocation, by=attempt.by, decision=decision, approved_on=day
        )


def sign(decision: Decision, attempt: Attempt) -> None:
    transition = attempt.transition
    signing.sign(
        decision,
        step=transition.step,
        outcome=transition.outcome,
        by=attempt.by,
        comment=attempt.comment,
        paper=attempt.given.get("paper"),
        factor=attempt.given["factor"],
    )


def date_the_decision(decision: Decision, attempt: Attempt) -> None:
    paper = attempt.given.get("paper")
    decision.decision_date = paper.signed_on if paper else clock.now().date()


def record_publication(decision: Decision, attempt: Attempt) -> None:
    """Keep the choice for each section; withholding the record itself means it is not
    published, and anything else that it is."""
    rows = attempt.given["rows"]
    for row in rows:
        PublicationDecision.objects.create(
            decision=decision, decided_by=attempt.by, decided_at=clock.now(), **row
        )
    record_choice = next(r["choice"] for r in rows if r["part"] == PublicationPart.RECORD)
    decision.status = (
        DecisionStatus.NOT_PUBLISHED
        if record_choice == PublicationChoice.WITHHOLD
        else DecisionStatus.PUBLISHED
    )


def announce_approval(decision: Decision, attempt: Attempt) -> None:
    """Tell the rest of the product the record is approved (``signals.decision_approved``),
    last, in the approval's transaction: a receiver that raises refuses the approval."""
    signals.decision_approved.send(sender=Decision, decision=decision, attempt=attempt)


def publish(decision: Decision, attempt: Attempt) -> None:
    """Fix what the public sees (the snapshot) and, if published, render the PDF."""
    publication.publish(decision)


# The table ----------------------------------------------------------------------------

SUBMIT = DecisionTransition(
    name="submit",
    label="Submit for officer approval",
    sources=(DecisionStatus.DRAFT,),
    target=DecisionStatus.AWAITING_OFFICER_APPROVAL,
    roles=frozenset({Role.OFFICER, Role.CHIEF_FINANCE_OFFICER}),
    conditions=(has_funding_or_no_allocations,),
    effects=(allocate_reference, freeze_content),
)
OFFICER_APPROVE = DecisionTransition(
    name="officer_approve",
    label="Give officer approval",
    sources=(DecisionStatus.AWAITING_OFFICER_APPROVAL,),
    target=DecisionStatus.AWAITING_DECISION,
    roles=frozenset({Role.CHIEF_EXECUTIVE, Role.CHIEF_FINANCE_OFFICER}),
    conditions=(
        content_intact,
        not_the_author_approving,
        one_signing_step_each,
        paper_signer_may_sign,
        financial_comment_given,
        legal_comment_given,
    ),
    requirements=(signature_authenticated,),
    effects=(sign,),
    step=SignOffStep.OFFICER_APPROVAL,
    outcome=SignOffOutcome.APPROVED,
    **ON_PAPER,
)
RETURN = DecisionTransition(
    name="return",
    label="Return for changes",
    sources=(DecisionStatus.AWAITING_OFFICER_APPROVAL, DecisionStatus.AWAITING_DECISION),
    target=DecisionStatus.DRAFT,
    roles=frozenset({Role.CHIEF_EXECUTIVE, Role.CHIEF_FINANCE_OFFICER, Role.COMMISSIONER}),
    requirements=(reason_given,),
    effects=(void_signoffs,),
    comment_required=True,
)
# Approving and rejecting are one decision: the same people may take it, or not.
WHO_MAY_DECIDE = (
    content_intact,
    not_the_author_deciding,
    not_the_officer_approver,
    one_signing_step_each,
    paper_signer_may_sign,
)
APPROVE = DecisionTransition(
    name="approve",
    label="Approve the decision",
    sources=(DecisionStatus.AWAITING_DECISION,),
    target=DecisionStatus.APPROVED,
    roles=DECISION_MAKERS,
    conditions=(
        *WHO_MAY_DECIDE,
        financial_comment_given,
        legal_comment_given,
        allocations_publishable,
    ),
    requirements=(signature_authenticated,),
    effects=(withdraw_replaced, approve_allocations, sign, date_the_decision, announce_approval),
    step=SignOffStep.DECISION,
    outcome=SignOffOutcome.APPROVED,
    **ON_PAPER,
)
REJECT = DecisionTransition(
    name="reject",
    label="Reject the decision",
    sources=(DecisionStatus.AWAITING_DECISION,),
    target=DecisionStatus.REJECTED,
    roles=DECISION_MAKERS,
    conditions=WHO_MAY_DECIDE,
    requirements=(signature_authenticated, reason_given),
    effects=(sign, date_the_decision),
    step=SignOffStep.DECISION,
    outcome=SignOffOutcome.REJECTED,
    comment_required=True,
    **ON_PAPER,
)
DECIDE_PUBLICATION = DecisionTransition(
    name="decide_publication",
    label="Decide publication",
    sources=(DecisionStatus.APPROVED, DecisionStatus.REJECTED),
    target=None,  # published or not published: record_publication decides
    roles=frozenset({Role.MONITORING_OFFICER}),
    conditions=(content_intact, one_signing_step_each, paper_signer_may_sign),
    requirements=(signature_authenticated, publication_choices_valid),
    effects=(sign, record_publication),
    then=(publish,),
    step=SignOffStep.PUBLICATION,
    outcome=SignOffOutcome.PUBLICATION_DECIDED,
    **ON_PAPER,
)

DECISIONS = Workflow((SUBMIT, OFFICER_APPROVE, RETURN, APPROVE, REJECT, DECIDE_PUBLICATION))
TRANSITIONS: dict[str, DecisionTransition] = DECISIONS.transitions

# Comments are not transitions: they are allowed while a record awaits a signature.
COMMENT_ROLES = {
    CommentKind.FINANCIAL: Role.CHIEF_FINANCE_OFFICER,
    CommentKind.LEGAL: Role.MONITORING_OFFICER,
}
COMMENT_STATES = (DecisionStatus.AWAITING_OFFICER_APPROVAL, DecisionStatus.AWAITING_DECISION)


def check(transition: Transition, decision: Decision, user, *, mode: str = "online") -> Check:
    """May ``user`` perform ``transition`` on ``decision`` now? And if not, why not."""
    return DECISIONS.check(transition, decision, user, mode=mode)


def available_actions(decision: Decision, user) -> list[Check]:
    """Every transition that leaves the record's current state, each with its answer,
    so a page can offer what is allowed and say why the rest is not."""
    return DECISIONS.available(decision, user)


def can_comment(decision: Decision, user, kind: str) -> bool:
    """The CFO (financial) or Monitoring Officer (legal) may comment while the record
    awaits a signature."""
    return COMMENT_ROLES[kind] in user_roles(user) and decision.status in COMMENT_STATES
