"""A new provider, theme or funding source named by many people at once is recorded
once. Reported: twelve concurrent creations of one new provider gave two errors
(IntegrityError) on PostgreSQL."""

import threading

import pytest
from django.db import connection

from commissioning.models import Provider
from commissioning.services import provider_get_or_create
from funding.models import FundingSource, PlanTheme
from funding.services import funding_source_get_or_create, plan_theme_get_or_create

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _at_once(count: int, create) -> list[str]:
    start = threading.Barrier(count)
    failures = []

    def run():
        try:
            start.wait()
            create()
        except Exception as error:  # noqa: BLE001 - every failure is reported by the test
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_twenty_concurrent_creations_of_one_new_provider_make_one(organisation):
    failures = _at_once(20, lambda: provider_get_or_create(name="Darlington Peer Mentors CIC"))
    assert failures == []
    assert list(Provider.objects.values_list("name", flat=True)) == ["Darlington Peer Mentors CIC"]


def test_concurrent_themes_and_sources_by_name_make_one_each():
    assert _at_once(12, lambda: plan_theme_get_or_create(name="Victims")) == []
    assert _at_once(12, lambda: funding_source_get_or_create(name="Home Office")) == []
    assert PlanTheme.objects.filter(name="Victims").count() == 1
    assert FundingSource.objects.filter(name="Home Office").count() == 1
