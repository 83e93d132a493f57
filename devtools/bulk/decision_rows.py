"""Decision records written: most as the rows the decision services write (the record,
its funding lines, signatures, comments, audit events, publication choices section
by section and the series' counters), the live-workflow ones through the services
themselves. The published snapshots and PDFs: ``pdfs.py``.
"""

from collections.abc import Iterator

from django.db.models import Prefetch

from decisions import clock, publication, signing, workflow
from decisions import services as decision_services
from decisions.content import content_hash
from decisions.models import (
    CommentKind,
    Decision,
    DecisionComment,
    DecisionEvent,
    DecisionStatus,
    FundingLine,
    PublicationDecision,
    ReferenceCounter,
    SignOff,
    reference_slug,
)
from devtools.demo.second_factors import one_time_code
from funding.models import Allocation
from pcc_grants.models import OrganisationSettings, User

from .bases import WriterBase
from .plan import PlanDecision, PlanStep


class DecisionWriter(WriterBase):
    """The records' rows as the services write them; the live ones through them."""

    def _decision_rows(self) -> None:
        """The records as drafted, and as they stand after their last step (status,
        reference, decision date); their signatures come once their content is whole."""
        rows = []
        plan = [d for d in self.plan.decisions if not d.live]
        for decision in plan:
            fields = _decision_fields(decision)
            row = Decision(
                created_by=self.users[decision.lead_officer],
                lead_officer=self.users[decision.lead_officer],
                status=decision.status,
                reference=decision.reference or None,
                slug=reference_slug(decision.reference) if decision.reference else None,
                decision_date=next(
                    (s.at.date() for s in decision.steps if s.action in ("approve", "reject")),
                    None,
                ),
                **fields,
            )
            row.full_clean(exclude=["created_by", "lead_officer"])
            rows.append(row)
        created = Decision.objects.bulk_create(rows, batch_size=500)
        for decision, row in zip(plan, created, strict=True):
            decision.pk = row.pk
        FundingLine.objects.bulk_create(
            (
                FundingLine(decision_id=d.pk, position=n, item=item[:500], amount=amount)
                for d in plan
                for n, (item, amount) in enumerate(d.lines)
            ),
            batch_size=1000,
        )

    def _workflow_rows(self) -> None:
        """Signatures, comments, audit events and publication choices, as the services
        write them, with the content hash of each record as it now stands."""
        settings = OrganisationSettings.load()
        plan = {d.pk: d for d in self.plan.decisions if not d.live and d.steps}
        signoffs, comments, events, decided = [], [], [], []
        hashes = {}
        for decision in _records_with_content(list(plan)):
            hashes[decision.pk] = content_hash(decision)
        for pk, planned in plan.items():
            digest = hashes[pk]
            status = DecisionStatus.DRAFT
            signed: list[SignOff] = []
            commented: list[DecisionComment] = []
            for step in planned.steps:
                actor = self.users[step.by]
                before = status
                if step.action.startswith("comment:"):
                    kind = step.action.split(":", 1)[1]
                    commented.append(
                        DecisionComment(
                            decision_id=pk,
                            kind=kind,
                            author=actor,
                            author_name=str(actor),
                            author_title=settings.chief_finance_officer_title
                            if kind == CommentKind.FINANCIAL
                            else settings.monitoring_officer_title,
                            text=step.comment,
                            created_at=step.at,
                        )
                    )
                    events.append(
                        _event_row(pk, CommentKind(kind).label, status, status, actor, step)
                    )
                    continue
                transition = workflow.TRANSITIONS[step.action]
                if transition is workflow.RETURN:
                    # Returning voids the signatures and comments given so far.
                    for signoff in signed:
                        signoff.void, signoff.voided_at = True, step.at
                        signoff.void_reason = step.comment
                    for comment in commented:
                        comment.void = True
                    signed = []
                if transition.signed:
                    signoff = SignOff(
                        decision_id=pk,
                        step=transition.step,
                        outcome=transition.outcome,
                        signer=actor,
                        name=str(actor),
                        title=_signer_title(transition.step, actor, settings),
                        role=transition.step,
                        statement=signing.signature_statement(transition.step, settings),
                        comment=step.comment,
                        signed_at=step.at,
                        content_hash=digest,
                        recorded_by=actor,
                    )
                    signed.append(signoff)
                    signoffs.append(signoff)
                if transition is workflow.DECIDE_PUBLICATION:
                    decided.append((pk, actor, step.at, planned.publication))
                    status = planned.status
                else:
                    status = transition.target
                events.append(_event_row(pk, transition.label, before, status, actor, step))
            comments.extend(commented)
        SignOff.objects.bulk_create(signoffs, batch_size=1000)
        DecisionComment.objects.bulk_create(comments, batch_size=1000)
        DecisionEvent.objects.bulk_create(events, batch_size=1000)
        # After the comments: a comment given is a section of its own.
        PublicationDecision.objects.bulk_create(self._choice_rows(decided), batch_size=1000)
        rows = [Decision(pk=pk, submitted_hash=hashes[pk]) for pk in plan]
        Decision.objects.bulk_update(rows, ["submitted_hash"], batch_size=1000)
        # Numbers once given are never reused: each series' counter stands at its last.
        last: dict[tuple, int] = {}
        for decision in self.plan.decisions:
            if decision.reference and not decision.live:
                key = (decision.category, decision.submitted_at.year)
                last[key] = max(last.get(key, 0), decision.seq)
        ReferenceCounter.objects.bulk_create(
            ReferenceCounter(series=series, year=year, last_number=number)
            for (series, year), number in sorted(last.items())
        )

    def _choice_rows(self, decided: list[tuple]) -> list[PublicationDecision]:
        """The Monitoring Officer's choices as the service keeps them: one row per
        section the record has, in its order (``publication.validate_choices``)."""
        planned = {pk: (actor, at, choices) for pk, actor, at, choices in decided}
        rows = []
        for decision in _records_with_content(list(planned)):
            actor, at, choices = planned[decision.pk]
            rows += [
                PublicationDecision(
                    decision_id=decision.pk, decided_by=actor, decided_at=at, **values
                )
                for values in publication.validate_choices(decision, choices)
            ]
        return rows

    def _live_workflow(self, live: list[PlanDecision]) -> None:
        """Draft, sign and publish through the services, at each planned moment."""
        for planned in sorted(live, key=lambda d: d.submitted_at):
            lead = self.users[planned.lead_officer]
            allocations = list(
                Allocation.objects.filter(pk__in=[a.pk for a in planned.allocations]).order_by(
                    "pk"
                )
            )
            with clock.at(planned.steps[0].at):
                decision = decision_services.decision_create(
                    by=lead,
                    lead_officer=lead,
                    lines=planned.lines,
                    allocations=allocations,
                    **_decision_fields(planned),
                )
            for step in planned.steps:
                actor = self.users[step.by]
                with clock.at(step.at):
                    if step.action.startswith("comment:"):
                        decision_services.decision_comment_add(
                            decision=decision,
                            by=actor,
                            kind=step.action.split(":", 1)[1],
                            text=step.comment,
                        )
                        continue
                    decision = decision_services.decision_transition(
                        decision=decision,
                        by=actor,
                        action=step.action,
                        password=self.password,
                        code=one_time_code(actor) if _signed(step.action) else "",
                        comment=step.comment,
                        publication=planned.publication
                        if step.action == "decide_publication"
                        else None,
                    )
            if decision.reference != planned.reference:
                raise AssertionError(
                    f"The services gave {decision.reference}, the plan {planned.reference}."
                )
            planned.pk = decision.pk


