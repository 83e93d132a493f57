"""The Decision Record PDF: what it says, how it is tagged, and what it never fetches."""

import html
import io
import re

import pikepdf
import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from decisions import services
from decisions.content import content_hash
from decisions.models import Decision
from decisions.selectors import decision_for_record, record_context
from pcc_grants.pdf import StaticOnlyFetcher, html_to_pdf, render_pdf

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def demo_034_2016():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    return Decision.objects.get(reference="034-2016")


def test_the_034_2016_pdf_says_everything_the_record_holds(client, demo_034_2016):
    client.post("/accounts/login/", {"username": "officer", "password": "demo"})
    response = client.get(f"/staff/decisions/{demo_034_2016.pk}/record.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)

    record = demo_034_2016
    for expected in (
        "034-2016",
        "OFFICE OF THE DEMONSTRATION POLICE AND CRIME COMMISSIONER",
        "DECISION RECORD FORM",
        record.title,
        flat(record.executive_summary),
        record.decision,
        "Charles Oakley, Head of Governance & Commissioning",
    ):
        assert expected in text, expected
    for row in record.implications():
        assert f"{row['label']} Yes ✓" in text
        assert flat(row["details"]) in text
    for line in record.funding_lines.all():
        assert flat(line.item) in text
    assert "£1,200" in text and "£2,300" in text and "£3,800" in text and "£2,100" in text
    assert "Total £9,400" in text
    allocation = record.allocations.get()  # the £9,400 to the Community Peer Mentors Project
    assert allocation.reference in text
    assert "Community Peer Mentors Project" in text
    assert f"Content SHA-256 {content_hash(record)}" in text
    assert "Page 1 of" in text
    # load_demo takes 034-2016 through to publication: the staff PDF shows the
    # signatures, and no DRAFT mark.
    assert "DRAFT" not in text
    assert "signed electronically" in text


def test_the_pdf_is_tagged_archival_and_titled(client, demo_034_2016):
    client.post("/accounts/login/", {"username": "officer", "password": "demo"})
    pdf = client.get(f"/staff/decisions/{demo_034_2016.pk}/record.pdf").content
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        assert root.MarkInfo.Marked
        metadata = document.open_metadata()
        assert metadata["dc:title"] == f"034-2016 {demo_034_2016.title}"
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "U"
    reader = PdfReader(io.BytesIO(pdf))
    assert all("034-2016" in page.extract_text() for page in reader.pages)
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()


HOSTILE = {
    "title": '<script>alert("pwned")</script>',
    "executive_summary": '<img src="http://127.0.0.1:9/x"> and <img src="file:///etc/passwd">',
    "decision": "{{ 7*7 }} {% now 'Y' %}",
    "contractor_details": '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
}


def test_hostile_text_is_shown_as_text_and_nothing_is_fetched(client, officer):
    decision = services.decision_create(
        by=officer, lead_officer=officer, lines=[("<b>bold</b>", 1)], **HOSTILE
    )
    client.force_login(officer)
    page = client.get(decision.get_absolute_url()).content.decode()
    for text in HOSTILE.values():
        assert text not in page  # never as markup
        assert html.escape(text) in page or html.escape(text, quote=False) in page
    assert "{{ 7*7 }} {% now &#x27;Y&#x27; %}" in page  # not evaluated as a template

    fetcher = StaticOnlyFetcher()
    context = record_context(decision_for_record(decision.pk))
    pdf = render_pdf("decisions/decision_pdf.html", context, fetcher=fetcher)
    text = pdf_text(pdf)
    for value in HOSTILE.values():
        assert flat(value) in text
    assert "<b>bold</b>" in text
    assert "DRAFT" in text  # marked on every page until approval
    assert fetcher.refused == []
    assert all("/static/css/" in url for url in fetcher.served)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://pdf.pcc-grants.invalid/static/../../settings.py",
        "https://pdf.pcc-grants.invalid/media/decisions/secret.pdf",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = StaticOnlyFetcher()
    html_to_pdf(
        f'<html lang="en-GB"><title>t</title><img src="{url}"><p>x</p></html>', fetcher=fetcher
    )
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_the_fetcher_serves_the_projects_static_css():
    fetcher = StaticOnlyFetcher()
    html_to_pdf(
        '<html lang="en-GB"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/css/pdf.css"></head><p>x</p></html>',
        fetcher=fetcher,
    )
    assert fetcher.served == ["https://pdf.pcc-grants.invalid/static/css/pdf.css"]
    assert fetcher.refused == []
