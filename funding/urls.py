from django.urls import path

from . import views, views_imports

app_name = "funding"

urlpatterns = [
    path("", views.stream_list, name="stream_list"),
    path("streams/new/", views.stream_create, name="stream_create"),
    path("streams/<int:pk>/", views.stream_detail, name="stream_detail"),
    path("streams/<int:pk>/edit/", views.stream_edit, name="stream_edit"),
    path("allocations/", views.allocation_list, name="allocation_list"),
    path("allocations/new/", views.allocation_create, name="allocation_create"),
    path("allocations/export/", views.allocation_export, name="allocation_export"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/edit/", views.allocation_edit, name="allocation_edit"),
    path(
        "allocations/<int:pk>/<slug:action>/",
        views.allocation_action,
        name="allocation_action",
    ),
    path("position/", views.position_current, name="position_current"),
    path("position/<slug:year>/", views.position, name="position"),
    path("position/<slug:year>.pdf", views.position_pdf, name="position_pdf"),
    path("import/", views_imports.import_upload, name="import"),
    path("import/confirm/", views_imports.import_confirm, name="import_confirm"),
    path("import/template/<str:kind>.xlsx", views_imports.import_template, name="import_template"),
]
