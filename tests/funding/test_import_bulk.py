"""The allocations import, checked in Python and written in bulk, records what the
row-by-row path through ``services.allocation_create`` records, and refuses what it
refuses with the same messages, rows and columns."""

import math
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissioning.models import Provider
from funding import allocation_import, importers
from funding.importers import ALLOCATION_COLUMNS, run_import
from funding.models import Allocation, FundingStream, PlanTheme
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    OrganisationSettingsFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(ALLOCATION_COLUMNS)


def csv(*lines: str) -> bytes:
    return ("\n".join((HEADER, *lines)) + "\n").encode()


def row(
    stream="Community Safety Grant",
    recipient="Good Charity",
    title="Project",
    amount="100",
    status="",
    *,
    year="2016/17",
    period_start="",
    period_end="",
    indicative="",
    theme="",
    route="",
    decision_reference="",
    comments="",
    approved_on="",
    conditions="",
    purpose="",
    reasons="",
) -> str:
    cells = [
        year,
        stream,
        recipient,
        title,
        amount,
        status,
        period_start,
        period_end,
        indicative,
        theme,
        route,
        decision_reference,
        comments,
        approved_on,
        conditions,
        purpose,
        reasons,
    ]
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


@pytest.fixture
def streams(db):
    year = FinancialYearFactory(start_year=2016)
    closed = FinancialYearFactory(start_year=2014, is_closed=True)
    return {
        "main": FundingStreamFactory(
            financial_year=year, name="Community Safety Grant", budget=Decimal("100000")
        ),
        "small": FundingStreamFactory(financial_year=year, name="Small Grants", budget=1000),
        "crime": FundingStreamFactory(
            financial_year=year,
            name="Crime Reduction",
            budget=Decimal("50000"),
            crime_and_disorder_reduction=True,
        ),
        "next": FundingStreamFactory(
            financial_year=FinancialYearFactory(start_year=2017), name="Victims Fund"
        ),
        "closed": FundingStreamFactory(financial_year=closed, name="Old Fund"),
    }


def _named(model, pk, attribute="name"):
    return getattr(model.objects.get(pk=pk), attribute) if pk else None


def written() -> dict:
    """Every allocation, history row, provider and theme, with ids and timestamps
    replaced by what they name."""
    allocations = list(Allocation.objects.order_by("pk"))
    ordinal = {allocation.pk: n for n, allocation in enumerate(allocations)}

    def values(record, skip):
        found = {}
        for model_field in type(record)._meta.concrete_fields:
            name = model_field.attname
            if name in skip:
                continue
            value = getattr(record, name)
            if name == "recipient_id":
                value = _named(Provider, value)
            elif name == "theme_id":
                value = _named(PlanTheme, value)
            elif name == "funding_stream_id":
                value = _named(FundingStream, value)
            elif name == "history_user_id":
                value = _named(User, value, "username")
            elif name == "id":
                value = ordinal[value]
            found[name] = value
        return found

    history = sorted(
        Allocation.history.all(), key=lambda record: (ordinal[record.id], record.history_id)
    )
    prefix = OrganisationSettings.load().open_data_prefix
    providers = []
    for provider in Provider.objects.order_by("pk"):
        found = values(provider, {"id"})
        if found["org_id"] == f"{prefix}-provider-{provider.pk}":
            found["org_id"] = f"{prefix}-provider-(its number)"
        providers.append(found)
    return {
        "allocations": [values(a, {"id", "created_at", "updated_at"}) for a in allocations],
        "history": [values(h, {"history_id", "history_date"}) for h in history],
        "providers": providers,
        "themes": sorted(PlanTheme.objects.values_list("name", "description")),
    }


def row_by_row(content: bytes, *, by, dry_run: bool = False):
    """The file through ``services.allocation_create`` row by row, what it wrote, then
    rolled back."""
    records, errors = importers._records(content, *importers._KINDS["allocations"])
    assert not errors
    with transaction.atomic():
        result = importers._import_rows(
            kind="allocations",
            records=records,
            by=by,
            report=importers.ProgressReport(None, len(records)),
        )
        state = written()
        transaction.set_rollback(True)
    return result, state


def shown(result):
    return [(p.row, p.action, p.summary, p.amount, p.note) for p in result.planned]


