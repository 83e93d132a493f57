from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/suggest/", views.provider_suggest, name="provider_suggest"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:pk>/allocations/",
        views.agreement_allocations,
        name="agreement_allocations",
    ),
    path("agreements/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/publish/", views.document_publish, name="document_publish"),
    path("returns/", views.return_list, name="return_list"),
    path("returns/<int:pk>/", views.return_record, name="return_record"),
    path("contracts/", views.contracts, name="contracts"),
]
