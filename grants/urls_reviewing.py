"""Staff pages of grant rounds: reviewing."""

from django.urls import path

from . import views_reviewing

urlpatterns = [
    path("reviewers/", views_reviewing.reviewers, name="reviewers"),
    path("reviewers/new/", views_reviewing.reviewer_new, name="reviewer_new"),
    path("reviewers/staff/", views_reviewing.reviewer_staff, name="reviewer_staff"),
    path("<int:pk>/reviewers/", views_reviewing.round_reviewers, name="round_reviewers"),
    path("<int:pk>/reviewers/assign/", views_reviewing.round_assign, name="round_assign"),
    path(
        "<int:pk>/reviewers/assign-one/",
        views_reviewing.application_assign,
        name="application_assign",
    ),
    path("reviews/<int:pk>/reopen/", views_reviewing.review_reopen, name="review_reopen"),
]
