"""The contracts register as open data.

Police and crime commissioners publish each contract worth more than £10,000
(the Elected Local Policing Bodies (Specified Information) Order 2011); staff see
every agreement in the register at /commissioning/contracts/.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from pcc_grants.downloads import download

from .selectors import contract_rows, contracts_register


@login_not_required
@require_safe
def contracts_csv(request: HttpRequest) -> HttpResponse:
    """Every agreement over £10,000, one row each, in the staff register's columns."""
    agreements = contracts_register(band="over")
    return download(contract_rows(agreements), filename="contracts-register", file_format="csv")
