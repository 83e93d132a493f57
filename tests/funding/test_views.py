import io
from decimal import Decimal

import pytest
from django.utils.html import escape
from pypdf import PdfReader

from funding import budget
from funding.models import Allocation, AllocationStatus, FundingStream
from pcc_grants.money import format_money
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Victims' Services",
        budget=Decimal("525000"),
    )


def client_for(client, make_user, role):
    client.force_login(make_user(role))
    return client


def test_stream_form_accepts_british_money_and_records_a_new_year_and_source(officer_client):
    response = officer_client.post(
        "/funding/streams/new/",
        {
            "financial_year": "2017/18",
            "name": "Restorative Justice",
            "source": "Ministry of Justice",
            "budget": "£140,000",
            "carried_forward": "9,400.00",
            "description": "RJ coordinators",
        },
    )
    stream = FundingStream.objects.get(name="Restorative Justice")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/funding/streams/{stream.pk}/"
    assert (stream.financial_year.label, stream.source.name) == ("2017/18", "Ministry of Justice")
    assert (stream.budget, stream.carried_forward) == (Decimal("140000.00"), Decimal("9400.00"))
    page = officer_client.get(response.headers["Location"]).content.decode()
    assert "£149,400" in page  # available


def test_a_refused_stream_leaves_no_year_or_source_behind(officer_client, stream):
    parent = stream
    response = officer_client.post(
        "/funding/streams/new/",
        {
            "financial_year": "2016/17",
            "name": "Too big a sub-pot",
            "source": "Brand new source",
            "budget": "600000",
            "parent": parent.pk,
        },
    )
    assert response.status_code == 200
    assert "The sub-streams of Victims&#x27; Services would get £600,000" in response.text
    assert not FundingStream.objects.filter(name="Too big a sub-pot").exists()
    from funding.models import FundingSource

    assert not FundingSource.objects.filter(name="Brand new source").exists()


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("12.345", "Use at most two decimal places (whole pence)."),
        ("-5", "The amount cannot be negative."),
        ("£1,2,3", "Enter an amount in pounds, such as £9,400 or 9400.00."),
    ],
)
def test_stream_form_names_the_field_with_bad_money(officer_client, budget, message):
    response = officer_client.post(
        "/funding/streams/new/", {"financial_year": "2016/17", "name": "X", "budget": budget}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not FundingStream.objects.exists()


def test_an_officer_cannot_change_the_tolerance_even_by_posting_it(officer_client, stream):
    officer_client.post(
        f"/funding/streams/{stream.pk}/edit/",
        {
            "name": stream.name,
            "budget": "525000",
            "over_allocation_tolerance_percent": "50",
        },
    )
    stream.refresh_from_db()
    assert stream.over_allocation_tolerance_percent == Decimal("0.00")


def test_allocation_form_records_a_new_recipient_and_shows_budget_errors_on_amount(
    officer_client, stream
):
    response = officer_client.post(
        "/funding/allocations/new/",
        {
            "funding_stream": stream.pk,
            "title": "Community Peer Mentors",
            "amount": "£9,400",
            "recipient_name": "Darlington Peer Mentors CIC",
            "theme_name": "Victims",
            "route": "grant",
        },
    )
    allocation = Allocation.objects.get()
    assert response.headers["Location"] == f"/funding/allocations/{allocation.pk}/"
    assert allocation.recipient.name == "Darlington Peer Mentors CIC"
    assert allocation.status == AllocationStatus.PROPOSED
    assert allocation.period_start.isoformat() == "2016-04-01"
    detail = officer_client.get(response.headers["Location"]).content.decode()
    assert "£9,400" in detail
    assert (
        "Only the Chief Finance Officer can approve an allocation directly; otherwise a "
        "decision record approves it."
    ) in detail


def test_allocation_period_outside_the_year_is_shown_on_the_field(officer_client, stream):
    response = officer_client.post(
        "/funding/allocations/new/",
        {
            "funding_stream": stream.pk,
            "title": "Late",
            "amount": "100",
            "period_end": "2017-06-30",
        },
    )
    assert "The period must fall within the financial year 2016/17" in response.text
    assert not Allocation.objects.exists()


def test_the_cfo_approves_and_sees_an_over_budget_warning_within_tolerance(
    client, make_user, stream
):
    stream.over_allocation_tolerance_percent = Decimal("10")
    stream.save()
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("550000"))
    cfo = client_for(client, make_user, Role.CHIEF_FINANCE_OFFICER)
    response = cfo.post(f"/funding/allocations/{allocation.pk}/approve/", follow=True)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    assert "Over budget by £25,000, within the 10% tolerance." in response.text


