"""The published grants as 360Giving's Data Quality Tool reads them: valid, and with
none of the notices that said the data was of little use (issue 16)."""

import csv
import io
import json
from decimal import Decimal

import flattentool
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from commissioning import services as commissioning
from decisions import services as decision_services
from decisions.models import Decision
from funding.models import Allocation, PlanTheme
from pcc_grants.models import OrganisationSettings

from ..factories import AllocationFactory, FundingStreamFactory, ProviderFactory
from .data_quality import GRANT_SCHEMA, additional_fields, notices, schema_errors

pytestmark = pytest.mark.django_db

# The notices the issue lists, raised on every grant before.
LISTED = {
    "RecipientOrg360GPrefix",
    "FundingOrg360GPrefix",
    "NoRecipientOrgCompanyCharityNumber",
    "IncompleteRecipientOrg",
    "NoBeneficiaryLocation",
    "TitleDescriptionSame",
    "NoLastModified",
    "NoDataSource",
}


def publish(draft, people, advance, allocations):
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=allocations
    )
    advance(draft, "published")
    return Decision.objects.select_related("published_snapshot").get(pk=draft.pk)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def recorded(organisation):
    """What an office records for its open data: its org-id and area, the recipient's
    registered number and place, the allocation's theme and where it benefits."""
    organisation.org_id = "GB-GOR-PC000123"
    organisation.area_name = "County Durham"
    organisation.area_code = "E06000047"
    organisation.save()
    provider = ProviderFactory(
        name="Darlington Peer Mentors",
        charity_number="1123456",
        company_number="07654321",
        postcode="DL1 5QT",
        area_name="Darlington",
        area_code="E06000005",
    )
    stream = FundingStreamFactory(name="Community Safety Fund", budget=Decimal("100000"))
    return AllocationFactory(
        funding_stream=stream,
        recipient=provider,
        title="Peer mentors",
        amount=Decimal("9400.50"),
        theme=PlanTheme.objects.create(name="Victims and the vulnerable"),
        beneficiary_area_name="Bishop Auckland and Shildon",
        beneficiary_area_code="E05008846",
    )


def test_a_recorded_grant_is_valid_and_raises_none_of_the_listed_notices(
    client, draft, people, advance, media, recorded
):
    decision = publish(draft, people, advance, [recorded])
    package = client.get("/open-data/grants.json").json()

    assert schema_errors(package) == {}
    assert additional_fields(package) == []
    assert notices(package) == {}
    grant = package["grants"][0]
    assert grant["fundingOrganization"] == [
        {"id": "GB-GOR-PC000123", "name": OrganisationSettings.load().name}
    ]
    assert grant["recipientOrganization"] == [
        {
            "id": "GB-CHC-1123456",
            "name": "Darlington Peer Mentors",
            "charityNumber": "1123456",
            "companyNumber": "07654321",
            "postalCode": "DL1 5QT",
            "location": [{"name": "Darlington", "geoCode": "E06000005", "geoCodeType": "UA"}],
        }
    ]
    assert grant["beneficiaryLocation"] == [
        {
            "name": "Bishop Auckland and Shildon",
            "geoCode": "E05008846",
            "geoCodeType": "WD",
            "countryCode": "GB",
        }
    ]
    assert grant["awardDate"] == decision.decision_date.isoformat()
    assert grant["plannedDates"][0]["duration"] == 12
    assert grant["grantProgramme"] == [
        {"code": "community-safety-fund", "title": "Community Safety Fund"}
    ]
    assert grant["classifications"][0]["title"] == "Victims and the vulnerable"
    assert grant["description"] != grant["title"]
    assert decision.reference in grant["description"]
    assert grant["url"].endswith(f"/decisions/{decision.slug}/")
    assert grant["dataSource"].endswith(f"/decisions/{decision.slug}.pdf")
    assert grant["dateModified"].startswith(str(decision.published_snapshot.published_at.year))


def test_without_registered_numbers_or_places_the_notices_say_so(
    client, draft, people, advance, media
):
    """The checks can fail: a recipient recorded by name only, an office with no
    org-id and no area."""
    allocation = AllocationFactory(title="Peer mentors", description="Peer mentors")
    publish(draft, people, advance, [allocation])
    package = client.get("/open-data/grants.json").json()

    assert schema_errors(package) == {}
    raised = set(notices(package))
    assert raised >= {
        "RecipientOrg360GPrefix",
        "FundingOrg360GPrefix",
        "NoRecipientOrgCompanyCharityNumber",
        "IncompleteRecipientOrg",
        "NoBeneficiaryLocation",
    }
    # A description that repeats the title is replaced by one that says more.
    assert "TitleDescriptionSame" not in raised


