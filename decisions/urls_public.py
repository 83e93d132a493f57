from django.urls import path

from . import public

app_name = "register"

urlpatterns = [
    path("", public.register, name="list"),
    path("<slug:slug>/", public.register_detail, name="detail"),
    path("<slug:slug>.pdf", public.register_pdf, name="pdf"),
]
