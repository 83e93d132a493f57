from crispy_forms.helper import FormHelper
from django import forms

from funding.models import Allocation, FundingStream
from pcc_grants.field_html import PLAIN_WIDGETS
from pcc_grants.filters import SearchField
from pcc_grants.forms import (
    BoundedFormSet,
    BoundedInputMixin,
    LongSelect,
    bound_input,
    bounded_formset_factory,
    code_field,
)
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.money import MoneyFormField
from pcc_grants.query import as_id, as_year
from pcc_grants.roles import STAFF_ROLES
from pcc_grants.uploads import check_upload
from pcc_grants.years import financial_year_label, parse_financial_year

from .models import IMPLICATIONS, Decision, DecisionCategory, Exemption, PublicationChoice
from .record_view import Section

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

SECTIONS = (
    ("The request", ["category", "title", "executive_summary", "recommendations", "decision"]),
    (
        "Officers",
        [
            "lead_officer",
            "officers_present",
            "contractor_details",
            "date_received",
            "key_discussion_points",
        ],
    ),
    (
        "Implications",
        [name for key, _ in IMPLICATIONS for name in (f"{key}_implications", f"{key}_details")],
    ),
    ("Supporting information", ["supporting_information", "significant_public_interest"]),
    ("Forward plan", ["forward_plan", "expected_decision_month", "forward_plan_summary"]),
)


ALLOCATION_GONE = "An allocation you chose is no longer recorded: choose again."
MONTH_INVALID = "Enter the month as a year and a month, for example 2027-03."
MONTH_FORMATS = ("%Y-%m", "%m/%Y", "%B %Y", "%b %Y", "%Y-%m-%d")


class MonthField(forms.DateField):
    """A month, typed as ``2027-03`` (what a browser's month box sends), ``03/2027``
    or ``March 2027``; the first day of that month."""

    input_formats = MONTH_FORMATS
    default_error_messages = {"invalid": MONTH_INVALID}
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value):
        day = super().to_python(value.strip() if isinstance(value, str) else value)
        return day.replace(day=1) if day else day


class AllocationsField(forms.ModelMultipleChoiceField):
    """Allocations by number; a posted value that is no database integer ("²", or
    one beyond any) is refused as gone before it reaches the database."""

    def _check_values(self, value):
        if any(as_id(str(pk)) is None for pk in value):
            raise forms.ValidationError(ALLOCATION_GONE, code="invalid_pk_value")
        return super()._check_values(value)


