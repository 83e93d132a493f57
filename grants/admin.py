"""Grant rounds, organisations and applications change in the app, through the services
that check their rules (a round's limits, a submitted application's freeze); the admin
lists them for administrators and changes nothing."""

from django.contrib import admin

from pcc_grants.admin import ReadOnlyAdminMixin

from .models import (
    Application,
    ApplicationDocument,
    GrantRound,
    JoinRequest,
    Membership,
    Organisation,
    RoundEvent,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(GrantRound)
class GrantRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "funding_stream", "status", "opens_at", "closes_at", "budget")
    list_filter = ("status",)
    list_select_related = ("funding_stream",)


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdmin):
    list_display = ("grant_round", "label", "by", "at")
    list_select_related = ("grant_round", "by")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "charity_number", "company_number", "provider")
    search_fields = ("name", "charity_number", "company_number")
    list_select_related = ("provider",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "job_title", "joined_at")
    list_select_related = ("user", "organisation")


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "status", "requested_at")
    list_select_related = ("user", "organisation")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "organisation", "grant_round", "status", "screening")
    list_filter = ("status", "screening", "grant_round")
    search_fields = ("reference", "title", "organisation__name")
    list_select_related = ("organisation", "grant_round")


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "application", "size", "uploaded_at")
    # The file itself is downloaded through the app, which checks who is asking.
    exclude = ("file",)
