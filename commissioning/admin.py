"""Providers and agreements are edited in the app, through the services that check
their rules (duplicates, single tender grounds, pooled shares, documents); the
admin lists them for administrators."""

from django.contrib import admin

from pcc_grants.admin import ReadOnlyAdminMixin

from .models import Agreement, AgreementDocument, MonitoringReturn, Provider


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ("name", "provider_type", "org_id", "is_vcse", "is_sme", "is_active")
    list_filter = ("provider_type", "is_active", "is_vcse", "is_sme")
    search_fields = ("name", "charity_number", "company_number", "org_id")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "provider", "route", "total_value", "status")
    list_filter = ("route", "status", "monitoring_frequency")
    search_fields = ("reference", "title", "provider__name")
    list_select_related = ("provider",)


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "agreement", "size", "uploaded_by", "uploaded_at")
    # The file itself is downloaded through the app, which checks who is asking.
    exclude = ("file",)


@admin.register(MonitoringReturn)
class MonitoringReturnAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "period_start", "period_end", "due_date", "received_date", "rag")
    list_filter = ("rag",)
    list_select_related = ("agreement",)
