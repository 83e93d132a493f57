"""The Review Panel: its meeting, the members present with their declared interests,
and its recommendation on each ranked application. Every write in one transaction,
by the office's editors (Officer, CFO), while the round is in review and before a
decision is drafted from the recommendations (``awarding``).

A member who declares an interest in an application takes no part in the panel's
recommendation on it: the interest is kept, and the pages say so beside it.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from decisions import clock
from pcc_grants.money import format_money
from pcc_grants.roles import EDITORS, has_role

from . import ranking
from .models import (
    Application,
    GrantRound,
    PanelInterest,
    PanelMeeting,
    PanelMember,
    PanelOutcome,
    PanelRecommendation,
    RoundStatus,
)

EDITORS_ONLY = "Only the Officer or Chief Finance Officer can record the Review Panel's work."
NOT_IN_REVIEW = "The round is {status}: the Review Panel's work is recorded while it is in review."
DECISION_DRAFTED = (
    "The decision record is drafted: {record}. The panel's recommendations are fixed "
    "there; return to the record to change the awards."
)
ONE_MEETING = "The round's Review Panel has met already, on {day}: change that meeting instead."
MEMBERS_NEEDED = "Name the members of the panel present at the meeting."
MEMBER_NAME_NEEDED = "Member {row}: enter the member's name."
MEMBER_WITH_INTEREST = (
    "{name} declared an interest in {reference}: a member whose interest is kept cannot "
    "be removed from the meeting."
)
NOT_THIS_MEETING = "That member is not on this round's panel."
NATURE_NEEDED = "Say what the interest is, for example: a trustee of the organisation."
INTEREST_DECLARED = "{name} has declared an interest in {reference} already."
NOT_RANKED = (
    "{reference} is not ranked in this round: the panel recommends on eligible "
    "applications the reviewers have scored."
)
REASONS_NEEDED = "Give the panel's reasons: the applicant may be told them."
AWARD_IS_THE_REQUEST = (
    "An award is of the amount requested, {requested}: choose “award in part” for less."
)
PART_AMOUNT = "Enter an amount above £0 and below the {requested} requested."
NO_AMOUNT = "A recommendation not to award has no amount: leave it empty."
NOT_AN_OUTCOME = "Choose award, award in part or do not award."

MEMBER_FIELDS = ("name", "organisation", "role", "interests")


def _ensure_editor(by) -> None:
    if not has_role(by, *EDITORS):
        raise ValidationError(EDITORS_ONLY, code="not_allowed")


def record_name(decision) -> str:
    return decision.reference or f"draft “{decision.title}”"


def why_closed(grant_round: GrantRound) -> str | None:
    """Why the panel's work on the round cannot change now, or None."""
    if grant_round.status != RoundStatus.IN_REVIEW:
        return NOT_IN_REVIEW.format(status=grant_round.get_status_display().lower())
    if grant_round.decision_id:
        return DECISION_DRAFTED.format(record=record_name(grant_round.decision))
    return None


def _lock_round(pk: int) -> GrantRound:
    grant_round = (
        GrantRound.objects.select_for_update(of=("self",)).select_related("decision").get(pk=pk)
    )
    reason = why_closed(grant_round)
    if reason:
        raise ValidationError(reason, code="closed")
    return grant_round


def _save_members(meeting: PanelMeeting, members: Iterable[dict]) -> None:
    """The members present, in order. A row with ``pk`` is that member, changed; one
    without is new; a member left out is removed, unless they declared an interest."""
    rows = [dict(row) for row in members]
    if not rows:
        raise ValidationError({"members": MEMBERS_NEEDED})
    errors = [
        MEMBER_NAME_NEEDED.format(row=n)
        for n, row in enumerate(rows, start=1)
        if not str(row.get("name") or "").strip()
    ]
    if errors:
        raise ValidationError({"members": errors})
    existing = {member.pk: member for member in meeting.members.all()}
    kept = {row.get("pk") for row in rows if row.get("pk")}
    if kept - set(existing):
        raise ValidationError({"members": NOT_THIS_MEETING})
    removed = [pk for pk in existing if pk not in kept]
    interest = (
        PanelInterest.objects.filter(member_id__in=removed)
        .select_related("member", "application")
        .order_by("member__position", "pk")
        .first()
    )
    if interest is not None:
        raise ValidationError(
            {
                "members": MEMBER_WITH_INTEREST.format(
                    name=interest.member.name, reference=interest.application.reference
                )
            }
        )
    PanelMember.objects.filter(pk__in=removed).delete()
    for position, row in enumerate(rows, start=1):
        member = existing.get(row.get("pk")) or PanelMember(meeting=meeting)
        member.position = position
        for field in MEMBER_FIELDS:
            setattr(member, field, str(row.get(field) or "").strip())
        member.full_clean(exclude=["meeting"])
        member.save()


