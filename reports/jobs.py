"""Report PDFs made by a background job on request: the person asks, watches the
job, and downloads the file it made. A year of commissioning takes seconds to
draw; a job keeps that off the web workers."""

from funding.models import FinancialYear
from funding.permissions import can_view_position
from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import JobFailed, job_start, save_result_file
from pcc_grants.pdf import render_pdf

from .selectors import commissioning_report_context

COMMISSIONING_PDF = "reports.commissioning_pdf"


def commissioning_pdf_start(*, year: FinancialYear, by) -> Job:
    return job_start(
        kind=COMMISSIONING_PDF,
        title=f"Commissioning activity {year.label} as a PDF",
        by=by,
        params={"year": year.start_year},
    )


commissioning_pdf_start.alters_data = True


def _commissioning_pdf(job: Job, progress) -> dict:
    if job.created_by is None or not can_view_position(job.created_by):
        raise JobFailed("You may no longer read this report.")
    year = FinancialYear.objects.filter(start_year=job.params["year"]).first()
    if year is None:
        raise JobFailed("That financial year is no longer recorded.")
    progress(0, 1, force=True)
    pdf = render_pdf("reports/commissioning_pdf.html", commissioning_report_context(year))
    save_result_file(job, f"commissioning-activity-{year.slug}.pdf", pdf)
    progress(1, 1)
    return {"kib": round(len(pdf) / 1024)}


register(
    JobKind(
        name=COMMISSIONING_PDF,
        run=_commissioning_pdf,
        result_template="reports/pdf_job_result.html",
    )
)
