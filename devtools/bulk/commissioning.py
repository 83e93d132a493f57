"""Commissioning in the bulk data: providers with valid registered numbers, agreements
delivering their committed allocations, and the monitoring returns received.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from commissioning import services as commissioning_services
from commissioning.models import (
    AgreementStatus,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
    ProviderType,
    Rag,
    ReturnMeasure,
    SingleTenderGround,
    normalise_name,
)
from funding.models import COMMITTED_STATUSES

from .bases import PlannerBase, WriterBase
from .common import FIRST_NAMES, LAST_NAMES, PENNY, SCHEDULES, SERVICES, TOWNS, ZERO
from .plan import PlanAgreement, PlanAllocation, PlanProvider

# fmt: off
CHARITY_NOUNS = (
    "Women's Aid", "Youth Trust", "Victim Support", "Community Foundation", "Mentoring Project",
    "Recovery Network", "Rape Crisis", "Citizens Advice", "Street Pastors", "Boxing Academy",
    "Family Centre", "Carers' Centre", "Mind", "Refuge", "Youth Club", "Foodbank", "Credit Union",
    "Veterans' Trust", "Neighbourhood Watch", "Sports Trust", "Arts Collective",
    "Mediation Service", "Housing Trust", "Drug and Alcohol Service", "Men's Project",
    "Survivors' Network", "Young Carers", "Wellbeing Hub", "Reach Out", "Open Door",
)
ADJECTIVES = (
    "Bright", "Fresh", "New", "Open", "Safe", "Second", "Steady", "Together", "Turning", "Rising",
    "Clear", "Common", "Kind", "Steadfast", "Northern",
)
CIC_NOUNS = (
    "Futures", "Pathways", "Horizons", "Chances", "Steps", "Roots", "Bridges", "Voices",
    "Journeys", "Lights",
)
INDUSTRIES = (
    "Security", "Training", "Consulting", "Technology", "Engineering", "Mediation", "Analytics",
    "Media", "Facilities", "Outreach",
)
# fmt: on
POSTCODE_AREAS = ("NS", "NE", "DH", "DL", "TS", "SR", "YO", "HG", "LS", "BD")
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
METRICS = ("People supported", "Referrals received", "Sessions delivered", "Cases closed")
RAG_WEIGHTS = ((Rag.GREEN, 70), (Rag.AMBER, 22), (Rag.RED, 8))


class CommissioningPlanner(PlannerBase):
    """Providers with names no other has, and the agreements that deliver allocations."""

    def _postcode(self) -> str:
        letters = POSTCODE_UNIT_LETTERS
        return (
            f"{self.rng.choice(POSTCODE_AREAS)}{self.rng.randint(1, 29)} "
            f"{self.rng.randint(0, 9)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
        )

    def _unique_name(self, taken: set, make: Callable[[], str]) -> str:
        """A name no other provider has, as the duplicate check compares names."""
        for _ in range(20):
            name = make()
            if normalise_name(name) not in taken:
                break
        else:
            base, n = name, 2
            while normalise_name(f"{base} {n}") in taken:
                n += 1
            name = f"{base} {n}"
        taken.add(normalise_name(name))
        return name

    def _unused(self, used: set, make: Callable[[], str]) -> str:
        value = make()
        while value in used:
            value = make()
        used.add(value)
        return value

    def _providers(self) -> list[PlanProvider]:
        rng = self.rng
        numbers: set = set()
        types = [
            (ProviderType.CHARITY, 50),
            (ProviderType.CIC, 10),
            (ProviderType.COMPANY, 14),
            (ProviderType.LOCAL_AUTHORITY, 5),
            (ProviderType.CSP, 4),
            (ProviderType.POLICE_FORCE, 1),
            (ProviderType.NHS, 5),
            (ProviderType.OTHER, 11),
        ]
        taken: set = set()
        codes: set = set()
        providers = []
        for _ in range(self.counts.providers):
            kind = self._weighted(types)
            town = rng.choice(TOWNS)
            provider = PlanProvider(name="", provider_type=kind, postcode=self._postcode())
            if kind == ProviderType.CHARITY:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(TOWNS)} {rng.choice(CHARITY_NOUNS)}"
                )
                scottish = rng.random() < 0.05
                provider.charity_number = self._unused(
                    numbers,
                    lambda scottish=scottish: (
                        f"SC{rng.randint(0, 999_999):06d}"
                        if scottish
                        else str(rng.randint(1_000_000, 1_199_999))
                    ),
                )
                provider.is_vcse = True
            elif kind == ProviderType.CIC:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(ADJECTIVES)} {rng.choice(CIC_NOUNS)} CIC"
                )
                provider.company_number = self._unused(
                    numbers, lambda: f"{rng.randint(1_000_000, 9_999_999):08d}"
                )
                provider.is_vcse = provider.is_sme = True
            elif kind == ProviderType.COMPANY:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(LAST_NAMES)} {rng.choice(INDUSTRIES)} Ltd"
                )
                scottish = rng.random() < 0.05
                provider.company_number = self._unused(
                    numbers,
                    lambda scottish=scottish: (
                        f"SC{rng.randint(0, 999_999):06d}"
                        if scottish
                        else f"{rng.randint(1_000_000, 9_999_999):08d}"
                    ),
                )
                provider.is_sme = rng.random() < 0.8
            elif kind == ProviderType.LOCAL_AUTHORITY:
                provider.name = self._unique_name(
                    taken,
                    lambda: (
                        f"{rng.choice(TOWNS)} "
                        f"{rng.choice(['Borough', 'District', 'Town', 'City'])} Council"
                    ),
                )
                code = provider.name[:3].upper()
                while code in codes:
                    code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
                codes.add(code)
                provider.local_authority_code = code
            elif kind == ProviderType.CSP:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(TOWNS)} Community Safety Partnership"
                )
            elif kind == ProviderType.POLICE_FORCE:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(TOWNS)} Constabulary"
                )
            elif kind == ProviderType.NHS:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(TOWNS)} NHS Foundation Trust"
                )
            else:
                provider.name = self._unique_name(
                    taken, lambda: f"{rng.choice(TOWNS)} {rng.choice(CIC_NOUNS)} Group"
                )
                provider.is_vcse = rng.random() < 0.5
            provider.address = f"{rng.randint(1, 199)} {rng.choice(TOWNS)} Road\n{town}"
            provider.is_active = rng.random() > 0.03
            if rng.random() < 0.5:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                provider.contact = {
                    "name": f"{first} {last}",
                    "role": rng.choice(["Chief Executive", "Service Manager", "Finance Lead"]),
                    "email": f"{first.lower()}.{last.lower()}@example.org",
                    "phone": f"0191 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                }
            providers.append(provider)
        return providers

    def _agreements(self, providers, allocations) -> list[PlanAgreement]:
        """Agreements with the providers that receive most, each delivering some of its
        provider's committed allocations, its value their sum."""
        rng = self.rng
        committed: dict[int, list[PlanAllocation]] = defaultdict(list)
        for allocation in allocations:
            if allocation.provider is not None and allocation.status in COMMITTED_STATUSES:
                committed[id(allocation.provider)].append(allocation)
        with_money = [p for p in providers if committed.get(id(p))] or providers
        schedules = [(frequency, weight) for frequency, _, weight in SCHEDULES]
        months_for = {frequency: months for frequency, months, _ in SCHEDULES}
        agreements = []
        sequence: Counter = Counter()
        for index in range(self.counts.agreements):
            # Each provider that receives money first, then more for some of them.
            provider = with_money[index] if index < len(with_money) else rng.choice(with_money)
            candidates = [a for a in committed.get(id(provider), []) if a.agreement is None]
            linked = rng.sample(candidates, k=min(len(candidates), rng.choice([0, 1, 1, 2])))
            frequency = self._weighted(schedules)
            months = months_for[frequency]
            if linked:
                start = min(a.period_start for a in linked)
                route = linked[0].route or CommissioningRoute.GRANT
                total = sum((a.amount for a in linked), ZERO)
                title = linked[0].title
            else:
                start = self._day_between(date(self.last_year - 4, 4, 1), self.as_of)
                route = CommissioningRoute.GRANT
                total = self._money(1_000, 80_000)
                title = f"{rng.choice(SERVICES)} in {rng.choice(TOWNS)}"
            end = commissioning_services._add_months(start, months) - timedelta(days=1)
            contract = route in (CommissioningRoute.CONTRACT, CommissioningRoute.SINGLE_TENDER)
            kind = "CT" if contract else "GA"
            sequence[(kind, start.year)] += 1
            status = AgreementStatus.ENDED if end < self.as_of else AgreementStatus.ACTIVE
            if rng.random() < 0.02:
                status = AgreementStatus.TERMINATED
            agreement = PlanAgreement(
                reference=f"{kind}/{start.year}/{sequence[(kind, start.year)]:04d}",
                provider=provider,
                route=route,
                title=title,
                description=f"{title}: delivery, monitoring and outcomes.",
                total_value=total,
                annual_value=(total * 12 / months).quantize(PENNY) if months > 12 else None,
                start_date=start,
                end_date=end,
                review_date=start + timedelta(days=180) if rng.random() < 0.5 else None,
                status=status,
                frequency=frequency,
            )
            if route == CommissioningRoute.SINGLE_TENDER:
                agreement.single_tender_ground = rng.choice(SingleTenderGround.values)
                agreement.single_tender_justification = (
                    "The provider is the only accredited supplier of this service in the area."
                )
            if route == CommissioningRoute.POOLED:
                share = (total * Decimal(rng.choice(["0.4", "0.5", "0.6"]))).quantize(PENNY)
                agreement.partners = [
                    ("Office of the Police and Crime Commissioner", share),
                    (f"{rng.choice(TOWNS)} Borough Council", total - share),
                ]
                agreement.co_funders = agreement.partners[1][0]
            if rng.random() < 0.1:
                agreement.match_funding = self._money(500, 20_000)
            for allocation in linked:
                allocation.agreement = agreement
                allocation.route = route
            agreements.append(agreement)
        return agreements


