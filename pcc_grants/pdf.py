"""One way to make a PDF: a template rendered to HTML, then WeasyPrint.

WeasyPrint never touches the network or the file system on its own: the
``StaticOnlyFetcher`` serves the project's static files and refuses every other
URL (http, https, file, data…), keeping a list of what it refused.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

# An address that can never resolve: relative URLs in templates are resolved
# against it, and only URLs under its static path are served.
PDF_BASE_URL = "https://pdf.pcc-grants.invalid/"


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=["https"], allow_redirects=False, **kwargs)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        prefix = PDF_BASE_URL.rstrip("/") + settings.STATIC_URL
        path = _static_path(url.removeprefix(prefix)) if url.startswith(prefix) else None
        if path is None:
            self.refused.append(url)
            raise ValueError(f"PDF rendering may only use the project's static files: {url}")
        self.served.append(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def _static_path(relative: str) -> Path | None:
    relative = relative.split("?")[0].split("#")[0]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        if candidate.is_file() and candidate.resolve().is_relative_to(
            Path(settings.STATIC_ROOT).resolve()
        ):
            return candidate
    return None


def render_pdf(
    template_name: str,
    context: dict,
    *,
    request=None,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """Render ``template_name`` to an archival, tagged A4 PDF (PDF/A-3u).

    The template sets the document's language (``<html lang>``) and title
    (``<title>``), which become the PDF's ``/Lang`` and title.
    """
    from .models import OrganisationSettings

    context = {"organisation": OrganisationSettings.load(), **context}
    html = render_to_string(template_name, context, request=request)
    return html_to_pdf(html, fetcher=fetcher)


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    from weasyprint import HTML  # heavy: loaded on the first PDF, not at start-up

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True)


def pdf_response(content, *, filename: str) -> HttpResponse:
    """A PDF shown in the browser: ``content`` is the bytes, or an open stored file
    (streamed as it is, byte for byte). ``filename`` is without ``.pdf``."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type="application/pdf")
    else:
        response = FileResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
