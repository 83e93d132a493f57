import json

from django.core.management.base import BaseCommand, CommandError

from grants.moderation import ranking_json, ranking_rows, rounds_called
from grants.ranking import rank
from pcc_grants.downloads import csv_bytes


class Command(BaseCommand):
    help = (
        "A grant round's ranking: one row per eligible application in ranking order, "
        "with its reviews, weighted score, spread and whether it is within the fund."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", help="The round's slug, or its name (any case).")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, round: str, format: str, **options):
        found = rounds_called(round)
        if not found:
            raise CommandError(f"No grant round has the slug or name {round!r}.")
        if len(found) > 1:
            raise CommandError(
                f"{len(found)} grant rounds are named {round!r}: give the round's slug "
                f"({', '.join(grant_round.slug for grant_round in found)})."
            )
        ranking = rank(found[0])
        if format == "json":
            self.stdout.write(json.dumps(ranking_json(ranking), indent=2))
        else:
            self.stdout.write(csv_bytes(ranking_rows(ranking)).decode("utf-8"), ending="")
