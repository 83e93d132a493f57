from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/status/", views.job_status, name="status"),
    path("<uuid:pk>/download/", views.job_download, name="download"),
]
