"""The site's URLs and the benchmark's floor (``floor.py``): used only while the
benchmark runs, never as the site's URL configuration."""

from django.urls import path

from pcc_grants.urls import handler400, handler403
from pcc_grants.urls import urlpatterns as site_urlpatterns

from .floor import FLOOR_URL_NAME, floor

__all__ = ["handler400", "handler403", "urlpatterns"]

urlpatterns = [
    *site_urlpatterns,
    path("__bench__/floor/", floor, name=FLOOR_URL_NAME),
]
