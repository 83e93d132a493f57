"""Jobs in the admin: read only, for an administrator to see what is queued, what
failed and why (a mail server that refused, say). The queue's own rows stay out of
the admin: a job's row says all that a person needs, whatever backend runs it."""

from django.contrib import admin

from pcc_grants.admin import ReadOnlyAdminMixin

from .models import Job

try:
    from django_tasks_db.models import DBTaskResult
except ImportError:  # another backend is installed instead
    DBTaskResult = None

if DBTaskResult is not None and admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "done",
        "total",
        "attempts",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("title", "error")
    exclude = ("params",)  # e-mail bodies and the like: the job's page shows the result
