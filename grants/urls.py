"""Staff pages for grant rounds: setting them up, running them, screening applications."""

from django.urls import include, path

from . import views_staff

app_name = "grants"

urlpatterns = [
    path("", views_staff.round_list, name="rounds"),
    path("new/", views_staff.round_new, name="round_new"),
    path("<int:pk>/", views_staff.round_detail, name="round"),
    path("<int:pk>/edit/", views_staff.round_edit, name="round_edit"),
    path("<int:pk>/act/<slug:action>/", views_staff.round_act, name="round_act"),
    path("<int:pk>/extend/", views_staff.round_extend, name="round_extend"),
    path(
        "<int:pk>/applications.<str:file_format>",
        views_staff.round_export,
        name="round_export",
    ),
    path("applications/<int:pk>/", views_staff.application, name="application"),
    path(
        "applications/<int:pk>/screen/",
        views_staff.application_screen,
        name="application_screen",
    ),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        views_staff.application_document,
        name="application_document",
    ),
    # The review, the panel and the decision, each in a module of its own.
    path("", include("grants.urls_reviewing")),
    path("", include("grants.urls_moderation")),
    path("", include("grants.urls_importing")),
    path("", include("grants.urls_panel")),
    path("", include("grants.urls_letters")),
    path("join-requests/", views_staff.join_requests, name="join_requests"),
    path(
        "join-requests/<int:pk>/answer/",
        views_staff.join_request_answer,
        name="join_request_answer",
    ),
]
