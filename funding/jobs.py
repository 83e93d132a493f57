"""Imports run as background jobs: the check of an uploaded file (a dry run) and,
once the person confirms, the import itself, each with its progress and its report.
The import is all or nothing as a job too: ``run_import`` saves every row or none."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import QueryDict

from jobs.models import Job, JobStatus
from jobs.registry import JobKind, register
from jobs.services import JobFailed, discard_input, job_follow_up, job_start, save_result_file
from pcc_grants.downloads import xlsx_bytes
from pcc_grants.money import format_money

from . import permissions
from .exports import CHUNK, allocation_export_queryset
from .filters import AllocationFilter
from .importers import (
    ALLOCATION_COLUMNS,
    ALLOCATION_EXPORT_ONLY,
    ImportResult,
    allocation_export_row,
    run_import,
)
from .models import Allocation

CHECK = "funding.import_check"
RUN = "funding.import_run"
EXPORT = "funding.allocations_xlsx"
# What a job's report keeps of a large file: every error up to this many, and the
# first rows of what was planned (the totals count them all).
KEEP_ERRORS = 1_000
KEEP_ROWS = 500
NOUNS = {"funding": "funding streams", "allocations": "allocations"}


def import_check_start(*, kind: str, name: str, content: bytes, by) -> Job:
    """Queue the check of an uploaded file; nothing is saved by it."""
    return job_start(
        kind=CHECK,
        title=f"Check of {name} for an import of {NOUNS[kind]}",
        by=by,
        params={"kind": kind},
        input_name=name,
        input_content=content,
    )


import_check_start.alters_data = True


@transaction.atomic
def import_confirm_start(*, check: Job, by) -> Job:
    """Queue the import of the file ``check`` found clean. Once only: a second
    confirmation is refused, as is one by anyone but the person who uploaded it."""
    if check.kind != CHECK or check.created_by_id != by.pk:
        raise PermissionDenied("This is not your import.")
    if check.status != JobStatus.FINISHED or not check.result.get("ok"):
        raise JobFailed("This file has not been checked clean: upload it again.")
    kind = check.params["kind"]
    return job_follow_up(
        after=check,
        kind=RUN,
        title=f"Import of {NOUNS[kind]} from {check.input_name}",
        by=by,
        params={"kind": kind},
    )


def _report(result: ImportResult, *, name: str, dry_run: bool) -> dict:
    noted = result.noted
    return {
        "import_kind": result.kind,
        "file_name": name,
        "dry_run": dry_run,
        "ok": result.ok,
        "saved": result.saved,
        "error_count": len(result.errors),
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message}
            for e in result.errors[:KEEP_ERRORS]
        ],
        "row_count": len(result.planned),
        "total_amount": format_money(result.total_amount),
        "rows": [
            {
                "row": row.row,
                "action": row.action,
                "summary": row.summary,
                "amount": "—" if row.amount is None else format_money(row.amount),
                "url": row.url if result.saved else "",
                "note": row.note,
            }
            for row in result.planned[:KEEP_ROWS]
        ],
        "noted_count": len(noted),
        "noted": [{"row": row.row, "note": row.note} for row in noted[:KEEP_ROWS]],
    }


def _run(job: Job, progress, *, dry_run: bool) -> dict:
    by = job.created_by
    if by is None or not permissions.can_edit_funding(by):
        # The person's roles are asked again when the job runs, not only when queued.
        raise JobFailed("You may no longer import funding: nothing was imported.")
    with job.input_file.storage.open(job.input_file.name, "rb") as stored:
        content = stored.read()
    kind = job.params["kind"]
    # An allocation is two steps of the import, checked then written; the page counts
    # rows: a check is done when every row is checked, an import when every row is
    # written.
    per_row = 2 if kind == "allocations" else 1
    per_shown = 1 if dry_run else per_row

    def rows_done(done: int, total: int) -> None:
        rows = total // per_row
        progress(rows if done >= total else min(rows, done // per_shown), rows)

    result = run_import(kind=kind, content=content, by=by, dry_run=dry_run, progress=rows_done)
    if not (dry_run and result.ok):
        # A refused file is not kept, nor one imported: only a clean check's, until
        # it is confirmed.
        discard_input(job)
    return _report(result, name=job.input_name, dry_run=dry_run)


register(
    JobKind(
        name=CHECK,
        run=lambda job, progress: _run(job, progress, dry_run=True),
        result_template="funding/import_job_result.html",
    )
)
register(
    JobKind(
        name=RUN,
        run=lambda job, progress: _run(job, progress, dry_run=False),
        result_template="funding/import_job_result.html",
    )
)


# The register as a workbook ------------------------------------------------------------


def allocations_xlsx_start(*, query: QueryDict, covering: str, by) -> Job:
    """Queue the Excel export of the allocations the register's filters in ``query``
    leave; the workbook is built by the job, a row per allocation."""
    return job_start(
        kind=EXPORT,
        title=f"Excel export of the funding register: {covering}",
        by=by,
        params={"query": query.urlencode()},
    )


allocations_xlsx_start.alters_data = True


def _export(job: Job, progress) -> dict:
    by = job.created_by
    if by is None or not permissions.can_view_funding(by):
        raise JobFailed("You may no longer read the funding register: nothing was exported.")
    query = QueryDict(job.params["query"])
    allocations = AllocationFilter(query or None, queryset=Allocation.objects.for_register()).qs
    total = allocations.count()
    progress(0, total, force=True)
    rows = [[*ALLOCATION_EXPORT_ONLY, *ALLOCATION_COLUMNS]]
    for allocation in allocation_export_queryset(allocations).iterator(chunk_size=CHUNK):
        rows.append(allocation_export_row(allocation))
        if len(rows) % CHUNK == 1:
            progress(len(rows) - 1, total)
    content = xlsx_bytes(rows, title="Allocations")
    save_result_file(job, "allocations.xlsx", content)
    progress(total, total)
    return {"rows": len(rows) - 1, "kib": round(len(content) / 1024)}


register(JobKind(name=EXPORT, run=_export, result_template="funding/export_job_result.html"))
