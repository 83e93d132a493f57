"""Bulk data for benchmarks: a large, valid, reproducible organisation.

``generate_bulk_data`` calls :func:`generate`. At scale 1 it records 10 financial
years, 80 funding streams, 1,500 providers, 20,000 allocations, 5,000 agreements
with 20,000 monitoring returns and 3,000 decision records, 2,500 of them
published with their PDF stored. Every count is multiplied by the scale (with a
floor, so that a tiny scale still has a previous year and a sub-stream).

Everything is planned first, in memory, from ``random.Random(seed)``; then
written. The same seed on an empty database gives the same data, down to the
references and amounts (:func:`data_checksum` says so in one line).

What goes through the services, and what is bulk-written under the same rules:

- Financial years, sources, themes, funding streams, providers and agreements
  (with their schedules of monitoring returns) go through their service
  functions, which validate every one of them.
- Allocations are written with ``bulk_create_with_history`` (one history row
  each, as ``allocation_create`` leaves). Their amounts are planned first and
  each stream's budget is then set so that its approved and contracted
  allocations, plus what its sub-streams were given, stay within
  (budget + carried forward) × (1 + tolerance): the budget rule. A few streams
  are over budget within their tolerance, as the rule allows. ``generate``
  checks the rule for every stream before it commits.
- A handful of published decision records (``live_workflow``) are drafted,
  submitted, signed with their signer's password, commented on, approved and
  published through ``decision_create``, ``decision_comment_add`` and
  ``decision_transition`` themselves, at the moments planned for them (the
  services' clock seam, ``_now``/``_today``, is set to each moment).
- The other records are written with the rows those services write: the
  reference from the series pattern and its counter, the content SHA-256 of
  ``decisions.content.content_hash`` at submission and on every signature,
  the signer's title and statement from the organisation settings, an audit
  event per transition (the workflow table's labels), comments, voided
  signatures for records returned once, and the Monitoring Officer's
  publication choices. A test compares these rows with the services' own.
- Every published record's PDF is rendered from its own public context by the
  template and WeasyPrint call that publication uses, and stored with its
  SHA-256, as ``_publish`` stores it. Rendering is the slow part (about 0.3 s a
  record), so it runs in ``workers`` processes. ``pdfs="sample"`` renders only
  ``pdf_sample`` records and stores, for the others, a small PDF that says it is
  a placeholder: their hashes verify, their content is not the record's. Use it
  only to iterate quickly.
- Monitoring returns are marked received with ``bulk_update`` under the rules
  of ``monitoring_return_record`` (received on or after the period began, never
  in the future).
"""

import hashlib
import logging
import math
import os
import random
import secrets
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import accumulate
from multiprocessing import get_context

import django
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Prefetch, Q, Sum
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from commissioning import services as commissioning_services
from commissioning.models import (
    Agreement,
    AgreementStatus,
    CommissioningRoute,
    MonitoringFrequency,
    MonitoringReturn,
    Provider,
    ProviderType,
    Rag,
    ReturnMeasure,
    SingleTenderGround,
    normalise_name,
)
from decisions import services as decision_services
from decisions import workflow
from decisions.content import content_hash
from decisions.models import (
    CommentKind,
    Decision,
    DecisionCategory,
    DecisionComment,
    DecisionEvent,
    DecisionStatus,
    Exemption,
    FundingLine,
    PublicationChoice,
    PublicationDecision,
    PublicationPart,
    PublishedDocument,
    ReferenceCounter,
    SignOff,
    reference_slug,
)
from decisions.public import public_context
from funding import services as funding_services
from funding.models import (
    COMMITTED_STATUSES,
    Allocation,
    AllocationStatus,
    FinancialYear,
    FundingStream,
    PlanTheme,
)
from funding.services import stream_committed
from pcc_grants.models import (
    DEFAULT_DECISION_MAKER_STATEMENT,
    DEFAULT_MONITORING_OFFICER_STATEMENT,
    DEFAULT_OFFICER_APPROVAL_STATEMENT,
    OrganisationSettings,
    User,
)
from pcc_grants.money import format_money
from pcc_grants.pdf import html_to_pdf
from pcc_grants.roles import Role

DEFAULT_SEED = 20161
# The last financial year planned: fixed, so that the same seed gives the same data
# whatever day it is run. The data describes the office on 1 October of that year.
DEFAULT_LAST_YEAR = 2026

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")

# Counts at scale 1, and the least each may be at any scale.
BASE_COUNTS = {
    "years": 10,
    "streams": 80,
    "providers": 1_500,
    "allocations": 20_000,
    "agreements": 5_000,
    "decisions": 3_000,
    "published": 2_500,
}
FLOORS = {
    "years": 2,
    "streams": 4,
    "providers": 5,
    "allocations": 20,
    "agreements": 5,
    "decisions": 10,
    "published": 5,
}
# Every agreement's frequency and length give four monitoring returns.
RETURNS_PER_AGREEMENT = 4
# (frequency, months the agreement runs, share of agreements)
SCHEDULES = (
    (MonitoringFrequency.QUARTERLY, 12, 50),
    (MonitoringFrequency.TWICE_YEARLY, 24, 25),
    (MonitoringFrequency.ANNUAL, 48, 15),
    (MonitoringFrequency.MONTHLY, 4, 10),
)
# The records that are not published, as shares of them.
UNPUBLISHED_SHARES = (
    (DecisionStatus.DRAFT, 30),
    (DecisionStatus.AWAITING_OFFICER_APPROVAL, 14),
    (DecisionStatus.AWAITING_DECISION, 16),
    (DecisionStatus.APPROVED, 12),
    (DecisionStatus.REJECTED, 8),
    (DecisionStatus.NOT_PUBLISHED, 20),
)
OFFICERS = 8

