"""The contracts register as open data.

Police and crime commissioners publish each contract worth more than £10,000
(the Elected Local Policing Bodies (Specified Information) Order 2011); staff see
every agreement in the register at /commissioning/contracts/.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from pcc_grants.downloads import download
from pcc_grants.uploads import document_response

from .models import AgreementDocument
from .selectors import contract_rows, contracts_register


@login_not_required
@require_safe
def contracts_csv(request: HttpRequest) -> HttpResponse:
    """Every agreement over £10,000, one row each, in the staff register's columns."""
    agreements = contracts_register(band="over")
    return download(contract_rows(agreements), filename="contracts-register", file_format="csv")


@login_not_required
@require_safe
def contract_document(request: HttpRequest, pk: int) -> FileResponse:
    """The public copy of a contract, once staff have published it; nothing else."""
    document = get_object_or_404(AgreementDocument, pk=pk, published_at__isnull=False)
    return document_response(document)
