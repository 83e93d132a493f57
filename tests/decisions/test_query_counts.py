from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision, FundingLine
from funding.models import Allocation

from ..factories import AllocationFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def build(size: int, officer) -> Decision:
    Allocation.objects.all().delete()
    FundingLine.objects.all().delete()
    Decision.objects.all().delete()
    decisions = Decision.objects.bulk_create(
        Decision(
            title=f"Decision {n}",
            executive_summary="Summary",
            decision="Agreed",
            lead_officer=officer,
            created_by=officer,
            reference=f"{n:03d}-2016",
            slug=f"{n:03d}-2016",
        )
        for n in range(size)
    )
    FundingLine.objects.bulk_create(
        FundingLine(decision=d, item=f"Line {i}", amount=Decimal("100"), position=i)
        for d in decisions
        for i in range(3)
    )
    busiest = decisions[0]
    stream = FundingStreamFactory(budget=Decimal(10**9))
    for _ in range(min(size, 30)):
        AllocationFactory(funding_stream=stream, decision=busiest)
    return busiest


@pytest.mark.parametrize(
    "page",
    [
        "/staff/decisions/",
        "/staff/decisions/?status=draft&q=Decision&year=2026",
        "/staff/decisions/{pk}/",
        "/staff/decisions/{pk}/edit/",
    ],
)
def test_query_count_does_not_grow_from_10_to_1000_records(officer_client, officer, page):
    counts = []
    for size in (10, 1000):
        busiest = build(size, officer)
        url = page.format(pk=busiest.pk)
        officer_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries at 10, {counts[1]} at 1,000"
    assert counts[1] <= 15


def test_the_commissioners_dashboard_reads_as_many_queries_for_20_records_as_for_2(
    client, make_user, officer
):
    """Each record awaiting the decision has a crime and disorder reduction grant: the
    dashboard lists them without reading each one's allocations."""
    from decisions.models import DecisionStatus
    from pcc_grants.roles import Role

    commissioner = make_user(Role.COMMISSIONER, username="the-commissioner")
    client.force_login(commissioner)
    stream = FundingStreamFactory(budget=Decimal(10**9), crime_and_disorder_reduction=True)
    counts = []
    for size in (2, 20):
        Allocation.objects.all().delete()
        Decision.objects.all().delete()
        for n in range(size):
            decision = Decision.objects.create(
                title=f"Awaiting {n}",
                executive_summary="Summary",
                decision="Agreed",
                lead_officer=officer,
                created_by=officer,
                reference=f"{n:03d}-2016",
                slug=f"{n:03d}-2016",
                status=DecisionStatus.AWAITING_DECISION,
            )
            AllocationFactory(funding_stream=stream, decision=decision)
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/").content.decode()
        assert f"Awaiting {size - 1}" in page
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def awaiting_decision_with(size: int, advance, officer) -> Decision:
    """A record awaiting the decision that approves ``size`` crime and disorder
    reduction grants, each with what the Order publishes of it, and funds them."""
    from decisions import services

    stream = FundingStreamFactory(budget=Decimal(10**9), crime_and_disorder_reduction=True)
    allocations = [
        AllocationFactory(
            funding_stream=stream,
            conditions="Quarterly returns.",
            purpose="Support for victims.",
            crime_reduction_reasons="Fewer repeat victims.",
        )
        for _ in range(size)
    ]
    draft = services.decision_create(
        by=officer,
        lead_officer=officer,
        title=f"Awaiting, {size} grants",
        executive_summary="Summary",
        decision="Agreed",
        financial_implications=True,
        financial_details="Within budget.",
        legal_implications=True,
        legal_details="Lawful.",
        lines=[(f"Line {n}", Decimal("1000")) for n in range(size)],
        allocations=allocations,
    )
    return advance(draft, "awaiting_decision")


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("commissioner", "/staff/decisions/{pk}/"),
        ("commissioner", "/staff/decisions/{pk}/act/approve/"),
        ("chief_executive", "/staff/decisions/{pk}/paper/approve/"),
    ],
)
def test_a_step_reads_as_many_queries_for_20_grants_as_for_1(
    client, people, advance, officer, who, page
):
    """The step's page and its checks (the content's hash, the comments, the grants'
    published information) read the record once."""
    client.force_login(people[who])
    counts = []
    for size in (1, 20):
        decision = awaiting_decision_with(size, advance, officer)
        url = page.format(pk=decision.pk)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content.decode()[:500]
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 1 grant, {counts[1]} for 20"
    assert counts[1] <= 15


@pytest.mark.parametrize("who", ["commissioner", "cfo"])
def test_a_dashboard_reads_as_many_queries_for_4_signed_records_as_for_1(
    client, people, advance, officer, who
):
    """Records awaiting the decision, each commented on and given officer approval:
    the tasks read their comments and signatures together, whatever their number."""
    client.force_login(people[who])
    counts = []
    for size in (1, 4):
        while Decision.objects.count() < size:
            awaiting_decision_with(1, advance, officer)
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/").content.decode()
        if who == "commissioner":
            assert page.count("awaiting decision: approve the decision") == size
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
