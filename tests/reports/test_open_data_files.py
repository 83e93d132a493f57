"""The open-data files (decisions.json, grants.json, grants.csv) are built once and kept
in the database until what they list changes: each request serves the kept file, the
same bytes as building it again, and a record or grant that leaves the register
leaves the files at the next request, however it left."""

import gzip
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from commissioning import services as commissioning_services
from decisions import services as decision_services
from decisions.models import PublishedDocument
from decisions.public import open_data_decisions_bytes
from funding.models import Allocation, AllocationStatus
from pcc_grants.models import BuiltFile, OrganisationSettings
from reports.open_data import grants_csv_bytes, grants_json_bytes

from ..factories import ALL_PUBLISHED, AllocationFactory, FundingStreamFactory, signing_code

pytestmark = pytest.mark.django_db

FILES = {
    "/open-data/decisions.json": open_data_decisions_bytes,
    "/open-data/grants.json": grants_json_bytes,
    "/open-data/grants.csv": grants_csv_bytes,
}
WITHHELD = {
    "choice": "withhold",
    "exemption": "s43",
    "public_interest": "The amounts are commercially sensitive until the tender closes.",
}


@pytest.fixture
def stream(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return FundingStreamFactory(name="Community Safety Fund", budget=Decimal("1000000"))


@pytest.fixture
def publish(people, advance, password, stream):
    def publish(title: str, grants: int = 2, choices=None):
        decision = decision_services.decision_create(
            by=people["officer"],
            lead_officer=people["officer"],
            title=title,
            executive_summary="Summary.",
            decision="Agreed.",
            lines=[(f"{title} grants", Decimal("100") * grants)],
        )
        allocations = [
            AllocationFactory(funding_stream=stream, title=f"{title} {n}", amount=Decimal("100"))
            for n in range(grants)
        ]
        decision_services.decision_update(
            decision=decision, by=people["officer"], allocations=allocations
        )
        decision = advance(decision, "approved")
        decision_services.decision_transition(
            decision=decision,
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            publication=choices or ALL_PUBLISHED,
        )
        return decision, allocations

    return publish


def built(url: str) -> bytes:
    """The file as its builder makes it now, for the host the test client asks on."""
    return FILES[url](RequestFactory().get(url))


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", FILES)
def test_the_file_served_is_the_one_its_builder_makes_and_is_kept_until_it_changes(
    client, publish, url
):
    publish("Peer mentors")
    first = client.get(url)
    assert first.content == built(url)
    kept = BuiltFile.objects.get()
    assert kept.content == first.content

    again = client.get(url)
    assert again.content == first.content
    assert BuiltFile.objects.get().built_at == kept.built_at  # served, not built again
    assert again["Cache-Control"] == "no-cache"
    zipped = client.get(url, headers={"accept-encoding": "br, gzip;q=0.8"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == first.content
    assert zipped["ETag"] != again["ETag"]  # another representation of the same file
    if url.endswith(".csv"):
        assert again["Content-Type"] == "text/csv; charset=utf-8"
        assert again["Content-Disposition"] == 'attachment; filename="grants.csv"'
    else:
        assert again["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", ["/open-data/grants.json", "/open-data/grants.csv"])
def test_a_grant_withdrawn_behind_the_apps_back_leaves_the_file_at_the_next_request(
    client, publish, url
):
    """Nothing tells the kept file: the update bypasses the services, signals and the
    last-changed time. The file's key counts the grants it lists, so it is rebuilt."""
    _, (kept, withdrawn) = publish("Peer mentors")
    assert withdrawn.title in text(client, url)

    Allocation.objects.filter(pk=withdrawn.pk).update(status=AllocationStatus.WITHDRAWN)

    served = text(client, url)
    assert withdrawn.title not in served
    assert kept.title in served
    assert served.encode() == built(url)


def test_a_record_published_next_shows_at_once_without_what_it_withholds(client, publish):
    publish("Peer mentors")
    for url in FILES:
        assert "Hidden awards" not in text(client, url)

    decision, hidden = publish("Hidden awards", choices=dict(ALL_PUBLISHED, allocations=WITHHELD))

    decisions = json.loads(text(client, "/open-data/decisions.json"))["decisions"]
    row = next(row for row in decisions if row["reference"] == decision.reference)
    assert row["title"] == "Hidden awards"
    assert [part["part"] for part in row["withheld_parts"]] == [
        "Allocations this decision approves"
    ]
    for url in ("/open-data/grants.json", "/open-data/grants.csv"):
        served = text(client, url)
        assert "Peer mentors 0" in served
        assert hidden[0].title not in served and hidden[0].reference not in served


def test_a_record_not_published_shows_its_reference_only(client, publish):
    publish("Peer mentors")
    text(client, "/open-data/decisions.json")

    withheld = dict.fromkeys(ALL_PUBLISHED, WITHHELD)
    decision, hidden = publish("Covert operation", choices=withheld)

    served = text(client, "/open-data/decisions.json")
    assert decision.reference in served
    assert "Covert operation" not in served
    for url in ("/open-data/grants.json", "/open-data/grants.csv"):
        assert hidden[0].title not in text(client, url)


def test_a_sealed_copy_added_behind_the_apps_back_changes_the_hash_listed(client, publish):
    decision, _ = publish("Peer mentors")
    document = PublishedDocument.objects.get(decision=decision)
    assert document.sha256 in text(client, "/open-data/decisions.json")

    PublishedDocument.objects.filter(pk=document.pk).update(
        sealed_copy="published/sealed.pdf",
        sealed_copy_sha256="f" * 64,
        sealed_copy_size=1,
        sealed_copy_at=document.published_at,
    )

    row = json.loads(text(client, "/open-data/decisions.json"))["decisions"][0]
    assert row["pdf_sha256"] == "f" * 64
    assert row["original_pdf_sha256"] == document.sha256


def test_a_recipients_new_details_and_the_offices_settings_show_at_once(client, publish, people):
    _, (allocation, _) = publish("Peer mentors")
    assert "DL1 5QT" not in text(client, "/open-data/grants.json")

    commissioning_services.provider_update(
        provider=allocation.recipient, by=people["officer"], postcode="DL1 5QT"
    )
    assert "DL1 5QT" in text(client, "/open-data/grants.csv")
    assert "DL1 5QT" in text(client, "/open-data/grants.json")

    organisation = OrganisationSettings.load()
    organisation.open_data_prefix = "360G-changed"
    organisation.save()
    for url in ("/open-data/grants.json", "/open-data/grants.csv"):
        assert f"360G-changed-{allocation.reference}" in text(client, url)


def test_a_client_holding_the_file_is_told_it_has_not_changed_until_it_does(client, publish):
    _, (allocation, _) = publish("Peer mentors")
    first = client.get("/open-data/grants.json")
    etag = first["ETag"]

    unchanged = client.get("/open-data/grants.json", headers={"if-none-match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    Allocation.objects.filter(pk=allocation.pk).update(status=AllocationStatus.WITHDRAWN)
    changed = client.get("/open-data/grants.json", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert allocation.title not in changed.content.decode()


@pytest.mark.parametrize("url", FILES)
def test_queries_a_request_makes_do_not_grow_with_the_records_listed(client, publish, url):
    client.get(url)  # kept once, empty: each build below replaces it
    counts = []
    for title, grants in (("Small", 2), ("Large", 12)):
        publish(title, grants=grants)
        with CaptureQueriesContext(connection) as building:
            client.get(url)
        with CaptureQueriesContext(connection) as serving:
            client.get(url)
        counts.append((len(building), len(serving)))
    assert counts[0] == counts[1], f"{url}: {counts}"
    assert counts[1][1] <= 5  # the key's queries and the kept file
