"""Starting a job and running it: the one way a job's status changes.

A job moves queued → running → finished or failed; a run that fails with retries
left goes back to queued, to be tried again after a wait. Each move is one
conditional UPDATE, so two workers handed the same job (a queue that delivers twice)
cannot both run it.
"""

import logging
from datetime import timedelta
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import Job, JobStatus
from .progress import Progress
from .registry import kind_named

logger = logging.getLogger(__name__)

# The moves a job's status may make: nothing else changes it.
MOVES = {
    JobStatus.QUEUED: {JobStatus.RUNNING},
    JobStatus.RUNNING: {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.QUEUED},
    JobStatus.FINISHED: set(),
    JobStatus.FAILED: set(),
}
ALREADY_FOLLOWED = "This was confirmed already: see the job it started."
UNEXPECTED = "The job stopped on an unexpected error ({error}). Nothing it was doing was kept."


class JobFailed(Exception):
    """Raised by a job's function to fail with a reason a person can act on."""


def _move(job: Job, to: JobStatus, **fields) -> bool:
    """Move ``job`` to ``to`` if it is still where the table lets it leave from."""
    sources = [status for status, targets in MOVES.items() if to in targets]
    moved = Job.objects.filter(pk=job.pk, status__in=sources).update(status=to, **fields)
    if moved:
        job.status = to
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(moved)


def job_start(
    *,
    kind: str,
    title: str,
    by=None,
    params: dict | None = None,
    input_name: str = "",
    input_content: bytes | None = None,
    input_from: Job | None = None,
    queue: bool = True,
) -> Job:
    """Record a job and queue it with the caller's transaction: a job for work that
    was rolled back never runs (``_queue``)."""
    kind_named(kind)  # refuse an unknown kind now, not in the worker
    job = Job(kind=kind, title=title[:300], created_by=by, params=params or {})
    if input_content is not None:
        job.input_name = input_name
        job.input_file.save(f"{job.pk}.upload", ContentFile(input_content), save=False)
    elif input_from is not None:
        # The same stored file, not a copy: the check and the import read one file.
        job.input_name = input_from.input_name
        job.input_file.name = input_from.input_file.name
    job.save()
    if queue:
        _queue(job)
    return job


def _queue(job: Job) -> None:
    backend = _backend_kind()
    if backend == "database" or (
        backend == "immediate" and not kind_named(job.kind).wait_for_commit
    ):
        _enqueue(job.pk)
    else:
        transaction.on_commit(lambda: _enqueue(job.pk))


job_start.alters_data = True


def _backend_kind() -> str:
    """``database`` for a queue in the database, which takes a job in the caller's
    transaction; ``immediate`` for jobs run at once, seeing what the caller wrote;
    ``other`` for any queue outside the database, told only after the commit."""
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    from .tasks import run_job

    backend = run_job.get_backend()
    if isinstance(backend, DatabaseBackend):
        return "database"
    return "immediate" if isinstance(backend, ImmediateBackend) else "other"


def _enqueue(job_id: UUID, *, delay: int = 0) -> None:
    from .tasks import run_job

    task = run_job
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(str(job_id))


def job_run(job_id: str) -> None:
    """Run one job (the worker calls this). Its function's result is kept; a failure
    is kept with its reason, or queued again while retries are left."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    kind = kind_named(job.kind)
    attempt = job.attempts + 1
    if not _move(job, JobStatus.RUNNING, started_at=timezone.now(), attempts=attempt, error=""):
        return  # already run, or running elsewhere
    progress = Progress(job)
    try:
        result = kind.run(job, progress)
    except JobFailed as failure:
        _failed(job, kind, str(failure))
    except Exception as error:  # a job's failure is recorded, never lost in a log
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _failed(job, kind, UNEXPECTED.format(error=f"{type(error).__name__}: {error}"[:500]))
    else:
        _move(
            job,
            JobStatus.FINISHED,
            result=result or {},
            finished_at=timezone.now(),
            next_attempt_at=None,
            done=job.total if job.total is not None else job.done,
            result_file=job.result_file.name or "",
            result_name=job.result_name,
        )
    finally:
        progress.close()


def _failed(job: Job, kind, reason: str) -> None:
    retries_done = job.attempts - 1
    if retries_done < len(kind.retry_delays):
        delay = kind.retry_delays[retries_done]
        if _move(
            job,
            JobStatus.QUEUED,
            error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        ):
            _enqueue(job.pk, delay=delay)
        return
    _move(job, JobStatus.FAILED, error=reason, finished_at=timezone.now(), next_attempt_at=None)


def save_result_file(job: Job, name: str, content: bytes) -> None:
    """Keep a file for the person to download when the job has finished."""
    job.result_name = name
    job.result_file.save(f"{job.pk}-{name}", ContentFile(content), save=False)


def job_follow_up(*, after: Job, kind: str, title: str, by, params: dict | None = None) -> Job:
    """Start the job that follows ``after`` on the same file (an import after its
    check), once: a second follow-up of the same job is refused."""
    with transaction.atomic():
        job = job_start(
            kind=kind, title=title, by=by, params=params, input_from=after, queue=False
        )
        if not Job.objects.filter(pk=after.pk, follow_up__isnull=True).update(follow_up=job):
            raise JobFailed(ALREADY_FOLLOWED)
        _queue(job)
    after.follow_up = job
    return job


job_follow_up.alters_data = True


def discard_input(job: Job) -> None:
    """Delete the file a job was given, once nothing will read it again."""
    if job.input_file.name:
        job.input_file.storage.delete(job.input_file.name)
