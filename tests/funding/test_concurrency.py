"""The budget rule holds when many people approve at once (PostgreSQL row locks)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from funding import services
from funding.models import Allocation, AllocationStatus

from ..factories import AllocationFactory, FundingStreamFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_approvals_never_commit_more_than_the_stream_allows(cfo):
    stream = FundingStreamFactory(
        name="Victims' Services",
        budget=Decimal("100000"),
        carried_forward=Decimal("5000"),
        over_allocation_tolerance_percent=Decimal("5"),
    )
    ceiling = Decimal("110250.00")  # (100,000 + 5,000) × 1.05
    allocations = [
        AllocationFactory(funding_stream=stream, amount=Decimal("12500")) for _ in range(20)
    ]
    start = threading.Barrier(len(allocations))
    outcomes: dict[int, str] = {}

    def approve(allocation):
        try:
            start.wait()
            services.allocation_approve(allocation=allocation, by=cfo)
            outcomes[allocation.pk] = "approved"
        except ValidationError as error:
            outcomes[allocation.pk] = error.messages[0]
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in allocations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    approved = Allocation.objects.filter(status=AllocationStatus.APPROVED)
    total = sum(a.amount for a in approved)
    assert total <= ceiling
    assert approved.count() == 8  # 8 × £12,500 = £100,000; a ninth would be £112,500
    refusals = [message for message in outcomes.values() if message != "approved"]
    assert len(refusals) == 12
    assert all(
        message == "Victims' Services cannot commit £112,500: it allows £110,250, "
        "so this is £2,250 too much."
        for message in refusals
    )
