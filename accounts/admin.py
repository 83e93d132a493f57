from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from pcc_grants.admin import ReadOnlyAdminMixin
from pcc_grants.admin import UserAdmin as BaseUserAdmin
from pcc_grants.models import User

from . import services
from .models import SecurityEvent

admin.site.unregister(User)
# Second factors change only through the account page and the audited reset: the
# libraries' own admin pages (which would let an administrator give someone a device
# whose key they know, unrecorded) are not offered.
for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The users, each with their second factors and the reset an administrator makes
    when someone loses theirs."""

    readonly_fields = (*BaseUserAdmin.readonly_fields, "two_factor")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Two-factor authentication", {"fields": ("two_factor",)}),
    )

    @admin.display(description="Second factors")
    def two_factor(self, user) -> str:
        if not user.pk:
            return "—"
        devices = services.authenticators(user)
        names = ", ".join(device.name or "Passkey" for device in devices) or "none"
        return format_html(
            '{} · {} recovery codes left · <a href="{}">Reset two-factor authentication</a>',
            names,
            services.recovery_codes_left(user),
            reverse("accounts:reset", args=[user.pk]),
        )


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "by_name", "detail")
    list_filter = ("action",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "by_name")
    list_select_related = ("user",)
