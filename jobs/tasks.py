"""The one task the queue carries: run the job with this id. Every kind of job goes
through it, so the code of a job knows nothing of the backend that runs it."""

from django_tasks import task


@task()
def run_job(job_id: str) -> None:
    from .services import job_run

    job_run(job_id)
