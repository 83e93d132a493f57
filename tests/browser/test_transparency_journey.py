"""The transparency page in a real browser: a visitor follows the footer's link from
the decision register, reads Cambridgeshire's crime and disorder reduction grants by
month, and downloads them as CSV; an officer reads what is missing. Every page is
checked with axe."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from funding import services
from funding.importers import run_import
from funding.models import FundingStream
from pcc_grants.roles import Role

from ..factories import UserFactory
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SEEDS = Path(settings.BASE_DIR) / "devtools" / "demo" / "seeds"


@pytest.fixture
def crime_reduction_grants(organisation):
    """Cambridgeshire's 2017/18 seed, its crime and disorder reduction grants marked
    and given their fields, all but one."""
    cfo = UserFactory(username="seed-importer", roles=[Role.CHIEF_FINANCE_OFFICER])
    for kind in ("funding", "allocations"):
        content = (SEEDS / f"cambridgeshire_2017_{kind}.csv").read_bytes()
        assert run_import(kind=kind, content=content, by=cfo).ok
    stream = FundingStream.objects.get(name="Crime and Disorder Reduction Grants")
    services.funding_stream_update(stream=stream, by=cfo, crime_and_disorder_reduction=True)
    allocations = list(stream.allocations.order_by("pk"))
    for allocation in allocations[:-1]:
        services.allocation_update(
            allocation=allocation,
            by=cfo,
            approved_on=date(2017, 5, 11),
            conditions="Reports twice a year.",
            purpose=f"The purpose of {allocation.title}.",
            crime_reduction_reasons="It reduces offending.",
        )
    return allocations


def test_a_visitor_reads_the_grants_by_month_and_downloads_them(page, crime_reduction_grants):
    page.goto("/decisions/")
    page.get_by_role("contentinfo").get_by_role("link", name="Transparency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparency")
    may = page.get_by_role("table", name="May 2017: 24 grants, £1,307,248")
    expect(may).to_be_visible()
    row = may.get_by_role("row").filter(has_text="Integrated Mental Health Team")
    expect(row).to_contain_text("£150,000")
    expect(row).to_contain_text(
        "The purpose of Integrated Mental Health Team in Force Control Room."
    )
    expect(row).to_contain_text("Reports twice a year.")
    expect(row).to_contain_text("It reduces offending.")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("region", name="Crime and disorder reduction grants").get_by_role(
            "link", name="Download as CSV"
        ).click()
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    # The grant without its fields is published as it stands, in the month it was
    # approved (the import's day): the staff view lists it as overdue.
    assert len(table) == 25
    assert sorted({row["month"] for row in table}) == ["2017-05", date.today().strftime("%Y-%m")]


def test_an_officer_reads_what_the_transparency_page_lacks(
    page, login, officer, crime_reduction_grants
):
    login(officer)
    page.goto("/reports/")
    page.get_by_role("link", name="what it still lacks").click()
    lacking = page.get_by_role("region", name="Crime and disorder reduction grants lacking")
    expect(lacking).to_contain_text(crime_reduction_grants[-1].reference)
    expect(lacking).to_contain_text("published without them: overdue")
    assert_accessible(page)
