"""The contracts register as open data.

Police and crime commissioners publish each contract worth more than £10,000
(the Elected Local Policing Bodies (Specified Information) Order 2011); staff see
every agreement in the register at /commissioning/contracts/.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from pcc_grants.built_files import built_files_invalidate, fingerprint, kept_response
from pcc_grants.downloads import CSV_TYPE, csv_bytes
from pcc_grants.uploads import document_response

from .models import AgreementDocument
from .selectors import contract_rows, contracts_register

CONTRACTS_FILE = "contracts.csv"


def contracts_csv_bytes() -> bytes:
    """contracts.csv as built from the register: what the file kept must equal."""
    return csv_bytes(contract_rows(contracts_register(band="over")))


def contracts_key(band: str = "over") -> str:
    """What a contracts file reads of the agreements in ``band``, in one query: how
    many, the sum and largest of their ids, when the last changed. Their providers'
    rows are not counted: saving one drops the files (``apps.py``)."""
    seen = (
        contracts_register(band=band)
        .order_by()
        .aggregate(
            agreements=Count("pk"), ids=Sum("pk"), last=Max("pk"), changed=Max("updated_at")
        )
    )
    return fingerprint(band, sorted(seen.items()))


@login_not_required
@require_safe
def contracts_csv(request: HttpRequest) -> HttpResponse:
    """Every agreement over £10,000, one row each, in the staff register's columns;
    kept until the agreements change (pcc_grants.built_files)."""
    return kept_response(
        request,
        name=CONTRACTS_FILE,
        key=contracts_key(),
        build=contracts_csv_bytes,
        content_type=CSV_TYPE,
        filename="contracts-register.csv",
    )


@login_not_required
@require_safe
def contract_document(request: HttpRequest, pk: int) -> FileResponse:
    """The public copy of a contract, once staff have published it; nothing else."""
    document = get_object_or_404(AgreementDocument, pk=pk, published_at__isnull=False)
    return document_response(document)


# Every file that lists agreements with their providers' names and numbers.
CONTRACTS_FILES = [
    CONTRACTS_FILE,
    "transparency-contracts-over.csv",
    "transparency-contracts-under.csv",
    "transparency-page.html",
]


def contracts_files_invalidate(**kwargs) -> None:
    """Receiver of post_save and post_delete of a provider: the files that name one."""
    built_files_invalidate(names=CONTRACTS_FILES)
