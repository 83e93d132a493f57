"""Panel reports add up to the documents' totals; open data is valid 360Giving."""

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator
from pypdf import PdfReader
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from decisions import services as decision_services
from funding.importers import run_import
from funding.models import Allocation, FinancialYear, FundingStream
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FundingStreamFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "devtools" / "demo" / "seeds"
SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "360giving"


def load(prefix: str) -> FinancialYear:
    # The seeds record money already decided: imported by someone who may approve it.
    cfo = UserFactory(username="seed-importer", roles=[Role.CHIEF_FINANCE_OFFICER])
    for kind in ("funding", "allocations"):
        content = (SEEDS / f"{prefix}_{kind}.csv").read_bytes()
        result = run_import(kind=kind, content=content, by=cfo)
        assert result.ok, result.errors
    return FinancialYear.objects.get(start_year=int(re.search(r"\d{4}", prefix)[0]))


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    return client


def test_durham_commissioning_report_totals_and_every_line_in_the_pdf(reader):
    year = load("durham_2015")
    page = reader.get(f"/reports/commissioning/{year.slug}/").content.decode()
    assert "£500,545" in page  # the CSG projects' total
    pdf = pdf_text(reader.get(f"/reports/commissioning/{year.slug}.pdf").content)
    for allocation in Allocation.objects.select_related("recipient"):
        assert allocation.title[:40] in pdf
    assert "£131,883" in pdf and "£500,545" in pdf and "To be determined" in pdf
    assert "£606,550" in pdf  # the Community Safety Grant
    assert "£27,150 carried forward" in pdf


def test_cambridgeshire_grants_by_theme_total_the_appendix(reader):
    year = load("cambridgeshire_2017")
    stream = FundingStream.objects.get(name="Crime and Disorder Reduction Grants")
    url = f"/reports/grants-by-theme/{year.slug}/?stream={stream.pk}"
    page = reader.get(url).content.decode()
    assert 'Total awards</th><td class="money">£1,322,248' in page.replace("\n", "")

    rows = list(csv.reader(io.StringIO(reader.get(url + "&format=csv").content.decode())))
    lines = [r for r in rows[1:] if not r[0].startswith("Total")]
    assert sum(Decimal(r[4]) for r in lines) == Decimal("1322248")
    assert rows[-1] == ["Total", "", "", "", "1322248.00"]
    theme_totals = [r for r in rows if r[0].startswith("Total ") and r[0] != "Total"]
    assert sum(Decimal(r[4]) for r in theme_totals) == Decimal("1322248")

    pdf = pdf_text(reader.get(url + "&format=pdf").content)
    for title in stream.allocations.values_list("title", flat=True):
        assert title[:30] in pdf
    assert "£1,322,248" in pdf


def test_the_narrative_is_saved_with_the_report(client, officer):
    year = load("durham_2015")
    client.force_login(officer)
    client.post(f"/reports/commissioning/{year.slug}/introduction/", {"text": "Ahead of 2015-16."})
    assert (
        "Ahead of 2015-16." in client.get(f"/reports/commissioning/{year.slug}/").content.decode()
    )
    assert "Ahead of 2015-16." in pdf_text(
        client.get(f"/reports/commissioning/{year.slug}.pdf").content
    )


def test_only_funding_editors_write_the_narrative(reader):
    year = load("durham_2015")
    response = reader.post(f"/reports/commissioning/{year.slug}/introduction/", {"text": "x"})
    assert response.status_code == 403


def validator() -> Draft202012Validator:
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant_url = package["properties"]["grants"]["items"]["$ref"].split("#")[0]
    # The files name their dialect with http://, which referencing does not look up:
    # say which it is.
    registry = Registry().with_resource(grant_url, DRAFT202012.create_resource(grant))
    # Formats are asserted: the schema's oneOf tells dates from date-times by format.
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture
def published_and_not(draft, people, advance, password, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stream = FundingStreamFactory(name="Community Safety Fund", budget=Decimal("100000"))
    granted = AllocationFactory(funding_stream=stream, amount=Decimal("9400.50"), title="Mentors")
    decision_services.decision_update(decision=draft, by=people["officer"], allocations=[granted])
    advance(draft, "published")
    other = decision_services.decision_create(
        by=people["officer"],
        lead_officer=people["officer"],
        title="Unpublished",
        executive_summary="S",
        decision="D",
        lines=[("Hidden grant", Decimal("500"))],
    )
    hidden = AllocationFactory(funding_stream=stream, amount=Decimal("500"), title="Hidden")
    decision_services.decision_update(decision=other, by=people["officer"], allocations=[hidden])
    advance(other, "approved")
    return granted, hidden


def test_grants_json_is_a_valid_360giving_package_without_unpublished_grants(
    client, published_and_not
):
    granted, hidden = published_and_not
    package = client.get("/open-data/grants.json").json()
    errors = sorted(validator().iter_errors(package), key=str)
    assert errors == []
    assert [grant["title"] for grant in package["grants"]] == ["Mentors"]
    grant = package["grants"][0]
    assert grant["id"] == f"360G-pccgrants-{granted.reference}"
    assert grant["amountAwarded"] == 9400.5
    assert grant["currency"] == "GBP"
    assert grant["recipientOrganization"][0]["id"].startswith(("GB-", "360G-"))
    assert hidden.reference not in json.dumps(package)
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/grants.csv").content.decode())))
    assert [(r["Title"], r["Amount Awarded"]) for r in rows] == [("Mentors", "9400.5")]
    register = client.get("/grants/").content.decode()
    assert "Mentors" in register and "Hidden" not in register


def test_an_invalid_package_would_be_caught():
    errors = list(validator().iter_errors({"grants": [{"id": "x"}]}))
    assert errors


@pytest.mark.parametrize(
    "url",
    [
        "/reports/commissioning/2016-17/",
        "/reports/grants-by-theme/2016-17/",
        "/reports/decisions/?since=2000-01-01",
        "/grants/",
        "/open-data/grants.json",
    ],
)
def test_report_query_counts_do_not_grow_from_10_to_1000_allocations(reader, url):
    counts = []
    for size in (10, 1000):
        Allocation.objects.all().delete()
        FundingStream.objects.all().delete()
        stream = FundingStreamFactory(budget=Decimal(10**9))
        Allocation.objects.bulk_create(
            Allocation(
                funding_stream=stream,
                title=f"Grant {n}",
                amount=Decimal("100"),
                status="approved",
                period_start=stream.financial_year.starts_on,
                period_end=stream.financial_year.ends_on,
            )
            for n in range(size)
        )
        reader.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{url}: {counts}"


def test_the_report_pdf_is_made_by_a_job_and_downloaded_from_its_page(reader, make_user, client):
    from jobs.models import Job, JobStatus

    year = load("durham_2015")
    asked = reader.post(f"/reports/commissioning/{year.slug}/pdf-job/")
    job = Job.objects.get(kind="reports.commissioning_pdf")
    assert asked.status_code == 302 and asked["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.FINISHED
    page = reader.get(job.get_absolute_url()).content.decode()
    assert "The PDF is ready" in page
    assert f"Download commissioning-activity-{year.slug}.pdf" in page
    pdf = pdf_text(b"".join(reader.get(f"/jobs/{job.pk}/download/").streaming_content))
    assert "£131,883" in pdf and "£500,545" in pdf
    # Who may not read the report may not have it made either.
    client.force_login(make_user(Role.REVIEWER, username="a-reviewer"))
    assert client.post(f"/reports/commissioning/{year.slug}/pdf-job/").status_code == 403
    assert Job.objects.count() == 1
