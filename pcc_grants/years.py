"""UK financial years run 1 April to 31 March and are written ``2016/17``."""


def financial_year_label(start_year: int, *, separator: str = "/") -> str:
    """``2016/17`` for the year that starts on 1 April 2016 (``2016-17`` in a URL)."""
    return f"{start_year}{separator}{(start_year + 1) % 100:02d}"
