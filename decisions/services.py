"""Every write to decision records. Content changes only while a record is a draft."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from funding import services as funding_services
from funding.models import Allocation, AllocationStatus
from pcc_grants.models import OrganisationSettings
from pcc_grants.transitions import ONLINE, Attempt
from pcc_grants.uploads import store_document

from . import clock, workflow
from .models import (
    CONTENT_FIELDS,
    IMPLICATIONS,
    CommentKind,
    Decision,
    DecisionAttachment,
    DecisionComment,
    DecisionEvent,
    FundingLine,
)
from .notifications import notify_next
from .publication import remove_unpublished
from .signing import PaperSignature

ONLY_DRAFTS_CHANGE = "Only a draft can be changed: this record is {status}."
DETAILS_NEEDED = "Give the details of the {label} implications."
ALLOCATION_TAKEN = "{reference} is already part of decision {other}."
ALLOCATION_WITHDRAWN = "{reference} is withdrawn and cannot be part of a decision."
ALLOCATION_COMMITTED = (
    "{reference} is {status} already, without a decision record: untick it. A record "
    "approves proposed allocations."
)

EXPECTED_MONTH_NEEDED = (
    "Enter the month the decision is expected, for example 2027-03, or untick the forward plan."
)
PLAN_SUMMARY_NEEDED = "Write a short summary the public may read, or untick the forward plan."

# The forward plan's fields: public while the record is a draft, and not signed.
PLAN_FIELDS = ("forward_plan", "expected_decision_month", "forward_plan_summary")
# What a draft's form and the services may set: the content a signature vouches for,
# the lead officer and the forward plan.
DECISION_FIELDS = ("lead_officer", *CONTENT_FIELDS, *PLAN_FIELDS)


def _ensure_draft(decision: Decision) -> None:
    if not decision.is_draft:
        raise ValidationError(
            ONLY_DRAFTS_CHANGE.format(status=decision.get_status_display().lower()),
            code="not_draft",
        )


def _validate(decision: Decision) -> None:
    errors = {}
    for key, label in IMPLICATIONS:
        if (
            getattr(decision, f"{key}_implications")
            and not getattr(decision, f"{key}_details").strip()
        ):
            errors[f"{key}_details"] = [DETAILS_NEEDED.format(label=label.lower())]
    if decision.expected_decision_month:
        decision.expected_decision_month = decision.expected_decision_month.replace(day=1)
    if decision.forward_plan:
        if not decision.expected_decision_month:
            errors["expected_decision_month"] = [EXPECTED_MONTH_NEEDED]
        if not decision.forward_plan_summary.strip():
            errors["forward_plan_summary"] = [PLAN_SUMMARY_NEEDED]
    try:
        decision.full_clean(exclude=["created_by", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save_lines(decision: Decision, lines: Iterable[tuple[str, Decimal]]) -> None:
    decision.funding_lines.all().delete()
    prepared = []
    for position, (item, amount) in enumerate(lines):
        line = FundingLine(decision=decision, position=position, item=item.strip(), amount=amount)
        line.full_clean(exclude=["decision"])
        prepared.append(line)
    FundingLine.objects.bulk_create(prepared)


def _link_allocations(decision: Decision, allocations: Iterable[Allocation], by) -> None:
    # Read them again, locked: the caller's objects may be stale.
    wanted_pks = [allocation.pk for allocation in allocations]
    allocations = list(
        Allocation.objects.select_for_update(of=("self",))
        .select_related("decision")
        .filter(pk__in=wanted_pks)
        .order_by("pk")
    )
    errors = []
    for allocation in allocations:
        if allocation.decision_id and allocation.decision_id != decision.pk:
            other = allocation.decision.reference or f"draft “{allocation.decision.title}”"
            errors.append(ALLOCATION_TAKEN.format(reference=allocation.reference, other=other))
        elif allocation.status == AllocationStatus.WITHDRAWN:
            errors.append(ALLOCATION_WITHDRAWN.format(reference=allocation.reference))
        elif (
            allocation.is_committed
            and allocation.decision_id is None
            and not (decision.reference and allocation.decision_reference == decision.reference)
        ):
            # Approved or contracted directly: a record listing it would be taken for
            # its approval. Only the paper record it names as approving it may list it.
            errors.append(
                ALLOCATION_COMMITTED.format(
                    reference=allocation.reference,
                    status=allocation.get_status_display().lower(),
                )
            )
    if errors:
        raise ValidationError({"allocations": errors})
    wanted = {allocation.pk for allocation in allocations}
    for allocation in decision.allocations.exclude(pk__in=wanted):
        funding_services.allocation_update(allocation=allocation, by=by, decision=None)
    for allocation in allocations:
        if allocation.decision_id != decision.pk:
            funding_services.allocation_update(allocation=allocation, by=by, decision=decision)


@transaction.atomic
def decision_create(
    *,
    by,
    lines: Iterable[tuple[str, Decimal]] = (),
    allocations: Iterable[Allocation] = (),
    **fields,
) -> Decision:
    """Record a draft Decision Record Form with its funding lines and allocations."""
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Not a decision field: {', '.join(sorted(unknown))}")
    decision = Decision(created_by=by, **fields)
    _validate(decision)
    decision.save()
    _save_lines(decision, lines)
    _link_allocations(decision, allocations, by)
    return decision


decision_create.alters_data = True


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    by,
    lines: Iterable[tuple[str, Decimal]] | None = None,
    allocations: Iterable[Allocation] | None = None,
    fields: Mapping[str, object] | None = None,
    **changes,
) -> Decision:
    """Change a draft; a submitted or signed record is refused, whatever the path.
    The changes come as keywords or as ``fields`` (the form's, which include the
    ``decision`` text, a name the record itself takes here)."""
    changes = {**(fields or {}), **changes}
    unknown = set(changes) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Not a decision field: {', '.join(sorted(unknown))}")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _ensure_draft(decision)
    for field, value in changes.items():
        setattr(decision, field, value)
    _validate(decision)
    decision.save()
    if lines is not None:
        _save_lines(decision, lines)
    if allocations is not None:
        _link_allocations(decision, allocations, by)
    return decision


decision_update.alters_data = True


@transaction.atomic
def decision_attachment_add(*, decision: Decision, upload, by) -> DecisionAttachment:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _ensure_draft(decision)
    return store_document(DecisionAttachment(decision=decision, uploaded_by=by), upload)


decision_attachment_add.alters_data = True


@transaction.atomic
def decision_attachment_remove(*, attachment: DecisionAttachment, by) -> None:
    decision = Decision.objects.select_for_update().get(pk=attachment.decision_id)
    _ensure_draft(decision)
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


decision_attachment_remove.alters_data = True


# The workflow --------------------------------------------------------------------------


def _event(decision: Decision, action: str, before: str, by, comment: str = "") -> None:
    DecisionEvent.objects.create(
        decision=decision,
        action=action,
        from_status=before,
        to_status=decision.status,
        actor=by,
        actor_name=str(by) if by else "System",
        comment=comment,
        at=clock.now(),
    )


def _notify(decision: Decision, actor) -> None:
    transaction.on_commit(lambda: notify_next(decision.pk, actor.pk if actor else None))


def decision_transition(
    *,
    decision: Decision,
    by,
    action: str,
    password: str = "",
    code: str = "",
    comment: str = "",
    publication: dict | None = None,
    paper: PaperSignature | None = None,
    request=None,
) -> Decision:
    """Perform one transition of the workflow table, or nothing.

    Signed steps re-ask the signer's password and a second factor (``code``, or a
    passkey just used) (or record a paper signature, by an officer authorised to record
    one, who gives their own) and keep the SHA-256 of the content signed and what it
    was signed with; the credentials are checked before the transaction, so that the
    sign-in throttle keeps count of a wrong one (``request``, from a page, gives it the address).
    What each step does is its row of the table (``workflow``); every step leaves an
    audit event and tells whoever may act next.
    """
    transition = workflow.TRANSITIONS[action]
    mode = workflow.PAPER if paper else ONLINE
    attempt = Attempt(
        by=by,
        mode=mode,
        comment=comment,
        given={"publication": publication, "paper": paper},
        signer=paper.signer if paper else None,
    )
    if transition.signed:
        # As the record stands now: it is checked again, locked, before it changes.
        verdict = workflow.check(transition, Decision.objects.get(pk=decision.pk), by, mode=mode)
        if not verdict:
            raise ValidationError(verdict.reason, code="not_allowed")
        # Online the signer's password and second factor; on paper the recording
        # officer's.
        attempt.given["factor"] = workflow.step_up(
            by, password=password, code=code, request=request
        )
        attempt.given["authenticated"] = True
    return _perform(transition, decision, attempt)


@transaction.atomic
def _perform(transition, decision: Decision, attempt: Attempt) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    try:
        workflow.DECISIONS.perform(transition, decision, attempt)
        _event(decision, transition.label, attempt.before, attempt.by, attempt.comment)
    except BaseException:
        remove_unpublished(decision)  # this transaction is rolled back
        raise
    _notify(decision, attempt.by)
    return decision


decision_transition.alters_data = True


@transaction.atomic
def decision_comment_add(*, decision: Decision, by, kind: str, text: str) -> DecisionComment:
    """The Chief Finance Officer's (financial) or Monitoring Officer's (legal) comment."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not workflow.can_comment(decision, by, kind):
        raise PermissionDenied("You cannot comment on this record now.")
    if not text.strip():
        raise ValidationError({"text": ["Write the comment."]})
    settings = OrganisationSettings.load()
    title = (
        settings.chief_finance_officer_title
        if kind == CommentKind.FINANCIAL
        else settings.monitoring_officer_title
    )
    comment = DecisionComment.objects.create(
        decision=decision,
        kind=kind,
        author=by,
        author_name=str(by),
        author_title=title,
        text=text.strip(),
        created_at=clock.now(),
    )
    _event(decision, CommentKind(kind).label, decision.status, by, text.strip())
    _notify(decision, by)
    return comment


decision_comment_add.alters_data = True
