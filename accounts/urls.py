from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/authenticator/", views.authenticator, name="authenticator"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/<str:kind>/<int:pk>/remove/", views.device_remove, name="device_remove"),
    path("login/code/", views.verify, name="verify"),
    path("two-factor/reset/<int:pk>/", views.reset, name="reset"),
]
