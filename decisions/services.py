"""Every write to decision records. Content changes only while a record is a draft."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding import services as funding_services
from funding.models import Allocation, AllocationStatus
from pcc_grants.models import OrganisationSettings
from pcc_grants.uploads import store_document

from .models import (
    IMPLICATIONS,
    Decision,
    DecisionAttachment,
    DecisionCategory,
    FundingLine,
    ReferenceCounter,
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
        number = text.removeprefix("A")
        if not number.isdigit():
            raise ValidationError({"allocations": [ALLOCATION_UNKNOWN.format(reference=text)]})
        wanted[int(number)] = text
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