MIXED = csv(
    row(
        recipient="DARLINGTON BOROUGH COUNCIL.",
        title="Peer mentors",
        amount="9400",
        status="approved",
        period_start="01/09/2016",
        period_end="31/01/2017",
        theme="victims",
        route="Grant agreement",
        decision_reference="034-2016",
        approved_on="2016-08-10",
    ),
    row(
        recipient="  Safe   Durham  Partnership ",
        title="Training",
        amount="2300.00",
        indicative="yes",
        theme="Prevention",
        route="GRANT",
        comments="Cohorts, two",
    ),
    row(
        recipient="safe durham partnership",
        title="Support",
        amount="£5,900",
        status="contracted",
        theme="PREVENTION",
    ),
    row(
        recipient="Victim Care",
        title="Helpline",
        amount="1200",
        status="approved",
        theme="Victims",
    ),
    row(recipient="", title="Emerging initiatives", amount="3000", status="withdrawn"),
    row(
        stream="crime reduction",
        recipient="Youth Diversion CIC",
        title="Diversion",
        amount="4000",
        status="approved",
        conditions="Quarterly returns",
        purpose="Youth work",
        reasons="Fewer first-time entrants",
    ),
    row(
        stream="Victims Fund",
        year="2017/18",
        recipient="Victim Care",
        title="Advocates",
        amount="700",
    ),
)


def test_a_saved_import_writes_what_the_row_by_row_service_path_writes(streams, cfo):
    OrganisationSettingsFactory()
    ProviderFactory(name="Darlington Borough Council")
    ProviderFactory(name="Victim Care and Advice")
    PlanTheme.objects.create(name="Victims")
    AllocationFactory(funding_stream=streams["main"], amount=Decimal("500"), approved=True)
    expected_result, expected = row_by_row(MIXED, by=cfo)
    assert expected_result.ok, expected_result.errors

    result = run_import(kind="allocations", content=MIXED, by=cfo)

    assert result.ok and result.saved
    assert written() == expected
    assert shown(result) == shown(expected_result)
    assert any(planned.note for planned in result.planned)
    created = Allocation.objects.order_by("pk")[1:]
    assert [planned.url for planned in result.planned] == [
        allocation.get_absolute_url() for allocation in created
    ]
    # What a person would see: the statuses reached, the days approved, the history.
    assert [a.status for a in created] == [
        "approved",
        "proposed",
        "contracted",
        "approved",
        "withdrawn",
        "approved",
        "proposed",
    ]
    assert created[0].approved_on == date(2016, 8, 10)
    assert created[3].approved_on == timezone.localdate()
    assert [h.history_type for h in created[2].history.order_by("history_id")] == ["+", "~", "~"]
    assert Provider.objects.filter(name="Safe Durham Partnership").count() == 1
    assert PlanTheme.objects.filter(name="Prevention").exists()


def test_a_refused_file_lists_the_errors_the_row_by_row_path_lists(streams, cfo):
    OrganisationSettingsFactory(delegated_approval_limit=Decimal("60000"))
    content = csv(
        row(stream="Small Grants", title="A", amount="600", status="approved"),
        row(stream="Small Grants", title="B", amount="500", status="approved"),
        row(stream="Small Grants", title="C", amount="300", status="approved"),
        row(stream="Small Grants", title="D", amount="200", status="contracted"),
        row(title="Too big to approve directly", amount="70000", status="approved"),
        row(stream="Old Fund", year="2014/15", title="Closed"),
        row(
            stream="Crime Reduction",
            title="No purpose",
            status="approved",
            conditions="Returns",
            reasons="Less crime",
        ),
        row(recipient="!!!", title="No name"),
        row(title="Early", period_start="2016-01-01"),
        row(title="Backwards", period_start="2016-06-01", period_end="2016-05-01"),
        row(title="Tomorrow", status="approved", approved_on="2999-01-01"),
        row(title="Tomorrow", status="approved", approved_on="2999-01-01"),
        row(stream="Nowhere", title="Lost"),
        row(title="Bad cells", amount="abc", period_start="31/02/2016"),
        row(title="Fine", amount="10"),
    )
    expected_result, expected = row_by_row(content, by=cfo)
    before = written()

    result = run_import(kind="allocations", content=content, by=cfo)

    assert [str(error) for error in result.errors] == [
        str(error) for error in expected_result.errors
    ]
    assert {error.column for error in result.errors} >= {
        "amount",
        "status",
        "recipient",
        "period_start",
        "period_end",
        "approved_on",
        "funding_stream",
        "",
    }
    assert shown(result) == shown(expected_result)
    assert not result.saved
    assert written() == before


def test_approved_rows_by_someone_who_may_not_approve_are_refused_as_row_by_row(
    streams, make_user
):
    officer = make_user(Role.OFFICER, username="officer")
    content = csv(
        row(title="Approve", status="approved"),
        row(title="Contract", status="contracted"),
        row(title="Withdraw", status="withdrawn"),
        row(title="Propose"),
    )
    expected_result, _ = row_by_row(content, by=officer)

    result = run_import(kind="allocations", content=content, by=officer)

    assert [str(e) for e in result.errors] == [str(e) for e in expected_result.errors]
    assert [e.row for e in result.errors] == [2, 3]
    assert shown(result) == shown(expected_result)
    assert not Allocation.objects.exists()


