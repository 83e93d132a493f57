"""The public pages the home page links to, and nothing else: no transparency page."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("decisions/", include("decisions.urls_public")),
    path("", include("reports.urls_public")),
    path("", include("commissioning.urls_public")),
    path("", include("decisions.urls_open_data")),
]
