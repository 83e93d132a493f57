"""Moderation: the ranking of a round as a table (on the page, in CSV and XLSX, and
from ``round_ranking``), and where the fund line falls in it.

The table's columns are the stable ones the command writes: ``rank, application,
organisation, requested, reviews, weighted_score, spread, within_fund``. Money and
scores are decimals with two places; an application no review has scored yet has
no rank, score or spread.
"""

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.http import HttpResponse

from pcc_grants.downloads import XLSX_TYPE, xlsx_bytes

from .models import GrantRound
from .ranking import RankedApplication, Ranking

COLUMNS = [
    "rank",
    "application",
    "organisation",
    "requested",
    "reviews",
    "weighted_score",
    "spread",
    "within_fund",
]
# Scores in a workbook are numbers with two places, not pounds.
SCORE_COLUMNS = ("F", "G")
SCORE_FORMAT = "0.00"
HUNDREDTH = Decimal("0.01")


def ratio(requested: Decimal, budget: Decimal) -> Decimal | None:
    """How many times the budget the requests are, to two places (2.46)."""
    if not budget:
        return None
    return (requested / budget).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def threshold_text(grant_round: GrantRound) -> str:
    """The round's spread threshold as people write it: 20, or 12.5."""
    return f"{grant_round.spread_threshold.normalize():f}"


def ranking_values(row: RankedApplication) -> dict:
    """One row of the table, typed: ``None`` where an unscored row has nothing."""
    return {
        "rank": row.rank,
        "application": row.reference,
        "organisation": row.organisation,
        "requested": row.requested,
        "reviews": row.reviews,
        "weighted_score": row.weighted_score,
        "spread": row.spread,
        "within_fund": row.within_fund,
    }


def ranking_rows(ranking: Ranking) -> list[list]:
    """The table for CSV and XLSX: the header, then a row per eligible application in
    ranking order; ``within_fund`` as yes or no, blanks for what an unscored row lacks."""
    rows = [list(COLUMNS)]
    for row in ranking.all_rows:
        values = ranking_values(row)
        values["within_fund"] = "yes" if values["within_fund"] else "no"
        rows.append(["" if values[column] is None else values[column] for column in COLUMNS])
    return rows


def ranking_json(ranking: Ranking) -> list[dict]:
    """The table as JSON: decimals as text ("1234.50"), ``within_fund`` true or false,
    ``null`` for what an unscored row lacks."""
    rows = []
    for row in ranking.all_rows:
        values = ranking_values(row)
        for column in ("requested", "weighted_score", "spread"):
            if values[column] is not None:
                values[column] = f"{values[column]:.2f}"
        rows.append(values)
    return rows


def ranking_xlsx(rows: list[list]) -> bytes:
    """The shared workbook (header frozen, money in pounds), its score columns shown
    as plain numbers with two places."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_bytes(rows, title="Ranking")))
    sheet = workbook.active
    for letter in SCORE_COLUMNS:
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, int | float):
                cell.number_format = SCORE_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@dataclass
class Moderation:
    """What the moderation page shows: the ranking, where the line falls, and the
    money against the budget."""

    ranking: Ranking
    # The position in ``ranking.rows`` of the first application below the line
    # (``len(rows)`` when every ranked one is within the fund).
    line_at: int
    ratio: Decimal | None

    @property
    def grant_round(self) -> GrantRound:
        return self.ranking.grant_round

    @property
    def rows(self) -> list[tuple[RankedApplication, bool, bool]]:
        """Each ranked row, whether the fund line falls just above it, and whether its
        spread is flagged."""
        return [
            (row, index == self.line_at, self.ranking.flagged(row))
            for index, row in enumerate(self.ranking.rows)
        ]

    @property
    def below(self) -> int:
        return len(self.ranking.rows) - self.line_at


def moderation(ranking: Ranking) -> Moderation:
    line_at = next(
        (index for index, row in enumerate(ranking.rows) if not row.within_fund),
        len(ranking.rows),
    )
    return Moderation(
        ranking=ranking,
        line_at=line_at,
        ratio=ratio(ranking.requested_total, ranking.grant_round.budget),
    )


def rounds_called(name_or_slug: str) -> list[GrantRound]:
    """The round with this slug; else the rounds with this name, in any case (one,
    unless two rounds share a name)."""
    text = name_or_slug.strip()
    found = list(GrantRound.objects.filter(Q(slug=text) | Q(name__iexact=text)).order_by("pk"))
    by_slug = [grant_round for grant_round in found if grant_round.slug == text]
    return by_slug or found
