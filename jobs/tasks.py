"""The one task the queue carries: run the job with this id. Every kind of job goes
through it, so the code of a job knows nothing of the backend that runs it."""

from datetime import timedelta
from uuid import UUID

from django.utils import timezone
from django_tasks import task

from .runner import job_run


@task()
def run_job(job_id: str) -> None:
    retry_after = job_run(job_id)
    if retry_after is not None:
        enqueue(UUID(job_id), delay=retry_after)


def backend_kind() -> str:
    """``database`` for a queue in the database, which takes a job in the caller's
    transaction; ``immediate`` for jobs run at once, seeing what the caller wrote;
    ``other`` for any queue outside the database, told only after the commit."""
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    backend = run_job.get_backend()
    if isinstance(backend, DatabaseBackend):
        return "database"
    return "immediate" if isinstance(backend, ImmediateBackend) else "other"


def enqueue(job_id: UUID, *, delay: int = 0) -> None:
    """Queue the job; after ``delay`` seconds where the backend can wait (one run at
    once cannot: it runs the retry now)."""
    queued = run_job
    if delay and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay))
    queued.enqueue(str(job_id))