@transaction.atomic
def panel_meeting_create(
    *,
    grant_round: GrantRound,
    by,
    held_on,
    location: str = "",
    notes: str = "",
    members: Iterable[dict],
) -> PanelMeeting:
    """The round's Review Panel meeting, with the members present (name,
    organisation, role, interests as declared to the panel)."""
    _ensure_editor(by)
    grant_round = _lock_round(grant_round.pk)
    earlier = grant_round.panel_meetings.first()
    if earlier is not None:
        raise ValidationError(ONE_MEETING.format(day=f"{earlier.held_on:%-d %B %Y}"))
    meeting = PanelMeeting(
        grant_round=grant_round,
        held_on=held_on,
        location=location.strip(),
        notes=notes.strip(),
        created_by=by,
    )
    meeting.full_clean(exclude=["grant_round", "created_by"])
    meeting.save()
    _save_members(meeting, members)
    return meeting


panel_meeting_create.alters_data = True


@transaction.atomic
def panel_meeting_update(
    *,
    meeting: PanelMeeting,
    by,
    held_on,
    location: str = "",
    notes: str = "",
    members: Iterable[dict],
) -> PanelMeeting:
    """Change the meeting and its members (see ``_save_members``)."""
    _ensure_editor(by)
    _lock_round(meeting.grant_round_id)
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.held_on = held_on
    meeting.location = location.strip()
    meeting.notes = notes.strip()
    meeting.full_clean(exclude=["grant_round", "created_by"])
    meeting.save()
    _save_members(meeting, members)
    return meeting


panel_meeting_update.alters_data = True


def _ranked_row(grant_round: GrantRound, application: Application) -> ranking.RankedApplication:
    if application.grant_round_id == grant_round.pk:
        for row in ranking.rank(grant_round).rows:
            if row.application_id == application.pk:
                return row
    raise ValidationError(NOT_RANKED.format(reference=application.reference or application))


@transaction.atomic
def panel_interest_declare(
    *, member: PanelMember, application: Application, nature: str, by
) -> PanelInterest:
    """A member's interest in one application: they take no part in the panel's
    recommendation on it."""
    _ensure_editor(by)
    member = PanelMember.objects.select_related("meeting").get(pk=member.pk)
    grant_round = _lock_round(member.meeting.grant_round_id)
    if application.grant_round_id != grant_round.pk:
        raise ValidationError({"member": NOT_THIS_MEETING})
    if not nature.strip():
        raise ValidationError({"nature": NATURE_NEEDED})
    if PanelInterest.objects.filter(member=member, application=application).exists():
        raise ValidationError(
            INTEREST_DECLARED.format(name=member.name, reference=application.reference)
        )
    return PanelInterest.objects.create(
        member=member, application=application, nature=nature.strip()
    )


panel_interest_declare.alters_data = True


def _amount_for(outcome: str, amount: Decimal | None, requested: Decimal) -> Decimal | None:
    if outcome == PanelOutcome.AWARD:
        if amount is not None and amount != requested:
            shown = format_money(requested)
            raise ValidationError({"amount": AWARD_IS_THE_REQUEST.format(requested=shown)})
        return requested
    if outcome == PanelOutcome.AWARD_IN_PART:
        if amount is None or not Decimal("0") < amount < requested:
            raise ValidationError(
                {"amount": PART_AMOUNT.format(requested=format_money(requested))}
            )
        return amount
    if amount is not None:
        raise ValidationError({"amount": NO_AMOUNT})
    return None


@transaction.atomic
def panel_recommend(
    *,
    meeting: PanelMeeting,
    application: Application,
    outcome: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str,
    by,
) -> PanelRecommendation:
    """The panel's recommendation on a ranked application (made, or changed): award
    the amount requested, award in part (less, above £0), or do not award; with the
    panel's reasons."""
    _ensure_editor(by)
    grant_round = _lock_round(meeting.grant_round_id)
    if outcome not in PanelOutcome.values:
        raise ValidationError({"outcome": NOT_AN_OUTCOME})
    row = _ranked_row(grant_round, application)
    if not reasons.strip():
        raise ValidationError({"reasons": REASONS_NEEDED})
    amount = _amount_for(outcome, amount, row.requested)
    recommendation = PanelRecommendation.objects.select_for_update().filter(
        application=application
    ).first() or PanelRecommendation(application=application)
    recommendation.meeting = meeting
    recommendation.outcome = outcome
    recommendation.amount = amount
    recommendation.conditions = conditions.strip() if amount is not None else ""
    recommendation.reasons = reasons.strip()
    recommendation.recorded_by = by
    recommendation.recorded_at = clock.now()
    recommendation.full_clean(exclude=["meeting", "application", "recorded_by"])
    recommendation.save()
    return recommendation


panel_recommend.alters_data = True
