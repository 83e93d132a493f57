"""Decision fixtures live in tests/conftest.py, shared with the reports and browser
tests; here, those of choosing a record's allocations: a stream and two proposed
allocations in it."""

from decimal import Decimal

import pytest

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)


@pytest.fixture
def victims(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), name="Victims' Services"
    )


@pytest.fixture
def mentors(victims):
    return AllocationFactory(
        funding_stream=victims,
        recipient=ProviderFactory(name="Darlington Peer Mentors CIC"),
        title="Community Peer Mentors",
        amount=Decimal("9400"),
    )


@pytest.fixture
def refuge(victims):
    return AllocationFactory(
        funding_stream=victims,
        recipient=ProviderFactory(name="Harbour Refuge"),
        title="Refuge support",
        amount=Decimal("12500.50"),
    )
