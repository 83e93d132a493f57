"""The published grants as open data: the 360Giving data package (grants.json) and its
flattened CSV (grants.csv). Both are built from every published grant, so they are
kept (``pcc_grants.built_files``) under a key that changes with what they read, and
dropped when a recipient, a theme or a financial year they name changes."""

import json

from django.db.models import Count, Max, Sum
from django.http import HttpRequest

from commissioning.models import Provider
from funding.models import FinancialYear, PlanTheme
from pcc_grants.built_files import built_file, built_files_invalidate, fingerprint
from pcc_grants.downloads import CSV_TYPE, csv_bytes
from pcc_grants.models import BuiltFile, OrganisationSettings

from .selectors import grant_record, published_grant, published_grants, with_published_records

GRANTS_JSON = "grants.json"
GRANTS_CSV = "grants.csv"
JSON_TYPE = "application/json; charset=utf-8"


def grants(request: HttpRequest, settings: OrganisationSettings | None = None) -> list[dict]:
    """Every published grant in the 360Giving Data Standard, linking to ``request``'s
    host."""
    settings = settings or OrganisationSettings.load()
    found = map(published_grant, with_published_records(published_grants()))
    return [grant_record(grant, settings, request) for grant in found if grant]


def grants_json_bytes(request: HttpRequest) -> bytes:
    """grants.json as built from the database: what the file kept must equal."""
    return json.dumps({"grants": grants(request)}, indent=2, ensure_ascii=False).encode("utf-8")


# The CSV's columns: each field of the JSON (a path into one grant) under the title
# 360Giving gives it, which is what flattening the JSON with the standard's schema
# (flattentool, titles on) names it. Lists hold one item here, so no column is numbered.
GRANTS_CSV_COLUMNS = [
    ("id", "Identifier"),
    ("title", "Title"),
    ("description", "Description"),
    ("currency", "Currency"),
    ("amountAwarded", "Amount Awarded"),
    ("awardDate", "Award Date"),
    ("plannedDates/startDate", "Planned Dates:Start Date"),
    ("plannedDates/endDate", "Planned Dates:End Date"),
    ("plannedDates/duration", "Planned Dates:Duration (months)"),
    ("recipientOrganization/id", "Recipient Org:Identifier"),
    ("recipientOrganization/name", "Recipient Org:Name"),
    ("recipientOrganization/charityNumber", "Recipient Org:Charity Number"),
    ("recipientOrganization/companyNumber", "Recipient Org:Company Number"),
    ("recipientOrganization/postalCode", "Recipient Org:Postal Code"),
    ("recipientOrganization/location/name", "Recipient Org:Location:Name"),
    ("recipientOrganization/location/geoCode", "Recipient Org:Location:Geographic Code"),
    (
        "recipientOrganization/location/geoCodeType",
        "Recipient Org:Location:Geographic Code Type",
    ),
    ("beneficiaryLocation/name", "Beneficiary Location:Name"),
    ("beneficiaryLocation/countryCode", "Beneficiary Location:Country Code"),
    ("beneficiaryLocation/geoCode", "Beneficiary Location:Geographic Code"),
    ("beneficiaryLocation/geoCodeType", "Beneficiary Location:Geographic Code Type"),
    ("fundingOrganization/id", "Funding Org:Identifier"),
    ("fundingOrganization/name", "Funding Org:Name"),
    ("grantProgramme/code", "Grant Programme:Code"),
    ("grantProgramme/title", "Grant Programme:Title"),
    ("classifications/vocabulary", "Classifications:Vocabulary"),
    ("classifications/code", "Classifications:Code"),
    ("classifications/title", "Classifications:Title"),
    ("url", "URL"),
    ("dateModified", "Last Modified"),
    ("dataSource", "Data Source"),
]


def _field(grant: dict, path: str):
    """The value at ``path`` in a grant, taking the first item of each list; "" if the
    grant has none."""
    value = grant
    for key in path.split("/"):
        if isinstance(value, list):
            value = value[0] if value else {}
        value = value.get(key, "") if isinstance(value, dict) else ""
    return value


def grants_csv_bytes(request: HttpRequest) -> bytes:
    """grants.csv as built from the database: what the file kept must equal."""
    rows = [[title for _, title in GRANTS_CSV_COLUMNS]]
    for grant in grants(request):
        rows.append([_field(grant, path) for path, _ in GRANTS_CSV_COLUMNS])
    return csv_bytes(rows)


def allocations_seen(allocations, **more) -> dict:
    """What a file listing ``allocations`` reads of them, in one query: how many,
    the sum and largest of their ids, when they and their streams last changed, the
    last record that published one, and ``more``."""
    return allocations.order_by().aggregate(
        grants=Count("pk"),
        ids=Sum("pk"),
        last=Max("pk"),
        changed=Max("updated_at"),
        streams=Max("funding_stream__updated_at"),
        published=Max("decision__published_snapshot__pk"),
        **more,
    )


def grants_key(request: HttpRequest) -> str:
    """What the grants files read, in two queries: the grants they list (how many,
    the sum and largest of their ids, when the last of them, their streams, grant
    applications and rounds changed, the last record that published one), every
    organisation setting, and the host they link to. A grant withdrawn leaves the
    list, so the key changes even if it was withdrawn behind the app's back."""
    seen = allocations_seen(
        # Said, although a published record implies it, for SQLite: it then reads the
        # index of the allocations records hold (funding 0008), not every allocation.
        published_grants().filter(decision__isnull=False),
        applications=Max("application__updated_at"),
        rounds=Max("application__grant_round__updated_at"),
    )
    settings = OrganisationSettings.load()
    organisation = [getattr(settings, f.attname) for f in settings._meta.concrete_fields]
    return fingerprint(request.build_absolute_uri("/"), sorted(seen.items()), organisation)


def grants_json_file(request: HttpRequest) -> BuiltFile:
    return built_file(
        name=GRANTS_JSON,
        key=grants_key(request),
        build=lambda: grants_json_bytes(request),
        content_type=JSON_TYPE,
    )


def grants_csv_file(request: HttpRequest) -> BuiltFile:
    return built_file(
        name=GRANTS_CSV,
        key=grants_key(request),
        build=lambda: grants_csv_bytes(request),
        content_type=CSV_TYPE,
    )


# What the key does not count: the recipients', themes' and years' own rows. A change
# to one drops the files in its own transaction (rolled back with it). A request that
# built the files from the rows before the change and keeps them just after it would
# keep them until the next change: these rows hold nothing withheld, and the grants
# listed, which can be, are in the key.
NAMED_IN_GRANTS = (Provider, PlanTheme, FinancialYear)


def grants_files_invalidate(**kwargs) -> None:
    """Receiver of post_save and post_delete of what the grants files name."""
    built_files_invalidate(
        names=[GRANTS_JSON, GRANTS_CSV, "transparency-grants.csv", "transparency-page.html"]
    )
