from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import SignInForm

admin.site.site_header = "PCC Grants administration"
admin.site.site_title = "PCC Grants"

handler400 = "pcc_grants.views.bad_request"
handler403 = "pcc_grants.views.permission_denied"

# The apps are named by their URL modules only: the ground floor imports no app.
urlpatterns = [
    path("", include("dashboard.urls")),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("accounts/passkeys/", include(("accounts.urls_passkeys", "otp_webauthn"))),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("funding/", include("funding.urls")),
    path("commissioning/", include("commissioning.urls")),
    path("staff/decisions/", include("decisions.urls")),
    path("decisions/", include("decisions.urls_public")),
    path("staff/rounds/", include("grants.urls")),
    path("apply/", include("grants.urls_apply")),
    path("review/", include("grants.urls_review")),
    path("", include("grants.urls_public")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("transparency/", include("reports.urls_transparency")),
    # The public grants register and the open data, at the addresses published.
    path("", include("reports.urls_public")),
    path("", include("commissioning.urls_public")),
    path("", include("decisions.urls_open_data")),
    path("admin/", admin.site.urls),
]