class CommissioningWriter(WriterBase):
    """Providers and agreements through the services; the returns received in bulk."""

    def _providers(self) -> None:
        for provider in self.plan.providers:
            created = commissioning_services.provider_create(
                by=None,
                name=provider.name,
                provider_type=provider.provider_type,
                charity_number=provider.charity_number,
                company_number=provider.company_number,
                local_authority_code=provider.local_authority_code,
                address=provider.address,
                postcode=provider.postcode,
                is_vcse=provider.is_vcse,
                is_sme=provider.is_sme,
                is_active=provider.is_active,
                contacts=[provider.contact] if provider.contact else None,
            )
            provider.pk = created.pk

    def _agreements(self) -> None:
        officer = self.users[self.plan.officers[0][0]]
        for agreement in self.plan.agreements:
            created = commissioning_services.agreement_create(
                by=officer,
                partners=agreement.partners,
                reference=agreement.reference,
                provider=Provider(pk=agreement.provider.pk),
                route=agreement.route,
                title=agreement.title[:255],
                description=agreement.description,
                total_value=agreement.total_value,
                annual_value=agreement.annual_value,
                start_date=agreement.start_date,
                end_date=agreement.end_date,
                review_date=agreement.review_date,
                status=agreement.status,
                match_funding=agreement.match_funding,
                co_funders=agreement.co_funders,
                single_tender_ground=agreement.single_tender_ground,
                single_tender_justification=agreement.single_tender_justification,
                monitoring_frequency=agreement.frequency,
            )
            agreement.pk = created.pk

    def _returns_received(self) -> None:
        rng = random.Random(self.plan.seed + 1)  # noqa: S311  # nosec B311 - not secret
        as_of = self.plan.as_of
        officers = [self.users[username] for username, *_ in self.plan.officers]
        received, measures = [], []
        returns = (
            MonitoringReturn.objects.filter(due_date__lte=as_of)
            .select_related("agreement")
            .order_by("agreement__reference", "period_start")
        )
        for monitoring_return in returns:
            if rng.random() < 0.08:
                continue  # still outstanding: overdue
            agreement = monitoring_return.agreement
            latest = min(monitoring_return.due_date + timedelta(days=10), as_of)
            earliest = max(monitoring_return.period_start, latest - timedelta(days=40))
            monitoring_return.received_date = earliest + timedelta(
                days=rng.randint(0, (latest - earliest).days)
            )
            elapsed = (monitoring_return.period_end - agreement.start_date).days + 1
            length = (agreement.end_date - agreement.start_date).days + 1
            monitoring_return.spend_to_date = (
                agreement.total_value * Decimal(min(1.0, elapsed / length))
            ).quantize(PENNY)
            rag = rng.choices([r for r, _ in RAG_WEIGHTS], [w for _, w in RAG_WEIGHTS])[0]
            monitoring_return.rag = rag
            monitoring_return.narrative = {
                Rag.GREEN: "Delivery is on track against every target.",
                Rag.AMBER: "Referrals are below target; the provider has a recovery plan.",
                Rag.RED: "Staff vacancies have stopped delivery for part of the period.",
            }[rag]
            monitoring_return.recorded_by = rng.choice(officers)
            received.append(monitoring_return)
            if rng.random() < 0.5:
                target = Decimal(rng.randint(20, 200))
                measures.append(
                    ReturnMeasure(
                        monitoring_return=monitoring_return,
                        metric=rng.choice(METRICS),
                        value=(target * Decimal(str(rng.uniform(0.6, 1.2)))).quantize(PENNY),
                        target=target,
                    )
                )
        MonitoringReturn.objects.bulk_update(
            received,
            ["received_date", "spend_to_date", "rag", "narrative", "recorded_by"],
            batch_size=200,  # each statement is a CASE per field: small batches are faster
        )
        ReturnMeasure.objects.bulk_create(measures, batch_size=1000)
