"""The plan: every record ``generate`` will write, as plain data, before anything is
written. The planners fill it in; the writers write it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .common import ZERO, Counts


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
