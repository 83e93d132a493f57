from django.urls import path

from . import views

# No app_name: the front page keeps the URL name ``home`` that the templates, the
# sign-in and sign-out redirects (LOGIN_REDIRECT_URL) and the 403 page use.
urlpatterns = [
    path("", views.home, name="home"),
]
