"""A change history names the records its rows point to in one query per kind of
record, even where a record's name reads another (a stream is named with its year)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.models import Allocation
from pcc_grants.history import change_history

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def moved_between(streams: int, tag: str) -> Allocation:
    allocation = AllocationFactory()
    for n in range(streams):
        year = FinancialYearFactory(start_year=2030 + n)
        allocation.funding_stream = FundingStreamFactory(financial_year=year, name=f"Pot {tag}{n}")
        allocation.save()
    return allocation


def test_streams_are_named_with_their_years_in_one_query_however_many():
    few, many = moved_between(1, "a"), moved_between(6, "b")
    with CaptureQueriesContext(connection) as one:
        change_history(few.history.all())
    with CaptureQueriesContext(connection) as six:
        entries = change_history(many.history.all())
    assert len(one) == len(six)
    named = [change.new for entry in entries for change in entry.changes]
    assert any("Pot b5" in name and "2035/36" in name for name in named), named
