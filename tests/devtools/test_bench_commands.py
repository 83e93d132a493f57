"""bench_decision_pdf and bench_report_pdf time through the benchmark's own functions
and print what they measured."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from funding.models import Allocation, FinancialYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # load_demo stores 034-2016's PDF


def test_bench_report_pdf_prints_the_median_and_keeps_nothing():
    out = io.StringIO()
    call_command("bench_report_pdf", allocations=20, runs=1, stdout=out)

    assert re.fullmatch(
        r"Commissioning activity PDF, 20 allocations: median \d+ ms over 1 runs \(\d+ KiB\)\n",
        out.getvalue(),
    )
    assert not FinancialYear.objects.filter(start_year=2090).exists()
    assert not Allocation.objects.exists()


def test_bench_decision_pdf_refuses_a_record_that_is_not_there():
    with pytest.raises(CommandError, match=r"No decision 999-2099: run load_demo first\."):
        call_command("bench_decision_pdf", reference="999-2099", runs=1, stdout=io.StringIO())


@override_settings(DEBUG=True)
def test_bench_decision_pdf_times_the_demo_record_against_raw_weasyprint():
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench_decision_pdf", runs=1, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Decision 034-2016 PDF, median of 1 warm runs:"
    app = r"  through the app \(queries, template, WeasyPrint\): +\d+\.\d ms"
    assert re.fullmatch(app, lines[1])
    assert re.fullmatch(r"  raw WeasyPrint on the same HTML: +\d+\.\d ms", lines[2])
    assert re.fullmatch(r"  ratio: \d+\.\d\d", lines[3])