def test_an_approval_beyond_the_budget_is_refused_with_the_shortfall(client, make_user, stream):
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("525000.01"))
    cfo = client_for(client, make_user, Role.CHIEF_FINANCE_OFFICER)
    response = cfo.post(f"/funding/allocations/{allocation.pk}/approve/", follow=True)
    assert "so this is £0.01 too much." in response.text
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.OFFICER, 403), (Role.PANEL_MEMBER, 403), (Role.MONITORING_OFFICER, 403)],
)
def test_only_approvers_may_approve_by_direct_post(client, make_user, stream, role, status):
    allocation = AllocationFactory(funding_stream=stream)
    response = client_for(client, make_user, role).post(
        f"/funding/allocations/{allocation.pk}/approve/"
    )
    assert response.status_code == status
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_approve_is_refused_on_get(client, make_user, stream):
    allocation = AllocationFactory(funding_stream=stream)
    cfo = client_for(client, make_user, Role.CHIEF_FINANCE_OFFICER)
    assert cfo.get(f"/funding/allocations/{allocation.pk}/approve/").status_code == 405


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.PANEL_MEMBER, "/funding/allocations/", 403),
        (Role.PANEL_MEMBER, "/funding/", 403),
        (Role.PANEL_MEMBER, "/funding/position/2016-17/", 200),
        (Role.COMMISSIONER, "/funding/allocations/", 200),
        (Role.COMMISSIONER, "/funding/allocations/new/", 403),
        (Role.COMMISSIONER, "/funding/import/", 403),
        (Role.REVIEWER, "/funding/position/2016-17/", 403),
    ],
)
def test_pages_answer_each_role_as_its_duties_allow(client, make_user, stream, role, url, status):
    response = client_for(client, make_user, role).get(url)
    assert response.status_code == status
    if status == 403:
        assert "You cannot do this" in response.text


def test_a_closed_year_offers_no_editing(officer_client, stream):
    allocation = AllocationFactory(funding_stream=stream)
    stream.financial_year.is_closed = True
    stream.financial_year.save()
    assert officer_client.get(f"/funding/allocations/{allocation.pk}/edit/").status_code == 403
    response = officer_client.post(
        f"/funding/allocations/{allocation.pk}/edit/", {"title": "x", "amount": "1"}
    )
    assert response.status_code == 403
    assert "2016/17 is closed." in response.text


