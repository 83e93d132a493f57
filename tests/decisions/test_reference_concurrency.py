"""References allocated at the same moment are distinct and consecutive (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection

from decisions import clock, references, services
from decisions.models import Decision

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_fifty_threads_get_fifty_distinct_consecutive_references(
    officer, organisation, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2016, 8, 10))
    drafts = [
        services.decision_create(
            by=officer,
            lead_officer=officer,
            title=f"Record {n}",
            executive_summary="S",
            decision="D",
        )
        for n in range(50)
    ]
    start = threading.Barrier(len(drafts))
    failures = []

    def submit(decision):
        try:
            start.wait()
            references.decision_reference_allocate(decision=decision)
        except Exception as error:  # noqa: BLE001 - every failure is reported by the test
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    given = sorted(Decision.objects.values_list("reference", flat=True))
    assert given == [f"{n:03d}-2016" for n in range(1, 51)]
