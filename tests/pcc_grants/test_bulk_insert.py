"""``insert_objects`` and ``insert_history`` store what ``bulk_create`` and
``bulk_history_create`` store, value for value, in more rows than one statement takes."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from funding.models import Allocation, AllocationStatus
from pcc_grants.bulk_insert import _preparer, insert_history, insert_objects

from ..factories import FundingStreamFactory, ProviderFactory

pytestmark = pytest.mark.django_db

# More than SQLite takes in one statement (999 values: 38 allocations).
ROWS = 120


def allocations(stream, providers, tag: str) -> list[Allocation]:
    return [
        Allocation(
            funding_stream=stream,
            recipient=providers[n % len(providers)] if n % 7 else None,
            title=f"{tag} «{n}» ' \" ; --",
            amount=Decimal(f"{1000 + n}.{n % 100:02d}"),
            period_start=date(2016, 4, 1 + n % 2),
            period_end=date(2017, 3, 31 - n % 2),
            indicative=bool(n % 3),
            status=AllocationStatus.APPROVED if n % 5 == 0 else "proposed",
            approved_on=date(2016, 5, n % 28 + 1) if n % 5 == 0 else None,
            route="grant" if n % 4 else "",
            comments="" if n % 6 else f"Line one\nline two {n}",
            purpose=f"Purpose {n}" * (n % 3),
        )
        for n in range(ROWS)
    ]


def stored(queryset, skip: set[str]) -> list[dict]:
    return [
        {name: value for name, value in row.items() if name not in skip}
        for row in queryset.values()
    ]


@pytest.fixture
def made(db):
    stream = FundingStreamFactory(budget=Decimal("10000000"))
    return stream, [ProviderFactory() for _ in range(3)]


def test_objects_are_stored_as_bulk_create_stores_them(made):
    stream, providers = made
    Allocation.objects.bulk_create(allocations(stream, providers, "A"))
    expected = stored(Allocation.objects.order_by("pk"), {"id", "created_at", "updated_at"})
    Allocation.objects.all().delete()

    objs = allocations(stream, providers, "A")
    with CaptureQueriesContext(connection) as queries:
        insert_objects(objs)

    assert stored(Allocation.objects.order_by("pk"), {"id", "created_at", "updated_at"}) == (
        expected
    )
    # Each object has its own row's key, and is saved.
    assert [Allocation.objects.get(pk=obj.pk).title for obj in objs] == [o.title for o in objs]
    assert all(not obj._state.adding for obj in objs)
    assert all(obj.created_at is not None for obj in objs)
    # Fewer statements than rows, more than one where a statement takes fewer rows.
    assert 1 <= len(queries) < ROWS
    assert Allocation.objects.get(pk=objs[0].pk).amount == Decimal("1000.00")


def test_history_is_stored_as_bulk_history_create_stores_it(made, cfo):
    stream, providers = made
    objs = allocations(stream, providers, "H")
    Allocation.objects.bulk_create(objs)
    Allocation.history.bulk_history_create(objs, default_user=cfo, default_change_reason=None)
    for obj in objs[::2]:
        obj.status = "withdrawn"
        obj._change_reason = "Duplicated"
    Allocation.history.bulk_history_create(objs[::2], update=True, default_user=cfo)
    expected = stored(Allocation.history.order_by("history_id"), {"history_id", "history_date"})
    Allocation.history.all().delete()
    for obj in objs:
        obj.status = "approved" if obj.approved_on else "proposed"
        if hasattr(obj, "_change_reason"):
            del obj._change_reason

    insert_history(objs, update=False, default_user=cfo)
    for obj in objs[::2]:
        obj.status = "withdrawn"
        obj._change_reason = "Duplicated"
    insert_history(objs[::2], update=True, default_user=cfo)

    assert stored(Allocation.history.order_by("history_id"), {"history_id", "history_date"}) == (
        expected
    )
    assert {h.history_type for h in Allocation.history.filter(status="withdrawn")} == {"~"}
    assert Allocation.history.filter(history_user=cfo).count() == ROWS + len(objs[::2])


def test_a_saved_object_or_a_mix_of_models_is_refused_and_nothing_is_written(made):
    stream, providers = made
    saved = allocations(stream, providers, "S")[:2]
    saved[0].save()
    with pytest.raises(ValueError):
        insert_objects(saved)
    with pytest.raises(ValueError):
        insert_objects([*allocations(stream, providers, "M")[:1], providers[0]])
    assert Allocation.objects.count() == 1


def test_a_value_of_another_type_goes_through_its_field_as_bulk_create_sends_it():
    integer = _preparer(models.IntegerField(), connection)
    # ``True`` is an ``int`` in Python but not one the column is sent as it is.
    assert integer(True) == 1 and type(integer(True)) is int
    assert integer("12") == 12
    assert integer(None) is None
    text = _preparer(models.CharField(max_length=5), connection)
    assert text(AllocationStatus.APPROVED) == "approved"
    assert text(12) == "12"
    money = _preparer(models.DecimalField(max_digits=12, decimal_places=2), connection)
    assert money(Decimal("1.50")) == connection.ops.adapt_decimalfield_value(
        Decimal("1.50"), 12, 2
    )
