"""Give every PDF published before sealing a sealed copy, kept beside the original."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from decisions.models import PublishedDocument
from decisions.publication import organisation_seal, published_document_seal


class Command(BaseCommand):
    help = (
        "Store a sealed copy beside every PDF published before sealing (the original and "
        "its SHA-256 are kept); records already sealed are left as they are, so running "
        "it again does nothing more."
    )

    def handle(self, *args, **options):
        try:
            with_seal = organisation_seal()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        waiting = (
            PublishedDocument.objects.filter(sealed=False, sealed_copy="")
            .select_related("decision")
            .order_by("pk")
        )
        sealed, refused = 0, []
        for document in waiting.iterator(chunk_size=200):
            try:
                document = published_document_seal(document=document, with_seal=with_seal)
            except ValidationError as error:
                refused += error.messages
                continue
            except FileNotFoundError:
                refused.append(
                    f"{document.decision.reference}: the published PDF {document.file.name} "
                    "is missing, so it was not sealed."
                )
                continue
            sealed += 1
            self.stdout.write(
                f"  {document.decision.reference}: sealed copy {document.sealed_copy_sha256}"
            )
        for problem in refused:
            self.stderr.write(problem)
        summary = f"{sealed} published PDF{'s' if sealed != 1 else ''} given a sealed copy"
        if refused:
            raise CommandError(f"{summary}; {len(refused)} refused.")
        self.stdout.write(self.style.SUCCESS(f"{summary}."))
