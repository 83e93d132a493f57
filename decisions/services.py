"""Every write to decision records. Content changes only while a record is a draft."""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding import services as funding_services
from funding.models import Allocation, AllocationStatus
from pcc_grants.models import OrganisationSettings
from pcc_grants.pdf import render_pdf
from pcc_grants.roles import Role, has_role
from pcc_grants.uploads import check_upload, store_document

from . import workflow
from .content import content_hash
from .models import (
    IMPLICATIONS,
    CommentKind,
    Decision,
    DecisionAttachment,
    DecisionCategory,
    DecisionComment,
    DecisionEvent,
    DecisionStatus,
    FundingLine,
    PublicationChoice,
    PublicationDecision,
    PublicationPart,
    PublishedDocument,
    ReferenceCounter,
    SignOff,
    SignOffStep,
    reference_slug,
)

ONLY_DRAFTS_CHANGE = "Only a draft can be changed: this record is {status}."
DETAILS_NEEDED = "Give the details of the {label} implications."
ALLOCATION_UNKNOWN = "There is no allocation {reference}."
ALLOCATION_TAKEN = "{reference} is already part of decision {other}."
ALLOCATION_WITHDRAWN = "{reference} is withdrawn and cannot be part of a decision."
REFERENCE_TAKEN = "The reference {reference} is already in use."
REFERENCE_GIVEN = "This record already has its reference, {reference}: it is never changed."

DECISION_FIELDS = (
    "category",
    "significant_public_interest",
    "title",
    "executive_summary",
    "recommendations",
    "decision",
    "lead_officer",
    "officers_present",
    "contractor_details",
    "date_received",
    "key_discussion_points",
    *(f"{key}_implications" for key, _ in IMPLICATIONS),
    *(f"{key}_details" for key, _ in IMPLICATIONS),
    "supporting_information",
)


def _today() -> date:
    return timezone.localdate()


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


def resolve_allocations(references: Iterable[str]) -> list[Allocation]:
    """Allocations named by their references (``A000012``); unknown ones are refused."""
    wanted = {}
    for reference in references:
        text = reference.strip().upper()
        if not text:
            continue
        pk = Allocation.pk_from_reference(text)
        if pk is None:
            raise ValidationError({"allocations": [ALLOCATION_UNKNOWN.format(reference=text)]})
        wanted[pk] = text
    found = {
        allocation.pk: allocation
        for allocation in Allocation.objects.select_related("decision").filter(pk__in=wanted)
    }
    missing = [text for pk, text in wanted.items() if pk not in found]
    if missing:
        raise ValidationError(
            {"allocations": [ALLOCATION_UNKNOWN.format(reference=text) for text in missing]}
        )
    return [found[pk] for pk in wanted]


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
    **changes,
) -> Decision:
    """Change a draft; a submitted or signed record is refused, whatever the path."""
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