def test_the_programme_code_stays_the_same_from_year_to_year(
    client, draft, people, advance, media, recorded
):
    later = FundingStreamFactory(
        name="Community Safety Fund",
        financial_year__start_year=recorded.funding_stream.financial_year.start_year + 1,
    )
    publish(draft, people, advance, [recorded, AllocationFactory(funding_stream=later)])
    programmes = {
        grant["grantProgramme"][0]["code"]
        for grant in client.get("/open-data/grants.json").json()["grants"]
    }
    assert programmes == {"community-safety-fund"}


def sheets(directory) -> dict[str, list[dict]]:
    return {
        path.stem: list(csv.DictReader(path.open(encoding="utf-8")))
        for path in sorted(directory.iterdir())
    }


# The schema's transactions have no titles: flattentool says it leaves them out.
@pytest.mark.filterwarnings("ignore:Field .* does not have a title")
def test_the_csv_has_the_columns_flattentool_gives_the_json_and_unflattens_to_it(
    client, draft, people, advance, media, recorded, tmp_path
):
    publish(draft, people, advance, [recorded])
    package = client.get("/open-data/grants.json").json()
    content = client.get("/open-data/grants.csv").content.decode()
    header = next(csv.reader(io.StringIO(content)))

    (tmp_path / "grants.json").write_text(json.dumps(package))
    flattentool.flatten(
        str(tmp_path / "grants.json"),
        output_name=str(tmp_path / "flat"),
        output_format="csv",
        schema=str(GRANT_SCHEMA),
        root_list_path="grants",
        main_sheet_name="grants",
        use_titles=True,
        root_id="",
        remove_empty_schema_columns=True,
    )
    flattened = {
        title
        for rows in sheets(tmp_path / "flat").values()
        for row in rows
        for title, value in row.items()
        if value
    }
    assert set(header) == flattened
    assert len(header) == len(set(header))

    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "grants.csv").write_text(content, encoding="utf-8")
    flattentool.unflatten(
        str(tmp_path / "csv"),
        output_name=str(tmp_path / "unflattened.json"),
        input_format="csv",
        schema=str(GRANT_SCHEMA),
        root_list_path="grants",
        root_id="",
        convert_titles=True,
        id_name="id",
    )
    assert json.loads((tmp_path / "unflattened.json").read_text()) == package


def test_the_demo_publishes_grants_the_tool_rates_useful(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    package = client.get("/open-data/grants.json").json()

    assert package["grants"]
    assert schema_errors(package) == {}
    assert additional_fields(package) == []
    raised = notices(package)
    raised.pop("ClassificationNotPresent", None)  # 034-2016 names no Plan theme
    assert raised == {}
    mentors = next(g for g in package["grants"] if "Peer Mentors" in g["title"])
    assert mentors["fundingOrganization"][0]["id"] == "GB-GOR-DEMO"
    assert mentors["beneficiaryLocation"][0]["geoCode"] == "E06000047"
    recipient = mentors["recipientOrganization"][0]
    assert recipient["location"][0]["name"] == "Darlington"
    assert recipient["id"] == "GB-CHC-1999999"
    assert recipient["charityNumber"] == "1999999"
    # What the demo makes up says so where the grant's record is read.
    assert "made up for the demo" in Allocation.objects.get(title=mentors["title"]).comments


def test_the_pages_show_where_an_allocation_benefits_and_the_provider_s_area(
    officer_client, recorded
):
    page = officer_client.get(f"/commissioning/providers/{recorded.recipient.pk}/").content
    assert "Darlington (E06000005)" in page.decode()
    page = officer_client.get(f"/funding/allocations/{recorded.pk}/").content.decode()
    assert "Bishop Auckland and Shildon (E05008846)" in page


def test_an_area_code_that_is_not_an_ons_code_is_refused_naming_the_field(recorded):
    with pytest.raises(ValidationError) as refused:
        commissioning.provider_update(provider=recorded.recipient, by=None, area_code="DL1")
    assert "ONS code" in refused.value.message_dict["area_code"][0]
    recorded.recipient.refresh_from_db()
    assert recorded.recipient.area_code == "E06000005"
