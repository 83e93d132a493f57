"""Say whether a PDF is a published record, byte for byte, with its seal intact; exit 1
when it is not."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.timezone import localtime

from decisions.verification import NO_MATCH, verify_pdf


class Command(BaseCommand):
    help = (
        "Check a PDF against the published records (by SHA-256, the PDFs as published "
        "and their sealed copies) and check its seal; exit 1 when it is not, byte for "
        "byte, a published record with its seal (if it was sealed) intact."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PDF to check.")

    def handle(self, *args, file: str, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from error
        if not data.startswith(b"%PDF-"):
            raise CommandError(f"{file}: not a PDF (it does not begin with %PDF-).")
        verdict = verify_pdf(data)
        self.stdout.write(f"{file}")
        self.stdout.write(f"  SHA-256: {verdict.sha256} ({verdict.size} bytes)")
        match, signature = verdict.match, verdict.signature
        if match:
            which = (
                "its sealed copy"
                if match.is_sealed_copy
                else "the PDF as published" + ("" if match.sealed else ", before sealing")
            )
            url = settings.SITE_URL + reverse("register:detail", args=[match.snapshot.slug])
            self.stdout.write(
                f"  Published record: {match.snapshot.reference} “{match.snapshot.title}”, "
                f"published {localtime(match.document.published_at):%Y-%m-%d} ({which}): {url}"
            )
        else:
            self.stdout.write(f"  {NO_MATCH}")
        if signature.sealed:
            at = signature.signed_at and localtime(signature.signed_at)
            when = f", signed {at:%Y-%m-%d %H:%M %Z}" if at else ""
            when += ", time-stamped" if signature.time_stamped else ""
            whole = "it covers the whole file"
            self.stdout.write(f"  Seal: intact, by {signature.signer}{when}; {whole}.")
        else:
            self.stdout.write(f"  {signature.verdict}")
        if not verdict.ok:
            raise CommandError(f"{file}: not an intact published record.")
        self.stdout.write(self.style.SUCCESS("  An intact published record."))
