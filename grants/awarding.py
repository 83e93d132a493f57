"""From the Review Panel's recommendations to a Decision Record, and from its approval
to a decided round.

``decision_draft_from_panel`` drafts, in one transaction, the record the Commissioner
signs: each award a proposed allocation in the round's stream, linked to the record,
with a funding line; the round and each application linked to what they became. The
existing workflow runs from there. When the record is approved (its allocations
approved under the budget rule), ``decide_rounds`` receives ``decision_approved`` in
the same transaction and decides the round: if it cannot, the approval is refused.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.models import CommissioningRoute
from decisions import services as decision_services
from decisions.models import Decision
from funding import services as funding_services
from funding.models import FinancialYear
from funding.workflow import BY_DECISION
from pcc_grants.money import format_money
from pcc_grants.roles import EDITORS, has_role
from pcc_grants.transitions import Attempt

from . import ranking, selectors, workflow
from .models import (
    Application,
    GrantRound,
    Organisation,
    PanelOutcome,
    PanelRecommendation,
    RoundEvent,
    RoundStatus,
)
from .panel import NOT_IN_REVIEW, record_name
from .services import _provider_for

EDITORS_ONLY = "Only the Officer or Chief Finance Officer can draft a round's decision."
DRAFTED_ALREADY = "A decision record is drafted already for this round: {record}."
RECOMMENDATIONS_MISSING = (
    "Every ranked application needs the panel's recommendation first; {references} {have} none."
)
NO_AWARD = "The panel recommends no award: there is nothing for a decision to approve."
OVER_BUDGET = "The awards total {total}, more than the round's budget of {budget}."
TENTH = Decimal("0.1")


def _ensure_editor(by) -> None:
    if not has_role(by, *EDITORS):
        raise ValidationError(EDITORS_ONLY, code="not_allowed")


def _period(application: Application, year: FinancialYear) -> tuple[date, date]:
    """The project's dates, within the stream's financial year; the year's otherwise."""
    start, end = application.project_start, application.project_end
    if start is None or end is None or end < year.starts_on or start > year.ends_on:
        return year.starts_on, year.ends_on
    return max(start, year.starts_on), min(end, year.ends_on)


def _provider(organisation: Organisation):
    """The organisation's Provider, linked as at submission (an imported application's
    organisation may have none yet)."""
    if organisation.provider_id is None:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.provider_id is None:
            organisation.provider = _provider_for(organisation)
            organisation.save(update_fields=["provider"])
    return organisation.provider


def _ratio(requested: Decimal, budget: Decimal) -> Decimal:
    return (requested / budget).quantize(TENTH, rounding=ROUND_HALF_UP)


def _award_words(recommendation: PanelRecommendation, row: ranking.RankedApplication) -> str:
    amount = format_money(recommendation.amount)
    words = f"{row.reference}, {row.organisation}, “{row.title}”: {amount}"
    if recommendation.outcome == PanelOutcome.AWARD_IN_PART:
        words += f" (in part, of {format_money(row.requested)} requested)"
    if recommendation.conditions:
        words += f". Conditions: {recommendation.conditions}"
    return words


def _texts(grant_round, meeting, ranked, awards, total: Decimal) -> dict:
    summary = selectors.round_summary(grant_round)
    stream = grant_round.funding_stream
    reviewed = len(ranked.rows)
    reviews = sum(row.reviews for row in ranked.rows)
    place = f" at {meeting.location}" if meeting.location else ""
    ratio = _ratio(summary.requested, grant_round.budget)
    executive_summary = (
        f"{grant_round.name} invited applications for grants from {stream.name} "
        f"({stream.financial_year}). {summary.submitted} applications were received, "
        f"asking for {format_money(summary.requested)} against the "
        f"{format_money(grant_round.budget)} available: {ratio} times the fund. "
        f"{summary.submitted - summary.ineligible} were eligible and {reviewed} were reviewed "
        f"and scored against the round's criteria ({reviews} reviews). The Review Panel "
        f"met on {meeting.held_on:%-d %B %Y}{place} and, on the basis of the scores, "
        f"comments and recommendations, recommends {len(awards)} awards totalling "
        f"{format_money(total)}."
    )
    lines = [_award_words(rec, row) for rec, row in awards]
    listed = "\n".join(f"- {line}" for line in lines)
    recommendations = (
        f"That the Commissioner approves the {len(awards)} grants the Review Panel "
        f"recommends, totalling {format_money(total)}:\n{listed}"
    )
    decision = (
        f"I approve grants totalling {format_money(total)} from {stream.name} to the "
        f"{len(awards)} organisations below, as the Review Panel recommends:\n{listed}"
    )
    financial_details = (
        f"The awards total {format_money(total)}, within the round's budget of "
        f"{format_money(grant_round.budget)}, from {stream.name} ({stream.financial_year}). "
        "Each award is an allocation of the stream, approved with this record under "
        "the budget rule."
    )
    return {
        "executive_summary": executive_summary,
        "recommendations": recommendations,
        "decision": decision,
        "financial_details": financial_details,
    }


