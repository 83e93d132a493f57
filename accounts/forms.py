from django import forms

CODE_WIDGET = forms.TextInput(
    attrs={
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "autocapitalize": "none",
        "spellcheck": "false",
        "class": "form-control code-input",
    }
)


def code_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=40, widget=CODE_WIDGET, help_text=help_text)


class VerifyForm(forms.Form):
    code = code_field(
        "Code",
        "The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )


class AuthenticatorForm(forms.Form):
    code = code_field("Code from the app", "The 6-digit code the app shows for this account.")
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
