"""Running a job: the one way a job's status changes.

A job moves queued → running → finished or failed; a run that fails with retries
left goes back to queued, to be tried again after a wait. Each move is one
conditional UPDATE, so two workers handed the same job (a queue that delivers twice)
cannot both run it.
"""

import logging
from datetime import timedelta

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


def job_run(job_id: str) -> int | None:
    """Run one job (the worker calls this). Its function's result is kept; a failure
    is kept with its reason or, while retries are left, queued again: then the
    seconds to wait before the next attempt are returned."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    kind = kind_named(job.kind)
    attempt = job.attempts + 1
    if not _move(job, JobStatus.RUNNING, started_at=timezone.now(), attempts=attempt, error=""):
        return None  # already run, or running elsewhere
    progress = Progress(job)
    try:
        result = kind.run(job, progress)
    except JobFailed as failure:
        return _failed(job, kind, str(failure))
    except Exception as error:  # a job's failure is recorded, never lost in a log
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        return _failed(
            job, kind, UNEXPECTED.format(error=f"{type(error).__name__}: {error}"[:500])
        )
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
    return None


def _failed(job: Job, kind, reason: str) -> int | None:
    retries_done = job.attempts - 1
    if retries_done < len(kind.retry_delays):
        delay = kind.retry_delays[retries_done]
        moved = _move(
            job,
            JobStatus.QUEUED,
            error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return delay if moved else None
    _move(job, JobStatus.FAILED, error=reason, finished_at=timezone.now(), next_attempt_at=None)
    return None