def _awards(grant_round: GrantRound, ranked: ranking.Ranking) -> list:
    """Each ranked application's recommendation, in ranking order; refused unless
    every one has one and at least one awards, within the budget."""
    found = {
        rec.application_id: rec
        for rec in PanelRecommendation.objects.filter(
            application_id__in=[row.application_id for row in ranked.rows]
        )
    }
    missing = [row.reference for row in ranked.rows if row.application_id not in found]
    if missing:
        raise ValidationError(
            RECOMMENDATIONS_MISSING.format(
                references=", ".join(missing), have="has" if len(missing) == 1 else "have"
            ),
            code="incomplete",
        )
    awards = [(found[row.application_id], row) for row in ranked.rows]
    awards = [(rec, row) for rec, row in awards if rec.awards]
    if not awards:
        raise ValidationError(NO_AWARD, code="no_award")
    total = sum((rec.amount for rec, _ in awards), Decimal("0"))
    if total > grant_round.budget:
        raise ValidationError(
            OVER_BUDGET.format(total=format_money(total), budget=format_money(grant_round.budget)),
            code="over_budget",
        )
    return awards


@transaction.atomic
def decision_draft_from_panel(*, grant_round: GrantRound, by) -> Decision:
    """Draft the Decision Record of the round's awards from the panel's
    recommendations: each award a proposed allocation to the organisation's Provider
    in the round's stream, linked to the record and to its application, with a
    funding line; the record linked to the round."""
    _ensure_editor(by)
    grant_round = (
        GrantRound.objects.select_for_update(of=("self",))
        .select_related("funding_stream__financial_year", "decision")
        .get(pk=grant_round.pk)
    )
    if grant_round.status != RoundStatus.IN_REVIEW:
        status = grant_round.get_status_display().lower()
        raise ValidationError(NOT_IN_REVIEW.format(status=status), code="closed")
    if grant_round.decision_id:
        record = record_name(grant_round.decision)
        raise ValidationError(DRAFTED_ALREADY.format(record=record), code="drafted")
    ranked = ranking.rank(grant_round)
    awards = _awards(grant_round, ranked)
    total = sum((rec.amount for rec, _ in awards), Decimal("0"))
    meeting = awards[0][0].meeting
    stream = grant_round.funding_stream
    applications = Application.objects.select_related("organisation", "theme").in_bulk(
        [row.application_id for _, row in awards]
    )
    allocations = []
    for recommendation, row in awards:
        application = applications[row.application_id]
        start, end = _period(application, stream.financial_year)
        allocation = funding_services.allocation_create(
            by=by,
            funding_stream=stream,
            recipient=_provider(application.organisation),
            title=f"{application.reference} {application.title}",
            amount=recommendation.amount,
            theme=application.theme,
            route=CommissioningRoute.GRANT_ROUND,
            conditions=recommendation.conditions,
            period_start=start,
            period_end=end,
            purpose=application.title,
            description=f"Awarded by {grant_round.name}: application {application.reference}.",
        )
        application.allocation = allocation
        application.save(update_fields=["allocation", "updated_at"])
        allocations.append(allocation)
    decision = decision_services.decision_create(
        by=by,
        lead_officer=by,
        title=f"Grant awards: {grant_round.name}",
        financial_implications=True,
        lines=[(f"{row.reference} {row.organisation}", rec.amount) for rec, row in awards],
        allocations=allocations,
        **_texts(grant_round, meeting, ranked, awards, total),
    )
    grant_round.decision = decision
    grant_round.save(update_fields=["decision", "updated_at"])
    RoundEvent.objects.create(
        grant_round=grant_round,
        action="draft_decision",
        label="Decision drafted from the Review Panel's recommendations",
        by=by,
    )
    return decision


decision_draft_from_panel.alters_data = True


def decide_rounds(sender, *, decision: Decision, attempt: Attempt, **kwargs) -> None:
    """``decision_approved``'s receiver: each round the record awards becomes decided
    (the round table's DECIDE, by the decision), in the approval's transaction. A
    round that cannot be decided refuses the approval, naming the round."""
    rounds = GrantRound.objects.select_for_update(of=("self",)).filter(decision_id=decision.pk)
    for grant_round in rounds.order_by("pk"):
        step = Attempt(by=attempt.by, mode=BY_DECISION, given={"decision": decision})
        try:
            workflow.ROUND.perform(workflow.DECIDE, grant_round, step)
        except ValidationError as error:
            refusal = f"{grant_round.name}: {' '.join(error.messages)}"
            raise ValidationError(refusal, code="round_not_decided") from error
        RoundEvent.objects.create(
            grant_round=grant_round,
            action="decide",
            label=workflow.DECIDE.label,
            by=attempt.by,
            reason=f"Decision {decision.reference} approved.",
        )
