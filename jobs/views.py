"""A person's jobs: the list, one job's page with its progress bar and result, the
progress as JSON for the bar's script, and the file a job made. Each is the job's
own starter's: anyone else gets a 404, as for a job that does not exist."""

from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pcc_grants.pagination import page_of

from .models import Job
from .registry import kind_named
from .runner import JobFailed


def _own_job(request: HttpRequest, pk) -> Job:
    return get_object_or_404(Job, pk=pk, created_by=request.user)


@require_safe
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(created_by=request.user).defer("params", "result")
    return render(
        request, "jobs/job_list.html", {"page": page_of(jobs, request.GET.get("page"), 50)}
    )


@require_safe
@never_cache
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "result_template": kind_named(job.kind).result_template},
    )


@require_safe
@never_cache
def job_status(request: HttpRequest, pk) -> JsonResponse:
    job = get_object_or_404(
        Job.objects.only("status", "done", "total", "created_by_id", "error"),
        pk=pk,
        created_by=request.user,
    )
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "over": job.is_over,
        }
    )


@require_safe
def job_download(request: HttpRequest, pk) -> FileResponse:
    job = _own_job(request, pk)
    if not job.result_file:
        raise Http404("This job made no file.")
    return FileResponse(
        job.result_file.storage.open(job.result_file.name, "rb"),
        as_attachment=True,
        filename=job.result_name or "result",
    )


def confirm_follow_up(request: HttpRequest, *, check_kind: str, start) -> HttpResponse:
    """A confirmation form's POST: the person's own finished check (``job`` in the
    form), followed by the job ``start(check=, by=)`` makes; a refusal is shown on the
    check's page (or on the job it started already)."""
    try:
        key = UUID(request.POST.get("job", ""))
    except ValueError:
        raise Http404("No such job.") from None
    check = get_object_or_404(Job, pk=key, kind=check_kind, created_by=request.user)
    try:
        job = start(check=check, by=request.user)
    except JobFailed as refused:
        messages.error(request, str(refused))
        return redirect(check.follow_up or check)
    return redirect(job)