def test_register_download_contains_only_the_filtered_rows(officer_client, stream):
    AllocationFactory(funding_stream=stream, title="Kept", approved=True)
    AllocationFactory(funding_stream=stream, title="Filtered out")
    response = officer_client.get("/funding/allocations/?status=approved&download=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.getvalue().decode().splitlines()
    assert lines[0].startswith("reference,financial_year,funding_stream,recipient,title,amount")
    assert len(lines) == 2
    assert ",Kept," in lines[1]


def test_register_export_as_xlsx_is_built_by_a_job_with_the_filters(officer_client, stream):
    from openpyxl import load_workbook

    from jobs.models import Job, JobStatus

    kept = AllocationFactory(funding_stream=stream, title="Kept", amount=Decimal("9400"))
    AllocationFactory(funding_stream=stream, title="Filtered out", approved=True)
    register = officer_client.get("/funding/allocations/?status=proposed").content.decode()
    assert 'action="/funding/allocations/export/?status=proposed"' in register
    assert officer_client.get("/funding/allocations/export/").status_code == 405

    asked = officer_client.post("/funding/allocations/export/?status=proposed")
    job = Job.objects.get(kind="funding.allocations_xlsx")
    assert asked.status_code == 302 and asked["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.FINISHED and (job.done, job.total) == (1, 1)
    assert job.title == "Excel export of the funding register: All years, all streams, proposed"
    page = officer_client.get(job.get_absolute_url()).content.decode()
    assert "The workbook is ready: 1 allocation" in page
    assert "Download allocations.xlsx" in page
    download = officer_client.get(f"/jobs/{job.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "Allocations"
    assert sheet.freeze_panes == "A2"  # the header stays in view
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:6] == (
        "reference",
        "financial_year",
        "funding_stream",
        "recipient",
        "title",
        "amount",
    )
    assert row[0] == kept.reference and row[4] == "Kept"
    assert sheet.max_row == 2  # the header and the one proposed allocation
    # Money is a number shown in pounds, dates are dates: a spreadsheet adds them up.
    amount = sheet.cell(row=2, column=6)
    assert isinstance(amount.value, int | float) and amount.value == 9400
    assert "£" in amount.number_format
    start = sheet.cell(row=2, column=8)
    assert start.is_date and start.value.date() == kept.period_start
    assert sheet.column_dimensions["C"].width >= len(stream.name)


def test_funding_position_pdf_is_tagged_and_contains_the_totals(officer_client, stream):
    AllocationFactory(funding_stream=stream, amount=Decimal("47452.35"), approved=True)
    html = officer_client.get("/funding/position/2016-17/").content.decode()
    assert "£47,452.35" in html and "£477,547.65" in html
    response = officer_client.get("/funding/position/2016-17.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for figure in ("£525,000", "£47,452.35", "£477,547.65", "Victims' Services", "Total"):
        assert figure in text
    assert "Page 1 of 1" in text
    assert (
        reader.metadata.title
        == "Funding position 2016/17 – Office of the Police and Crime Commissioner"
    )
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_browser_import_saves_only_after_confirmation(officer_client, stream):
    content = (
        "financial_year,funding_stream,recipient,title,amount\n"
        '2016/17,Victims\' Services,Victim Support,Referral service,"£100,000"\n'
    ).encode()
    upload = io.BytesIO(content)
    upload.name = "allocations.csv"
    preview = officer_client.post(
        "/funding/import/", {"kind": "allocations", "file": upload}, follow=True
    )
    # The upload is checked by a job; its page shows what the check found.
    assert preview.redirect_chain[-1][0].startswith("/jobs/")
    assert "Check of allocations.csv for an import of allocations" in preview.text
    assert "Confirm and import 1 row" in preview.text
    assert "Victim Support: Referral service" in preview.text
    assert not Allocation.objects.exists()
    check = preview.context["job"].pk

    AllocationFactory(funding_stream=stream, title="There before the import")
    confirmed = officer_client.post("/funding/import/confirm/", {"job": check}, follow=True)
    assert "1 allocation imported from allocations.csv." in confirmed.text
    created = Allocation.objects.get(title="Referral service")
    assert created.amount == Decimal("100000.00")
    # The page lists exactly what the import created, each row linked to its record.
    assert confirmed.context["result"]["rows"][0]["url"] == created.get_absolute_url()
    assert f'href="{created.get_absolute_url()}"' in confirmed.text
    assert "There before the import" not in confirmed.text
    again = officer_client.post("/funding/import/confirm/", {"job": check}, follow=True)
    assert "This was confirmed already" in again.text
    assert Allocation.objects.count() == 2


def test_browser_import_with_errors_offers_no_confirmation(officer_client, stream):
    upload = io.BytesIO(
        b"financial_year,funding_stream,recipient,title,amount\n2016/17,Nope,A,B,abc\n"
    )
    upload.name = "bad.csv"
    preview = officer_client.post(
        "/funding/import/", {"kind": "allocations", "file": upload}, follow=True
    )
    assert "2 problems found: nothing has been saved" in preview.text
    assert "Confirm and import" not in preview.text
    # A check that found problems cannot be confirmed by a hand-made POST either.
    refused = officer_client.post(
        "/funding/import/confirm/", {"job": preview.context["job"].pk}, follow=True
    )
    assert "This file has not been checked clean" in refused.text
    assert not Allocation.objects.exists()


def test_browser_import_refuses_other_file_types(officer_client):
    upload = io.BytesIO(b"%PDF-1.4 not a spreadsheet")
    upload.name = "minutes.pdf"
    response = officer_client.post("/funding/import/", {"kind": "allocations", "file": upload})
    assert "Upload a .csv or .xlsx file." in response.text


def test_user_text_is_escaped_on_pages(officer_client, stream):
    AllocationFactory(funding_stream=stream, title='<script>alert("x")</script>')
    html = officer_client.get("/funding/allocations/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_every_filter_of_the_register_says_what_choosing_nothing_means(officer_client, stream):
    page = officer_client.get("/funding/allocations/").content.decode()
    assert "---------" not in page
    for label in (
        "Any financial year",
        "Any funding stream",
        "Any status",
        "Any theme",
        "Any route",
    ):
        assert f'<option value="" selected>{label}</option>' in page or f">{label}<" in page


def test_the_registers_total_says_what_it_covers(officer_client, stream):
    AllocationFactory(funding_stream=stream, amount=Decimal("100"))
    everything = officer_client.get("/funding/allocations/").content.decode()
    assert "All years, all streams: 1 allocation, totalling" in everything
    year = officer_client.get(
        f"/funding/allocations/?year={stream.financial_year.pk}&status=proposed"
    ).content.decode()
    assert f"{stream.financial_year.label}, all streams, proposed: 1 allocation" in year
    one = officer_client.get(
        f"/funding/allocations/?year={stream.financial_year.pk}&stream={stream.pk}"
    ).content.decode()
    assert escape(f"{stream.financial_year.label}, {stream.name}: 1 allocation") in one


def _propose(client, stream, amount: str):
    return client.post(
        "/funding/allocations/new/",
        {
            "funding_stream": stream.pk,
            "title": "Peer mentors",
            "description": "",
            "amount": amount,
            "recipient_name": "Darlington Borough Council",
            "theme_name": "",
            "period_start": "",
            "period_end": "",
            "route": "",
            "replaces": "",
            "decision_reference": "",
            "comments": "",
        },
        follow=True,
    )


def test_a_proposal_that_would_overspend_its_stream_is_saved_with_a_warning(
    officer_client, stream
):
    within = _propose(officer_client, stream, "1,000")
    assert "recorded as proposed" in within.text
    assert "If every proposed allocation" not in within.text
    ceiling = stream.ceiling
    over = _propose(officer_client, stream, f"{ceiling:.2f}")
    page = over.text
    assert "recorded as proposed" in page
    warning = budget.PROPOSED_OVER.format(
        stream=stream.name,
        total=format_money(ceiling + Decimal("1000")),
        over=format_money(Decimal("1000")),
        ceiling=format_money(ceiling),
        tbd="",
    )
    assert escape(warning) in page
    assert Allocation.objects.filter(funding_stream=stream).count() == 2


def test_an_empty_allocation_form_says_what_to_enter_in_each_field(officer_client, stream):
    page = officer_client.post("/funding/allocations/new/", {"title": ""}).content.decode()
    assert "This field is required" not in page
    assert "There is a problem" in page  # the error summary, linking to each field
    for message in (
        "Choose the funding stream",
        "Enter the title",
        "Enter the amount, for example £9,400",
    ):
        assert message in page, message


def test_only_who_may_read_the_register_may_export_it_and_roles_are_asked_again(
    client, make_user, officer, stream
):
    from django.http import QueryDict
    from django.test import override_settings

    from funding.jobs import allocations_xlsx_start
    from jobs.models import Job, JobStatus
    from jobs.runner import job_run

    AllocationFactory(funding_stream=stream)
    client.force_login(make_user(Role.REVIEWER, username="a-reviewer"))
    assert client.post("/funding/allocations/export/").status_code == 403
    assert not Job.objects.exists()

    # Queued by an officer who loses the role before a worker takes the job.
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=queue):
        job = allocations_xlsx_start(query=QueryDict(""), covering="All years", by=officer)
    officer.groups.clear()
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "You may no longer read the funding register: nothing was exported."
    assert not job.result_file
