"""What every part of the benchmark shares: the targets, the error that stops it, the
records and users it needs, and the timing of a function.
"""

import time
from collections.abc import Callable

from pcc_grants.models import User
from pcc_grants.roles import Role

# Targets: reported, not asserted.
PAGE_MS = 50
PAGE_QUERIES = 15
PDF_RATIO = 1.3
IMPORT_ROWS_PER_SECOND = 2_500

# A timed page's median against the floor's (floor.py): its own work, however fast or
# slow the machine is that day.
FLOOR_RATIO = 3

# Pages held to the time, floor and query targets; the open-data files (kept, not
# built, on each request) to the time and query targets; the others (whole-year
# reports and full exports) to the query target only: they grow with what they list by
# design, but their number of queries must not.
TIMED_KINDS = {"dashboard", "list", "search", "detail", "form", "public"}
FILE_KINDS = {"open data"}


class BenchError(Exception):
    pass


def user_with_role(role: Role) -> User:
    user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
    if user is None:
        raise BenchError(f"No active user holds the role {role.label}: generate data first.")
    return user


def first_of(queryset, what: str):
    found = queryset.first()
    if found is None:
        raise BenchError(f"No {what} in the database: run generate_bulk_data first.")
    return found


def timed(function: Callable[[], object], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


class Rollback(Exception):
    """Raised at the end of a benchmark's transaction: nothing it made is kept."""
