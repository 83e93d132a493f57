from django.urls import path

from . import transparency_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("commissioning/<slug:year>/", views.commissioning, name="commissioning"),
    path("commissioning/<slug:year>.pdf", views.commissioning_pdf, name="commissioning_pdf"),
    path(
        "commissioning/<slug:year>/pdf-job/",
        views.commissioning_pdf_job,
        name="commissioning_pdf_job",
    ),
    path("commissioning/<slug:year>/introduction/", views.narrative_save, name="narrative"),
    path("grants-by-theme/<slug:year>/", views.themes, name="themes"),
    path("decisions/", views.decisions, name="decisions"),
    path("transparency/", transparency_views.gaps, name="transparency"),
]
