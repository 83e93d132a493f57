"""The benchmark's floor: the least a page of the site can cost. Fifty allocations, the
number a register page shows, read by primary key with the rows they name and drawn
with the register's own table in the site's layout (``templates/base.html``), through
every middleware and the sign-in, and nothing else: no filters, counts, totals or
pagination. A page's median over the floor's says how much its own work costs.

The floor is not a page of the site: it is served only while the benchmark runs, from
``devtools.benchmark.urls``, which adds it to the site's URLs
(``override_settings(ROOT_URLCONF=...)``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from funding.models import Allocation

FLOOR_ROWS = 50
FLOOR_URL_NAME = "bench_floor"
URLCONF = "devtools.benchmark.urls"


@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    allocations = Allocation.objects.select_related(
        "funding_stream__financial_year", "recipient", "theme"
    ).order_by("-pk")[:FLOOR_ROWS]
    return render(request, "devtools/bench_floor.html", {"allocations": allocations})
