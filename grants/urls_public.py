"""The public face of grant rounds (no sign-in): the rounds open and to come, and the
way in for applicants (registering and verifying an e-mail address)."""

from django.urls import path

from . import views_account, views_public

app_name = "grants_public"

urlpatterns = [
    path("rounds/", views_public.round_list, name="rounds"),
    path("rounds/<slug:slug>/", views_public.round_detail, name="round"),
    path("apply/register/", views_account.register, name="register"),
    path("apply/register/sent/", views_account.register_sent, name="register_sent"),
    path("apply/verify/<str:token>/", views_account.verify, name="verify"),
    path("apply/verify/", views_account.send_link_again, name="send_link_again"),
]
