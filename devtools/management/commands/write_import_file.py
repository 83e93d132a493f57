"""A valid allocations file of many rows for the import, to time it through its
pages: rows to the database's own providers (a tenth to new ones) in the newest open
year's streams, proposed. Used by scripts/import_100k.sh and the load test."""

import csv

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Provider
from funding.importers import ALLOCATION_COLUMNS
from funding.models import FundingStream


class Command(BaseCommand):
    help = "Write a valid allocations CSV of ROWS rows to FILE, for timing the import."

    def add_arguments(self, parser):
        parser.add_argument("rows", type=int)
        parser.add_argument("file")
        parser.add_argument(
            "--new-every", type=int, default=10, help="every Nth row to a new provider (0: none)"
        )

    def handle(self, *args, rows: int, file: str, new_every: int, **options):
        streams = list(
            FundingStream.objects.filter(financial_year__is_closed=False)
            .select_related("financial_year")
            .order_by("-financial_year__start_year", "name")[:5]
        )
        providers = list(Provider.objects.order_by("pk").values_list("name", flat=True)[:200])
        if not streams or not providers:
            raise CommandError("The database needs an open year's streams and providers.")
        blank = [""] * (len(ALLOCATION_COLUMNS) - 5)
        with open(file, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(ALLOCATION_COLUMNS)
            for n in range(rows):
                stream = streams[n % len(streams)]
                new = new_every and n % new_every == 0
                recipient = f"New provider {n}" if new else providers[n % len(providers)]
                amount = f"{100 + n % 900}.{n % 100:02d}"
                writer.writerow(
                    [
                        stream.financial_year.label,
                        stream.name,
                        recipient,
                        f"Imported project {n}",
                        amount,
                        *blank,
                    ]
                )
        self.stdout.write(f"{rows:,} rows written to {file}")
