"""The transparency page (the Specified Information Order): crime and disorder
reduction grants by month, contracts with their published copies, decisions of
significant public interest, each as HTML and CSV with the day it last changed; and
the staff's view of what is missing or overdue."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning import services as commissioning_services
from commissioning.models import Agreement, CommissioningRoute
from decisions import services as decision_services
from funding.models import Allocation

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = {
    "conditions": "Quarterly reports; unspent money returned.",
    "purpose": "Youth diversion in Fenland.",
    "crime_reduction_reasons": "Diverted young people offend less.",
}


def words(response) -> str:
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def crime_stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2017),
        name="Crime and Disorder Reduction Grants",
        budget=Decimal("1000000"),
        crime_and_disorder_reduction=True,
    )


def grant(stream, title, approved_on, **extra) -> Allocation:
    return AllocationFactory(
        funding_stream=stream,
        title=title,
        status="approved",
        approved_on=approved_on,
        **{**FIELDS, **extra},
    )


def agreement(reference: str, value: str) -> Agreement:
    return commissioning_services.agreement_create(
        by=None,
        reference=reference,
        provider=commissioning_services.provider_get_or_create(name=f"Supplier of {reference}"),
        route=CommissioningRoute.CONTRACT,
        title=f"Contract {reference}",
        total_value=Decimal(value),
        start_date=date(2017, 4, 1),
        end_date=date(2018, 3, 31),
    )


# Crime and disorder reduction grants -------------------------------------------------


def test_the_page_lists_the_grants_by_month_with_conditions_purpose_and_reasons(
    client, crime_stream
):
    grant(crime_stream, "Fenland diversion", date(2017, 5, 11), amount=Decimal("35000"))
    grant(crime_stream, "Rural crime watch", date(2017, 5, 2), amount=Decimal("12000"))
    grant(crime_stream, "Police cadets", date(2017, 7, 3), purpose="Cadets for 13-18s.")
    AllocationFactory(funding_stream=crime_stream, title="Still proposed", **FIELDS)
    AllocationFactory(title="Another stream's grant", status="approved")

    page = words(client.get("/transparency/"))

    assert "3 grants · Last updated:" in page
    july, may = page.index("July 2017: 1 grant, £1,000"), page.index("May 2017: 2 grants, £47,000")
    assert july < may  # newest month first
    assert "Police cadets" in page[july:may] and "Cadets for 13-18s." in page[july:may]
    may_section = page[may : page.index("Contracts over £10,000 0 contracts")]
    assert may_section.index("Fenland diversion") < may_section.index("Rural crime watch")
    assert "Quarterly reports; unspent money returned." in may_section
    assert "Diverted young people offend less." in may_section
    assert "approved 11 May 2017" in may_section
    assert "Still proposed" not in page
    assert "Another stream's grant" not in page


def test_the_grants_csv_holds_each_grant_with_its_fields(client, crime_stream):
    allocation = grant(crime_stream, "Fenland diversion", date(2017, 5, 11))
    [row] = rows(client.get("/transparency/crime-and-disorder-reduction-grants.csv"))
    assert row == {
        "month": "2017-05",
        "approved_on": "2017-05-11",
        "reference": allocation.reference,
        "recipient": allocation.recipient.name,
        "title": "Fenland diversion",
        "amount": "1000.00",
        "conditions": FIELDS["conditions"],
        "purpose": FIELDS["purpose"],
        "crime_reduction_reasons": FIELDS["crime_reduction_reasons"],
        "funding_stream": "Crime and Disorder Reduction Grants",
        "financial_year": "2017/18",
        "decision_reference": "",
    }


def test_a_grant_waits_for_its_records_publication_and_staff_see_the_month(
    crime_stream, draft, people, advance, client
):
    allocation = AllocationFactory(funding_stream=crime_stream, title="By a record", **FIELDS)
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    decision = advance(draft, "approved")
    assert "By a record" not in words(client.get("/transparency/"))
    assert rows(client.get("/transparency/crime-and-disorder-reduction-grants.csv")) == []

    client.force_login(people["officer"])
    gaps = words(client.get("/reports/transparency/"))
    month = decision.decision_date.strftime("%B %Y")
    section = gaps[gaps.index("Months with grants not yet published") :]
    assert f"{month} {allocation.reference} (decision {decision.reference}, approved)" in section

    advance(decision, "published")
    page = words(client.get("/transparency/"))
    assert "By a record" in page
    assert f"{decision.reference}" in page[page.index("By a record") :]
    gaps = words(client.get("/reports/transparency/"))
    assert allocation.reference not in gaps[gaps.index("Months with grants") :]


def test_staff_see_grants_lacking_the_fields_and_an_overdue_month(crime_stream, officer_client):
    lacking = AllocationFactory(funding_stream=crime_stream, title="Lacking", purpose="Some.")
    published_without = grant(
        crime_stream, "Approved before the rule", date(2017, 5, 1), crime_reduction_reasons=""
    )
    gaps = words(officer_client.get("/reports/transparency/"))
    section = gaps[: gaps.index("Months with grants not yet published")]
    assert (
        f"{lacking.reference} Lacking Crime and Disorder Reduction Grants (2017/18) Proposed "
        "Conditions attached, why it will reduce crime and disorder (needed before approval)"
    ) in section
    assert (
        f"{published_without.reference} Approved before the rule "
        "Crime and Disorder Reduction Grants (2017/18) Approved "
        "Why it will reduce crime and disorder (published without them: overdue)"
    ) in section


def test_a_month_is_overdue_after_the_end_of_the_month_that_follows_it():
    from reports.transparency import UnpublishedMonth

    may = UnpublishedMonth(date(2017, 5, 1), today=date(2017, 6, 30))
    assert (may.due, may.overdue) == (date(2017, 6, 30), False)
    assert UnpublishedMonth(date(2017, 5, 1), today=date(2017, 7, 1)).overdue
    assert UnpublishedMonth(date(2017, 12, 1), today=date(2018, 1, 31)).due == date(2018, 1, 31)


def test_the_staff_view_is_for_staff_only(client, people):
    client.force_login(people["panel"])
    assert client.get("/reports/transparency/").status_code == 403


# Contracts ---------------------------------------------------------------------------


def test_contracts_over_10000_list_their_published_copy_and_the_rest_wait(client, officer, people):
    big = agreement("CON-1", "25000")
    agreement("CON-2", "10000")
    draft_copy = commissioning_services.agreement_document_add(
        agreement=big, upload=SimpleUploadedFile("draft.pdf", PDF), by=officer
    )
    assert client.get(f"/transparency/contracts/documents/{draft_copy.pk}/").status_code == 404
    page = words(client.get("/transparency/"))
    over = page[page.index("Contracts over £10,000 1 contract") : page.index("or less 1")]
    assert "CON-1 Contract CON-1 Supplier of CON-1 £25,000" in over
    assert "Not yet published" in over
    assert "CON-2" not in over
    assert "CON-2 Contract CON-2" in page[page.index("Contracts of £10,000 or less 1") :]

    client.force_login(people["officer"])
    gaps = words(client.get("/reports/transparency/"))
    assert "CON-1 Contract CON-1 Supplier of CON-1 £25,000" in gaps
    response = client.post(
        f"/commissioning/documents/{draft_copy.pk}/publish/", {"published": "yes"}
    )
    assert response.status_code == 302
    gaps = words(client.get("/reports/transparency/"))
    assert "Contracts over £10,000 without a published copy Contract Supplier Value None." in gaps
    client.logout()

    page = words(client.get("/transparency/"))
    assert "draft.pdf" in page
    download = client.get(f"/transparency/contracts/documents/{draft_copy.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    [row] = rows(client.get("/transparency/contracts-over-10000.csv"))
    assert row["reference"] == "CON-1"
    assert row["value"] == "25000.00"
    assert row["documents"] == (
        f"http://testserver/transparency/contracts/documents/{draft_copy.pk}/"
    )
    [small] = rows(client.get("/transparency/contracts-10000-or-less.csv"))
    assert (small["reference"], small["value"]) == ("CON-2", "10000.00")


def test_a_withdrawn_copy_is_no_longer_served(client, officer):
    document = commissioning_services.agreement_document_publish(
        document=commissioning_services.agreement_document_add(
            agreement=agreement("CON-3", "50000"),
            upload=SimpleUploadedFile("copy.pdf", PDF),
            by=officer,
        ),
        by=officer,
    )
    assert client.get(f"/transparency/contracts/documents/{document.pk}/").status_code == 200
    commissioning_services.agreement_document_publish(
        document=document, by=officer, published=False
    )
    assert client.get(f"/transparency/contracts/documents/{document.pk}/").status_code == 404


# Decisions of significant public interest ---------------------------------------------


def test_published_decisions_of_significant_public_interest_are_listed(
    client, draft, people, advance
):
    decision_services.decision_update(
        decision=draft, by=people["officer"], significant_public_interest=True
    )
    decision = advance(draft, "approved")
    client.force_login(people["officer"])
    gaps = words(client.get("/reports/transparency/"))
    assert f"{decision.reference} {decision.title} Approved: the Monitoring Officer" in gaps
    client.logout()
    assert decision.title not in words(client.get("/transparency/"))

    advance(decision, "published")
    page = words(client.get("/transparency/"))
    section = page[page.index("Decisions of significant public interest 1 decision") :]
    assert f"{decision.reference} {decision.title}" in section
    [row] = rows(client.get("/transparency/significant-public-interest-decisions.csv"))
    assert row["reference"] == decision.reference
    assert row["url"] == f"http://testserver/decisions/{decision.slug}/"


def test_the_page_says_when_each_list_last_changed(client, crime_stream):
    page = words(client.get("/transparency/"))
    assert page.count("Last updated: never") == 2  # grants and decisions
    assert "Last updated (both lists): never" in page
    grant(crime_stream, "Fenland diversion", date(2017, 5, 11))
    today = date.today().strftime("%-d %B %Y")
    assert f"1 grant · Last updated: {today}" in words(client.get("/transparency/"))


def test_the_public_footer_links_the_transparency_page(client):
    response = client.get("/decisions/")
    assert 'href="/transparency/">Transparency</a>' in response.content.decode()


# Query counts --------------------------------------------------------------------------


def _build(size: int, stream) -> None:
    Allocation.objects.all().delete()
    Agreement.objects.all().delete()
    provider = commissioning_services.provider_get_or_create(name="A provider")
    Allocation.objects.bulk_create(
        Allocation(
            funding_stream=stream,
            recipient=provider,
            title=f"Grant {i}",
            amount=Decimal("100"),
            status="approved" if i % 3 else "proposed",
            approved_on=date(2017, 4 + i % 9, 1),
            period_start=stream.financial_year.starts_on,
            period_end=stream.financial_year.ends_on,
            conditions="" if i % 5 == 0 else "Reports.",
            purpose="Diversion.",
            crime_reduction_reasons="Less offending.",
        )
        for i in range(size)
    )
    Agreement.objects.bulk_create(
        Agreement(
            reference=f"C-{i}",
            provider=provider,
            route=CommissioningRoute.GRANT,
            title=f"Contract {i}",
            total_value=Decimal("20000" if i % 2 else "5000"),
            start_date=date(2017, 4, 1),
            end_date=date(2018, 3, 31),
        )
        for i in range(size)
    )


@pytest.mark.parametrize(
    "url",
    [
        "/transparency/",
        "/transparency/crime-and-disorder-reduction-grants.csv",
        "/transparency/contracts-over-10000.csv",
        "/transparency/contracts-10000-or-less.csv",
        "/transparency/significant-public-interest-decisions.csv",
        "/reports/transparency/",
    ],
)
def test_query_count_does_not_grow_from_10_to_300_grants_and_contracts(
    officer_client, crime_stream, url
):
    counts = []
    for size in (10, 300):
        _build(size, crime_stream)
        officer_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries at 10, {counts[1]} at 300"
    assert counts[1] <= 15
