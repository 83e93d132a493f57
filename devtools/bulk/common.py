"""What every part of the bulk data shares: the seed, the counts, the people, the
words names are made of.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from commissioning.models import MonitoringFrequency
from pcc_grants.models import (
    DEFAULT_DECISION_MAKER_STATEMENT,
    DEFAULT_MONITORING_OFFICER_STATEMENT,
    DEFAULT_OFFICER_APPROVAL_STATEMENT,
)
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


def split_by_weight(total: int, shares) -> dict:
    """``total`` split by weight, largest remainders first, adding up exactly."""
    weight = sum(w for _, w in shares)
    exact = [(key, total * w / weight) for key, w in shares]
    result = {key: math.floor(value) for key, value in exact}
    left = total - sum(result.values())
    for key, _ in sorted(exact, key=lambda kv: -(kv[1] - math.floor(kv[1])))[:left]:
        result[key] += 1
    return result
