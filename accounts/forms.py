from django import forms

from pcc_grants.forms import code_field


class VerifyForm(forms.Form):
    code = code_field(
        "Code",
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )


class AuthenticatorForm(forms.Form):
    code = code_field(
        "Code from the app", help_text="The 6-digit code the app shows for this account."
    )
    name = forms.CharField(
        label="A name for this app (optional)",
        max_length=64,
        required=False,
        help_text="For example “Work phone”, so you can tell your devices apart.",
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Why are the devices being reset?",
        max_length=500,
        error_messages={"required": "Say why the devices are being reset (for the audit trail)."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example “Phone lost; identity checked in person by J. Smith”. "
        "Kept in the account's security history.",
    )
