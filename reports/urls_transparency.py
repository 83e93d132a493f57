from django.urls import path

from . import transparency_views as views

app_name = "transparency"

# Public, at /transparency/: the page and its lists as CSV.
urlpatterns = [
    path("", views.page, name="page"),
    path(
        "crime-and-disorder-reduction-grants.csv",
        views.grants_csv,
        name="grants_csv",
    ),
    path("contracts-over-10000.csv", views.contracts_over_csv, name="contracts_over_csv"),
    path("contracts-10000-or-less.csv", views.contracts_under_csv, name="contracts_under_csv"),
    path(
        "significant-public-interest-decisions.csv",
        views.decisions_csv,
        name="decisions_csv",
    ),
]
