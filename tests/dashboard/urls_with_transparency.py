"""The public pages with a transparency page, as the site has once it publishes one."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from .urls_public_only import urlpatterns as public

urlpatterns = [
    *public,
    path(
        "transparency/",
        login_not_required(lambda request: HttpResponse("Transparency")),
        name="transparency",
    ),
]
