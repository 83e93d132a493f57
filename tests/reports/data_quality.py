"""What 360Giving's Data Quality Tool says of a grants package, for the tests.

The tool (github.com/ThreeSixtyGiving/dataquality) runs libcove's checks and then its
own: schema errors and fields the schema does not know (libcove, from PyPI, run here
on the standard's schema in ``shared/reference/360giving`` so that nothing is fetched),
and the usefulness and accuracy notices of its ``lib360dataquality`` package, which is
not published on PyPI. Those notices are restated below, each under the name of the
tool's check, from the conditions the tool documents for it.
"""

import json
from collections.abc import Callable
from pathlib import Path

import jsonref
from django.conf import settings
from libcove.lib.common import (
    get_additional_fields_info,
    get_schema_validation_errors,
    schema_dict_fields_generator,
)
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "360giving"
GRANT_SCHEMA = SCHEMAS / "360-giving-schema.json"
PACKAGE_SCHEMA = SCHEMAS / "360-giving-package-schema.json"


class Schema360:
    """The package schema as libcove asks for it, its grant schema served locally."""

    def __init__(self):
        self.grant = json.loads(GRANT_SCHEMA.read_text())
        self.package = json.loads(PACKAGE_SCHEMA.read_text())
        self.grant_url = self.package["properties"]["grants"]["items"]["$ref"].split("#")[0]
        self.registry = Registry().with_resource(
            self.grant_url, DRAFT202012.create_resource(self.grant)
        )
        self.pkg_schema_url = str(PACKAGE_SCHEMA)

    def _load(self, url: str, **kwargs):
        if url.split("#")[0] != self.grant_url:
            raise ValueError(f"Would fetch {url}: only the local schema may be read.")
        return self.grant

    def get_pkg_schema_obj(self, deref=False, use_extensions=False):
        if deref:
            return jsonref.replace_refs(self.package, loader=self._load, proxies=False)
        return self.package

    def get_pkg_schema_fields(self) -> set[str]:
        return set(schema_dict_fields_generator(self.get_pkg_schema_obj(deref=True)))


def schema_errors(package: dict) -> dict:
    """libcove's validation errors of the package, by error (empty when valid)."""
    return dict(get_schema_validation_errors(package, Schema360(), "", {}, {}))


def additional_fields(package: dict) -> list[str]:
    """The fields present that the schema does not define (libcove's "additional
    fields")."""
    schema = Schema360()
    return sorted(get_additional_fields_info(package, schema.get_pkg_schema_fields(), {}))


# The notices, each a test of one grant that is True when the grant raises it -------------


def _recipients(grant: dict) -> list[dict]:
    return grant.get("recipientOrganization", [])


def _is_360g(identifier: str) -> bool:
    return identifier.lower().startswith("360g")


NOTICES: dict[str, Callable[[dict], bool]] = {
    # Recipient and funder ids should come from a register, not the 360G- prefix.
    "RecipientOrg360GPrefix": lambda g: any(_is_360g(r["id"]) for r in _recipients(g)),
    "FundingOrg360GPrefix": lambda g: any(
        _is_360g(f["id"]) for f in g.get("fundingOrganization", [])
    ),
    # Neither a charity nor a company number on a recipient.
    "NoRecipientOrgCompanyCharityNumber": lambda g: any(
        not (r.get("charityNumber") or r.get("companyNumber")) for r in _recipients(g)
    ),
    # A recipient with neither a postcode nor a location with code and code type.
    "IncompleteRecipientOrg": lambda g: any(
        not (
            r.get("postalCode")
            or any(loc.get("geoCode") and loc.get("geoCodeType") for loc in r.get("location", []))
        )
        for r in _recipients(g)
    ),
    "NoGrantProgramme": lambda g: not g.get("grantProgramme"),
    "NoBeneficiaryLocation": lambda g: not g.get("beneficiaryLocation"),
    "TitleDescriptionSame": lambda g: (
        bool(g.get("title")) and g.get("title") == g.get("description")
    ),
    "TitleLength": lambda g: len(g.get("title", "")) > 140,
    # The tool's "Last Modified" is the grant's dateModified.
    "NoLastModified": lambda g: not g.get("dateModified"),
    "NoDataSource": lambda g: not g.get("dataSource"),
    "PlannedDurationNotPresent": lambda g: not (g.get("plannedDates") or [{}])[0].get("duration"),
    "ClassificationNotPresent": lambda g: not g.get("classifications"),
}


def notices(package: dict) -> dict[str, list[str]]:
    """Each notice the package raises, with the ids of the grants that raise it."""
    raised: dict[str, list[str]] = {}
    for grant in package["grants"]:
        for name, test in NOTICES.items():
            if test(grant):
                raised.setdefault(name, []).append(grant["id"])
    return raised
