from datetime import date
from html import escape  # Django's escape, without its SafeString wrapping

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe

# Free text without a limit of its own (descriptions, narratives, comments) is kept to
# about twenty pages: enough for any record, and refused on its field beyond that
# rather than stored, rendered and printed whatever its size.
TEXT_MAX_LENGTH = 50_000
TEXT_TOO_LONG = "Keep this to at most {limit:,} characters: it has {length:,}."

# Dates mean something only within the financial years the system keeps (2000/01 to
# 2100/01); a year 1 or 9999 is a typing slip, and schedules built on it never end.
FIRST_DAY = date(2000, 4, 1)
LAST_DAY = date(2101, 3, 31)
DATE_OUT_OF_RANGE = "Enter a date between 1 April 2000 and 31 March 2101."


class TextLengthValidator:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if isinstance(value, str) and len(value) > self.limit:
            raise ValidationError(
                TEXT_TOO_LONG.format(limit=self.limit, length=len(value)), code="max_length"
            )


def validate_date_in_range(value) -> None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
ARTICLES = ("your ", "the ", "a ", "an ", "who ", "what ", "when ", "why ", "how ")


def _the(label: str) -> str:
    """``Amount`` → ``the amount``; ``Your name`` stays ``your name``; an acronym or a
    name keeps its capitals (``CFO``)."""
    words = label.strip().rstrip(":*").strip()
    first, _, rest = words.partition(" ")
    if not first.isupper() or len(first) == 1:
        words = first.lower() + (" " + rest if rest else "")
    return words if words.lower().startswith(ARTICLES) else f"the {words}"


def what_to_do(name: str, field: forms.Field) -> str:
    """The message for a required field left empty, as GOV.UK words it: what to do,
    about which field ("Enter the amount, for example £9,400"; "Choose the status")."""
    label = str(field.label or name.replace("_", " ").capitalize())
    if isinstance(field, forms.FileField):
        return "Choose a file to upload"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Choose {_the(label)}"
    if isinstance(field, forms.DecimalField) and field.decimal_places == 2:
        return f"Enter {_the(label)}, for example £9,400"
    if isinstance(field, forms.DateField):
        return f"Enter {_the(label)}, for example 1 April 2017"
    if isinstance(field, forms.BooleanField):
        return f"Tick {_the(label)}"
    return f"Enter {_the(label)}"


def bound_input(form: forms.BaseForm) -> None:
    """Give every text field without a length limit one, and every date field the
    range of the system's financial years, so that such input is refused on its field;
    and every required field a message that says what to do, not "This field is
    required." (a password field keeps its own)."""
    for name, field in form.fields.items():
        if field.error_messages.get("required") == DJANGO_REQUIRED and not isinstance(
            field.widget, forms.PasswordInput
        ):
            field.error_messages = {**field.error_messages, "required": what_to_do(name, field)}
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(TextLengthValidator(TEXT_MAX_LENGTH))
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))
        elif isinstance(field, forms.DateField):
            field.validators.append(validate_date_in_range)


# Rows of a formset (funding lines, partners, contacts, measures). A post may claim any
# number in its management form, and each row is built and drawn again on the page.
FORMSET_MAX_ROWS = 100
FORMSET_TOO_MANY_ROWS = "Enter at most %(num)d rows here."


class BoundedFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": FORMSET_TOO_MANY_ROWS}


def bounded_formset_factory(form, formset=BoundedFormSet, **kwargs):
    """``formset_factory`` with at most FORMSET_MAX_ROWS rows, however many are posted."""
    return forms.formset_factory(
        form,
        formset=formset,
        max_num=FORMSET_MAX_ROWS,
        absolute_max=FORMSET_MAX_ROWS,
        validate_max=True,
        **kwargs,
    )


class BoundedInputMixin:
    """Applies ``bound_input`` to a form's fields once they are made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_input(self)


def confirmed_for(form: forms.BaseForm, field: str, value: str) -> str:
    """A confirmation holds only for what it was given for: ``field`` (hidden) posts
    back the value the form asked about. Returns the value posted, and makes the
    form show ``value``, the one it asks about now (a bound field shows what was
    posted, so the posted copy is the one changed)."""
    posted = form.data.get(field, "")
    form.data = form.data.copy()
    form.data[field] = value
    return posted


def add_service_errors(form: forms.BaseForm, error: ValidationError, aliases=None) -> None:
    """Show a service's ValidationError on the form: each message on its field where
    the form has one (``aliases`` maps model field names to form field names), the
    rest above the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        field = aliases.get(name, name)
        for message in messages:
            if field != NON_FIELD_ERRORS and field in form.fields:
                form.add_error(field, message)
            else:
                form.add_error(None, message)


def _attributes(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html writes them.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class LongSelect(forms.Select):
    """Django's <select> with the markup its templates write, written in Python: a
    list of 1,500 providers then costs milliseconds rather than a template per option.
    ``label_field`` names the field a model choice is labelled with (its ``__str__``):
    the options are then read as (key, label) rows, without making a model of each."""

    def __init__(self, attrs=None, choices=(), *, label_field: str = ""):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _options(self) -> list:
        choices = self.choices
        if self.label_field and isinstance(choices, ModelChoiceIterator):
            field = choices.field
            key = field.to_field_name or "pk"
            first = [("", field.empty_label)] if field.empty_label is not None else []
            if getattr(field, "null_label", None) is not None:  # django-filter's null choice
                first.append((field.null_value, field.null_label))
            return first + list(field.queryset.values_list(key, self.label_field))
        return list(iter(choices))  # iter(): no COUNT query for a length hint

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._options()
        if self.allow_multiple_selected or any(isinstance(c[1], list | tuple) for c in choices):
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{_attributes(attrs)}>']
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in wanted
            wanted.discard(option_value)  # as Django: only the first match is selected
            parts.append(
                f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(str(label))}</option>\n"
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - all escaped above


class SignInForm(AuthenticationForm):
    """The sign-in form, refusing a username longer than any account's before it is
    tried (the throttle records the username tried, in a column of that size)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean_username(self) -> str:
        # Applicants sign in with their e-mail address, kept in lower case.
        username = self.cleaned_data["username"]
        return username.strip().lower() if "@" in username else username


def code_field(label: str, *, help_text: str = "", required: bool = True) -> forms.CharField:
    """A box for a one-time code (an authenticator app's, or a recovery code): the
    browser offers the code from an SMS or a password manager, a phone the digits."""
    return forms.CharField(
        label=label,
        max_length=40,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