class DecisionForm(BoundedInputMixin, forms.ModelForm):
    default_renderer = PLAIN_WIDGETS  # thirty fields and more
    # Chosen on the page from the proposed allocations (``AllocationSearchForm``); the
    # service refuses one held by another record, withdrawn, or approved without a
    # record, naming it.
    allocations = AllocationsField(
        label="Allocations this decision approves",
        queryset=Allocation.objects.all(),
        required=False,
        error_messages={"invalid_choice": ALLOCATION_GONE, "invalid_pk_value": ALLOCATION_GONE},
    )

    class Meta:
        model = Decision
        fields = [name for _, names in SECTIONS for name in names]
        field_classes = {"expected_decision_month": MonthField}
        widgets = {
            "executive_summary": forms.Textarea(attrs={"rows": 6}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
            "officers_present": forms.Textarea(attrs={"rows": 2}),
            "contractor_details": forms.Textarea(attrs={"rows": 2}),
            "key_discussion_points": forms.Textarea(attrs={"rows": 4}),
            "supporting_information": forms.Textarea(attrs={"rows": 8}),
            "date_received": DATE_WIDGET,
            **{f"{key}_details": forms.Textarea(attrs={"rows": 2}) for key, _ in IMPLICATIONS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[r.value for r in STAFF_ROLES])
            .distinct()
            .order_by("first_name", "last_name")
        )
        for key, label in IMPLICATIONS:
            self.fields[f"{key}_implications"].label = f"{label}: this decision has implications"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def _post_clean(self):
        # The service validates the record (implications need details) and saves it.
        pass


class AllocationSearchForm(forms.Form):
    """Finding the proposed allocations a record is to approve: by stream and by
    reference, title or recipient. Posted with the record's form (a "Find" button),
    so that it works without JavaScript and keeps what was typed."""

    prefix = "find"
    default_renderer = PLAIN_WIDGETS

    stream = forms.ModelChoiceField(
        label="Funding stream",
        queryset=FundingStream.objects.none(),
        required=False,
        empty_label="Any stream",
        widget=LongSelect,
    )
    text = forms.CharField(
        label="Reference, title or recipient",
        max_length=100,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stream"].queryset = (
            FundingStream.objects.filter(financial_year__is_closed=False)
            .select_related("financial_year")
            .order_by("-financial_year__start_year", "name")
        )

    def search(self) -> dict:
        """What to look for; a stream that does not exist is taken as any stream."""
        if not self.is_bound or not self.is_valid():
            return {"stream": None, "text": ""}
        return {"stream": self.cleaned_data["stream"], "text": self.cleaned_data["text"]}


class FundingLineForm(BoundedInputMixin, forms.Form):
    item = forms.CharField(label="Item", max_length=500, required=False)
    amount = MoneyFormField(label="Amount", required=False)

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("amount") is None and not self.has_error("amount"):
            self.add_error("amount", "Enter the amount for this line.")
        if data.get("amount") is not None and not data.get("item"):
            self.add_error("item", "Say what this amount is for.")
        return data


class BaseFundingLineFormSet(BoundedFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this line"


FundingLineFormSet = bounded_formset_factory(
    FundingLineForm,
    formset=BaseFundingLineFormSet,
    extra=1,
    can_delete=True,
    renderer=PLAIN_WIDGETS,
)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a document",
        help_text="PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or an image; "
        "at most 10 MB.",
    )


class ActionForm(forms.Form):
    """The form of one workflow step: a password for signed steps, and a comment."""

    default_renderer = PLAIN_WIDGETS

    def __init__(self, transition, *args, settings: OrganisationSettings | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.signed:
            add_signing_fields(self, settings=settings)
        self.fields["comment"] = forms.CharField(
            label="Reason" if transition.comment_required else "Comment (optional)",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=transition.comment_required,
        )
        bound_input(self)


def password_field(label: str = "Your password, to sign") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing asks for your password again, as a wet signature needs your hand.",
        strip=False,
    )


def add_signing_fields(
    form: forms.Form,
    *,
    password_label: str = "Your password, to sign",  # noqa: S107  # nosec B107
    settings: OrganisationSettings | None = None,
):
    """What a signature asks for: the password (unless the organisation settings sign
    with a second factor alone) and a second factor. ``settings``: the organisation
    settings, if the page has read them already."""
    if (settings or OrganisationSettings.load()).signature_needs_password:
        form.fields["password"] = password_field(password_label)
    form.fields["code"] = code_field(
        "Code from your authenticator app",
        required=False,  # a passkey just used stands for it
        help_text="The 6-digit code your app shows now, or a recovery code; or use your "
        "passkey below instead.",
    )


SECTION_FIELDS = ("choice", "exemption", "legislation", "public_interest", "review_date")


class PublicationForm(forms.Form):
    """The Monitoring Officer's choices: for each section of the record
    (``record_view.record_sections``), publish, publish redacted or do not publish,
    with the grounds; and the comment signed with them. The service checks what
    each choice needs; the form only reads what was typed."""

    comment = forms.CharField(
        label="Comment (optional)",
        help_text="Published with your signature.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, sections: list[Section], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            key = section.key
            self.fields[f"{key}_choice"] = forms.ChoiceField(
                label="Publication",
                choices=PublicationChoice.choices,
                widget=forms.RadioSelect,
                initial=PublicationChoice.PUBLISH,
            )
            self.fields[f"{key}_exemption"] = forms.ChoiceField(
                label="Exemption",
                choices=Exemption.choices,
                required=False,
                help_text="Only if it is not published in full.",
            )
            self.fields[f"{key}_legislation"] = forms.CharField(
                label="Legislation", max_length=255, required=False
            )
            self.fields[f"{key}_public_interest"] = forms.CharField(
                label="Public interest reasoning",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields[f"{key}_review_date"] = forms.DateField(
                label="Review date", required=False, widget=DATE_WIDGET
            )
        bound_input(self)

    def section_fields(self):
        """Each section with what it covers and its fields, for the page."""
        return [
            (section, [self[f"{section.key}_{name}"] for name in SECTION_FIELDS])
            for section in self.sections
        ]

    def as_hidden_fields(self) -> list[str]:
        """What was typed, as hidden fields (without ids: the page may hold them
        twice): the preview posts it again, unchanged, to publish or to change it."""
        return [self[name].as_hidden(attrs={"id": False}) for name in self.fields]

    def publication(self) -> dict:
        return {
            section.key: {
                name: self.cleaned_data[f"{section.key}_{name}"] for name in SECTION_FIELDS
            }
            for section in self.sections
        }


class SignForm(forms.Form):
    """The password that signs what the page shows (the publication, once previewed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_signing_fields(self)


SIGNER_NEEDED = "Choose who signed, or give the name and title of a signer with no account."
SIGNER_TWICE = "Choose who signed or give a name, not both."
TITLE_NEEDED = "Give the title of the person who signed."


class PaperSignatureForm(BoundedInputMixin, forms.Form):
    """A signature made on paper, recorded on behalf of the signer. The signer is
    chosen from the users who hold the step's role; one with no account is named."""

    default_renderer = PLAIN_WIDGETS

    signer = forms.ModelChoiceField(
        label="Who signed",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone with no account here",
    )
    name = forms.CharField(
        label="Their name, if they have no account", max_length=150, required=False
    )
    title = forms.CharField(label="Their title", max_length=150, required=False)
    signed_on = forms.DateField(label="Date signed", widget=DATE_WIDGET)
    scan = forms.FileField(label="Scanned copy", help_text="PDF or image of the signed page.")
    comment = forms.CharField(
        label="Comment (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, transition, *args, settings: OrganisationSettings | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        add_signing_fields(
            self,
            password_label="Your password, to record it",  # noqa: S106  # nosec B106
            settings=settings,
        )
        self.fields["signer"].queryset = (
            User.objects.filter(
                is_active=True, groups__name__in=[role.value for role in transition.roles]
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def clean(self):
        data = super().clean()
        signer, name = data.get("signer"), data.get("name", "").strip()
        if signer is None and not name and "name" not in self.errors:
            self.add_error("name", SIGNER_NEEDED)
        elif signer is not None and name:
            self.add_error("name", SIGNER_TWICE)
        elif signer is None and name and not data.get("title", "").strip():
            self.add_error("title", TITLE_NEEDED)
        return data

    def clean_scan(self):
        # Checked here too, so that a wrong or renamed file is named on its field.
        scan = self.cleaned_data["scan"]
        check_upload(scan)
        return scan


class CommentForm(BoundedInputMixin, forms.Form):
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))


# The public register's search and filters ------------------------------------------

NOT_A_YEAR = "“{value}” is not a financial year: choose one from the list, for example {example}."
CALENDAR_YEAR = (
    "{value} is a calendar year: choose a financial year from the list, such as {example}, "
    "which runs from 1 April {value} to 31 March {following}."
)
NO_DECISIONS_IN_YEAR = "The register has no decisions made in {year}: choose a year from the list."
NOT_A_CATEGORY = "“{value}” is not a category of decision: choose one from the list."
NOT_AN_ANSWER = (
    "“{value}” is not an answer to “only decisions of significant public interest”: "
    "tick the box or leave it empty."
)
TICKED = ("yes", "on", "1", "true")
# What a message repeats of a value typed into the address: enough to recognise it.
ECHO_LIMIT = 40


def _echo(value: str) -> str:
    return value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "…"


class RegisterFilterForm(forms.Form):
    """The public register's search and filters, read from the query string. A value it
    cannot apply (a word for a year, a year with no decisions, a category that does not
    exist) is named in a message that says what to choose, and is not applied: the
    boxes show what is. ``years`` are the financial years of the register's records
    (their start years, newest first), which the year filter offers."""

    q = SearchField(label="Search", required=False)
    # Read as a search box is: without NUL bytes, trimmed, at most 200 characters.
    year = SearchField(label="Financial year", required=False)
    category = SearchField(label="Category", required=False)
    significant = SearchField(
        label="Only decisions of significant public interest", required=False
    )

    def __init__(self, *args, years: list[int], **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.years = years

    def year_choices(self) -> list[tuple[str, str]]:
        """Each year as the address writes it (``2016-17``) and as people read it."""
        return [
            (financial_year_label(y, separator="-"), financial_year_label(y)) for y in self.years
        ]

    def clean_year(self) -> int | None:
        value = self.cleaned_data["year"]
        if not value:
            return None
        start = parse_financial_year(value)
        if start is None:
            calendar = as_year(value)
            if calendar is not None:
                raise forms.ValidationError(
                    CALENDAR_YEAR.format(
                        value=calendar,
                        example=financial_year_label(calendar),
                        following=calendar + 1,
                    )
                )
            example = financial_year_label(self.years[0] if self.years else 2016)
            raise forms.ValidationError(NOT_A_YEAR.format(value=_echo(value), example=example))
        if start not in self.years:
            raise forms.ValidationError(
                NO_DECISIONS_IN_YEAR.format(year=financial_year_label(start))
            )
        return start

    def clean_category(self) -> str:
        value = self.cleaned_data["category"]
        if value and value not in DecisionCategory.values:
            raise forms.ValidationError(NOT_A_CATEGORY.format(value=_echo(value)))
        return value

    def clean_significant(self) -> bool:
        value = self.cleaned_data["significant"]
        if value and value.lower() not in TICKED:
            raise forms.ValidationError(NOT_AN_ANSWER.format(value=_echo(value)))
        return bool(value)

    def applied(self) -> dict:
        """The search and the filters to apply: those that could be read."""
        self.is_valid()
        defaults = {"q": "", "year": None, "category": "", "significant": False}
        return {name: self.cleaned_data.get(name, default) for name, default in defaults.items()}
