"""Reading search boxes and numeric filters from a query string, safely.

Query strings come from anyone: ``"²".isdigit()`` is true but ``int("²")`` fails,
twenty digits overflow a database integer, and PostgreSQL refuses a NUL byte in
text. These helpers turn all of that into "no filter" rather than an error page.
"""

from django.http import HttpRequest

SEARCH_LIMIT = 200


def as_search(value: str | None) -> str:
    """``value`` without NUL bytes, trimmed and at most 200 characters."""
    return (value or "").replace("\x00", "").strip()[:SEARCH_LIMIT]


def search_text(request: HttpRequest, name: str = "q") -> str:
    """The search box's text, without NUL bytes, trimmed and at most 200 characters."""
    return as_search(request.GET.get(name, ""))


def as_id(value: str | None) -> int | None:
    """``value`` as a positive database integer, or None if it is not one."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def int_param(request: HttpRequest, name: str) -> int | None:
    return as_id(request.GET.get(name))


def as_year(value: str | None) -> int | None:
    """``value`` as a four-digit calendar year, or None if it is not one."""
    year = as_id(value)
    return year if year is not None and 1000 <= year <= 9999 else None


def year_param(request: HttpRequest, name: str = "year") -> int | None:
    """A four-digit calendar year, or None."""
    return as_year(request.GET.get(name))
