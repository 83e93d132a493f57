"""The benchmark's floor (fifty allocations in the site's layout, served only while the
benchmark runs) and the comparison of two runs."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from devtools import benchmark
from devtools.benchmark.floor import FLOOR_URL_NAME, URLCONF

from ..factories import AllocationFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def test_the_floor_is_not_a_page_of_the_site():
    with pytest.raises(NoReverseMatch):
        reverse(FLOOR_URL_NAME)
    assert FLOOR_URL_NAME not in benchmark.url_names()


@override_settings(ROOT_URLCONF=URLCONF)
def test_during_the_bench_the_floor_shows_fifty_allocations_to_a_signed_in_user_only(
    officer_client,
):
    stream = FundingStreamFactory()
    allocations = AllocationFactory.create_batch(55, funding_stream=stream)
    url = reverse(FLOOR_URL_NAME)

    assert Client().get(url).status_code == 302  # the sign-in, as for every staff page
    page = officer_client.get(url).content.decode()
    assert page.count("<tr>") == 51  # the header and fifty rows
    newest, oldest = allocations[-1], allocations[0]
    assert newest.reference in page and oldest.reference not in page
    assert 'href="#main-content"' in page  # the site's layout
    # The site's own pages are still there.
    assert officer_client.get(reverse("funding:allocation_list")).status_code == 200


def run(scale: float, medians: dict[str, float], queries: dict[str, int]) -> dict:
    return {
        "generated_at": "2026-12-02T01:00:00+00:00",
        "database": {"vendor": "postgresql", "name": "bench"},
        "machine": {"load_average_before": [1.0, 1.0, 1.0]},
        "scale": scale,
        "floor": {"median_ms": 10.0, "queries": 5},
        "pages": {
            name: {"median_ms": median, "queries": queries[name]}
            for name, median in medians.items()
        },
    }


def test_two_runs_compare_page_by_page_with_the_ratio_of_their_medians(tmp_path):
    small = run(1, {"register": 20.0, "grants.json": 10.0}, {"register": 8, "grants.json": 4})
    large = run(5, {"register": 50.0, "grants.json": 11.0}, {"register": 9, "grants.json": 4})
    (tmp_path / "scale1.json").write_text(json.dumps(small))
    (tmp_path / "scale5.json").write_text(json.dumps(large))
    out = io.StringIO()

    call_command(
        "bench", compare=[str(tmp_path / "scale1.json"), str(tmp_path / "scale5.json")], stdout=out
    )

    lines = out.getvalue().splitlines()
    assert "scale 1," in lines[0] and "scale 5," in lines[1]
    register = next(line for line in lines if line.startswith("register"))
    assert register.split()[1:] == ["8", "9", "20.0", "50.0", "2.50", "queries", "differ"]
    grants = next(line for line in lines if line.startswith("grants.json"))
    assert grants.split()[1:] == ["4", "4", "10.0", "11.0", "1.10"]
    assert lines[-1] == "2 pages: median ratio 1.80, largest 2.50; queries differ on 1 (register)."
