from django.urls import path

from . import drafting, views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("new/", drafting.decision_create, name="create"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/edit/", drafting.decision_edit, name="edit"),
    path("<int:pk>/record.pdf", views.decision_pdf, name="pdf"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]

urlpatterns += [
    path("<int:pk>/act/<slug:action>/", views.decision_act, name="act"),
    path(
        "<int:pk>/publication/preview.pdf",
        views.publication_preview_pdf,
        name="publication_preview_pdf",
    ),
    path("<int:pk>/paper/<slug:action>/", views.decision_paper, name="paper"),
    path("<int:pk>/comment/<slug:kind>/", views.decision_comment, name="comment"),
]