ORGANISATION = {
    "name": "Police and Crime Commissioner for Northshire",
    "short_name": "Northshire OPCC",
    "decision_maker_title": "Police and Crime Commissioner",
    "chief_executive_title": "Chief Executive",
    "chief_finance_officer_title": "Chief Finance Officer",
    "monitoring_officer_title": "Monitoring Officer",
    "officer_approval_statement": DEFAULT_OFFICER_APPROVAL_STATEMENT,
    "decision_maker_statement": DEFAULT_DECISION_MAKER_STATEMENT,
    "monitoring_officer_statement": DEFAULT_MONITORING_OFFICER_STATEMENT,
    "decision_reference_pattern": "{seq:03d}-{year}",
    "delegated_reference_pattern": "DEL {seq:03d}-{year}",
    "open_data_prefix": "360G-NorthshirePCC",
}

# (username, first name, last name, job title, role)
SIGNERS = (
    ("cfo", "Alex", "Morgan", "Chief Finance Officer", Role.CHIEF_FINANCE_OFFICER),
    ("chief.executive", "Jo", "Whitfield", "Chief Executive", Role.CHIEF_EXECUTIVE),
    ("monitoring.officer", "Sam", "Patel", "Monitoring Officer", Role.MONITORING_OFFICER),
    ("commissioner", "Pat", "Ellison", "Police and Crime Commissioner", Role.COMMISSIONER),
)
OTHER_USERS = (
    ("panel", "Chris", "Dunn", "Police and Crime Panel member", Role.PANEL_MEMBER),
    ("admin", "Robin", "Hale", "Systems Administrator", Role.ADMINISTRATOR),
)
# fmt: off
# Word lists, several to a line.
FIRST_NAMES = (
    "Charles", "Priya", "Tom", "Aisha", "Gareth", "Helen", "Marcus", "Rachel", "Owen", "Fatima",
    "Liam", "Grace", "Dev", "Nina", "Paul", "Hannah",
)
LAST_NAMES = (
    "Oakley", "Shah", "Brennan", "Khan", "Lloyd", "Fenwick", "Adeyemi", "Hughes", "Parry",
    "Rahman", "Walsh", "Turner", "Bose", "Milburn", "Carter", "Doyle",
)
TOWNS = (
    "Ashby", "Bramley", "Castleford", "Dunmore", "Eastwick", "Fairford", "Glenholme", "Hartley",
    "Ingleby", "Kingsbridge", "Langley", "Marston", "Newbridge", "Oakham", "Pembury", "Redhill",
    "Southwold", "Thornbury", "Upton", "Westbury", "Yarwood", "Alderton", "Barnsby", "Coldharbour",
    "Denholme", "Elmstead", "Felling", "Greystoke", "Holbeck", "Ivybridge", "Jarrowby", "Kelso",
    "Lowther", "Middleham", "Norbury", "Ormesby", "Penrith", "Quarrington", "Rothbury", "Seaham",
    "Tanfield", "Ulverby", "Wolsingham", "Whitburn", "Crookhall", "Esh", "Lanchester", "Stanhope",
    "Sedgefield",
)
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
SERVICES = (
    "Independent domestic violence advisers", "Youth diversion programme",
    "Restorative justice conferencing", "Victim support caseworkers", "Street pastors",
    "Knife crime education in schools", "Substance misuse outreach", "Mental health triage",
    "Hate crime reporting centre", "Neighbourhood watch development", "Rural crime prevention",
    "Cyber crime awareness", "Night-time economy safety", "Prison leavers mentoring",
    "Sexual violence counselling", "Child exploitation prevention",
    "Anti-social behaviour mediation", "Road safety education", "Fraud victim support",
    "Modern slavery outreach", "Stalking advocacy", "Sports-based diversion",
    "Target hardening for repeat victims", "Perpetrator behaviour change programme",
)
# fmt: on
THEMES = (
    "Victims first",
    "Reducing reoffending",
    "Safer communities",
    "Tackling violence against women and girls",
    "Road safety",
    "Rural and wildlife crime",
    "Early intervention with young people",
    "Fraud and cyber crime",
)
# (name, source); a year's streams are the first of these, the last named of them
# split from the Community Safety Fund.
STREAMS = (
    ("Victims' Services Grant", "Ministry of Justice"),
    ("Community Safety Fund", "Police grant"),
    ("Violence Reduction Unit", "Home Office"),
    ("Youth Diversion Fund", "Police precept"),
    ("Domestic Abuse Support", "Ministry of Justice"),
    ("Safer Streets Fund", "Home Office"),
    ("Reducing Reoffending Fund", "Police precept"),
    ("Rural Crime Fund", "Police precept"),
    ("Drug and Alcohol Treatment", "Partner contributions"),
    ("Serious Violence Duty", "Home Office"),
    ("Sexual Violence Support", "Ministry of Justice"),
    ("Hate Crime Fund", "Reserves"),
    ("Cyber and Fraud Support", "Police grant"),
    ("Road Safety Partnership", "Partner contributions"),
    ("Restorative Justice Fund", "Ministry of Justice"),
)
SUB_STREAM = "Community Grants Scheme"
POSTCODE_AREAS = ("NS", "NE", "DH", "DL", "TS", "SR", "YO", "HG", "LS", "BD")
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
METRICS = ("People supported", "Referrals received", "Sessions delivered", "Cases closed")
RAG_WEIGHTS = ((Rag.GREEN, 70), (Rag.AMBER, 22), (Rag.RED, 8))

