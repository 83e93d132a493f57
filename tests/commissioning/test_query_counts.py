from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import (
    Agreement,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
)
from funding.models import Allocation

from ..factories import FundingStreamFactory

pytestmark = pytest.mark.django_db


def build(size: int) -> Provider:
    """One provider with ``size`` agreements, each with two returns (one overdue)
    and an allocation; and ``size`` other providers with an agreement each."""
    Allocation.objects.all().delete()
    MonitoringReturn.objects.all().delete()
    Agreement.objects.all().delete()
    Provider.objects.all().delete()
    main = Provider.objects.create(name="Main provider", org_id="GB-CHC-1")
    others = Provider.objects.bulk_create(
        Provider(name=f"Other {i}", normalised_name=f"other {i}") for i in range(size)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            reference=f"R-{i}",
            provider=main if i % 2 == 0 else others[i],
            route=CommissioningRoute.GRANT,
            title=f"Service {i}",
            total_value=Decimal("1000"),
            start_date=date(2017, 4, 1),
            end_date=date(2018, 3, 31),
        )
        for i in range(size)
    )
    MonitoringReturn.objects.bulk_create(
        MonitoringReturn(
            agreement=agreement,
            period_start=date(2017, 4 + half * 6, 1) if half == 0 else date(2017, 10, 1),
            period_end=date(2017, 9, 30) if half == 0 else date(2018, 3, 31),
            due_date=date(2017, 10, 30) if half == 0 else date(2018, 4, 30),
            received_date=date(2017, 10, 20) if half == 0 else None,
        )
        for agreement in agreements
        for half in (0, 1)
    )
    stream = FundingStreamFactory(budget=Decimal(10**9))
    Allocation.objects.bulk_create(
        Allocation(
            funding_stream=stream,
            recipient=agreement.provider,
            agreement=agreement,
            title=f"Allocation {agreement.reference}",
            amount=Decimal("1000"),
            period_start=stream.financial_year.starts_on,
            period_end=stream.financial_year.ends_on,
        )
        for agreement in agreements
    )
    return main


@pytest.mark.parametrize(
    "page",
    [
        "/commissioning/providers/{provider}/",
        "/commissioning/providers/",
        "/commissioning/agreements/",
        "/commissioning/agreements/?route=grant&q=Service",
        "/commissioning/agreements/{agreement}/",
        "/commissioning/returns/",
        "/commissioning/contracts/?band=under",
        "/commissioning/contracts/?download=csv",
        "/",
    ],
)
def test_query_count_does_not_grow_from_10_to_1000_agreements(officer_client, page):
    counts = []
    for size in (10, 1000):
        provider = build(size)
        url = page.format(provider=provider.pk, agreement=provider.agreements.first().pk)
        officer_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries at 10, {counts[1]} at 1,000"
    assert counts[1] <= 15
