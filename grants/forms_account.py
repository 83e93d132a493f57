"""The forms of an applicant's account: registering, an organisation, asking to join."""

from django import forms

from commissioning.models import ProviderType
from pcc_grants.forms import BoundedInputMixin

PASSWORDS_DIFFER = "Enter the same password twice: the two you entered are different."
ENTER_SOMETHING = "Enter a charity number, company number or name to search for"


class RegisterForm(BoundedInputMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We send a link to this address; you sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        help_text=(
            "At least 8 characters, not all numbers and not a common password: "
            "three random words work well."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER)
        return data


class OrganisationForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label="Organisation name", max_length=255)
    organisation_type = forms.ChoiceField(
        label="Type of organisation", choices=ProviderType.choices, initial=ProviderType.CHARITY
    )
    charity_number = forms.CharField(
        label="Charity number",
        max_length=12,
        required=False,
        help_text="If it is a registered charity, for example 1155789.",
    )
    company_number = forms.CharField(
        label="Company number",
        max_length=8,
        required=False,
        help_text="If it is registered at Companies House, for example 07123456.",
    )
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    job_title = forms.CharField(
        label="Your job title",
        max_length=100,
        required=False,
        help_text="For example: project lead, finance contact.",
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    SERVICE_FIELDS = (
        "name",
        "organisation_type",
        "charity_number",
        "company_number",
        "address",
        "postcode",
        "job_title",
    )


class OrganisationSearchForm(BoundedInputMixin, forms.Form):
    q = forms.CharField(
        label="Charity number, company number or name",
        max_length=255,
        error_messages={"required": ENTER_SOMETHING},
    )


class JoinForm(BoundedInputMixin, forms.Form):
    job_title = forms.CharField(
        label="Your job title",
        max_length=100,
        required=False,
        help_text="For example: project lead, finance contact.",
    )
    message = forms.CharField(
        label="A message for the members (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendLinkAgainForm(BoundedInputMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you registered with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
