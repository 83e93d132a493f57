"""The one seam for time in decision records: every date and moment the workflow
writes comes from here, so a test or a data generator can set the clock."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """The clock set to ``moment`` for what runs inside: a data generator (the demo,
    the bulk data) records each step of a record at the time it was taken."""
    global now, today
    before = now, today
    now = lambda: moment  # noqa: E731
    today = lambda: timezone.localdate(moment)  # noqa: E731
    try:
        yield
    finally:
        now, today = before
