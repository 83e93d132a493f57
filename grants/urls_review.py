"""The reviewers' pages: the applications assigned to them, their declarations and scores."""

from django.urls import path

from . import views_review

app_name = "grants_review"

urlpatterns = [
    path("", views_review.review_list, name="reviews"),
    path("<int:pk>/", views_review.review, name="review"),
    path("<int:pk>/declare/", views_review.declare, name="declare"),
    path(
        "<int:pk>/documents/<int:document>/",
        views_review.document,
        name="document",
    ),
    # The link e-mailed to a new external reviewer: set a password, then sign in.
    path("welcome/<uidb64>/<token>/", views_review.welcome, name="welcome"),
]
