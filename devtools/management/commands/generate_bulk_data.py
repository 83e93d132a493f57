"""Fill an empty database with bulk data for benchmarks (see devtools/bulk/)."""

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devtools import bulk
from funding.models import FinancialYear


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with bulk data for benchmarks: at --scale 1, 10 financial "
        "years, 80 funding streams, 1,500 providers, 20,000 allocations, 5,000 agreements, "
        "20,000 monitoring returns and 3,000 decision records of which 2,500 are published "
        "with their PDF rendered and stored (about 0.3 s of CPU a PDF, spread over --workers "
        "processes). The same --seed gives the same data. It refuses a database that already "
        "holds data unless --flush, which first EMPTIES EVERY TABLE (users included), or "
        "--if-empty, which then does nothing. Users get unusable passwords: set one with "
        "changepassword to sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplies every count (0.01, 0.5, 2…); default 1.",
        )
        parser.add_argument(
            "--seed", type=int, default=bulk.DEFAULT_SEED, help="Default %(default)s."
        )
        parser.add_argument(
            "--last-year",
            type=int,
            default=bulk.DEFAULT_LAST_YEAR,
            help="Start year of the last financial year (default %(default)s); the data "
            "describes the office on 1 October of it.",
        )
        parser.add_argument(
            "--pdfs",
            choices=["all", "sample"],
            default="all",
            help="all (default): render every published record's PDF. sample: render "
            "--pdf-sample of them and store a PDF that says it is a placeholder for the "
            "others (their hashes verify; their content is not the record's). Use sample "
            "only to iterate quickly.",
        )
        parser.add_argument("--pdf-sample", type=int, default=50)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes rendering PDFs (default: the number of CPUs, %(default)s).",
        )
        parser.add_argument(
            "--live-workflow",
            type=int,
            default=5,
            help="How many of the latest published records are drafted, signed and "
            "published through the services themselves (default %(default)s).",
        )
        state = parser.add_mutually_exclusive_group()
        state.add_argument(
            "--flush",
            action="store_true",
            help="Empty every table first (manage.py flush: ALL data, users included).",
        )
        state.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds data.",
        )

    def handle(self, *args, **options):
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        last_year = options["last_year"]
        if last_year > FinancialYear.start_year_for(timezone.localdate()):
            raise CommandError("--last-year cannot be a financial year still to come.")
        database = connection.settings_dict["NAME"]
        if bulk.database_holds_data():
            if options["if_empty"]:
                self.stdout.write(f"{database} already holds data: nothing generated.")
                return
            if not options["flush"]:
                raise CommandError(
                    f"The database {database} ({connection.vendor}) already holds data. "
                    "generate_bulk_data fills an empty database only: run it with --flush "
                    "to EMPTY EVERY TABLE first (users included), or point DATABASE_URL "
                    "at an empty database."
                )
            self.stdout.write(f"Emptying {database}…")
            call_command("flush", interactive=False, verbosity=0)

        counts = bulk.planned_counts(scale)
        self.stdout.write(
            f"Generating bulk data at scale {scale:g} (seed {options['seed']}) into "
            f"{connection.vendor} {database}: {counts.allocations:,} allocations, "
            f"{counts.decisions:,} decision records, {counts.published:,} published."
        )
        start = time.perf_counter()
        try:
            report = bulk.generate(
                scale=scale,
                seed=options["seed"],
                last_year=last_year,
                pdfs=options["pdfs"],
                pdf_sample=options["pdf_sample"],
                workers=max(1, options["workers"]),
                live_workflow=max(0, options["live_workflow"]),
                log=self.stdout.write,
            )
        except bulk.InvariantBroken as error:
            raise CommandError(f"Nothing was kept: a rule does not hold: {error}") from error
        elapsed = time.perf_counter() - start
        self.stdout.write(
            self.style.SUCCESS(f"Created in {elapsed:.0f} s ({elapsed / 60:.1f} min):")
        )
        for name, number in report.counts.items():
            self.stdout.write(f"  {name:<28} {number:>8,}")
        self.stdout.write(f"  data checksum (the seed decides it): {report.checksum}")