def _signer_title(step: str, user: User, settings: OrganisationSettings) -> str:
    # The services' own rule for the title printed under a signature.
    return signing.signer_title(step, user, settings)


def _decision_fields(decision: PlanDecision) -> dict:
    return {
        "category": decision.category,
        "significant_public_interest": decision.significant_public_interest,
        "title": decision.title,
        "executive_summary": decision.executive_summary,
        "recommendations": decision.recommendations,
        "decision": decision.decision,
        "officers_present": decision.officers_present,
        "date_received": decision.date_received,
        "financial_implications": bool(decision.financial_details),
        "financial_details": decision.financial_details,
        "legal_implications": bool(decision.legal_details),
        "legal_details": decision.legal_details,
        "equality_implications": bool(decision.equality_details),
        "equality_details": decision.equality_details,
        "risk_implications": bool(decision.risk_details),
        "risk_details": decision.risk_details,
        "supporting_information": decision.supporting_information,
    }


def _event_row(pk, action, before, after, actor, step: PlanStep) -> DecisionEvent:
    return DecisionEvent(
        decision_id=pk,
        action=action,
        from_status=before,
        to_status=after,
        actor=actor,
        actor_name=str(actor),
        comment=step.comment,
        at=step.at,
    )


def _records_with_content(pks: list[int], chunk: int = 500) -> Iterator[Decision]:
    """Records with everything their content hash reads, a chunk at a time."""
    for start in range(0, len(pks), chunk):
        yield from (
            Decision.objects.filter(pk__in=pks[start : start + chunk])
            .select_related("lead_officer")
            .prefetch_related(
                "funding_lines",
                "attachments",
                "comments",
                Prefetch("allocations", queryset=Allocation.objects.select_related("recipient")),
            )
        )


def _signed(action: str) -> bool:
    return workflow.TRANSITIONS[action].signed
