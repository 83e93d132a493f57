"""Decision records are read in the admin, never edited there: every change goes
through the workflow, whose services check state, role and signatures."""

from django.contrib import admin

from pcc_grants.admin import ReadOnlyAdminMixin

from .models import Decision, DecisionEvent, ReferenceCounter, SignOff


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "status", "category", "decision_date")
    list_filter = ("status", "category")
    search_fields = ("reference", "title")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ("decision", "step", "name", "signed_at", "on_paper", "void")
    exclude = ("scan",)


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdmin):
    list_display = ("decision", "action", "actor_name", "at")


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    """An administrator may set where a series starts (e.g. continuing from paper
    records); numbers already given are never taken back."""

    list_display = ("series", "year", "last_number")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
