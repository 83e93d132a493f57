"""What the two import commands share: read a file, run the import, report."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from funding.importers import run_import

NO_SUCH_USER = "No active user {username}: --as names the account the import is made by."


class ImportCommand(BaseCommand):
    kind = ""
    noun = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV or XLSX file whose first row names the columns.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report, saving nothing.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Import in this person's name, as the import page would for them: "
            "approved and contracted allocations need someone the organisation settings "
            "let approve directly. Without it, allocations are recorded as proposed only.",
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
        result = run_import(kind=self.kind, content=path.read_bytes(), by=by, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s) in {path.name}: nothing was saved.")
        for row in result.planned:
            self.stdout.write(f"row {row.row}: {row.action} {row.summary}")
        verb = "would be imported (dry run: nothing saved)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"{len(result.planned)} {self.noun} {verb}."))
