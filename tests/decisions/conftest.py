from decimal import Decimal

import pytest

from decisions import services
from pcc_grants.roles import Role


@pytest.fixture
def draft(db, officer, organisation):
    """A draft with two implications and three funding lines."""
    return services.decision_create(
        by=officer,
        lead_officer=officer,
        title="Extending Community Peer Mentors Project into Bishop Auckland",
        executive_summary="The project in Darlington has achieved successful outcomes.",
        decision="Agree the allocation of £9,400 to extend the project.",
        financial_implications=True,
        financial_details="The allocation of £9,400 is within the 2016/17 budget limits.",
        legal_implications=True,
        legal_details="No specific legal implications",
        lines=[
            ("Out of pocket expenses and mileage", Decimal("1200")),
            ("Training of 2 x Community Peer Mentor Cohorts", Decimal("2300")),
            ("Support Coordinator", Decimal("5900")),
        ],
    )


@pytest.fixture
def cfo(make_user):
    return make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo")
