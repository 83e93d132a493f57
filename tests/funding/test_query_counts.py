"""Pages issue the same number of SQL queries whatever the amount of data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Provider
from funding.models import Allocation, AllocationStatus, FundingStream, PlanTheme

from ..factories import FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

STATUSES = [AllocationStatus.PROPOSED, AllocationStatus.APPROVED, AllocationStatus.WITHDRAWN]


def build(size: int) -> FundingStream:
    """A year with a parent stream, a sub-stream, last year's stream and ``size``
    allocations to ``size`` different providers across themes and statuses."""
    last_year = FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2015), name="Victims", budget=10**9
    )
    year = FinancialYearFactory(start_year=2016)
    stream = FundingStreamFactory(
        financial_year=year, name="Victims", budget=Decimal(10**9), previous=last_year
    )
    FundingStreamFactory(financial_year=year, parent=stream, name="Sub", budget=1000)
    providers = Provider.objects.bulk_create(
        Provider(name=f"Provider {i}", normalised_name=f"provider {i}") for i in range(size)
    )
    themes = PlanTheme.objects.bulk_create(PlanTheme(name=f"Theme {i}") for i in range(3))
    Allocation.objects.bulk_create(
        Allocation(
            funding_stream=stream,
            recipient=providers[i],
            theme=themes[i % 3],
            title=f"Project {i}",
            amount=Decimal("100.00"),
            status=STATUSES[i % 3],
            period_start=year.starts_on,
            period_end=year.ends_on,
        )
        for i in range(size)
    )
    return stream


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        response.getvalue()  # a streamed export reads its rows as it is sent
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    "/funding/allocations/",
    "/funding/allocations/?status=approved&q=Project",
    "/funding/allocations/?page=2",
    "/funding/allocations/?q=Project+Provider&provider=Provider",
    "/funding/allocations/?q=Project&page=2",
    "/funding/allocations/?year={year}&status=approved&theme={theme}&route=grant",
    "/funding/allocations/new/",
    "/funding/allocations/new/?replaces={allocation}",
    "/funding/allocations/{allocation}/edit/",
    "/funding/allocations/?download=csv",
    "/funding/streams/{stream}/",
    "/funding/",
    "/funding/position/2016-17/",
]


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_from_10_to_1000_allocations(client, make_user, page):
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.OFFICER))
    counts = []
    for size in (10, 1000):
        Allocation.objects.all().delete()
        FundingStream.objects.filter(parent__isnull=False).delete()
        FundingStream.objects.all().delete()
        Provider.objects.all().delete()
        PlanTheme.objects.all().delete()
        stream = build(size)
        allocation = stream.allocations.order_by("pk").last()
        url = page.format(
            stream=stream.pk,
            allocation=allocation.pk,
            year=stream.financial_year_id,
            theme=allocation.theme_id,
        )
        queries(client, url)  # warm: session and content types
        counts.append(queries(client, url))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries at 10, {counts[1]} at 1,000"
    assert counts[1] <= 15
