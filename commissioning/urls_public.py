from django.urls import path

from . import public

# Included at the site's root without a namespace: the published address and its URL
# name stay as they are linked from outside.
urlpatterns = [
    path("open-data/contracts.csv", public.contracts_csv, name="open_data_contracts_csv"),
    path(
        "transparency/contracts/documents/<int:pk>/",
        public.contract_document,
        name="transparency_contract_document",
    ),
]
