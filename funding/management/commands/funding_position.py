import json

from django.core.management.base import BaseCommand, CommandError

from funding.models import FinancialYear
from funding.selectors import funding_position
from pcc_grants.downloads import csv_bytes

COLUMNS = ["stream", "budget", "carried_forward", "available", "approved", "proposed", "remaining"]


def _amount(value) -> str:
    return "" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "The funding position of a year, per stream and in total."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The financial year, e.g. 2016/17.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, year: str, format: str, **options):
        start = FinancialYear.start_year_from_label(year)
        found = FinancialYear.objects.filter(start_year=start).first() if start else None
        if found is None:
            raise CommandError(f"No financial year {year} is recorded.")
        position = funding_position(year=found)
        rows = [
            [
                row.stream.name,
                _amount(row.budget),
                _amount(row.carried_forward),
                _amount(row.available),
                _amount(row.approved),
                _amount(row.proposed),
                _amount(row.remaining),
            ]
            for row in position.rows
        ]
        total = [
            "Total",
            _amount(position.budget),
            _amount(position.carried_forward),
            _amount(position.available),
            _amount(position.approved),
            _amount(position.proposed),
            _amount(position.remaining),
        ]
        if format == "json":
            payload = {
                "financial_year": found.label,
                "streams": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
                "total": dict(zip(COLUMNS, total, strict=True)),
            }
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            self.stdout.write(csv_bytes([COLUMNS, *rows, total]).decode("utf-8"), ending="")
