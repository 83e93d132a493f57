"""An import run by the job worker, watched in the browser: the page of the queued
check, its bar moved by the page's script until the job is over, then the result
read; the same for the confirmed import."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from funding.models import Allocation
from jobs.models import Job, JobStatus
from pcc_grants.roles import Role

from .conftest import assert_accessible
from .test_funding_journeys import upload, victims_stream, write_csv  # noqa: F401

# ruff: noqa: F811

ROWS = 1_500
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue_in_the_database():
    """Jobs wait in the database for a worker, as in a deployment."""
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def _run_the_worker_while_the_page_waits(page) -> list[dict]:
    """Run the worker until the queue is empty, holding the page's questions about
    its job meanwhile (the server and the worker share the test's database; on
    SQLite, its one connection), then let them through: the page hears how the job
    ended. Returns what the page was told."""
    held, told, released = [], [], []
    status = re.compile(r".*/jobs/[0-9a-f-]+/status/$")

    def answer(route):
        response = route.fetch()
        told.append(response.json())
        route.fulfill(response=response)

    def hold(route):
        if released:
            answer(route)
        else:
            held.append(route)

    page.route(status, hold)
    page.wait_for_timeout(1_200)  # the script asks a first time after half a second
    assert held, "the page's script did not ask how its job was going"
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--queue-name",
        "*",
        verbosity=0,
    )
    released.append(True)
    for route in held:
        answer(route)
    page.wait_for_load_state()
    return told


def test_an_import_is_checked_then_imported_by_the_worker_with_its_progress_shown(
    page, login, make_user, victims_stream, tmp_path, queue_in_the_database
):
    rows = [
        f"2016/17,Victims' Services,Provider {n % 40},Project {n},{100 + n % 7},,,,,,,,"
        for n in range(ROWS)
    ]
    login(make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo"))
    page.goto("/funding/import/")
    upload(page, write_csv(tmp_path, "many.csv", *rows))

    # The upload is answered at once with the page of its check, queued.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check of many.csv for an import of allocations"
    )
    bar = page.get_by_role("progressbar", name="Progress of the job")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("[data-job-status]")).to_have_text("Queued")
    # With the script running, the page needs no refresh link.
    expect(page.get_by_role("link", name="Refresh this page")).to_be_hidden()
    assert_accessible(page)
    check = Job.objects.get()
    assert check.status == JobStatus.QUEUED

    # The script reloads the page once the job is over (the worker takes its time).
    with page.expect_navigation(timeout=120_000):
        told = _run_the_worker_while_the_page_waits(page)
    assert told[-1]["status"] == "finished" and told[-1]["percent"] == 100
    expect(page.get_by_text("No problems found. Nothing has been saved yet.")).to_be_visible()
    expect(bar).to_have_attribute("value", "100")
    expect(page.get_by_text(f"{ROWS:,} of {ROWS:,} done")).to_be_visible()
    planned = page.get_by_role("table", name="What will be created")
    expect(planned).to_contain_text(f"{ROWS} rows, the first 500 shown")
    assert_accessible(page)
    assert not Allocation.objects.exists()

    page.get_by_role("button", name=f"Confirm and import {ROWS} rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import of allocations from many.csv"
    )
    expect(page.locator("[data-job-status]")).to_have_text("Queued")
    with page.expect_navigation(timeout=120_000):
        told = _run_the_worker_while_the_page_waits(page)
    assert told[-1]["status"] == "finished"
    expect(page.get_by_role("status").first).to_contain_text(
        f"{ROWS} allocations imported from many.csv."
    )
    assert_accessible(page)
    assert Allocation.objects.count() == ROWS
    assert sum(a.amount for a in Allocation.objects.all()) == sum(
        Decimal(100 + n % 7) for n in range(ROWS)
    )
    imported = Job.objects.get(kind="funding.import_run")
    assert (imported.status, imported.done, imported.total) == (JobStatus.FINISHED, ROWS, ROWS)
