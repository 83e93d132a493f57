from django.urls import path

from . import transparency_views as views

# Public, at /transparency/, included without a namespace as the other published
# addresses are: the page and its lists as CSV.
urlpatterns = [
    path("", views.page, name="transparency"),
    path(
        "crime-and-disorder-reduction-grants.csv",
        views.grants_csv,
        name="transparency_grants_csv",
    ),
    path(
        "contracts-over-10000.csv",
        views.contracts_over_csv,
        name="transparency_contracts_over_csv",
    ),
    path(
        "contracts-10000-or-less.csv",
        views.contracts_under_csv,
        name="transparency_contracts_under_csv",
    ),
    path(
        "significant-public-interest-decisions.csv",
        views.decisions_csv,
        name="transparency_decisions_csv",
    ),
]
