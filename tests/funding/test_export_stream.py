"""The register's CSV export is streamed: the same file the export wrote before, row for
row, read in chunks with the rows it names joined, so its queries do not grow with the
allocations it lists."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Provider
from decisions.models import Decision
from funding.importers import export_allocation_rows
from funding.models import Allocation, AllocationStatus, PlanTheme
from pcc_grants.downloads import csv_bytes

from ..factories import FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

URL = "/funding/allocations/?download=csv"


def build(size: int, officer) -> None:
    """``size`` allocations over two years, in an order the export must change: named
    and unnamed recipients, with and without a theme, approved by a record in the
    system, by one named outside it, or not yet, some with text a spreadsheet would
    run as a formula."""
    record = Decision.objects.create(
        title="Grants",
        executive_summary="Summary",
        decision="Agreed",
        lead_officer=officer,
        created_by=officer,
        reference=f"{size:03d}-2016",
        slug=f"{size:03d}-2016",
    )
    later = FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2017), budget=Decimal(10**9)
    )
    earlier = FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), budget=Decimal(10**9)
    )
    providers = Provider.objects.bulk_create(
        Provider(name=f"Provider {size}.{n}", normalised_name=f"provider {size}.{n}")
        for n in range(5)
    )
    theme = PlanTheme.objects.create(name=f"Victims {size}")
    rows = []
    for n in range(size):
        stream = later if n % 2 else earlier
        rows.append(
            Allocation(
                funding_stream=stream,
                recipient=providers[n % 5] if n % 7 else None,
                theme=theme if n % 3 else None,
                title=f"=Project {n}" if n % 11 == 0 else f"Project {n}",
                amount=Decimal("100.50") + n,
                status=AllocationStatus.APPROVED if n % 4 else AllocationStatus.PROPOSED,
                period_start=stream.financial_year.starts_on,
                period_end=stream.financial_year.ends_on,
                decision=record if n % 5 == 0 else None,
                decision_reference="EXE 0025/13" if n % 5 == 1 else "",
                comments="@SUM(1+1)" if n % 13 == 0 else "",
            )
        )
    Allocation.objects.bulk_create(rows)


def exported(client) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
        content = response.getvalue()
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="allocations.csv"'
    return content, len(captured)


def test_the_streamed_export_is_the_file_the_export_wrote(officer_client, officer):
    build(60, officer)
    content, _ = exported(officer_client)
    assert content == csv_bytes(export_allocation_rows(Allocation.objects.for_register()))
    lines = content.decode().splitlines()
    assert len(lines) == 61
    assert lines[0].startswith("reference,financial_year,funding_stream,recipient,title")
    assert "'=Project 0" in content.decode() and "'@SUM(1+1)" in content.decode()


def test_the_export_s_queries_do_not_grow_with_the_allocations(officer_client, officer):
    counts = []
    for size in (10, 2500):  # more than one chunk of 2,000
        Allocation.objects.all().delete()
        build(size, officer)
        officer_client.get(URL).getvalue()  # warm: session and content types
        content, queries = exported(officer_client)
        assert content.count(b"\n") == size + 1
        counts.append(queries)
    assert counts[0] == counts[1], f"{counts[0]} queries at 10, {counts[1]} at 2,500"
