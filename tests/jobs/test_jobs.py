"""A job's row and pages: only its starter sees it, its progress is read without a
reload (or with one, without JavaScript), it runs once however often the queue hands
it over, and a retry waits in the queue for its time."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from jobs.models import JobStatus
from jobs.registry import JobKind, register
from jobs.runner import JobFailed, job_run
from jobs.services import job_start

RUNS = []


def _count_run(job, progress):
    RUNS.append(job.pk)
    progress(3, 4, force=True)
    return {"made": 4}


def _refuse(job, progress):
    raise JobFailed("The mail server said no.")


register(JobKind(name="tests.count", run=_count_run))
register(JobKind(name="tests.refuse", run=_refuse, retry_delays=(60, 300)))

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(officer):
    """A job waiting in the database for a worker."""
    with override_settings(TASKS=DATABASE_QUEUE):
        yield job_start(kind="tests.count", title="Count to four", by=officer)


def test_a_queued_job_shows_its_place_and_a_refresh_link_for_pages_without_script(
    client, officer, queued
):
    client.force_login(officer)
    page = client.get(queued.get_absolute_url()).content.decode()
    assert "<h1>Count to four</h1>" in page
    assert "Queued" in page
    assert 'value="0"' in page and "<progress" in page
    assert f'<a href="{queued.get_absolute_url()}">Refresh this page</a>' in page
    assert "js/job-progress.js" in page
    status = client.get(f"/jobs/{queued.pk}/status/").json()
    assert status == {
        "status": "queued",
        "status_label": "Queued",
        "done": 0,
        "total": None,
        "percent": 0,
        "over": False,
    }
    listing = client.get("/jobs/").content.decode()
    assert "Count to four" in listing and "Queued" in listing


def test_another_persons_job_is_not_found_by_any_of_its_addresses(client, make_user, queued):
    from pcc_grants.roles import Role

    client.force_login(make_user(Role.OFFICER, username="other"))
    for address in ("", "status/", "download/"):
        assert client.get(f"/jobs/{queued.pk}/{address}").status_code == 404
    assert "Count to four" not in client.get("/jobs/").content.decode()


def test_a_job_handed_over_twice_runs_once(queued):
    RUNS.clear()
    job_run(str(queued.pk))
    job_run(str(queued.pk))  # a queue that delivers twice
    queued.refresh_from_db()
    assert [queued.pk] == RUNS
    assert (queued.status, queued.done, queued.total, queued.result) == (
        JobStatus.FINISHED,
        4,
        4,
        {"made": 4},
    )
    assert queued.attempts == 1


def test_a_failed_attempt_waits_in_the_queue_for_its_retry(officer):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        job = job_start(kind="tests.refuse", title="Refused", by=officer)
        first = DBTaskResult.objects.get()
        from jobs.tasks import run_job

        before = timezone.now()
        run_job.call(str(job.pk))  # as the worker would
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert job.error == "The mail server said no."
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    # Queued for a minute later, the first wait of its back-off.
    assert (
        before + timedelta(seconds=59) < retry.run_after < timezone.now() + timedelta(seconds=61)
    )
    assert job.next_attempt_at == pytest.approx(retry.run_after, abs=timedelta(seconds=1))
