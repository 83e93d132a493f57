"""Decision records in the bulk data, as planned: their status, content and linked
allocations, the steps (transitions and comments) that bring each to its status,
the Monitoring Officer's publication choices, and the references the series give.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from decisions.models import (
    CommentKind,
    DecisionCategory,
    DecisionStatus,
    Exemption,
    PublicationChoice,
    PublicationPart,
)
from funding.models import FinancialYear
from pcc_grants.money import format_money

from .bases import PlannerBase
from .common import ORGANISATION, SERVICES, ZERO, split_by_weight
from .plan import PlanAllocation, PlanDecision, PlanStep

# The records that are not published, as shares of them.
UNPUBLISHED_SHARES = (
    (DecisionStatus.DRAFT, 30),
    (DecisionStatus.AWAITING_OFFICER_APPROVAL, 14),
    (DecisionStatus.AWAITING_DECISION, 16),
    (DecisionStatus.APPROVED, 12),
    (DecisionStatus.REJECTED, 8),
    (DecisionStatus.NOT_PUBLISHED, 20),
)


class DecisionPlanner(PlannerBase):
    """Decision records: their content, steps, publication choices and references."""

    def _decisions(self, years, allocations, officers) -> list[PlanDecision]:
        rng = self.rng
        counts = self.counts
        statuses = [DecisionStatus.PUBLISHED] * counts.published
        for status, number in split_by_weight(
            counts.decisions - counts.published, UNPUBLISHED_SHARES
        ).items():
            statuses.extend([status] * number)
        rng.shuffle(statuses)
        in_progress = {
            DecisionStatus.DRAFT,
            DecisionStatus.AWAITING_OFFICER_APPROVAL,
            DecisionStatus.AWAITING_DECISION,
        }
        by_year: dict[int, list[PlanAllocation]] = defaultdict(list)
        for allocation in allocations:
            if not allocation.stream.tbd:
                by_year[allocation.stream.year].append(allocation)
        for pool in by_year.values():
            rng.shuffle(pool)
        decisions = []
        for index, status in enumerate(statuses):
            # Records still on their way are this year's; the rest spread over every year.
            year = years[-1] if status in in_progress else years[index % len(years)]
            decisions.append(self._decision(year, status, by_year[year], officers))
        # The latest published records go through the services themselves.
        published = sorted(
            (d for d in decisions if d.status == DecisionStatus.PUBLISHED),
            key=lambda d: (d.submitted_at, d.title),
        )
        for decision in published[len(published) - self.live_workflow :]:
            decision.live = True
        # References follow the order of submission within each series and year; the
        # services number the live records after the others, from the counters.
        submitted = sorted(
            (d for d in decisions if d.submitted_at),
            key=lambda d: (d.live, d.submitted_at, d.title),
        )
        seq: Counter = Counter()
        for decision in submitted:
            when = decision.submitted_at.year
            seq[(decision.category, when)] += 1
            decision.seq = seq[(decision.category, when)]
            pattern = (
                ORGANISATION["delegated_reference_pattern"]
                if decision.category == DecisionCategory.DELEGATED
                else ORGANISATION["decision_reference_pattern"]
            )
            decision.reference = pattern.format(
                seq=decision.seq, year=when, yy=f"{when % 100:02d}"
            )
        return decisions

    def _decision(self, year: int, status: str, pool: list, officers) -> PlanDecision:
        rng = self.rng
        financial_year = FinancialYear(start_year=year)
        last_day = min(financial_year.ends_on, self.as_of - timedelta(days=10))
        if year == self.last_year:
            in_progress = status in (
                DecisionStatus.DRAFT,
                DecisionStatus.AWAITING_OFFICER_APPROVAL,
                DecisionStatus.AWAITING_DECISION,
            )
            first_day = last_day - timedelta(days=45) if in_progress else financial_year.starts_on
            last_day = last_day if in_progress else last_day - timedelta(days=30)
        else:
            first_day = financial_year.starts_on
            last_day = last_day - timedelta(days=40)
        received = self._day_between(first_day, max(first_day, last_day))
        linked = []
        if rng.random() < 0.85:
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                while pool and pool[-1].decision is not None:
                    pool.pop()
                if pool:
                    linked.append(pool.pop())
        service = linked[0].title if linked else rng.choice(SERVICES)
        recipient = linked[0].provider.name if linked and linked[0].provider else "partners"
        total = sum((a.amount for a in linked), ZERO)
        category = (
            DecisionCategory.DELEGATED if rng.random() < 0.15 else DecisionCategory.COMMISSIONER
        )
        title = rng.choice(
            [
                f"Award of funding: {service}",
                f"Extension of {service[0].lower()}{service[1:]}",
                f"Commissioning of {service[0].lower()}{service[1:]}",
                f"Grant to {recipient}",
            ]
        )
        money = format_money(total) if linked else format_money(self._money(2_000, 60_000))
        lines = [
            (f"{a.provider.name if a.provider else 'Unnamed pot'}: {a.title}", a.amount)
            for a in linked
        ]
        if not linked and rng.random() < 0.4:
            lines = [("Equipment and delivery costs", self._money(1_000, 40_000))]
        officer = rng.choice(officers)
        decision = PlanDecision(
            year=year,
            category=category,
            status=status,
            title=title[:255],
            executive_summary=(
                f"The {service[0].lower()}{service[1:]} has achieved good outcomes for "
                f"victims and communities. This record asks for {money} to continue "
                f"and extend it in {financial_year.label}."
            ),
            recommendations=f"That the Commissioner agrees funding of {money}.",
            decision=(
                f"The Police and Crime Commissioner agrees funding of {money} for "
                f"{service[0].lower()}{service[1:]}, delivered by {recipient}."
            ),
            lead_officer=officer[0],
            officers_present=f"{officer[1]} {officer[2]}",
            date_received=received,
            financial_details=(
                f"The funding of {money} is within the {financial_year.label} budget."
                if lines
                else ""
            ),
            legal_details="The grant agreement sets out the conditions of funding."
            if rng.random() < 0.35
            else "",
            equality_details="The service is open to everyone who needs it."
            if rng.random() < 0.3
            else "",
            risk_details="Quarterly monitoring returns track delivery against targets."
            if rng.random() < 0.25
            else "",
            supporting_information=(
                "Monitoring returns from the previous year show the service met its "
                "targets for referrals and outcomes."
            ),
            significant_public_interest=rng.random() < 0.2,
            allocations=linked,
            lines=lines,
        )
        for allocation in linked:
            allocation.decision = decision
        decision.steps = self._steps(decision, received)
        if status in (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED):
            decision.publication = self._publication(status)
        return decision

    def _steps(self, decision: PlanDecision, received: date) -> list[PlanStep]:
        """The transitions and comments that bring a record to its status, in time order."""
        rng = self.rng
        status = decision.status
        if status == DecisionStatus.DRAFT:
            return []
        now = self._moment(received + timedelta(days=rng.randint(1, 5)))

        def later(low: int = 1, high: int = 4) -> datetime:
            nonlocal now
            now = now + timedelta(days=rng.randint(low, high), minutes=rng.randint(5, 600))
            return now

        officer_approver = rng.choice(["chief.executive", "cfo"])
        steps = [PlanStep("submit", decision.lead_officer, now)]
        if status == DecisionStatus.AWAITING_OFFICER_APPROVAL:
            return steps

        def comments() -> None:
            # Comments first: the officer approval follows the advice it needs.
            if decision.financial_details:
                steps.append(
                    PlanStep(
                        f"comment:{CommentKind.FINANCIAL}",
                        "cfo",
                        later(0, 2),
                        "The funding is affordable within the approved budget.",
                    )
                )
            if decision.legal_details:
                steps.append(
                    PlanStep(
                        f"comment:{CommentKind.LEGAL}",
                        "monitoring.officer",
                        later(0, 2),
                        "No specific legal implications beyond those set out.",
                    )
                )

        returned = rng.random() < 0.04
        comments()
        steps.append(PlanStep("officer_approve", officer_approver, later()))
        if returned:
            steps.append(
                PlanStep(
                    "return",
                    "commissioner",
                    later(),
                    "Please set out the outcomes expected in the first year.",
                )
            )
            steps.append(PlanStep("submit", decision.lead_officer, later()))
            comments()
            steps.append(PlanStep("officer_approve", officer_approver, later()))
        if status == DecisionStatus.AWAITING_DECISION:
            return steps
        rejected = status == DecisionStatus.REJECTED or (
            status in (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED)
            and rng.random() < 0.03
        )
        if rejected:
            steps.append(
                PlanStep(
                    "reject",
                    "commissioner",
                    later(),
                    "The proposal does not show value for money against the Plan.",
                )
            )
        else:
            steps.append(PlanStep("approve", "commissioner", later()))
        if status in (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED):
            steps.append(PlanStep("decide_publication", "monitoring.officer", later(1, 7)))
        return steps

    def _publication(self, status: str) -> dict:
        rng = self.rng

        def withheld(choice: str, exemption: str, reason: str) -> dict:
            return {
                "choice": choice,
                "exemption": exemption,
                "legislation": "",
                "public_interest": reason,
                "review_date": None,
            }

        # A choice for every section a record may have: one it lacks decides nothing.
        choices = {
            part: {"choice": PublicationChoice.PUBLISH}
            for part in PublicationPart.values
            if part != PublicationPart.ATTACHMENT
        }
        if status == DecisionStatus.NOT_PUBLISHED:
            choices[PublicationPart.RECORD] = withheld(
                PublicationChoice.WITHHOLD,
                rng.choice([Exemption.S31, Exemption.S40, Exemption.S43]),
                "Publishing would prejudice the prevention of crime; the public interest "
                "in disclosure does not outweigh it.",
            )
            return choices
        roll = rng.random()
        if roll < 0.12:
            choices[PublicationPart.FUNDING_LINES] = withheld(
                PublicationChoice.REDACT,
                Exemption.S43,
                "The funding breakdown holds the provider's commercial terms.",
            )
        elif roll < 0.17:
            choices[PublicationPart.FINANCIAL] = withheld(
                PublicationChoice.WITHHOLD,
                Exemption.S40,
                "The financial implications name individuals who are not senior officers.",
            )
        elif roll < 0.20:
            choices[PublicationPart.RECORD] = withheld(
                PublicationChoice.REDACT,
                Exemption.S31,
                "Part of the record would reveal operational policing methods.",
            )
        return choices