logger = logging.getLogger(__name__)


# Counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    years: int
    streams: int
    providers: int
    allocations: int
    agreements: int
    returns: int
    decisions: int
    published: int


def planned_counts(scale: float) -> Counts:
    """What ``generate`` records at ``scale``: each base count times the scale, rounded,
    and never below its floor; four monitoring returns per agreement."""
    if scale <= 0:
        raise ValueError("The scale must be more than 0.")
    counts = {name: max(FLOORS[name], round(base * scale)) for name, base in BASE_COUNTS.items()}
    counts["streams"] = max(counts["streams"], 2 * counts["years"])
    counts["decisions"] = max(counts["decisions"], counts["published"] + 5)
    return Counts(returns=counts["agreements"] * RETURNS_PER_AGREEMENT, **counts)


def _shares(total: int, shares) -> dict:
    """``total`` split by weight, largest remainders first, adding up exactly."""
    weight = sum(w for _, w in shares)
    exact = [(key, total * w / weight) for key, w in shares]
    result = {key: math.floor(value) for key, value in exact}
    left = total - sum(result.values())
    for key, _ in sorted(exact, key=lambda kv: -(kv[1] - math.floor(kv[1])))[:left]:
        result[key] += 1
    return result


# The plan -------------------------------------------------------------------------------


@dataclass
class PlanStream:
    year: int  # start year
    name: str
    source: str
    parent: "PlanStream | None" = None
    previous: "PlanStream | None" = None
    tolerance: Decimal = ZERO
    ring_fenced: bool = False
    budget: Decimal | None = ZERO
    carried_forward: Decimal = ZERO
    tbd: bool = False
    over_budget: bool = False
    pk: int | None = None

    @property
    def available(self) -> Decimal:
        return (self.budget or ZERO) + self.carried_forward


@dataclass
class PlanProvider:
    name: str
    provider_type: str
    charity_number: str = ""
    company_number: str = ""
    local_authority_code: str = ""
    postcode: str = ""
    address: str = ""
    is_vcse: bool = False
    is_sme: bool = False
    is_active: bool = True
    contact: dict | None = None
    pk: int | None = None


@dataclass
class PlanAllocation:
    stream: PlanStream
    provider: PlanProvider | None
    title: str
    description: str
    amount: Decimal
    period_start: date
    period_end: date
    theme: str
    route: str
    status: str = ""
    indicative: bool = False
    decision_reference: str = ""
    agreement: "PlanAgreement | None" = None
    decision: "PlanDecision | None" = None
    pk: int | None = None


@dataclass
class PlanAgreement:
    reference: str
    provider: PlanProvider
    route: str
    title: str
    description: str
    total_value: Decimal
    annual_value: Decimal | None
    start_date: date
    end_date: date
    review_date: date | None
    status: str
    frequency: str
    match_funding: Decimal = ZERO
    co_funders: str = ""
    single_tender_ground: str = ""
    single_tender_justification: str = ""
    partners: list = field(default_factory=list)
    pk: int | None = None


@dataclass
class PlanStep:
    """One thing done to a record: a transition or a comment, by whom, when."""

    action: str  # a transition name, or "comment:<kind>"
    by: str  # a username
    at: datetime
    comment: str = ""


@dataclass
class PlanDecision:
    year: int  # the financial year it belongs to
    category: str
    status: str
    title: str
    executive_summary: str
    recommendations: str
    decision: str
    lead_officer: str
    officers_present: str
    date_received: date
    financial_details: str
    legal_details: str
    equality_details: str
    risk_details: str
    supporting_information: str
    significant_public_interest: bool
    allocations: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    publication: dict = field(default_factory=dict)
    reference: str = ""
    seq: int = 0
    live: bool = False
    pk: int | None = None

    @property
    def submitted_at(self) -> datetime | None:
        return next((s.at for s in self.steps if s.action == "submit"), None)


@dataclass
class Plan:
    seed: int
    as_of: date
    counts: Counts
    years: list[int]
    closed_years: list[int]
    streams: list[PlanStream]
    providers: list[PlanProvider]
    allocations: list[PlanAllocation]
    agreements: list[PlanAgreement]
    decisions: list[PlanDecision]
    officers: list[tuple]