def _counter(series: str, year: int) -> ReferenceCounter:
    """The series' counter for the year, locked; created on first use."""
    counter = ReferenceCounter.objects.select_for_update().filter(series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(series=series, year=year)
        except IntegrityError:
            pass  # another transaction created it first: lock theirs below
        counter = ReferenceCounter.objects.select_for_update().get(series=series, year=year)
    return counter


@transaction.atomic
def decision_reference_allocate(*, decision: Decision, reference: str = "") -> Decision:
    """Give the record its reference, once: the next number of its series this year.

    ``reference`` records a number given outside the system (a record signed on
    paper). The counter row is locked, so records submitted at the same moment
    get distinct, consecutive numbers; a number once given is never reused.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.reference:
        raise ValidationError(REFERENCE_GIVEN.format(reference=decision.reference))
    if not reference:
        settings = OrganisationSettings.load()
        pattern = (
            settings.delegated_reference_pattern
            if decision.category == DecisionCategory.DELEGATED
            else settings.decision_reference_pattern
        )
        year = _today().year
        counter = _counter(decision.category, year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        reference = pattern.format(seq=counter.last_number, year=year, yy=f"{year % 100:02d}")
    if Decision.objects.filter(reference=reference).exists():
        raise ValidationError(REFERENCE_TAKEN.format(reference=reference))
    decision.reference = reference
    decision.slug = reference_slug(reference)
    decision.save(update_fields=["reference", "slug", "updated_at"])
    return decision


decision_reference_allocate.alters_data = True


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

WRONG_PASSWORD = "That is not your password: the signature was not recorded."  # noqa: S105  # nosec B105
REASON_NEEDED = "Say why: the officer who prepared the record will read it."
GROUNDS_NEEDED = "Give the grounds (the exemption or the legislation) for not publishing {part}."
REASONING_NEEDED = "Give the public interest reasoning for not publishing {part}."
ALL_PARTS_NEEDED = (
    "Decide publication for every part: the record, the officer assessment and the "
    "supporting details."
)


def _now():
    return timezone.now()


@dataclass(frozen=True)
class PaperSignature:
    """A step signed on paper: who signed, when, and the scanned copy."""

    name: str
    title: str
    signed_on: date
    scan: object  # an uploaded file


def _event(decision: Decision, action: str, before: str, by, comment: str = "") -> None:
    DecisionEvent.objects.create(
        decision=decision,
        action=action,
        from_status=before,
        to_status=decision.status,
        actor=by,
        actor_name=str(by) if by else "System",
        comment=comment,
        at=_now(),
    )


def _signer_title(step: str, user, settings: OrganisationSettings) -> str:
    if step == SignOffStep.OFFICER_APPROVAL:
        if has_role(user, Role.CHIEF_EXECUTIVE):
            return settings.chief_executive_title
        return settings.chief_finance_officer_title
    if step == SignOffStep.DECISION:
        return settings.decision_maker_title
    return settings.monitoring_officer_title


def signature_statement(step: str, settings: OrganisationSettings | None = None) -> str:
    settings = settings or OrganisationSettings.load()
    return {
        SignOffStep.OFFICER_APPROVAL: settings.officer_approval_statement,
        SignOffStep.DECISION: settings.decision_maker_statement,
        SignOffStep.PUBLICATION: settings.monitoring_officer_statement,
    }[step]


def _sign(decision: Decision, transition, by, comment: str, paper: PaperSignature | None):
    settings = OrganisationSettings.load()
    signoff = SignOff(
        decision=decision,
        step=transition.step,
        outcome=transition.outcome,
        signer=None if paper else by,
        name=paper.name if paper else str(by),
        title=paper.title if paper else _signer_title(transition.step, by, settings),
        role=transition.step,
        statement=signature_statement(transition.step, settings),
        comment=comment,
        signed_at=(
            timezone.make_aware(datetime.combine(paper.signed_on, time(12, 0)))
            if paper
            else _now()
        ),
        content_hash=content_hash(decision),
        on_paper=paper is not None,
        recorded_by=by,
    )
    if paper:
        checked = check_upload(paper.scan)
        signoff.stored_name = f"{uuid.uuid4().hex}.{checked.extension}"
        signoff.scan.save(signoff.stored_name, File(paper.scan), save=False)
    signoff.save()
    return signoff


def _validate_publication(choices: dict[str, dict]) -> list[dict]:
    errors: dict[str, list[str]] = {}
    if set(choices) != set(PublicationPart.values):
        raise ValidationError(ALL_PARTS_NEEDED)
    for part, values in choices.items():
        label = PublicationPart(part).label.lower()
        if values["choice"] != PublicationChoice.PUBLISH:
            if not (values.get("exemption") or values.get("legislation", "").strip()):
                errors.setdefault(f"{part}_legislation", []).append(
                    GROUNDS_NEEDED.format(part=label)
                )
            if not values.get("public_interest", "").strip():
                errors.setdefault(f"{part}_public_interest", []).append(
                    REASONING_NEEDED.format(part=label)
                )
    if errors:
        raise ValidationError(errors)
    return [{"part": part, **values} for part, values in choices.items()]


def _publish(decision: Decision, by) -> None:
    """Render the public PDF once and keep it with its SHA-256."""
    from .public import public_context

    pdf = render_pdf("decisions/public_pdf.html", public_context(decision))
    digest = hashlib.sha256(pdf).hexdigest()
    document = PublishedDocument(
        decision=decision, sha256=digest, size=len(pdf), published_at=_now()
    )
    document.file.save(f"{decision.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
    document.save()


def _notify(decision: Decision, actor) -> None:
    from .notifications import notify_next

    transaction.on_commit(lambda: notify_next(decision.pk, actor.pk if actor else None))


@transaction.atomic
def decision_transition(
    *,
    decision: Decision,
    by,
    action: str,
    password: str = "",
    comment: str = "",
    publication: dict | None = None,
    paper: PaperSignature | None = None,
) -> Decision:
    """Perform one transition of the workflow table, or nothing.

    Signed steps re-ask the signer's password (or record a paper signature, by an
    officer authorised to record one) and keep the SHA-256 of the content signed.
    Approval approves the linked allocations under the budget rule in the same
    transaction: a breach refuses the whole approval.
    """
    transition = workflow.TRANSITIONS[action]
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if paper is not None:
        if not transition.signed or not has_role(by, *workflow.PAPER_RECORDERS):
            raise PermissionDenied(
                "Only the Chief Executive or Monitoring Officer can record "
                "a signature made on paper."
            )
        if decision.status not in transition.sources:
            raise ValidationError(
                f"Not while the record is {decision.get_status_display().lower()}."
            )
        for condition in transition.conditions:
            if condition is not workflow.not_the_officer_approver and (
                reason := condition(decision, by)
            ):
                raise ValidationError(reason)
    else:
        verdict = workflow.check(transition, decision, by)
        if not verdict:
            raise ValidationError(verdict.reason, code="not_allowed")
        if transition.signed and not by.check_password(password or ""):
            raise ValidationError({"password": [WRONG_PASSWORD]})
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": [REASON_NEEDED]})
    before = decision.status

    if transition is workflow.SUBMIT:
        if not decision.reference:
            decision = decision_reference_allocate(decision=decision)
        decision.submitted_hash = content_hash(decision)
    elif transition is workflow.RETURN:
        for signoff in decision.signoffs.valid():
            signoff.void, signoff.voided_at, signoff.void_reason = True, _now(), comment
            signoff.save(update_fields=["void", "voided_at", "void_reason"])
        decision.comments.filter(void=False).update(void=True)
        decision.submitted_hash = ""
    elif transition is workflow.APPROVE:
        for allocation in decision.allocations.filter(status=AllocationStatus.PROPOSED):
            funding_services.allocation_approve(allocation=allocation, by=by)
    if transition.signed:
        _sign(decision, transition, by, comment, paper)
    if transition in (workflow.APPROVE, workflow.REJECT):
        decision.decision_date = paper.signed_on if paper else _now().date()

    if transition is workflow.DECIDE_PUBLICATION:
        rows = _validate_publication(publication or {})
        for row in rows:
            PublicationDecision.objects.create(
                decision=decision, decided_by=by, decided_at=_now(), **row
            )
        record_choice = next(r["choice"] for r in rows if r["part"] == PublicationPart.RECORD)
        decision.status = (
            DecisionStatus.NOT_PUBLISHED
            if record_choice == PublicationChoice.WITHHOLD
            else DecisionStatus.PUBLISHED
        )
        decision.save()
        if decision.status == DecisionStatus.PUBLISHED:
            _publish(decision, by)
    else:
        decision.status = transition.target
        decision.save()
    _event(decision, transition.label, before, by, comment)
    _notify(decision, by)
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
        created_at=_now(),
    )
    _event(decision, CommentKind(kind).label, decision.status, by, text.strip())
    _notify(decision, by)
    return comment


decision_comment_add.alters_data = True
