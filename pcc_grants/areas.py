"""Places as the Office for National Statistics codes them, for open data.

An area is a name and its nine-character GSS code (E06000047 is County Durham): the
kind of area is read from the code's first three characters, so it is never typed
and never disagrees with the code. 360Giving publishes both as a location's
``geoCode`` and ``geoCodeType``.
"""

from django.core.validators import RegexValidator

ONS_CODE = RegexValidator(
    r"^[EWSNK]\d{8}$",
    "Enter the area's nine-character ONS code, such as E06000047 for County Durham.",
)

# The entity types of the ONS Code History Database, by the start of their codes.
AREA_TYPES = {
    "E05": "WD",  # electoral ward
    "W05": "WD",
    "E06": "UA",  # unitary authority
    "W06": "UA",
    "E07": "NMD",  # non-metropolitan district
    "E08": "MD",  # metropolitan district
    "E09": "LONB",  # London borough
    "E10": "CTY",  # county
    "E12": "RGN",  # region
    "E23": "PFA",  # police force area
    "W15": "PFA",
    "E92": "CTRY",  # country
    "W92": "CTRY",
}

AREA_CODE_HELP = (
    "The area's ONS code, e.g. E06000047 for County Durham or E06000005 for Darlington; "
    "the ONS Open Geography portal lists them."
)


def area_type(code: str) -> str:
    """The ONS entity type of an area code (UA, NMD, PFA…), or "" if unknown."""
    return AREA_TYPES.get(code[:3], "")


def area_location(name: str, code: str) -> dict:
    """A 360Giving location for an area: its name and, when known, its ONS code."""
    location = {"name": name}
    if code:
        location["geoCode"] = code
        if area_type(code):
            location["geoCodeType"] = area_type(code)
    return location
