"""UK financial years run 1 April to 31 March and are written ``2016/17``."""

import re
from datetime import date


def financial_year_label(start_year: int, *, separator: str = "/") -> str:
    """``2016/17`` for the year that starts on 1 April 2016 (``2016-17`` in a URL)."""
    return f"{start_year}{separator}{(start_year + 1) % 100:02d}"


def financial_year_of(day: date) -> int:
    """The start year of the financial year ``day`` falls in: 2016 for 14 February 2017."""
    return day.year if day.month >= 4 else day.year - 1


FINANCIAL_YEAR = re.compile(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", re.ASCII)


def parse_financial_year(text: str) -> int | None:
    """The start year of ``2016/17`` (or ``2016-17``, ``2016/2017``); None for text that
    does not name a financial year, a calendar year (``2016``) among it."""
    match = FINANCIAL_YEAR.fullmatch(text.strip())
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    following = start + 1 if len(match[2]) == 4 else (start + 1) % 100
    return start if end == following and start >= 1000 else None
