"""Benchmark every page type, the PDFs and the import on the data in the database."""

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools import benchmark


class Command(BaseCommand):
    help = (
        "Time every staff and public page type through the test client (median and p95 "
        "of --repeat requests after warm-up, and SQL queries per request), the decision "
        "PDF against raw WeasyPrint, the commissioning report PDF for 300 allocations and "
        "an import of 10,000 allocations (rolled back). Needs data: run "
        "generate_bulk_data first. Writes --output (JSON) and prints a table saying "
        "whether each target is met. Run with DEBUG=1 (as make bench does) or after "
        "collectstatic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests a page.")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first.")
        parser.add_argument(
            "--only",
            default="",
            help="Bench only what this names (a substring of a page's name or URL, or "
            "'decision pdf', 'report pdf', 'import allocations').",
        )
        parser.add_argument(
            "--pdf-runs", type=int, default=11, help="Runs of each PDF (default 11)."
        )
        parser.add_argument(
            "--import-rows", type=int, default=10_000, help="Rows imported (0: none)."
        )
        parser.add_argument("--output", default="bench/results.json")
        parser.add_argument(
            "--compare",
            nargs="+",
            metavar="RESULTS",
            default=[],
            help="Compare with a saved run (its JSON): per page the queries of both and "
            "the ratio of the medians, this run's over the saved one's. Given two files "
            "(e.g. bench/results-scale1.json bench/results-scale5.json), compare them "
            "without running: the second's over the first's.",
        )

    def handle(self, *args, **options):
        saved = [self._load(path) for path in options["compare"]]
        if len(saved) > 2:
            raise CommandError("--compare takes one saved run, or two to compare.")
        if len(saved) == 2:
            self.stdout.write(benchmark.compare(saved[0], saved[1]))
            return
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        try:
            results = benchmark.run(
                repeat=options["repeat"],
                warmup=max(0, options["warmup"]),
                only=options["only"],
                pdf_runs=max(1, options["pdf_runs"]),
                import_rows=max(0, options["import_rows"]),
                log=self.stdout.write,
            )
        except benchmark.BenchError as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(results)
        output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write("")
        self.stdout.write(benchmark.table(data))
        self.stdout.write(f"Results written to {output}.")
        if saved:
            self.stdout.write("")
            self.stdout.write(benchmark.compare(saved[0], data))

    def _load(self, path: str) -> dict:
        try:
            return benchmark.compare_load(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the saved run {path}: {error}") from error
