"""The import of a past or paper round as background jobs: the check of the
workbook, then, once confirmed, the import itself, all or nothing."""

from django.core.exceptions import PermissionDenied

from jobs.models import Job, JobStatus
from jobs.registry import JobKind, register
from jobs.services import JobFailed, discard_input, job_follow_up, job_start

from .importing import KINDS, ImportSummary, round_import
from .models import GrantRound

CHECK = "grants.round_import_check"
RUN = "grants.round_import_run"
KEEP_PROBLEMS = 1_000


def round_import_check_start(*, name: str, content: bytes, by) -> Job:
    return job_start(
        kind=CHECK,
        title=f"Check of {name} for the import of a round",
        by=by,
        input_name=name,
        input_content=content,
    )


round_import_check_start.alters_data = True


def round_import_confirm_start(*, check: Job, by) -> Job:
    if check.kind != CHECK or check.created_by_id != by.pk:
        raise PermissionDenied("This is not your import.")
    if check.status != JobStatus.FINISHED or not check.result.get("ok"):
        raise JobFailed("This workbook has not been checked clean: upload it again.")
    return job_follow_up(
        after=check, kind=RUN, title=f"Import of the round in {check.input_name}", by=by
    )


round_import_confirm_start.alters_data = True


def _report(summary: ImportSummary, *, name: str) -> dict:
    return {
        "file_name": name,
        "ok": summary.ok,
        "saved": summary.saved,
        "problem_count": len(summary.problems),
        "problems": [
            {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message}
            for p in summary.problems[:KEEP_PROBLEMS]
        ],
        "created": [[KINDS[kind], count] for kind, count in summary.created.items()],
        "applications": summary.created.get("applications", 0),
        "reviews": summary.created.get("reviews", 0),
        "round_name": summary.round_name,
        "round_url": GrantRound(pk=summary.round_pk).get_absolute_url()
        if summary.saved and summary.round_pk
        else "",
    }


def _run(job: Job, progress, *, dry_run: bool) -> dict:
    with job.input_file.storage.open(job.input_file.name, "rb") as stored:
        content = stored.read()
    progress(0, None, force=True)
    # Rows of applications and reviews made (a check makes them too, then rolls back).
    rows = {"total": 1}

    def rows_made(done: int, total: int) -> None:
        rows["total"] = max(total, 1)
        progress(done, total)

    summary = round_import(
        content=content,
        by=job.created_by,
        dry_run=dry_run,
        source=job.input_name,
        progress=rows_made,
    )
    progress(rows["total"], rows["total"], force=True)
    if not (dry_run and summary.ok):
        discard_input(job)  # refused, or imported: not kept
    return _report(summary, name=job.input_name)


for _name, _dry_run in ((CHECK, True), (RUN, False)):
    register(
        JobKind(
            name=_name,
            run=lambda job, progress, dry_run=_dry_run: _run(job, progress, dry_run=dry_run),
            result_template="grants/staff/round_import_job_result.html",
        )
    )
