"""Who may act next on a record, and on what: answered here once, from the workflow
table, for the record page, the dashboard and the notifications alike."""

from dataclasses import dataclass

from django.db.models import Prefetch

from pcc_grants.roles import PAPER_RECORDER_CHOICES, Role, user_roles
from pcc_grants.transitions import Attempt, Check

from . import workflow
from .models import CommentKind, Decision, DecisionComment, DecisionStatus, SignOff

# The author moves a draft on and any approver can send a record back: neither is a
# task that the record waits for.
NOT_TASKS = (workflow.SUBMIT, workflow.RETURN)
TASKS = tuple(t for t in workflow.TRANSITIONS.values() if t not in NOT_TASKS)


def _waiting_transitions(decision: Decision):
    return [transition for transition in TASKS if decision.status in transition.sources]


def _missing_comments(decision: Decision, *, prefetched: bool) -> list[str]:
    if decision.status not in workflow.COMMENT_STATES:
        return []
    comments = decision.comments.all() if prefetched else decision.comments.filter(void=False)
    given = {c.kind for c in comments if not c.void}
    return [
        kind
        for kind, needed in (
            (CommentKind.FINANCIAL, decision.financial_implications),
            (CommentKind.LEGAL, decision.legal_implications),
        )
        if needed and kind not in given
    ]


def _holds(transition, decision: Decision, user, *, skipping=()) -> bool:
    """Whether the step's conditions hold for ``user`` now. The content check and the
    check of the allocations' published information are left to the record's page,
    which reads the whole record, and to the step itself: a list does not re-hash
    every record it shows, nor read each one's allocations."""
    attempt = Attempt(by=user)
    skipped = (workflow.content_intact, workflow.allocations_publishable, *skipping)
    return not any(
        condition(decision, attempt)
        for condition in transition.conditions
        if condition not in skipped
    )


def _ready(transition, decision: Decision) -> bool:
    """Whether the record lets the step be taken now, whoever takes it (the
    conditions about the person are asked of each person)."""
    return _holds(transition, decision, None, skipping=workflow.ABOUT_THE_PERSON)


def next_actors(decision: Decision, *, prefetched: bool = False) -> dict[str, set]:
    """Roles that can move the record on now, each with what they would do: the
    comments the record still needs, and the steps whose conditions already hold."""
    wanted: dict[str, set] = {}
    if decision.status == DecisionStatus.DRAFT:
        return wanted
    for transition in _waiting_transitions(decision):
        if not _ready(transition, decision):
            continue
        for role in transition.roles:
            wanted.setdefault(role.value, set()).add(transition.label.lower())
    for kind in _missing_comments(decision, prefetched=prefetched):
        role = workflow.COMMENT_ROLES[kind]
        wanted.setdefault(role.value, set()).add(CommentKind(kind).label.lower())
    return wanted


def actions_for(decision: Decision, user) -> list[str]:
    """What this user can do on the record now: the waiting steps the table allows
    them, and the comments their roles are asked for."""
    roles = user_roles(user)
    actions = {
        transition.label.lower()
        for transition in _waiting_transitions(decision)
        if roles & transition.roles and _holds(transition, decision, user)
    }
    actions.update(
        CommentKind(kind).label.lower()
        for kind in _missing_comments(decision, prefetched=True)
        if workflow.COMMENT_ROLES[kind] in roles
    )
    return sorted(actions)


def _statuses_for(user) -> set[str]:
    roles = user_roles(user)
    statuses = {
        status for transition in TASKS if roles & transition.roles for status in transition.sources
    }
    if roles & set(workflow.COMMENT_ROLES.values()):
        statuses.update(workflow.COMMENT_STATES)
    return statuses


# What a task reads of a record, its comments and its signatures: the list and the
# conditions of the steps it waits for, but for those left to the record's page.
TASK_FIELDS = (
    "reference",
    "slug",
    "title",
    "status",
    "created_by",
    "updated_at",
    "financial_implications",
    "legal_implications",
)
COMMENT_FIELDS = ("decision", "kind", "void")
SIGNATURE_FIELDS = ("decision", "step", "signer", "void")


def tasks_for(user, *, limit: int = 20) -> list[tuple[Decision, list[str]]]:
    """Records waiting for something this user can do, with what that is."""
    statuses = _statuses_for(user)
    if not statuses:
        return []
    candidates = (
        Decision.objects.filter(status__in=statuses)
        .only(*TASK_FIELDS)
        .prefetch_related(
            Prefetch("comments", queryset=DecisionComment.objects.only(*COMMENT_FIELDS)),
            Prefetch("signoffs", queryset=SignOff.objects.only(*SIGNATURE_FIELDS)),
        )
        .order_by("updated_at", "pk")[: limit * 3]
    )
    tasks = []
    for decision in candidates:
        actions = actions_for(decision, user)
        if actions:
            tasks.append((decision, actions))
            if len(tasks) == limit:
                break
    return tasks


def waiting_for(decision: Decision) -> list[str]:
    """Who the record waits for, in words: "the Chief Finance Officer: comments on
    the financial implications"."""
    labels = {role.value: role.label for role in Role}
    return [
        f"the {labels[role]}: {', '.join(sorted(actions))}"
        for role, actions in sorted(next_actors(decision, prefetched=True).items())
    ]


@dataclass(frozen=True)
class RecordOffer:
    """What the record page offers this user: the steps (each with why not), the
    comments they may write, and the signed steps they may record as signed on paper."""

    actions: list[Check]
    comment_kinds: list[tuple[str, str]]
    paper_steps: list
    waiting_for: list[str]


def record_offer(decision: Decision, user) -> RecordOffer:
    # Only someone who could be allowed to record a paper signature needs the settings.
    held = user_roles(user)
    may_record = bool(held & set(PAPER_RECORDER_CHOICES)) and bool(
        held & workflow.paper_recorders()
    )
    return RecordOffer(
        actions=workflow.available_actions(decision, user),
        comment_kinds=[
            (kind, CommentKind(kind).label)
            for kind in CommentKind.values
            if workflow.can_comment(decision, user, kind)
        ],
        paper_steps=[
            transition
            for transition in workflow.TRANSITIONS.values()
            if workflow.PAPER in transition.modes and decision.status in transition.sources
        ]
        if may_record
        else [],
        waiting_for=waiting_for(decision),
    )