class Planner:
    """Everything ``generate`` will write, drawn from one seeded generator."""

    def __init__(self, *, scale: float, seed: int, last_year: int, live_workflow: int = 0):
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311 - reproducible, not secret
        self.seed = seed
        self.counts = planned_counts(scale)
        self.last_year = last_year
        # The moment the data describes: half way through the last year.
        self.as_of = date(last_year, 10, 1)
        self.live_workflow = min(live_workflow, self.counts.published)

    # Helpers

    def _money(self, low: float, high: float, *, whole: bool = True) -> Decimal:
        """Log-uniform between ``low`` and ``high``: many small grants, few large."""
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        if whole:
            step = 100 if value >= 10_000 else 10 if value >= 1_000 else 1
            return Decimal(int(value // step * step)).quantize(PENNY)
        return Decimal(str(round(value, 2))).quantize(PENNY)

    def _day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _moment(self, day: date) -> datetime:
        at = clock(self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, at))

    def _weighted(self, pairs):
        return self.rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]

    def _postcode(self) -> str:
        letters = POSTCODE_UNIT_LETTERS
        return (
            f"{self.rng.choice(POSTCODE_AREAS)}{self.rng.randint(1, 29)} "
            f"{self.rng.randint(0, 9)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
        )

    # The plan

    def plan(self) -> Plan:
        years = list(range(self.last_year - self.counts.years + 1, self.last_year + 1))
        streams = self._streams(years)
        providers = self._providers()
        officers = [
            (f"officer{n + 1}", FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % 16])
            for n in range(OFFICERS)
        ]
        allocations = self._allocations(streams, providers)
        decisions = self._decisions(years, allocations, officers)
        self._statuses(allocations, years)
        agreements = self._agreements(providers, allocations)
        self._budgets(streams, allocations)
        return Plan(
            seed=self.seed,
            as_of=self.as_of,
            counts=self.counts,
            years=years,
            closed_years=years[:-2],
            streams=streams,
            providers=providers,
            allocations=allocations,
            agreements=agreements,
            decisions=decisions,
            officers=officers,
        )

    def _streams(self, years: list[int]) -> list[PlanStream]:
        per_year = _shares(self.counts.streams, [(year, 1) for year in years])
        streams, last = [], {}
        for year in years:
            count = per_year[year]
            names = [STREAMS[n % len(STREAMS)] for n in range(count)]
            if count >= 4:
                names[-1] = (SUB_STREAM, "Police grant")
            seen: Counter = Counter()
            this_year = {}
            for name, source in names:
                seen[name] += 1
                if seen[name] > 1:
                    name = f"{name} {seen[name]}"
                stream = PlanStream(
                    year=year,
                    name=name,
                    source=source,
                    previous=last.get(name),
                    tolerance=self.rng.choice([ZERO, ZERO, Decimal("2.50"), Decimal("5.00")]),
                    ring_fenced=source in ("Ministry of Justice", "Home Office"),
                )
                if name == SUB_STREAM and "Community Safety Fund" in this_year:
                    stream.parent = this_year["Community Safety Fund"]
                this_year[name] = stream
                streams.append(stream)
            last = this_year
        # The latest year's budget for one stream is still to be determined.
        candidates = [
            s
            for s in streams
            if s.year == years[-1] and s.parent is None and not any(c.parent is s for c in streams)
        ]
        if candidates:
            candidates[-1].tbd = True
        # A few streams are over budget, within the tolerance the CFO set.
        for stream in streams:
            if stream.tolerance and not stream.tbd and self.rng.random() < 0.3:
                stream.over_budget = True
        return streams

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

    def _allocations(self, streams, providers) -> list[PlanAllocation]:
        rng = self.rng
        # Some providers receive far more often than others.
        weights = list(accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(providers))))
        stream_weights = [rng.uniform(0.5, 1.5) for _ in streams]
        chosen = rng.choices(streams, weights=stream_weights, k=self.counts.allocations)
        # Every stream gets at least one allocation.
        for index, stream in enumerate(streams[: len(chosen)]):
            chosen[index] = stream
        routes = [
            (CommissioningRoute.GRANT, 45),
            (CommissioningRoute.GRANT_ROUND, 15),
            (CommissioningRoute.CONTRACT, 12),
            (CommissioningRoute.SINGLE_TENDER, 5),
            (CommissioningRoute.POOLED, 5),
            (CommissioningRoute.INNOVATION, 5),
            (CommissioningRoute.LOCAL_FUND, 8),
            (CommissioningRoute.DIRECT_AWARD, 5),
        ]
        allocations = []
        for stream in chosen:
            year = FinancialYear(start_year=stream.year)
            named = rng.random() < 0.93
            provider = rng.choices(providers, cum_weights=weights)[0] if named else None
            service = rng.choice(SERVICES)
            town = rng.choice(TOWNS)
            whole_year = rng.random() < 0.7
            start = (
                year.starts_on
                if whole_year
                else self._day_between(year.starts_on, date(stream.year, 12, 1))
            )
            end = (
                year.ends_on
                if whole_year
                else self._day_between(start + timedelta(days=60), year.ends_on)
            )
            allocations.append(
                PlanAllocation(
                    stream=stream,
                    provider=provider,
                    title=f"{service} in {town}" if named else f"Emerging initiatives: {town}",
                    description=(
                        f"{service} for people in {town} and the surrounding area, {year.label}."
                    ),
                    amount=self._money(300, 60_000, whole=rng.random() < 0.85),
                    period_start=start,
                    period_end=end,
                    theme=rng.choice(THEMES),
                    route=self._weighted(routes) if named else "",
                )
            )
        return allocations

    def _decisions(self, years, allocations, officers) -> list[PlanDecision]:
        rng = self.rng
        counts = self.counts
        statuses = [DecisionStatus.PUBLISHED] * counts.published
        for status, number in _shares(
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
        returned = rng.random() < 0.04
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
            steps.append(PlanStep("officer_approve", officer_approver, later()))
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

        choices = {part: {"choice": PublicationChoice.PUBLISH} for part in PublicationPart.values}
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
            choices[PublicationPart.DETAILS] = withheld(
                PublicationChoice.REDACT,
                Exemption.S43,
                "The supporting details hold the provider's commercial terms.",
            )
        elif roll < 0.17:
            choices[PublicationPart.ASSESSMENT] = withheld(
                PublicationChoice.WITHHOLD,
                Exemption.S40,
                "The assessment names individuals who are not senior officers.",
            )
        elif roll < 0.20:
            choices[PublicationPart.RECORD] = withheld(
                PublicationChoice.REDACT,
                Exemption.S31,
                "Part of the record would reveal operational policing methods.",
            )
        return choices

    def _statuses(self, allocations: list[PlanAllocation], years: list[int]) -> None:
        """Allocations that a decision approved are committed; those of records still on
        their way are proposed; the rest follow the year's typical mix."""
        rng = self.rng
        decided = {DecisionStatus.APPROVED, DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED}
        past_mix = (
            (AllocationStatus.CONTRACTED, 55),
            (AllocationStatus.APPROVED, 25),
            (AllocationStatus.PROPOSED, 8),
            (AllocationStatus.WITHDRAWN, 12),
        )
        current_mix = (
            (AllocationStatus.CONTRACTED, 20),
            (AllocationStatus.APPROVED, 30),
            (AllocationStatus.PROPOSED, 40),
            (AllocationStatus.WITHDRAWN, 10),
        )
        paper = Counter()
        for allocation in allocations:
            decision = allocation.decision
            if allocation.stream.tbd:
                allocation.status = AllocationStatus.PROPOSED
            elif decision is not None:
                rejected = any(step.action == "reject" for step in decision.steps)
                if decision.live:
                    # Approval through the services approves them.
                    allocation.status = AllocationStatus.APPROVED
                elif decision.status in decided and not rejected:
                    allocation.status = rng.choice(
                        [AllocationStatus.APPROVED, AllocationStatus.CONTRACTED]
                    )
                else:
                    allocation.status = AllocationStatus.PROPOSED
            else:
                mix = current_mix if allocation.stream.year == years[-1] else past_mix
                allocation.status = self._weighted(mix)
                if allocation.status in COMMITTED_STATUSES and rng.random() < 0.1:
                    paper[allocation.stream.year] += 1
                    allocation.decision_reference = (
                        f"OPCC/{allocation.stream.year}/{paper[allocation.stream.year]:03d}"
                    )
            allocation.indicative = (
                allocation.status == AllocationStatus.PROPOSED and rng.random() < 0.15
            )

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

    def _budgets(self, streams: list[PlanStream], allocations: list[PlanAllocation]) -> None:
        """Set each stream's budget so that the budget rule holds (sub-streams first)."""
        rng = self.rng
        committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for allocation in allocations:
            if allocation.status in COMMITTED_STATUSES:
                committed[id(allocation.stream)] += allocation.amount
        children: dict[int, list[PlanStream]] = defaultdict(list)
        for stream in streams:
            if stream.parent is not None:
                children[id(stream.parent)].append(stream)
        ordered = [s for s in streams if s.parent is not None] + [
            s for s in streams if s.parent is None
        ]
        for stream in ordered:
            own = committed[id(stream)]
            given = sum((child.available for child in children[id(stream)]), ZERO)
            if stream.tbd:
                stream.budget, stream.carried_forward = None, ZERO
                continue
            needed = own + given
            if stream.over_budget and not children[id(stream)] and stream.parent is None:
                # Committed beyond the budget, half way into the tolerance the CFO set.
                available = _thousands(needed / (1 + stream.tolerance / 200), up=True)
                stream.over_budget = available < needed
            else:
                stream.over_budget = False
                factor = Decimal(str(round(rng.uniform(1.03, 1.3), 4)))
                available = max(_thousands(needed * factor, up=True), Decimal("10000.00"))
            carried = ZERO
            if rng.random() < 0.3:
                share = Decimal(str(round(rng.uniform(0.02, 0.12), 4)))
                carried = _thousands(available * share, up=False)
            stream.carried_forward = carried
            stream.budget = available - carried


def _thousands(amount: Decimal, *, up: bool) -> Decimal:
    """``amount`` rounded up (or down) to whole thousands of pounds."""
    thousands = (amount / 1000).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR)
    return (thousands * 1000).quantize(PENNY)


