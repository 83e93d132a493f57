"""The seed documents, transcribed as import files, add up to the documents' own totals.

Where a document's arithmetic does not reconcile, the difference is stated here
rather than hidden (see devtools/demo/seeds/README.md).
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Sum

from funding.importers import run_import
from funding.models import Allocation, FinancialYear
from funding.selectors import funding_position
from pcc_grants.roles import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "devtools" / "demo" / "seeds"


def load(prefix: str) -> FinancialYear:
    # The seeds record money already decided: imported by someone who may approve it.
    cfo = UserFactory(username="seed-importer", roles=[Role.CHIEF_FINANCE_OFFICER])
    for kind in ("funding", "allocations"):
        content = (SEEDS / f"{prefix}_{kind}.csv").read_bytes()
        result = run_import(kind=kind, content=content, by=cfo)
        assert result.ok, result.errors
    return FinancialYear.objects.get()


def total(**filters) -> Decimal:
    return Allocation.objects.filter(**filters).aggregate(t=Sum("amount"))["t"]


def test_durham_community_safety_grant_projects_total_500545():
    year = load("durham_2015")
    assert year.label == "2015/16"
    projects = total(funding_stream__name="Community Safety Grant - Safe Durham Partnership")
    assert projects == Decimal("500545")
    position = {row.stream.name: row for row in funding_position(year=year).rows}
    safe_durham = position["Community Safety Grant - Safe Durham Partnership"]
    # 473,395 allocation + 27,150 rolled forward from 2014/15 = exactly the projects.
    assert safe_durham.available == Decimal("500545")
    assert safe_durham.remaining == 0
    assert position["Community Safety Grant"].budget == Decimal("606550")
    assert position["Community Safety Fund"].budget is None  # "TBD" in the report
    # The projects table is headed "2015-16 allocation (£485,577)", £12,182 more than
    # the £473,395 the streams summary gives Safe Durham; the fixture follows the
    # summary, which is the figure that reconciles with the projects' total.
    assert Decimal("485577") - safe_durham.budget == Decimal("12182")


def test_leicestershire_2013_funding_allocations_and_unallocated():
    year = load("leicestershire_2013")
    position = funding_position(year=year)
    assert position.available == Decimal("3249023")
    streams = {row.stream.name: row.budget for row in position.rows}
    assert streams == {
        "PCC Community Safety Grant": Decimal("1649000"),
        "Former Police Force Partnership funding": Decimal("1305029"),
        "Budget Equalisation Reserve": Decimal("294994"),
    }
    # The schedule prints allocations of £3,240,229 and £8,794 unallocated, but its
    # own lines add up to £2 more: Leicestershire County Council's Apr-Sept lines
    # make £427,146 against a printed £427,145, and the unheaded lines £508,700
    # against the £508,699 the total implies.
    document_total, document_unallocated = Decimal("3240229"), Decimal("8794")
    assert position.approved == document_total + 2
    assert position.remaining == document_unallocated - 2
    assert position.approved + position.remaining == position.available
    assert total(indicative=True) == Decimal("1216892")  # the Oct 13 - Mar 14 column


def test_cambridgeshire_2017_crime_and_disorder_reduction_grants_total_1322248():
    load("cambridgeshire_2017")
    assert total(funding_stream__name="Crime and Disorder Reduction Grants") == Decimal("1322248")
    # One line in the appendix gives no amount; £10,000 is the difference between
    # the stated total and the other lines, and the fixture says so on the row.
    unpriced = Allocation.objects.get(title__startswith="Appropriate Adults")
    assert unpriced.amount == Decimal("10000")
    assert "by difference" in unpriced.comments
    # The victims' lines make £961,260 of the "£1m" from the Ministry of Justice.
    assert total(funding_stream__name="Victims' Services Grant") == Decimal("961260")
