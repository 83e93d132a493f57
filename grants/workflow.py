"""Round and application statuses as tables, run by ``pcc_grants.transitions``.

A round: draft → open → closed → in review → decided, or cancelled before it is
decided. The office's editors (Officer, CFO) move it, but for the last step: a round
is decided by the approval of the Decision Record drafted from its Review Panel's
recommendations, in the same transaction (``awarding``). A round opens only with its
guidance, its dates, criteria whose weights add up to 100 % and a stream with the
money it may award.

An application: draft → submitted → withdrawn, by an applicant who is a member of the
organisation that made it, while the round is open and before it closes.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format

from decisions import clock
from funding.budget import stream_committed
from funding.workflow import BY_DECISION, decision_takers
from pcc_grants.money import format_money
from pcc_grants.roles import DECISION_MAKERS, EDITORS, Role
from pcc_grants.transitions import Attempt, Transition, Workflow

from . import submission
from .models import ApplicationStatus, GrantRound, RoundStatus

HUNDRED = Decimal("100")
APPLICANTS = frozenset({Role.APPLICANT})


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def money_left_for(grant_round: GrantRound) -> Decimal:
    """What the stream has available that neither its commitments nor its other live
    rounds have taken: the most this round may award."""
    stream = grant_round.funding_stream
    others = (
        stream.grant_rounds.exclude(pk=grant_round.pk)
        .exclude(status__in=[RoundStatus.DRAFT, RoundStatus.CANCELLED, RoundStatus.DECIDED])
        .values_list("budget", flat=True)
    )
    return stream.available - stream_committed(stream) - sum(others, Decimal("0"))


def ready_to_open(grant_round: GrantRound, attempt: Attempt | None = None) -> str | None:
    if not grant_round.guidance.strip():
        return "Write the round's guidance before opening it."
    if not grant_round.opens_at or not grant_round.closes_at:
        return "Set the opening and closing dates before opening the round."
    if grant_round.closes_at <= grant_round.opens_at:
        return "The round must close after it opens."
    if grant_round.closes_at <= clock.now():
        return f"The closing time ({_when(grant_round.closes_at)}) has passed."
    total = grant_round.weights_total
    if not grant_round.criteria.exists():
        return "Add the scoring criteria before opening the round."
    if total != HUNDRED:
        return f"The criteria's weights add up to {total.normalize():f} %, not 100 %."
    if grant_round.funding_stream.financial_year.is_closed:
        return f"{grant_round.funding_stream.financial_year} is closed."
    left = money_left_for(grant_round)
    if left <= 0:
        return f"{grant_round.funding_stream} has no money available."
    if grant_round.budget > left:
        return (
            f"The round's budget of {format_money(grant_round.budget)} is more than the "
            f"{format_money(left)} {grant_round.funding_stream} has available."
        )
    if grant_round.maximum_award > grant_round.budget:
        return "The maximum award is more than the round's budget."
    return None


OPEN = Transition(
    name="open",
    label="Open the round",
    sources=(RoundStatus.DRAFT,),
    target=RoundStatus.OPEN,
    roles=EDITORS,
    conditions=(ready_to_open,),
)
CLOSE = Transition(
    name="close",
    label="Close the round",
    sources=(RoundStatus.OPEN,),
    target=RoundStatus.CLOSED,
    roles=EDITORS,
)
START_REVIEW = Transition(
    name="start_review",
    label="Start the review",
    sources=(RoundStatus.CLOSED,),
    target=RoundStatus.IN_REVIEW,
    roles=EDITORS,
)
NO_DECISION = "No decision record awards this round's grants yet."
DECISION_NOT_APPROVED = (
    "Decision {record} is {status}: the round is decided when the Commissioner approves it."
)
NOT_ITS_DECISION = "That decision record does not award this round's grants."


def _record_name(decision) -> str:
    return decision.reference or f"draft “{decision.title}”"


def decision_approved(grant_round: GrantRound, attempt: Attempt) -> str | None:
    """The record drafted from the panel's recommendations is approved: as it stands
    in the approval under way (``given["decision"]``), or as saved."""
    decision = attempt.given.get("decision")
    if decision is None or decision.pk != grant_round.decision_id:
        decision = grant_round.decision
    if decision is None:
        return NO_DECISION
    if not decision.is_approved:
        status = decision.get_status_display().lower()
        return DECISION_NOT_APPROVED.format(record=_record_name(decision), status=status)
    return None


def its_own_decision(grant_round: GrantRound, attempt: Attempt) -> str | None:
    decision = attempt.given.get("decision")
    if decision is None or decision.pk != grant_round.decision_id:
        return NOT_ITS_DECISION
    return None


# Decided by the approval of its Decision Record (``awarding.decide_rounds``, in the
# approval's transaction): the decision-maker, or whoever records a paper signature.
# Not a button on the round's page.
DECIDE = Transition(
    name="decide",
    label="Mark the round decided",
    sources=(RoundStatus.IN_REVIEW,),
    target=RoundStatus.DECIDED,
    roles=EDITORS | DECISION_MAKERS,
    conditions=(decision_approved,),
    mode_conditions={BY_DECISION: (its_own_decision,)},
    modes={BY_DECISION: decision_takers},
    wrong_state="The round is {status}: only a round in review is decided.",
)
CANCEL = Transition(
    name="cancel",
    label="Cancel the round",
    sources=(RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.IN_REVIEW),
    target=RoundStatus.CANCELLED,
    roles=EDITORS,
)

ROUND = Workflow([OPEN, CLOSE, START_REVIEW, DECIDE, CANCEL])
# The transitions a page offers as buttons; extending is a form of its own.
ROUND_ACTIONS = ("open", "close", "start_review", "cancel")


# Applications: a member of the organisation that made it submits or withdraws it,
# while the round is open and before its closing time by the server's clock.
def is_member(application, attempt: Attempt) -> str | None:
    if not application.organisation.memberships.filter(user=attempt.by).exists():
        return "Only a member of the organisation that made this application can do this."
    return None


def before_the_close(application, attempt: Attempt) -> str | None:
    grant_round = application.grant_round
    if grant_round.status != RoundStatus.OPEN:
        return f"The round is {grant_round.get_status_display().lower()}: it takes no changes."
    if clock.now() >= grant_round.closes_at:
        return f"The round closed at {_when(grant_round.closes_at)}."
    return None


SUBMIT = Transition(
    name="submit",
    label="Submit the application",
    sources=(ApplicationStatus.DRAFT,),
    target=ApplicationStatus.SUBMITTED,
    roles=APPLICANTS,
    conditions=(is_member, before_the_close),
    requirements=(submission.complete,),
    effects=(submission.freeze,),
    wrong_state="This application is {status}: it cannot be submitted again.",
)
WITHDRAW = Transition(
    name="withdraw",
    label="Withdraw the application",
    sources=(ApplicationStatus.SUBMITTED,),
    target=ApplicationStatus.WITHDRAWN,
    roles=APPLICANTS,
    conditions=(is_member, before_the_close),
    effects=(submission.mark_withdrawn,),
    wrong_state="Only a submitted application can be withdrawn; this one is {status}.",
)
APPLICATION = Workflow([SUBMIT, WITHDRAW])