# Writing ----------------------------------------------------------------------------------


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)
    checksum: str = ""

    def add(self, name: str, seconds: float) -> None:
        self.timings.append((name, seconds))


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint warns once per document when fontTools subsets the fonts."""
    weasy = logging.getLogger("weasyprint")
    before = weasy.level
    weasy.setLevel(logging.ERROR)
    try:
        yield
    finally:
        weasy.setLevel(before)


@contextmanager
def _services_clock(moment: datetime) -> Iterator[None]:
    """The decision services' clock seam set to ``moment``: a live-workflow record is
    signed at the time planned for it."""
    before = decision_services._now, decision_services._today
    decision_services._now = lambda: moment
    decision_services._today = lambda: timezone.localdate(moment)
    try:
        yield
    finally:
        decision_services._now, decision_services._today = before


PLACEHOLDER_PDF_TEXT = (
    "Placeholder stored by generate_bulk_data --pdfs sample for {reference}; "
    "not the published record."
)


def placeholder_pdf(reference: str) -> bytes:
    """A one-page PDF that says what it is (``--pdfs sample`` only)."""
    text = PLACEHOLDER_PDF_TEXT.format(reference=reference)
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class Writer:
    def __init__(
        self,
        plan: Plan,
        *,
        pdfs: str,
        pdf_sample: int,
        workers: int,
        log: Callable[[str], None],
    ):
        self.plan = plan
        self.pdfs = pdfs
        self.pdf_sample = pdf_sample
        self.workers = workers
        self.live_workflow = any(d.live for d in plan.decisions)
        self.log = log
        self.report = Report()
        self.users: dict[str, User] = {}
        self.password = ""  # nosec B105 - set to a random one if signatures need it

    @contextmanager
    def _step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.report.add(name, elapsed)
        self.log(f"  {name}: {elapsed:.1f} s")

    def write(self) -> Report:
        plan = self.plan
        with self._step("organisation, roles and users"):
            self._organisation_and_users()
        with self._step(f"{len(plan.years)} financial years and {len(plan.streams)} streams"):
            self._streams()
        with self._step(f"{len(plan.providers)} providers"):
            self._providers()
        with self._step(f"{len(plan.agreements)} agreements and their monitoring returns"):
            self._agreements()
        with self._step(f"{len(plan.decisions)} decision records (rows)"):
            self._decision_rows()
        with self._step(f"{len(plan.allocations)} allocations with history"):
            self._allocations()
        with self._step("signatures, comments, events and publication choices"):
            self._workflow_rows()
        published = [
            d for d in plan.decisions if d.status == DecisionStatus.PUBLISHED and not d.live
        ]
        with self._step(f"{len(published)} published PDFs ({self.pdfs})"):
            self._published_documents(published)
        live = [d for d in plan.decisions if d.live]
        with self._step(f"{len(live)} records signed and published through the services"):
            self._live_workflow(live)
        with self._step("monitoring returns received"):
            self._returns_received()
        with self._step("years closed"):
            for year in FinancialYear.objects.filter(start_year__in=plan.closed_years):
                funding_services.financial_year_close(year=year, by=self.users["cfo"])
        with self._step("checks: budget rule, references, stored PDFs"):
            check_invariants()
        return self.report

    # Organisation and people

    def _organisation_and_users(self) -> None:
        OrganisationSettings.objects.update_or_create(pk=1, defaults=ORGANISATION)
        groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        rows = [
            (username, first, last, "Commissioning Officer", Role.OFFICER)
            for username, first, last in self.plan.officers
        ]
        rows += list(SIGNERS) + list(OTHER_USERS)
        for username, first, last, title, role in rows:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                job_title=title,
                email=f"{username}@example.org",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_unusable_password()
            self.users[username] = user
        User.objects.bulk_create(self.users.values())
        for username, *_rest, role in rows:
            self.users[username].groups.add(groups[role])
        if self.live_workflow:
            # The live workflow re-asks each signer's password: one nobody is told.
            self.password = secrets.token_urlsafe(24)
            for username, *_rest in SIGNERS:
                user = self.users[username]
                user.set_password(self.password)
                user.save(update_fields=["password"])

    # Funding

    def _streams(self) -> None:
        cfo = self.users["cfo"]
        years = {
            start: funding_services.financial_year_get_or_create(start_year=start)
            for start in self.plan.years
        }
        sources = {
            name: funding_services.funding_source_get_or_create(name=name)
            for name in sorted({s.source for s in self.plan.streams})
        }
        for name in THEMES:
            funding_services.plan_theme_get_or_create(name=name)
        # Parents before their sub-streams, last year's before this year's.
        for stream in sorted(self.plan.streams, key=lambda s: (s.year, s.parent is not None)):
            created = funding_services.funding_stream_create(
                by=cfo,
                financial_year=years[stream.year],
                name=stream.name,
                source=sources[stream.source],
                budget=stream.budget,
                carried_forward=stream.carried_forward,
                ring_fenced=stream.ring_fenced,
                over_allocation_tolerance_percent=stream.tolerance,
                parent=FundingStream(pk=stream.parent.pk) if stream.parent else None,
                previous=FundingStream.objects.get(pk=stream.previous.pk)
                if stream.previous
                else None,
                description=f"{stream.name} for {years[stream.year].label}.",
            )
            stream.pk = created.pk

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

    def _allocations(self) -> None:
        themes = dict(PlanTheme.objects.values_list("name", "pk"))
        rows = []
        for allocation in self.plan.allocations:
            decision = allocation.decision
            # A live-workflow record links its allocations itself, through the services.
            linked = decision is not None and not decision.live
            rows.append(
                Allocation(
                    funding_stream_id=allocation.stream.pk,
                    recipient_id=allocation.provider.pk if allocation.provider else None,
                    title=allocation.title[:255],
                    description=allocation.description,
                    amount=allocation.amount,
                    period_start=allocation.period_start,
                    period_end=allocation.period_end,
                    indicative=allocation.indicative,
                    status=(
                        AllocationStatus.PROPOSED
                        if decision is not None and decision.live
                        else allocation.status
                    ),
                    theme_id=themes[allocation.theme],
                    route=allocation.route,
                    agreement_id=allocation.agreement.pk if allocation.agreement else None,
                    decision_id=decision.pk if linked else None,
                    decision_reference=allocation.decision_reference,
                )
            )
        created = bulk_create_with_history(
            rows, Allocation, batch_size=1000, default_user=self.users["officer1"]
        )
        for allocation, row in zip(self.plan.allocations, created, strict=True):
            allocation.pk = row.pk

    # Decisions

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
        signoffs, comments, events, choices = [], [], [], []
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
                        statement=decision_services.signature_statement(transition.step, settings),
                        comment=step.comment,
                        signed_at=step.at,
                        content_hash=digest,
                        recorded_by=actor,
                    )
                    signed.append(signoff)
                    signoffs.append(signoff)
                if transition is workflow.DECIDE_PUBLICATION:
                    for part, values in planned.publication.items():
                        choices.append(
                            PublicationDecision(
                                decision_id=pk,
                                part=part,
                                decided_by=actor,
                                decided_at=step.at,
                                **values,
                            )
                        )
                    status = planned.status
                else:
                    status = transition.target
                events.append(_event_row(pk, transition.label, before, status, actor, step))
            comments.extend(commented)
        SignOff.objects.bulk_create(signoffs, batch_size=1000)
        DecisionComment.objects.bulk_create(comments, batch_size=1000)
        DecisionEvent.objects.bulk_create(events, batch_size=1000)
        PublicationDecision.objects.bulk_create(choices, batch_size=1000)
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

    def _published_documents(self, published: list[PlanDecision]) -> None:
        """Render each record's public PDF as publication does, and store it once with
        its SHA-256 (``decisions.services._publish``), in ``workers`` processes."""
        organisation = OrganisationSettings.load()
        at = {d.pk: d.steps[-1].at for d in published}
        real = len(published) if self.pdfs == "all" else min(self.pdf_sample, len(published))
        rendered, placeholders = published[:real], published[real:]
        documents: list[PublishedDocument] = []

        def store(decision: Decision, pdf: bytes) -> None:
            digest = hashlib.sha256(pdf).hexdigest()
            document = PublishedDocument(
                decision=decision, sha256=digest, size=len(pdf), published_at=at[decision.pk]
            )
            document.file.save(f"{decision.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
            documents.append(document)
            if len(documents) >= 200:
                PublishedDocument.objects.bulk_create(documents)
                documents.clear()

        def html_of(pk: int) -> tuple[Decision, str]:
            decision = Decision(pk=pk)
            context = public_context(decision)
            decision = context["decision"]
            html = render_to_string(
                "decisions/public_pdf.html", {"organisation": organisation, **context}
            )
            return decision, html

        pks = [d.pk for d in rendered]
        if self.workers > 1 and len(pks) > 1:
            # Fresh processes (no database connection inherited) that only run WeasyPrint
            # on the HTML this process renders; LOG_LEVEL quiets their font warnings.
            with (
                _environment(LOG_LEVEL="ERROR"),
                ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=get_context("spawn"),
                    initializer=django.setup,
                ) as pool,
            ):
                pending: deque = deque()
                for number, pk in enumerate(pks, start=1):
                    decision, html = html_of(pk)
                    pending.append((decision, pool.submit(html_to_pdf, html)))
                    while len(pending) > 3 * self.workers:
                        done, future = pending.popleft()
                        store(done, future.result())
                    if number % 250 == 0:
                        self.log(f"    {number} of {len(pks)} PDFs rendered")
                while pending:
                    done, future = pending.popleft()
                    store(done, future.result())
        else:
            for pk in pks:
                decision, html = html_of(pk)
                store(decision, html_to_pdf(html))
        for planned in placeholders:
            decision = Decision.objects.get(pk=planned.pk)
            store(decision, placeholder_pdf(decision.reference))
        PublishedDocument.objects.bulk_create(documents)

    def _live_workflow(self, live: list[PlanDecision]) -> None:
        """Draft, sign and publish through the services, at each planned moment."""
        for planned in sorted(live, key=lambda d: d.submitted_at):
            lead = self.users[planned.lead_officer]
            allocations = list(
                Allocation.objects.filter(pk__in=[a.pk for a in planned.allocations]).order_by(
                    "pk"
                )
            )
            with _services_clock(planned.steps[0].at):
                decision = decision_services.decision_create(
                    by=lead,
                    lead_officer=lead,
                    lines=planned.lines,
                    allocations=allocations,
                    **_decision_fields(planned),
                )
            for step in planned.steps:
                actor = self.users[step.by]
                with _services_clock(step.at):
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

    # Monitoring

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


def _signer_title(step: str, user: User, settings: OrganisationSettings) -> str:
    # The services' own rule for the title printed under a signature.
    return decision_services._signer_title(step, user, settings)


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
                Prefetch("allocations", queryset=Allocation.objects.select_related("recipient")),
            )
        )


# Checks ---------------------------------------------------------------------------------


class InvariantBroken(Exception):
    pass


def budget_breaches() -> list[str]:
    """Streams whose committed money is beyond what the budget rule allows, and
    parents whose sub-streams and own commitments exceed what they have."""
    problems = []
    streams = FundingStream.objects.select_related("financial_year").annotate(
        own=Sum("allocations__amount", filter=Q(allocations__status__in=COMMITTED_STATUSES))
    )
    by_parent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = list(streams)
    for stream in rows:
        if stream.parent_id:
            by_parent[stream.parent_id] += stream.available
    for stream in rows:
        committed = (stream.own or ZERO) + by_parent[stream.pk]
        if committed > stream.ceiling:
            problems.append(f"{stream}: {committed} committed, ceiling {stream.ceiling}")
        if by_parent[stream.pk] and committed > stream.available:
            problems.append(f"{stream}: sub-streams and commitments exceed what it has")
    return problems


def pdf_mismatches() -> list[str]:
    """Published records whose stored PDF is missing or does not match its SHA-256."""
    problems = []
    published = Decision.objects.filter(status=DecisionStatus.PUBLISHED)
    documents = PublishedDocument.objects.filter(decision__in=published).select_related("decision")
    if documents.count() != published.count():
        problems.append(f"{published.count()} published records, {documents.count()} PDFs")
    for document in documents.iterator(chunk_size=500):
        try:
            with document.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            problems.append(f"{document.decision.reference}: PDF missing")
            continue
        if hashlib.sha256(content).hexdigest() != document.sha256 or len(content) != (
            document.size
        ):
            problems.append(f"{document.decision.reference}: PDF does not match its SHA-256")
    return problems


def check_invariants() -> None:
    problems = budget_breaches() + pdf_mismatches()
    # Each stream's committed money, the services' own sum, for a sample of streams.
    for stream in FundingStream.objects.order_by("pk")[:5]:
        if stream_committed(stream) > stream.ceiling:
            problems.append(f"{stream}: over its ceiling (services' sum)")
    if problems:
        raise InvariantBroken("; ".join(problems[:10]))


# The whole -------------------------------------------------------------------------------


HOLDS_DATA = (User, FinancialYear, Provider, Allocation, Agreement, Decision)


def database_holds_data() -> bool:
    return any(model.objects.exists() for model in HOLDS_DATA)


def _canonical(value) -> str:
    """One spelling of a value whatever the database: money to the penny, moments in
    UTC."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def data_checksum() -> str:
    """SHA-256 over what the seed decides: names, references, amounts, statuses and
    dates, the same on SQLite and PostgreSQL. Primary keys (and so ``A000123``
    references and the content hashes that include them) are left out: they depend on
    the database's sequences."""
    digest = hashlib.sha256()

    def feed(rows) -> None:
        # Sorted here, not by the database: NULLs and collations sort differently.
        for row in sorted(tuple(_canonical(value) for value in row) for row in rows):
            digest.update(repr(row).encode())

    feed(
        FundingStream.objects.values_list(
            "financial_year__start_year",
            "name",
            "budget",
            "carried_forward",
            "over_allocation_tolerance_percent",
            "parent__name",
            "previous__name",
        )
    )
    feed(
        (p.name, p.provider_type, p.registered_org_id(), p.postcode)
        for p in Provider.objects.all()
    )
    feed(
        Allocation.objects.values_list(
            "funding_stream__financial_year__start_year",
            "funding_stream__name",
            "recipient__name",
            "title",
            "amount",
            "status",
            "period_start",
            "period_end",
            "agreement__reference",
            "decision__reference",
        )
    )
    feed(
        Agreement.objects.values_list(
            "reference", "provider__name", "route", "total_value", "start_date", "end_date"
        )
    )
    feed(
        MonitoringReturn.objects.values_list(
            "agreement__reference", "period_start", "due_date", "received_date", "rag"
        )
    )
    feed(
        Decision.objects.values_list(
            "reference", "status", "title", "decision_date", "category", "date_received"
        )
    )
    feed(
        SignOff.objects.values_list(
            "decision__reference", "step", "name", "title", "signed_at", "void"
        )
    )
    return digest.hexdigest()


