"""Records named by text and created on first use, safely under concurrency."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

Record = TypeVar("Record")


def find_or_create(find: Callable[[], Record | None], create: Callable[[], Record]) -> Record:
    """The record ``find`` returns, or else the one ``create`` makes. Two people (or
    two import workers) naming the same new record at once make one record: the
    database's unique constraint (or the service's own duplicate check, when the
    first has just committed) refuses the second, which then finds the first."""
    existing = find()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except (IntegrityError, ValidationError):
        # Another transaction created it a moment ago (and has committed: the unique
        # index waited for it). Should there be nothing to find, the error was another.
        found = find()
        if found is None:
            raise
        return found
