"""The public grants register: what records published, a page at a time, in the same
queries however many grants there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import services as decision_services
from funding.models import Allocation, AllocationStatus

from ..factories import AllocationFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(people, advance, settings, tmp_path):
    """Publish a record approving ``count`` new grants titled ``<prefix> <n>``; the
    grants, in the register's order."""
    settings.MEDIA_ROOT = tmp_path
    stream = FundingStreamFactory(name="Community Safety Fund", budget=Decimal("10000000"))

    def make(prefix: str, count: int, draft=None):
        grants = [
            AllocationFactory(
                funding_stream=stream, amount=Decimal("250.50"), title=f"{prefix} {n}"
            )
            for n in range(count)
        ]
        draft = draft or decision_services.decision_create(
            by=people["officer"],
            lead_officer=people["officer"],
            title=f"{prefix} grants",
            executive_summary="Grants to local projects.",
            decision="Agree the grants.",
            lines=[("Grants", Decimal("250.50") * count)],
        )
        decision_services.decision_update(decision=draft, by=people["officer"], allocations=grants)
        return advance(draft, "published"), grants

    return make


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_register_reads_the_same_queries_for_3_grants_and_for_63(client, publish, draft):
    first, _ = publish("Mentors", 3, draft)
    few, page = queries(client, "/grants/")
    assert "3 grants" in page and "Mentors 2" in page and "£250.50" in page
    assert f'href="/decisions/{first.slug}/">{first.reference}</a>' in page

    publish("Youth club", 60)
    many, page = queries(client, "/grants/")
    assert "63 grants" in page and "Page 1 of 2" in page
    assert page.count("<tr><td") == 50
    second_page, page = queries(client, "/grants/?page=2")
    assert page.count("<tr><td") == 13 and "Youth club 59" in page
    assert few == many == second_page


def test_a_grant_withdrawn_leaves_the_register_at_once(client, publish, draft):
    _, grants = publish("Mentors", 2, draft)
    assert "Mentors 1" in client.get("/grants/").content.decode()
    # As a variation would, or someone behind the app's back: nothing is kept to go stale.
    Allocation.objects.filter(pk=grants[1].pk).update(status=AllocationStatus.WITHDRAWN)
    page = client.get("/grants/").content.decode()
    assert "1 grant<" in page and "Mentors 0" in page and "Mentors 1" not in page