def test_a_dry_run_lists_what_would_be_created_and_saves_nothing(streams, cfo):
    ProviderFactory(name="Victim Care and Advice")
    expected_result, _ = row_by_row(MIXED, by=cfo)

    result = run_import(kind="allocations", content=MIXED, by=cfo, dry_run=True)

    assert result.ok and not result.saved
    assert shown(result) == shown(expected_result)
    assert not Allocation.objects.exists()
    assert list(Provider.objects.values_list("name", flat=True)) == ["Victim Care and Advice"]
    assert not PlanTheme.objects.exists()


def test_a_recipient_recorded_meanwhile_by_another_import_is_used_not_repeated(
    streams, cfo, monkeypatch
):
    ProviderFactory(name="Safe Durham Partnership")
    # As if another import recorded it after this one looked its recipients up.
    monkeypatch.setattr(allocation_import._Checker, "find_providers", lambda self, names: None)

    result = run_import(
        kind="allocations", content=csv(row(recipient="Safe Durham Partnership")), by=cfo
    )

    assert result.saved
    assert Provider.objects.count() == 1
    assert Allocation.objects.get().recipient.name == "Safe Durham Partnership"


def many(rows: int) -> bytes:
    """``rows`` rows over two streams, to recorded providers and new ones, a fifth
    approved, across three themes."""
    return csv(
        *(
            row(
                stream="Community Safety Grant" if n % 2 else "Victims Fund",
                year="2016/17" if n % 2 else "2017/18",
                recipient=f"Recorded {n % 7}" if n % 5 else f"Newcomer number {n}",
                title=f"Project {n}",
                amount=f"{10 + n % 90}.{n % 100:02d}",
                status="approved" if n % 10 == 1 else "",
                theme=("Victims", "Prevention", "Reoffending")[n % 3],
            )
            for n in range(rows)
        )
    )


def test_progress_is_reported_while_checking_and_writing_and_reaches_the_total(streams, cfo):
    seen = []

    result = run_import(
        kind="allocations",
        content=many(1200),
        by=cfo,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert result.saved
    assert seen[-1] == (2400, 2400)
    assert all(total == 2400 for _, total in seen)
    done = [0] + [done for done, _ in seen]
    assert done == sorted(done)
    assert max(after - before for before, after in zip(done, done[1:], strict=False)) <= 500
    assert Allocation.objects.count() == 1200


def test_progress_of_a_refused_file_ends_at_the_total(streams, cfo):
    seen = []
    content = csv(row(stream="Nowhere"), row(title="Fine"))

    result = run_import(
        kind="allocations", content=content, by=cfo, progress=lambda *a: seen.append(a)
    )

    assert not result.ok
    assert seen[-1] == (4, 4)


def test_progress_of_a_funding_import_counts_its_rows(db):
    seen = []
    content = b"financial_year,name,budget\n2016/17,Victims,1000\n2016/17,Prevention,500\n"

    result = run_import(kind="funding", content=content, progress=lambda *a: seen.append(a))

    assert result.saved
    assert seen == [(2, 2)]


def test_the_number_of_queries_hardly_grows_with_the_rows(streams, cfo):
    """Lookups are made once a file, and rows are written in batches: of
    ``WRITE_BATCH`` rows, or as many as the database takes in one statement (SQLite
    takes 999 values)."""
    for n in range(7):
        ProviderFactory(name=f"Recorded {n}")
    for name in ("Victims", "Prevention", "Reoffending"):
        PlanTheme.objects.create(name=name)

    def queries(rows: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            result = run_import(kind="allocations", content=many(rows), by=cfo)
        assert result.saved, result.errors[:3]
        assert Allocation.objects.filter(title=f"Project {rows - 1}").count() == 1
        Allocation.history.all().delete()
        Allocation.objects.all().delete()
        inserts = sum(query["sql"].startswith("INSERT") for query in captured)
        return len(captured) - inserts, inserts

    (small_reads, small_inserts), (large_reads, large_inserts) = queries(100), queries(1000)

    batch = allocation_import.WRITE_BATCH
    per_statement = min(
        batch,
        connection.ops.bulk_batch_size(Allocation.history.model._meta.fields, [None] * batch),
    )
    assert large_reads <= small_reads + 5, (small_reads, large_reads)
    assert large_inserts <= small_inserts + 20 * math.ceil(batch / per_statement), (
        small_inserts,
        large_inserts,
    )
