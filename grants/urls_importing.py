"""Staff pages of grant rounds: importing a past or paper round."""

from django.urls import path

from . import views_importing

urlpatterns = [
    path("import/", views_importing.round_import_upload, name="round_import"),
    path("import/confirm/", views_importing.round_import_confirm, name="round_import_confirm"),
    path(
        "import/template.xlsx",
        views_importing.round_import_template,
        name="round_import_template",
    ),
]
