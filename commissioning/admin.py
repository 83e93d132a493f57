from django.contrib import admin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "provider_type", "is_active")
    list_filter = ("provider_type", "is_active")
    search_fields = ("name",)
