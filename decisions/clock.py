"""The one seam for time in decision records: every date and moment the workflow
writes comes from here, so a test or a data generator can set the clock."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()
