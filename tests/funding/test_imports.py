import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from commissioning.models import Provider
from funding.importers import run_import
from funding.models import Allocation, AllocationStatus, FundingStream, PlanTheme

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

FUNDING_HEADER = (
    "financial_year,name,source,budget,carried_forward,over_allocation_tolerance_percent,"
    "ring_fenced,parent,description\n"
)
ALLOCATION_HEADER = (
    "financial_year,funding_stream,recipient,title,amount,status,period_start,period_end,"
    "indicative,theme,route,decision_reference,comments\n"
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def database_state():
    return (
        FundingStream.objects.count(),
        Allocation.objects.count(),
        Provider.objects.count(),
        PlanTheme.objects.count(),
        sorted(Allocation.objects.values_list("status", "amount")),
    )


@pytest.fixture
def stream_2016(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Community Safety Grant",
        budget=Decimal("100000"),
    )


def test_import_funding_creates_streams_with_parents_and_budgets_to_be_determined(tmp_path):
    path = write(
        tmp_path,
        "funding.csv",
        FUNDING_HEADER
        + '2015/16,Community Safety Grant,Home Office,"£606,550",,,yes,,Money for CSPs\n'
        + "2015/16,Safe Durham Partnership,Home Office,473395,27150,,yes,"
        + "Community Safety Grant,\n"
        + "2015/16,Community Safety Fund,,TBD,,,no,,\n",
    )
    out = io.StringIO()
    call_command("import_funding", path, stdout=out)

    assert "3 funding streams imported." in out.getvalue()
    child = FundingStream.objects.get(name="Safe Durham Partnership")
    assert child.parent.name == "Community Safety Grant"
    assert (child.budget, child.carried_forward) == (Decimal("473395.00"), Decimal("27150.00"))
    assert FundingStream.objects.get(name="Community Safety Fund").budget is None
    assert FundingStream.objects.get(name="Community Safety Grant").ring_fenced


def test_import_allocations_creates_unknown_recipients_and_themes(tmp_path, stream_2016, cfo):
    path = write(
        tmp_path,
        "allocations.csv",
        ALLOCATION_HEADER
        + "2016/17,Community Safety Grant,Darlington Borough Council,Peer mentors,9400,"
        + "approved,01/09/2016,31/01/2017,no,Victims,Grant agreement,034-2016,\n"
        + "2016/17,community safety grant,DARLINGTON BOROUGH COUNCIL.,Training,"
        + "2300.00,,,,yes,victims,GRANT,,Cohorts\n",
    )
    call_command("import_allocations", path, "--as", "cfo", stdout=io.StringIO())

    first, second = Allocation.objects.order_by("pk")
    assert Provider.objects.count() == 1
    assert PlanTheme.objects.count() == 1
    assert (first.status, first.route, first.decision_reference) == (
        "approved",
        "grant",
        "034-2016",
    )
    assert first.period_start.isoformat() == "2016-09-01"
    assert (second.status, second.indicative) == (AllocationStatus.PROPOSED, True)
    assert second.period_end.isoformat() == "2017-03-31"


def test_dry_run_reports_what_would_be_created_and_saves_nothing(tmp_path, stream_2016):
    path = write(
        tmp_path,
        "allocations.csv",
        ALLOCATION_HEADER + "2016/17,Community Safety Grant,Charity,Project,500,,,,,,,,\n",
    )
    out = io.StringIO()
    call_command("import_allocations", path, "--dry-run", stdout=out)
    assert "row 2: create 2016/17 · Community Safety Grant → Charity: Project" in out.getvalue()
    assert "1 allocations would be imported (dry run: nothing saved)." in out.getvalue()
    assert not Allocation.objects.exists()
    assert not Provider.objects.exists()


BAD_ALLOCATION_ROWS = [
    (
        "2016/17,No Such Stream,A,T,100,,,,,,,,",
        "funding_stream",
        "There is no funding stream “No Such Stream” in 2016/17.",
    ),
    ("2016/17,Community Safety Grant,A,T,-100,,,,,,,,", "amount", "cannot be negative"),
    ("2016/17,Community Safety Grant,A,T,12.345,,,,,,,,", "amount", "two decimal places"),
    ('2016/17,Community Safety Grant,A,T,"£1,2,3",,,,,,,,', "amount", "Enter an amount"),
    ("2016/17,Community Safety Grant,A,T,abc,,,,,,,,", "amount", "Enter an amount"),
    ("2016/17,Community Safety Grant,A,T,100,,31/02/2016,,,,,,", "period_start", "real date"),
    ("2016/17,Community Safety Grant,A,T,100,maybe,,,,,,,", "status", "Enter one of"),
    ("2016/17,Community Safety Grant,A,T,100,,,,perhaps,,,,", "indicative", "yes or no"),
    ("2016/17,Community Safety Grant,A,T,100,,,,,,bribery,,", "route", "Not a commissioning"),
    ("16-17,Community Safety Grant,A,T,100,,,,,,,,", "financial_year", "such as 2016/17"),
    ("2016/17,Community Safety Grant,A,,100,,,,,,,,", "title", "needs a value"),
    (
        "2016/17,Community Safety Grant,A,T,100001,approved,,,,,,,",
        "amount",
        "Community Safety Grant cannot commit £100,101: it allows £100,000, "
        "so this is £101 too much",
    ),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_ALLOCATION_ROWS)
def test_a_file_with_one_bad_row_saves_nothing_and_names_row_and_column(
    tmp_path, stream_2016, cfo, line, column, message
):
    good = "2016/17,Community Safety Grant,Good Charity,Good project,100,approved,,,,,,,\n"
    path = write(tmp_path, "allocations.csv", ALLOCATION_HEADER + good + line + "\n")
    before = database_state()
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_allocations", path, "--as", "cfo", stdout=io.StringIO(), stderr=err)

    assert f"row 3, column {column}: " in err.getvalue()
    assert message in err.getvalue()
    assert database_state() == before


def test_every_error_in_a_file_is_listed_not_just_the_first(stream_2016):
    content = (
        ALLOCATION_HEADER
        + "2016/17,Community Safety Grant,A,T,abc,,31/02/2016,,,,,,\n"
        + "2016/17,Nowhere,A,T,10,,,,,,,,\n"
    ).encode()
    result = run_import(kind="allocations", content=content)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "amount"),
        (2, "period_start"),
        (3, "funding_stream"),
    ]
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (ALLOCATION_HEADER.encode(), "header row but no data"),
        (
            b"financial_year,funding_stream,recipient,title\n2016/17,S,R,T\n",
            "row 1, column amount: The required column “amount” is missing.",
        ),
        (
            b"financial_year,funding_stream,recipient,title,amount,amount\n",
            "row 1, column amount: The column “amount” appears more than once.",
        ),
        (b"%PDF-1.7\n\x00\x01\x02binary", "neither a CSV file"),
        (b"\xff\xfe\x00n\x00o\x00t", "neither a CSV file"),
        (b"PK\x03\x04not really a workbook", "neither a CSV file"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(tmp_path, stream_2016, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    err = io.StringIO()
    before = database_state()
    with pytest.raises(CommandError):
        call_command("import_allocations", str(path), stdout=io.StringIO(), stderr=err)
    assert message in err.getvalue()
    assert database_state() == before


def test_funding_import_refuses_a_bad_tolerance_and_an_unknown_parent(tmp_path):
    path = write(
        tmp_path,
        "funding.csv",
        FUNDING_HEADER
        + "2016/17,Victims,,1000,,150,,,\n"
        + "2016/17,Child,,100,,,,Missing Parent,\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_funding", path, stdout=io.StringIO(), stderr=err)
    assert "row 2, column over_allocation_tolerance_percent" in err.getvalue()
    assert "row 3, column parent: There is no funding stream “Missing Parent”" in err.getvalue()
    assert not FundingStream.objects.exists()


def test_xlsx_files_import_like_csv(tmp_path, stream_2016):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ALLOCATION_HEADER.strip().split(","))
    sheet.append(["2016/17", "Community Safety Grant", "Charity", "Project", 9400.5])
    path = tmp_path / "allocations.xlsx"
    workbook.save(path)
    call_command("import_allocations", str(path), stdout=io.StringIO())
    assert Allocation.objects.get().amount == Decimal("9400.50")


def test_export_then_reimport_into_an_empty_database_reproduces_the_funding_position(
    tmp_path, django_db_blocker, cfo
):
    funding = write(
        tmp_path,
        "funding.csv",
        FUNDING_HEADER
        + "2016/17,Community Safety Grant,Home Office,100000,5000,10,yes,,\n"
        + "2016/17,Restorative Justice,Ministry of Justice,TBD,,,no,,\n",
    )
    allocations = write(
        tmp_path,
        "allocations.csv",
        ALLOCATION_HEADER
        + "2016/17,Community Safety Grant,Council,ASB officers,110000.50,approved,,,,,,,\n"
        + "2016/17,Community Safety Grant,,Emerging initiatives,4000,proposed,,,yes,,,,\n"
        + "2016/17,Restorative Justice,Charity,RJ hub,2000,proposed,2016-10-01,,,RJ,"
        + "pooled,,Shared\n"
        + "2016/17,Community Safety Grant,Council,Old scheme,900,withdrawn,,,,,,,\n",
    )
    call_command("import_funding", funding, stdout=io.StringIO())
    call_command("import_allocations", allocations, "--as", "cfo", stdout=io.StringIO())
    position_before = io.StringIO()
    call_command("funding_position", "--year", "2016/17", stdout=position_before)
    exported = tmp_path / "export.csv"
    call_command("export_allocations", "--output", str(exported), stderr=io.StringIO())

    Allocation.objects.all().delete()
    Allocation.history.all().delete()
    Provider.objects.all().delete()
    call_command("import_allocations", str(exported), "--as", "cfo", stdout=io.StringIO())
    position_after = io.StringIO()
    call_command("funding_position", "--year", "2016/17", stdout=position_after)

    assert position_after.getvalue() == position_before.getvalue()
    assert "Total,100000.00,5000.00,105000.00,110000.50,6000.00,-5000.50" in (
        position_after.getvalue()
    )


def test_export_as_xlsx_reimports(tmp_path, stream_2016):
    call_command(
        "import_allocations",
        write(
            tmp_path,
            "a.csv",
            ALLOCATION_HEADER + "2016/17,Community Safety Grant,C,=SUM(A1),25.10,,,,,,,,\n",
        ),
        stdout=io.StringIO(),
    )
    exported = tmp_path / "export.xlsx"
    call_command("export_allocations", "--format", "xlsx", "--output", str(exported))
    Allocation.objects.all().delete()
    call_command("import_allocations", str(exported), stdout=io.StringIO())
    allocation = Allocation.objects.get()
    assert allocation.amount == Decimal("25.10")
    assert allocation.title == "'=SUM(A1)"  # formula defused on the way out


def test_funding_position_as_json_has_a_row_per_stream_and_a_total(stream_2016):
    out = io.StringIO()
    call_command("funding_position", "--year", "2016/17", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["streams"][0] == {
        "stream": "Community Safety Grant",
        "budget": "100000.00",
        "carried_forward": "0.00",
        "available": "100000.00",
        "approved": "0.00",
        "proposed": "0.00",
        "remaining": "100000.00",
    }
    assert payload["total"]["stream"] == "Total"


def test_funding_position_of_an_unknown_year_fails():
    with pytest.raises(CommandError, match="No financial year 2099/00"):
        call_command("funding_position", "--year", "2099/00")


def test_an_export_names_each_allocation_and_the_record_that_approved_it(tmp_path, draft, advance):
    """The allocation's reference, and for one a decision record approved, that
    record's reference, where the column had been left blank."""
    import csv

    from funding.models import Allocation

    decision = advance(draft, "approved")
    allocation = AllocationFactory(title="Approved by the record")
    Allocation.objects.filter(pk=allocation.pk).update(decision=decision)
    exported = tmp_path / "export.csv"
    call_command("export_allocations", "--output", str(exported))
    rows = {row["reference"]: row for row in csv.DictReader(exported.open())}
    assert rows[allocation.reference]["decision_reference"] == decision.reference
    assert rows[allocation.reference]["amount"] == f"{allocation.amount:.2f}"
    assert rows[allocation.reference]["period_start"] == allocation.period_start.isoformat()


@pytest.mark.parametrize("kind", ["allocations", "funding"])
def test_the_import_template_has_the_columns_an_example_and_drop_down_lists(
    client, make_user, stream_2016, kind
):
    from openpyxl import load_workbook

    from funding.importers import ALLOCATION_COLUMNS, FUNDING_COLUMNS
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.OFFICER, username="officer"))
    response = client.get(f"/funding/import/template/{kind}.xlsx")
    assert response.status_code == 200
    assert f"import-{kind}-template.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    columns = ALLOCATION_COLUMNS if kind == "allocations" else FUNDING_COLUMNS
    header, example = list(sheet.iter_rows(values_only=True))[:2]
    assert header == columns
    assert sheet.freeze_panes == "A2"
    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    offered = {
        str(rule.sqref).split(":")[0].rstrip("0123456789"): rule.formula1
        for rule in sheet.data_validations.dataValidation
    }
    year_column = "A"
    assert offered[year_column].startswith("=Lists!")
    years = [row[0] for row in lists.iter_rows(min_row=2, values_only=True) if row[0]]
    assert "2016/17" in years
    if kind == "allocations":
        status_column = chr(ord("A") + columns.index("status"))
        assert status_column in offered
        statuses = {cell.value for cell in lists[offered[status_column].split("$")[1]][1:]}
        assert {"proposed", "approved"} <= statuses
        # The example is typed: a number in pounds and a date.
        amount = sheet.cell(row=2, column=columns.index("amount") + 1)
        assert isinstance(amount.value, int | float) and "£" in amount.number_format
        assert sheet.cell(row=2, column=columns.index("period_start") + 1).is_date


