"""An applicant's own pages: their account, organisations and applications."""

from django.urls import include, path

from . import views_account, views_apply

app_name = "grants_apply"

urlpatterns = [
    path("", include("grants.urls_apply_offers")),
    path("", views_account.account, name="account"),
    path("organisations/new/", views_account.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views_account.organisation, name="organisation"),
    path(
        "organisations/<int:pk>/join/", views_account.organisation_join, name="organisation_join"
    ),
    path(
        "requests/<int:pk>/answer/",
        views_account.join_request_answer,
        name="join_request_answer",
    ),
    path("rounds/<slug:slug>/start/", views_apply.start, name="start"),
    path("applications/<int:pk>/", views_apply.application, name="application"),
    path("applications/<int:pk>/check/", views_apply.check, name="check"),
    path("applications/<int:pk>/withdraw/", views_apply.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        views_apply.document,
        name="document",
    ),
    path(
        "applications/<int:pk>/documents/<int:document>/remove/",
        views_apply.document_remove,
        name="document_remove",
    ),
    path("applications/<int:pk>/<slug:section>/", views_apply.section, name="section"),
]
