"""Check every published PDF against its SHA-256, every signed record against its
signatures and every published record against its snapshot; exit 1 naming each
mismatch."""

from django.core.management.base import BaseCommand, CommandError

from decisions.integrity import verify_records


class Command(BaseCommand):
    help = (
        "Verify that every published PDF matches its stored SHA-256, that no submitted "
        "or signed decision record differs from what was signed, and that no published "
        "record differs from what was published (run after a restore)."
    )

    def handle(self, *args, **options):
        report = verify_records()
        for problem in report.problems:
            self.stderr.write(problem)
        summary = (
            f"{report.documents_checked} published PDFs and "
            f"{report.records_checked} submitted or signed records checked"
        )
        if not report.ok:
            raise CommandError(f"{summary}: {len(report.problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS(f"{summary}: all verify."))
