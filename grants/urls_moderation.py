"""Staff pages of grant rounds: moderation, and the round summary for the panel."""

from django.urls import path

from . import views_moderation

urlpatterns = [
    path("<int:pk>/moderation/", views_moderation.round_moderation, name="round_moderation"),
    path(
        "<int:pk>/ranking.<str:file_format>",
        views_moderation.ranking_export,
        name="ranking_export",
    ),
    path("<int:pk>/summary/", views_moderation.round_summary, name="round_summary"),
    path("<int:pk>/summary.pdf", views_moderation.round_summary_pdf, name="round_summary_pdf"),
]
