from django.urls import path

from . import views

# Included at the site's root without a namespace: the published addresses and their
# URL names (grants_register, open_data_grants_json, open_data_grants_csv) stay as
# they are linked from outside.
urlpatterns = [
    path("grants/", views.grants_register, name="grants_register"),
    path("open-data/grants.json", views.grants_json, name="open_data_grants_json"),
    path("open-data/grants.csv", views.grants_csv, name="open_data_grants_csv"),
]
