from django.urls import path

from . import public, verification

app_name = "register"

urlpatterns = [
    path("", public.register, name="list"),
    # Before the records: a reference always has a number, so no record is "verify"
    # or "expected".
    path("verify/", verification.verify, name="verify"),
    path("expected/", public.forward_plan, name="expected"),
    path("<slug:slug>/", public.register_detail, name="detail"),
    path("<slug:slug>.pdf", public.register_pdf, name="pdf"),
]
