"""``python manage.py import_round FILE.xlsx [--dry-run] [--as USERNAME]``: a past or
paper round from a workbook, all or nothing (docs/grants.md, "Importing a past round")."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from grants.importing import round_import

NO_SUCH_USER = "No active user {username}: --as names the account the import is made by."


class Command(BaseCommand):
    help = (
        "Import a past or paper grant round from an Excel workbook with the sheets round "
        "(field, value), criteria, applications and reviews. All or nothing: every "
        "problem is listed by sheet, row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An XLSX workbook (see docs/grants.md).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything and report, saving nothing."
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Record the import as made by this person; without it, by the inactive "
            "account “imported-records”.",
        )

    def handle(self, *args, file: str, dry_run: bool, username: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        by = None
        if username is not None:
            by = get_user_model().objects.filter(username=username, is_active=True).first()
            if by is None:
                raise CommandError(NO_SUCH_USER.format(username=username))
        summary = round_import(content=path.read_bytes(), by=by, dry_run=dry_run, source=path.name)
        if not summary.ok:
            for problem in summary.problems:
                self.stderr.write(str(problem))
            count = len(summary.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path.name}: nothing was saved."
            )
        for line in summary.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The round “{summary.round_name}” would be imported (dry run: nothing saved)."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported the round “{summary.round_name}” from {path.name}.")
            )
