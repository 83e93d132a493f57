"""The moderation page, its CSV and XLSX, and ``round_ranking``: what they show of a
small round worked out by hand, who may read them, and that they ask the database
the same number of questions at 30 and at 3,000 applications (acceptance point 4 of
issue 18)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding import services as funding_services
from grants.models import Screening
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .moderation_data import (
    bulk_reviewed_applications,
    make_application,
    make_review,
    make_reviewer,
    make_round,
)

pytestmark = pytest.mark.django_db

HEADER = "rank,application,organisation,requested,reviews,weighted_score,spread,within_fund"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="chief-exec", roles=[Role.CHIEF_EXECUTIVE]))
    return client


@pytest.fixture
def small_round(db):
    """Budget £1,000; weights 50 / 30 / 20 on a scale of 5 (a point is 10, 6 and 4)."""
    theme = funding_services.plan_theme_get_or_create(name="Reducing reoffending")
    grant_round = make_round(
        budget="1000", reviews_required=2, spread_threshold="20", name="Safer Streets 2026"
    )
    first = make_application(
        grant_round, "G-001", "400", organisation="Braunstone Boxing Club", theme=theme
    )
    make_review(first, (5, 5, 5))  # 100
    make_review(first, (3, 3, 3))  # 60: the mean 80.00, the spread 40 (flagged)
    second = make_application(grant_round, "G-002", "600.50", organisation="=Cafe <b>CIC</b>")
    make_review(second, (4, 3, 5))  # 40 + 18 + 20 = 78
    make_review(second, (4, 3, 5))  # 78: running total 1000.50, over £1,000: below
    third = make_application(grant_round, "G-003", "100", organisation="Loughborough Lads")
    make_review(third, (2, 0, 0))  # 20, one review only: short, below the line
    make_application(grant_round, "G-004", "250", organisation="Unscored Trust")
    make_application(grant_round, "G-005", "999", screening=Screening.INELIGIBLE)
    return grant_round


def test_the_page_shows_the_ranking_the_line_the_flag_and_who_is_short(staff_client, small_round):
    response = staff_client.get(reverse("grants:round_moderation", args=[small_round.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('id="ranking"') : page.index("</table>")]
    # In ranking order, the line between G-001 (within) and G-002 (the first below).
    assert table.index("G-001") < table.index('id="fund-line"') < table.index("G-002")
    assert table.index("G-002") < table.index("G-003")
    assert "The fund line: the budget of £1,000 is reached" in table
    assert "Spread above 20 — look again" in table
    assert table.count("look again") == 1
    assert table.count("Within the fund") == 1 and table.count("Below the line") == 2
    assert "Reducing reoffending" in table and "80.00" in table and "40.00" in table
    assert "£1,000.50" in table  # G-002's running total
    assert "=Cafe &lt;b&gt;CIC&lt;/b&gt;" in table  # the name escaped
    assert (
        reverse("grants:application", args=[small_round.applications.get(reference="G-001").pk])
        in table
    )
    # The ineligible application is not ranked, nor counted in the requests.
    assert "G-005" not in page
    assert "£1,350.50: 1.35 times the budget" in page  # 400 + 600.50 + 100 + 250
    short = page[page.index('id="short-of-reviews"') :]
    assert "G-003</a>, Loughborough Lads: 1 of 2" in short
    assert "G-004</a>, Unscored Trust: 0 of 2" in short
    unscored = page[page.index('id="unscored"') :]
    assert "G-004" in unscored and "G-003" not in unscored[: unscored.index("</ul>")]


def test_the_line_says_so_when_every_ranked_application_fits(staff_client, small_round):
    small_round.budget = Decimal("5000")
    small_round.save()
    page = staff_client.get(reverse("grants:round_moderation", args=[small_round.pk]))
    assert "every ranked application fits within the budget of £5,000" in page.content.decode()


def test_the_round_page_links_to_moderation_and_the_summary(client, small_round):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    page = client.get(small_round.get_absolute_url()).content.decode()
    assert reverse("grants:round_moderation", args=[small_round.pk]) in page
    assert reverse("grants:round_summary", args=[small_round.pk]) in page


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


EXPECTED_ROWS = [
    HEADER.split(","),
    ["1", "G-001", "Braunstone Boxing Club", "400.00", "2", "80.00", "40.00", "yes"],
    ["2", "G-002", "'=Cafe <b>CIC</b>", "600.50", "2", "78.00", "0.00", "no"],
    ["3", "G-003", "Loughborough Lads", "100.00", "1", "20.00", "0.00", "no"],
    ["", "G-004", "Unscored Trust", "250.00", "0", "", "", "no"],
]


def test_the_csv_download_is_the_ranking(staff_client, small_round):
    response = staff_client.get(reverse("grants:ranking_export", args=[small_round.pk, "csv"]))
    assert response["Content-Disposition"].endswith(f'{small_round.slug}-ranking.csv"')
    # A name that looks like a formula is defused for spreadsheet programs.
    assert _csv(response.content) == EXPECTED_ROWS


def test_the_xlsx_download_holds_numbers_shown_in_pounds_and_scores(staff_client, small_round):
    response = staff_client.get(reverse("grants:ranking_export", args=[small_round.pk, "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Ranking"
    assert [cell.value for cell in sheet[1]] == HEADER.split(",")
    rank_cell, _, _, requested, reviews, score, spread, within = sheet[3]
    assert (rank_cell.value, requested.value, reviews.value, within.value) == (2, 600.5, 2, "no")
    assert requested.number_format == '"£"#,##0.00'
    assert (score.value, score.number_format) == (78, "0.00")
    assert spread.number_format == "0.00"
    assert [cell.value for cell in sheet[5]][:6] == [None, "G-004", "Unscored Trust", 250, 0, None]


def test_a_download_in_another_format_does_not_exist(staff_client, small_round):
    response = staff_client.get(f"/staff/rounds/{small_round.pk}/ranking.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.REVIEWER, Role.APPLICANT])
def test_who_is_not_staff_reads_neither_the_page_nor_the_download(client, small_round, role):
    client.force_login(UserFactory(username="outsider", roles=[role]))
    for url in (
        reverse("grants:round_moderation", args=[small_round.pk]),
        reverse("grants:ranking_export", args=[small_round.pk, "csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert b"G-001" not in response.content


def _command(*args) -> str:
    out = io.StringIO()
    call_command("round_ranking", *args, stdout=out)
    return out.getvalue()


def test_round_ranking_writes_the_csv_by_slug_or_by_name_in_any_case(small_round):
    assert _csv(_command(small_round.slug).encode()) == EXPECTED_ROWS
    assert _command("safer STREETS 2026", "--format", "csv") == _command(small_round.slug)


def test_round_ranking_writes_json(small_round):
    rows = json.loads(_command(small_round.slug, "--format", "json"))
    assert rows[0] == {
        "rank": 1,
        "application": "G-001",
        "organisation": "Braunstone Boxing Club",
        "requested": "400.00",
        "reviews": 2,
        "weighted_score": "80.00",
        "spread": "40.00",
        "within_fund": True,
    }
    assert rows[1]["within_fund"] is False and rows[1]["requested"] == "600.50"
    assert rows[3] == {
        "rank": None,
        "application": "G-004",
        "organisation": "Unscored Trust",
        "requested": "250.00",
        "reviews": 0,
        "weighted_score": None,
        "spread": None,
        "within_fund": False,
    }
    assert [row["application"] for row in rows] == ["G-001", "G-002", "G-003", "G-004"]


def test_round_ranking_names_a_round_it_does_not_know(small_round):
    with pytest.raises(CommandError, match="No grant round has the slug or name 'Safer Roads'"):
        _command("Safer Roads")


def test_round_ranking_asks_for_the_slug_when_two_rounds_share_a_name(small_round):
    make_round(name="SAFER STREETS 2026")
    with pytest.raises(CommandError, match="2 grant rounds are named"):
        _command("Safer Streets 2026")


# Query counts ------------------------------------------------------------------------


def _page_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _command_queries(slug: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        out = _command(slug)
    return len(captured), out


def test_the_page_and_round_ranking_ask_as_many_queries_at_3000_applications_as_at_30(
    staff_client,
):
    grant_round = make_round(budget="500000", scale=5, weights=(40, 35, 25))
    reviewers = [make_reviewer() for _ in range(3)]
    page_url = reverse("grants:round_moderation", args=[grant_round.pk])
    csv_url = reverse("grants:ranking_export", args=[grant_round.pk, "csv"])
    bulk_reviewed_applications(grant_round, reviewers, 30)
    # Short of reviews: one application reviewed once only.
    make_review(make_application(grant_round, "S-00001", "1000"), (1, 2, 3))
    staff_client.get(page_url)  # what a first request reads once (the session, the user)
    page_at_30, page = _page_queries(staff_client, page_url)
    csv_at_30, _ = _page_queries(staff_client, csv_url)
    command_at_30, out = _command_queries(grant_round.slug)
    assert page.count("/staff/rounds/applications/") >= 31
    assert out.count("\n") == 32

    bulk_reviewed_applications(grant_round, reviewers, 2970, start=31)
    page_at_3000, page = _page_queries(staff_client, page_url)
    csv_at_3000, _ = _page_queries(staff_client, csv_url)
    command_at_3000, out = _command_queries(grant_round.slug)
    assert "B-03000" in page and 'id="fund-line"' in page
    assert out.count("\n") == 3002
    assert (page_at_3000, csv_at_3000, command_at_3000) == (page_at_30, csv_at_30, command_at_30)
    # A few whatever the size: the round, the criteria, the applications, the reviews.
    assert command_at_3000 <= 4