def generate(
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    last_year: int = DEFAULT_LAST_YEAR,
    pdfs: str = "all",
    pdf_sample: int = 50,
    workers: int = 2,
    live_workflow: int = 5,
    log: Callable[[str], None] = logger.info,
) -> Report:
    """Plan and write the bulk data in one transaction; nothing is kept on failure
    (but PDFs already stored)."""
    start = time.perf_counter()
    planner = Planner(scale=scale, seed=seed, last_year=last_year, live_workflow=live_workflow)
    plan = planner.plan()
    log(f"  planned in {time.perf_counter() - start:.1f} s")
    writer = Writer(plan, pdfs=pdfs, pdf_sample=pdf_sample, workers=workers, log=log)
    # The live workflow would e-mail the people who act next: nobody needs those.
    with (
        _quiet_weasyprint(),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        report = writer.write()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load (some servers, such as test ones,
        # run without it): planner statistics for the new rows, and the row versions
        # the updates left behind cleared. VACUUM cannot run inside a transaction.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    report.counts = {
        "financial years": FinancialYear.objects.count(),
        "funding streams": FundingStream.objects.count(),
        "providers": Provider.objects.count(),
        "allocations": Allocation.objects.count(),
        "agreements": Agreement.objects.count(),
        "monitoring returns": MonitoringReturn.objects.count(),
        "decision records": Decision.objects.count(),
        "published with stored PDF": PublishedDocument.objects.count(),
        "users": User.objects.count(),
    }
    report.checksum = data_checksum()
    return report