def test_the_allocation_template_example_imports_as_it_is(
    tmp_path, stream_2016, client, make_user
):
    """Filled in with the example alone, the template passes the import's checks."""
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.OFFICER, username="officer"))
    # Today's year is not recorded: the example is in the latest one, 2016/17.
    content = client.get("/funding/import/template/allocations.xlsx").content
    result = run_import(kind="allocations", content=content, by=None, dry_run=True)
    assert result.ok, result.errors


def test_only_who_may_import_gets_a_template(client, make_user):
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.PANEL_MEMBER, username="panel"))
    assert client.get("/funding/import/template/allocations.xlsx").status_code == 403
    client.force_login(make_user(Role.OFFICER, username="officer"))
    assert client.get("/funding/import/template/nothing.xlsx").status_code == 404


def test_the_template_filled_in_imports_through_the_import_page(stream_2016, client, make_user):
    """The round trip an officer makes: download the template, replace the example
    with their own rows in a spreadsheet, upload it, confirm."""
    from openpyxl import load_workbook

    from pcc_grants.roles import Role

    client.force_login(make_user(Role.OFFICER, username="officer"))
    template = client.get("/funding/import/template/allocations.xlsx").content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.active
    columns = [cell.value for cell in sheet[1]]
    for cell in sheet[2]:  # the worked example, replaced by the officer's rows
        cell.value = None
    for row, (recipient, title, amount) in enumerate(
        (("Harbour Refuge", "Refuge support", 12500.5), ("Victim Support", "Referrals", 9400)),
        start=2,
    ):
        for name, value in {
            "financial_year": "2016/17",
            "funding_stream": "Community Safety Grant",
            "recipient": recipient,
            "title": title,
            "amount": amount,
        }.items():
            sheet.cell(row=row, column=columns.index(name) + 1, value=value)
    filled = io.BytesIO()
    workbook.save(filled)
    filled.seek(0)
    filled.name = "our-allocations.xlsx"

    preview = client.post("/funding/import/", {"kind": "allocations", "file": filled}, follow=True)
    assert "Confirm and import 2 rows" in preview.text, preview.text
    confirmed = client.post(
        "/funding/import/confirm/", {"job": preview.context["job"].pk}, follow=True
    )
    assert "2 allocations imported from our-allocations.xlsx." in confirmed.text
    assert sorted(Allocation.objects.values_list("title", "amount", "recipient__name")) == [
        ("Referrals", Decimal("9400.00"), "Victim Support"),
        ("Refuge support", Decimal("12500.50"), "Harbour Refuge"),
    ]
