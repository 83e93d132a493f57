"""Starting a job: its row, its file, and its place in the queue (``jobs.runner``
runs it)."""

from django.core.files.base import ContentFile
from django.db import transaction

from .models import Job
from .registry import kind_named
from .runner import JobFailed
from .tasks import backend_kind, enqueue

__all__ = ["JobFailed", "discard_input", "job_follow_up", "job_start", "save_result_file"]

ALREADY_FOLLOWED = "This was confirmed already: see the job it started."


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
    backend = backend_kind()
    if backend == "database" or (
        backend == "immediate" and not kind_named(job.kind).wait_for_commit
    ):
        enqueue(job.pk)
    else:
        transaction.on_commit(lambda: enqueue(job.pk))


job_start.alters_data = True


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
