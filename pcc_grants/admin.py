from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import OrganisationSettings, User
from .money import MoneyFormField
from .roles import DELEGABLE_APPROVERS, PAPER_RECORDER_CHOICES, TWO_FACTOR_ROLE_CHOICES


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Documents", {"fields": ("job_title",)}),
    )
    list_display = ("username", "first_name", "last_name", "job_title", "is_active")
    list_filter = ("groups", "is_active", "is_staff")


ORGANISATION_FIELDSETS = (
    (None, {"fields": ("name", "short_name")}),
    (
        "Titles",
        {
            "fields": (
                "decision_maker_title",
                "chief_executive_title",
                "chief_finance_officer_title",
                "monitoring_officer_title",
            )
        },
    ),
    (
        "Signature statements",
        {
            "fields": (
                "officer_approval_statement",
                "decision_maker_statement",
                "monitoring_officer_statement",
            )
        },
    ),
    ("Open data", {"fields": ("org_id", "open_data_prefix", "area_name", "area_code")}),
    (
        "Decision reference numbers",
        {"fields": ("decision_reference_pattern", "delegated_reference_pattern")},
    ),
    (
        "Delegated approval",
        {
            "description": "Money is committed by a decision record, or by a direct "
            "approval that these settings allow.",
            "fields": ("delegated_approval_roles", "delegated_approval_limit"),
        },
    ),
    ("Signatures made on paper", {"fields": ("paper_recorder_roles",)}),
    ("Two-factor authentication", {"fields": ("two_factor_roles", "signing_credentials")}),
    (
        "Grant rounds' letters",
        {
            "description": "The templates of the letters to applicants once a round is "
            "decided; each lists the {placeholders} it fills. Staff may still edit a letter "
            "before it is sent.",
            "fields": (
                "offer_letter_template",
                "offer_terms_template",
                "outcome_letter_template",
            ),
        },
    ),
)


def _roles_field(label: str, choices, field: str) -> forms.MultipleChoiceField:
    """A settings list of roles, as boxes to tick."""
    return forms.MultipleChoiceField(
        label=label,
        choices=[(role.value, role.label) for role in choices],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=OrganisationSettings._meta.get_field(field).help_text,
    )


class OrganisationSettingsForm(forms.ModelForm):
    """The roles as boxes to tick and the limit as money (``£25,000``), not as JSON."""

    delegated_approval_roles = _roles_field(
        "Roles that may approve an allocation directly",
        DELEGABLE_APPROVERS,
        "delegated_approval_roles",
    )
    paper_recorder_roles = _roles_field(
        "Roles that may record a signature made on paper",
        PAPER_RECORDER_CHOICES,
        "paper_recorder_roles",
    )
    two_factor_roles = _roles_field(
        "Roles that must use two-factor authentication",
        TWO_FACTOR_ROLE_CHOICES,
        "two_factor_roles",
    )
    delegated_approval_limit = MoneyFormField(
        label="Largest direct approval",
        required=False,
        help_text=OrganisationSettings._meta.get_field("delegated_approval_limit").help_text,
    )

    class Meta:
        model = OrganisationSettings
        fields = [name for _, options in ORGANISATION_FIELDSETS for name in options["fields"]]


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(admin.ModelAdmin):
    form = OrganisationSettingsForm
    fieldsets = ORGANISATION_FIELDSETS

    def has_add_permission(self, request) -> bool:
        return not OrganisationSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdminMixin:
    """For records whose every change goes through service functions: the admin
    shows them and offers only the actions those services back."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
