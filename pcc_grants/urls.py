from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from commissioning import public as commissioning_public
from decisions import public as decisions_public
from reports import views as reports_views

from . import views

admin.site.site_header = "PCC Grants administration"
admin.site.site_title = "PCC Grants"

handler400 = "pcc_grants.views.bad_request"
handler403 = "pcc_grants.views.permission_denied"

urlpatterns = [
    path("", include("dashboard.urls")),
    path("health/", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("reports/", include("reports.urls")),
    path("grants/", reports_views.grants_register, name="grants_register"),
    path("open-data/grants.json", reports_views.grants_json, name="open_data_grants_json"),
    path("open-data/grants.csv", reports_views.grants_csv, name="open_data_grants_csv"),
    path(
        "open-data/contracts.csv",
        commissioning_public.contracts_csv,
        name="open_data_contracts_csv",
    ),
    path(
        "open-data/decisions.json",
        decisions_public.open_data_decisions,
        name="open_data_decisions",
    ),
    path("admin/", admin.site.urls),
]
