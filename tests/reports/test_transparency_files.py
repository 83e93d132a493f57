"""The contracts register's open data and the transparency page's CSVs are kept in the
database until what they list changes, as the grants files are: the same bytes as
building them again, and a contract or grant that leaves a list leaves its file at
the next request, however it left."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from commissioning import services as commissioning_services
from commissioning.models import Agreement
from commissioning.public import contracts_csv_bytes
from funding.models import Allocation, AllocationStatus
from pcc_grants.models import BuiltFile
from reports.transparency_views import (
    contracts_over_csv_bytes,
    contracts_under_csv_bytes,
    decisions_csv_bytes,
    grants_csv_bytes,
)

from .test_transparency import PDF, agreement, crime_stream, grant  # noqa: F401

pytestmark = pytest.mark.django_db

CONTRACTS = "/open-data/contracts.csv"
GRANTS = "/transparency/crime-and-disorder-reduction-grants.csv"
OVER = "/transparency/contracts-over-10000.csv"
UNDER = "/transparency/contracts-10000-or-less.csv"
DECISIONS = "/transparency/significant-public-interest-decisions.csv"
BUILDERS = {
    CONTRACTS: lambda request: contracts_csv_bytes(),
    GRANTS: grants_csv_bytes,
    OVER: contracts_over_csv_bytes,
    UNDER: contracts_under_csv_bytes,
    DECISIONS: decisions_csv_bytes,
}


@pytest.fixture
def listed(crime_stream, officer):  # noqa: F811
    big = agreement("CON-1", "25000")
    agreement("CON-2", "10000")
    commissioning_services.agreement_document_publish(
        document=commissioning_services.agreement_document_add(
            agreement=big, upload=SimpleUploadedFile("copy.pdf", PDF), by=officer
        ),
        by=officer,
    )
    return grant(crime_stream, "Fenland diversion", date(2017, 5, 11))


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode()


@pytest.mark.parametrize("url", BUILDERS)
def test_each_file_is_the_one_its_builder_makes_and_is_kept(client, listed, url):
    first = client.get(url)
    assert first.content == BUILDERS[url](RequestFactory().get(url))
    kept = BuiltFile.objects.get()
    again = client.get(url)
    assert again.content == first.content
    assert BuiltFile.objects.get().built_at == kept.built_at
    assert again["Content-Disposition"].startswith('attachment; filename="')


def test_a_contract_revalued_behind_the_apps_back_moves_file_at_the_next_request(client, listed):
    for url in (CONTRACTS, OVER):
        assert "CON-1" in text(client, url)
    assert "CON-1" not in text(client, UNDER)

    Agreement.objects.filter(reference="CON-1").update(total_value=5000)

    for url in (CONTRACTS, OVER):
        assert "CON-1" not in text(client, url)
    assert "CON-1" in text(client, UNDER)


def test_a_copy_no_longer_published_leaves_the_contracts_file(client, listed, officer):
    [document] = Agreement.objects.get(reference="CON-1").documents.all()
    assert f"/transparency/contracts/documents/{document.pk}/" in text(client, OVER)

    commissioning_services.agreement_document_publish(
        document=document, by=officer, published=False
    )

    assert f"/transparency/contracts/documents/{document.pk}/" not in text(client, OVER)


def test_a_supplier_renamed_shows_at_once(client, listed, officer):
    assert "Supplier of CON-1" in text(client, CONTRACTS)
    provider = Agreement.objects.get(reference="CON-1").provider
    commissioning_services.provider_update(provider=provider, by=officer, name="Renamed Ltd")
    for url in (CONTRACTS, OVER):
        served = text(client, url)
        assert "Renamed Ltd" in served and "Supplier of CON-1" not in served


def test_a_grant_withdrawn_behind_the_apps_back_leaves_the_grants_file(client, listed):
    assert "Fenland diversion" in text(client, GRANTS)

    Allocation.objects.filter(pk=listed.pk).update(status=AllocationStatus.WITHDRAWN)

    assert "Fenland diversion" not in text(client, GRANTS)


def test_the_pages_lists_are_kept_and_follow_every_change_at_the_next_request(
    client, listed, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.transparency_views import PAGE_FILE

    page = client.get("/transparency/").content.decode()
    assert "Fenland diversion" in page and "Supplier of CON-1" in page
    kept = BuiltFile.objects.get(name=PAGE_FILE)
    with CaptureQueriesContext(connection) as again:
        assert client.get("/transparency/").content.decode() == page
    assert BuiltFile.objects.get(name=PAGE_FILE).built_at == kept.built_at
    # Served from what is kept: the key's aggregates and the file, no list read.
    assert not any('funding_allocation"."title' in q["sql"] for q in again.captured_queries)

    Allocation.objects.filter(pk=listed.pk).update(status=AllocationStatus.WITHDRAWN)
    assert "Fenland diversion" not in client.get("/transparency/").content.decode()

    provider = Agreement.objects.get(reference="CON-1").provider
    commissioning_services.provider_update(provider=provider, by=officer, name="Renamed Ltd")
    page = client.get("/transparency/").content.decode()
    assert "Renamed Ltd" in page and "Supplier of CON-1" not in page

    Agreement.objects.filter(reference="CON-1").update(total_value=5000)
    page = client.get("/transparency/").content.decode()
    over, under = page.split('id="small-contracts"')
    assert "CON-1" not in over and "CON-1" in under
