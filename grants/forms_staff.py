"""The staff's forms for grant rounds: the round with its four lists (criteria,
eligibility questions, application questions, required documents), extending the
close, and screening an application.

Every message of a row names its row ("Criterion 2: enter the weight …"), so that the
error summary at the top of the page says where each problem is.
"""

import re
from datetime import datetime, time
from decimal import Decimal

from django import forms
from django.utils import timezone

from commissioning.models import MonitoringFrequency
from funding.models import FundingStream
from pcc_grants.forms import (
    BoundedFormSet,
    BoundedInputMixin,
    bounded_formset_factory,
)
from pcc_grants.money import MoneyFormField

from .models import MONEY, Answer, EligibilityKind, QuestionKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PREFIX_RE = re.compile(r"^[A-Z0-9]{1,10}$")
HUNDRED = Decimal("100")

TIME_MISSING = "Enter the {what} time as hours and minutes, for example {example}"
DATE_MISSING = "Enter the {what} date, for example 1 April 2026"
PREFIX_INVALID = "Use only letters and digits for the reference prefix, for example PCCG"
DESCRIPTOR_RE = re.compile(r"^(?:(?P<score>\d{1,3})\s*[:.=–-]\s*)?(?P<text>.*)$")
DESCRIPTOR_EMPTY = "Line {line}: say what the score means, for example “3: Good”"
DESCRIPTOR_TOO_LONG = "Line {line}: keep what a score means to 200 characters"
DESCRIPTOR_TWICE = "Line {line}: score {score} is described twice"
DESCRIPTOR_ABOVE_SCALE = "Score {score} is above the scale, which goes to {scale}"


def london_moment(day, moment: time | None):
    """A date and a time as typed, read as UK time (Europe/London)."""
    if day is None or moment is None:
        return None
    return timezone.make_aware(datetime.combine(day, moment))


def _local_parts(moment) -> tuple:
    if moment is None:
        return None, None
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


class GrantRoundForm(BoundedInputMixin, forms.Form):
    funding_stream = forms.ModelChoiceField(
        label="Funding stream",
        queryset=FundingStream.objects.none(),
        empty_label="Choose a funding stream",
        error_messages={"invalid_choice": "Choose a funding stream of a year that is open"},
        help_text="The stream whose money the round awards; only streams of open years.",
    )
    name = forms.CharField(
        label="Name of the round",
        max_length=200,
        error_messages={"max_length": "Keep the name of the round to 200 characters or fewer"},
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        help_text="A sentence or two for the list of rounds.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    guidance = forms.CharField(
        label="Guidance",
        required=False,
        help_text="What the round funds, who may apply and how it is decided. "
        "A round cannot open without it.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    budget = MoneyFormField(
        max_digits=MONEY["max_digits"],
        label="Budget",
        help_text="What the round may award, within what the stream has available.",
        error_messages={"min_value": "Enter a budget above £0"},
    )
    opens_on = forms.DateField(
        label="Opening date",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the opening date as a real date, like 1 April 2026"},
    )
    opens_time = forms.TimeField(
        label="Opening time",
        required=False,
        help_text="UK time, 24-hour clock, for example 09:00.",
        widget=TIME_WIDGET,
        error_messages={"invalid": "Enter the opening time as hours and minutes, like 09:00"},
    )
    closes_on = forms.DateField(
        label="Closing date",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the closing date as a real date, like 30 June 2026"},
    )
    closes_time = forms.TimeField(
        label="Closing time",
        required=False,
        help_text="UK time, 24-hour clock, for example 17:00.",
        widget=TIME_WIDGET,
        error_messages={"invalid": "Enter the closing time as hours and minutes, like 17:00"},
    )
    minimum_award = MoneyFormField(
        max_digits=MONEY["max_digits"],
        label="Minimum award",
        required=False,
        help_text="Leave empty for no minimum.",
    )
    maximum_award = MoneyFormField(max_digits=MONEY["max_digits"], label="Maximum award")
    several_applications = forms.BooleanField(
        label="One organisation may submit several applications", required=False
    )
    score_scale = forms.IntegerField(
        label="Score scale",
        initial=5,
        min_value=1,
        max_value=100,
        help_text="Reviewers score each criterion from 0 to this number.",
        error_messages={
            "invalid": "Enter the score scale as a whole number, like 5",
            "min_value": "Enter a score scale of at least 1",
            "max_value": "Enter a score scale of at most 100",
        },
    )
    score_descriptors = forms.CharField(
        label="What each score means",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One line per point of the scale, from 0, for example “0: No evidence”. "
        "Reviewers see them beside the scores. Leave empty for plain numbers.",
    )
    reviews_required = forms.IntegerField(
        label="Reviews each application needs",
        initial=2,
        required=False,
        min_value=1,
        max_value=20,
        help_text="The moderation page lists applications with fewer submitted reviews.",
        error_messages={
            "invalid": "Enter the reviews each application needs as a whole number, like 2",
            "min_value": "Each application needs at least 1 review",
            "max_value": "Enter at most 20 reviews for each application",
        },
    )
    spread_threshold = forms.DecimalField(
        label="Spread that needs a look",
        initial=Decimal("20"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text="Reviewers' weighted scores (0 to 100) further apart than this are flagged.",
        error_messages={
            "invalid": "Enter the spread as a number from 0 to 100, like 20",
            "min_value": "Enter a spread of at least 0",
            "max_value": "Enter a spread of at most 100",
            "max_digits": "Enter the spread as a number from 0 to 100, like 20",
            "max_decimal_places": "Enter the spread with at most 2 decimal places",
        },
    )
    monitoring_frequency = forms.ChoiceField(
        label="Monitoring returns from each award",
        choices=MonitoringFrequency.choices,
        initial=MonitoringFrequency.QUARTERLY,
        required=False,
        help_text="How often an award's grant agreement asks for a monitoring return.",
    )
    reference_prefix = forms.CharField(
        label="Reference prefix",
        max_length=10,
        initial="PCCG",
        error_messages={"max_length": "Keep the reference prefix to 10 letters or digits"},
        help_text="Applications are numbered PREFIX-YEAR-NUMBER, for example PCCG-2026-014.",
    )

    def __init__(self, *args, grant_round=None, **kwargs):
        if grant_round is not None and not kwargs.get("initial"):
            kwargs["initial"] = self.initial_for(grant_round)
        super().__init__(*args, **kwargs)
        streams = FundingStream.objects.filter(financial_year__is_closed=False)
        if grant_round is not None:
            # The round's own stream stays choosable while its year is open.
            streams = streams | FundingStream.objects.filter(pk=grant_round.funding_stream_id)
        self.fields["funding_stream"].queryset = streams.select_related("financial_year").order_by(
            "-financial_year__start_year", "name"
        )

    @staticmethod
    def initial_for(grant_round) -> dict:
        opens_on, opens_time = _local_parts(grant_round.opens_at)
        closes_on, closes_time = _local_parts(grant_round.closes_at)
        return {
            "funding_stream": grant_round.funding_stream_id,
            "name": grant_round.name,
            "summary": grant_round.summary,
            "guidance": grant_round.guidance,
            "budget": grant_round.budget,
            "opens_on": opens_on,
            "opens_time": opens_time,
            "closes_on": closes_on,
            "closes_time": closes_time,
            "minimum_award": grant_round.minimum_award,
            "maximum_award": grant_round.maximum_award,
            "several_applications": grant_round.several_applications,
            "score_scale": grant_round.score_scale,
            "score_descriptors": "\n".join(
                f"{d.score}: {d.descriptor}" for d in grant_round.score_descriptors.all()
            ),
            "reviews_required": grant_round.reviews_required,
            "spread_threshold": grant_round.spread_threshold,
            "monitoring_frequency": grant_round.monitoring_frequency,
            "reference_prefix": grant_round.reference_prefix,
        }

    def clean_score_descriptors(self) -> list[dict]:
        """“3: Good” lines as ``{"score": 3, "descriptor": "Good"}``; a line without a
        number takes the next point."""
        rows, expected = [], 0
        for number, line in enumerate(self.cleaned_data["score_descriptors"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            match = DESCRIPTOR_RE.match(line)
            score = int(match["score"]) if match and match["score"] else expected
            text = (match["text"] if match else line).strip()
            if not text:
                raise forms.ValidationError(DESCRIPTOR_EMPTY.format(line=number))
            if len(text) > 200:
                raise forms.ValidationError(DESCRIPTOR_TOO_LONG.format(line=number))
            if any(row["score"] == score for row in rows):
                raise forms.ValidationError(DESCRIPTOR_TWICE.format(line=number, score=score))
            rows.append({"score": score, "descriptor": text})
            expected = score + 1
        return rows

    def clean_reference_prefix(self) -> str:
        prefix = self.cleaned_data["reference_prefix"].strip().upper()
        if not PREFIX_RE.match(prefix):
            raise forms.ValidationError(PREFIX_INVALID)
        return prefix

    def _moment(self, what: str, day_field: str, time_field: str, example: str):
        day, moment = self.cleaned_data.get(day_field), self.cleaned_data.get(time_field)
        if self.has_error(day_field) or self.has_error(time_field):
            return None
        if day and moment is None:
            self.add_error(time_field, TIME_MISSING.format(what=what, example=example))
        elif moment is not None and day is None:
            self.add_error(day_field, DATE_MISSING.format(what=what))
        return london_moment(day, moment)

    def clean(self):
        data = super().clean()
        data["opens_at"] = self._moment("opening", "opens_on", "opens_time", "09:00")
        data["closes_at"] = self._moment("closing", "closes_on", "closes_time", "17:00")
        if data["opens_at"] and data["closes_at"] and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_on", "The round must close after it opens")
        low, high = data.get("minimum_award"), data.get("maximum_award")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_award", "The maximum award must be at least the minimum")
        budget = data.get("budget")
        if budget is not None and high is not None and high > budget:
            self.add_error("maximum_award", "The maximum award cannot be more than the budget")
        scale = data.get("score_scale")
        for row in data.get("score_descriptors") or ():
            if scale is not None and row["score"] > scale:
                self.add_error(
                    "score_descriptors",
                    DESCRIPTOR_ABOVE_SCALE.format(score=row["score"], scale=scale),
                )
                break
        return data

    def round_fields(self) -> dict:
        """The fields ``services.round_create`` and ``round_update`` take."""
        data = self.cleaned_data
        return {
            "funding_stream": data["funding_stream"],
            "name": data["name"].strip(),
            "summary": data["summary"].strip(),
            "guidance": data["guidance"].strip(),
            "budget": data["budget"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "minimum_award": data["minimum_award"] or Decimal("0"),
            "maximum_award": data["maximum_award"],
            "several_applications": data["several_applications"],
            "score_scale": data["score_scale"],
            "score_descriptors": data["score_descriptors"],
            # Left empty, the defaults: two reviews, a spread of 20, quarterly returns.
            "reviews_required": data["reviews_required"] or 2,
            "spread_threshold": (
                Decimal("20") if data["spread_threshold"] is None else data["spread_threshold"]
            ),
            "monitoring_frequency": data["monitoring_frequency"] or MonitoringFrequency.QUARTERLY,
            "reference_prefix": data["reference_prefix"],
        }


# Rows -----------------------------------------------------------------------------------


class RowForm(BoundedInputMixin, forms.Form):
    """One row of a list on the round's page. A row left empty is skipped; every
    message of a filled one starts with the row's name and number."""

    noun = "Row"

    def __init__(self, *args, row: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row

    @property
    def row_name(self) -> str:
        return f"{self.noun} {self.row}"

    # What a row must have one of not to be blank; each kind of row names its own.
    filled_by: tuple[str, ...] = ()

    def is_blank(self, data: dict) -> bool:
        return not any(data.get(name) for name in self.filled_by)

    def full_clean(self):
        super().full_clean()
        prefix = f"{self.row_name}: "
        for name, errors in list(self._errors.items()):
            messages = []
            for error in errors.as_data():
                for message in error.messages:
                    if not message.startswith(prefix):
                        message = prefix + message[:1].lower() + message[1:]
                    messages.append(message)
            self._errors[name] = self.error_class(messages, renderer=self.renderer)

    def clean(self):
        data = super().clean()
        self.blank = self.is_blank(data) and not self.errors
        return data

    def row_fields(self) -> dict:
        """The row as the service takes it."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "DELETE"}


def _text(label: str, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={
            "max_length": f"keep the {label.lower()} to %(limit_value)d characters or fewer"
        },
        **kwargs,
    )


class CriterionForm(RowForm):
    noun = "Criterion"

    name = _text("Name", 200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight_percent = forms.DecimalField(
        label="Weight (%)",
        required=False,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=HUNDRED,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": "enter the weight as a number of per cent, like 25",
            "min_value": "enter a weight above 0 %%",
            "max_value": "enter a weight of at most 100 %%",
            "max_decimal_places": "give the weight with at most two decimal places",
        },
    )

    def is_blank(self, data: dict) -> bool:
        return not data.get("name") and not data.get("description") and not self._weight(data)

    def _weight(self, data) -> bool:
        return data.get("weight_percent") is not None or self.has_error("weight_percent")

    def clean(self):
        data = super().clean()
        if not self.blank:
            if not data.get("name") and not self.has_error("name"):
                self.add_error("name", "enter the criterion's name")
            if not self._weight(data):
                self.add_error("weight_percent", "enter the weight, for example 25 (%)")
        return data


class EligibilityForm(RowForm):
    noun = "Eligibility question"

    text = _text("Question", 500, help_text="A statement to confirm, or a yes or no question.")
    kind = forms.ChoiceField(
        label="Kind",
        choices=EligibilityKind.choices,
        error_messages={"invalid_choice": "choose the kind of question"},
    )
    excluding_answer = forms.ChoiceField(
        label="The answer that makes the applicant ineligible",
        choices=[("", "None: a statement to confirm")] + list(Answer.choices),
        required=False,
        error_messages={"invalid_choice": "choose yes, no or none as the excluding answer"},
        help_text="For a yes or no question only.",
    )

    filled_by = ("text",)

    def clean(self):
        data = super().clean()
        if self.blank:
            return data
        if data.get("kind") == EligibilityKind.YES_NO and not data.get("excluding_answer"):
            self.add_error(
                "excluding_answer",
                "choose the answer (yes or no) that makes the applicant ineligible",
            )
        if data.get("kind") == EligibilityKind.CONFIRM:
            data["excluding_answer"] = ""
        return data


class QuestionForm(RowForm):
    noun = "Question"

    section = _text("Section", 100, initial="About your project")
    text = _text("Question", 500)
    help_text = forms.CharField(
        label="Help text", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(
        label="Kind of answer",
        choices=QuestionKind.choices,
        initial="text",
        error_messages={"invalid_choice": "choose the kind of answer"},
    )
    word_limit = forms.IntegerField(
        label="Word limit",
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="For a text answer; leave empty for none.",
        error_messages={
            "invalid": "enter the word limit as a whole number, like 250",
            "min_value": "enter a word limit of at least 1",
            "max_value": "enter a word limit of at most 10,000",
        },
    )
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)

    def is_blank(self, data: dict) -> bool:
        return (
            not data.get("text")
            and not data.get("help_text")
            and data.get("word_limit") is None
            and not self.has_error("word_limit")
        )

    def clean(self):
        data = super().clean()
        if self.blank:
            return data
        if not data.get("text") and not self.has_error("text"):
            self.add_error("text", "enter the question")
        if not data.get("section") and not self.has_error("section"):
            data["section"] = "About your project"
        if data.get("word_limit") and data.get("kind") != QuestionKind.TEXT:
            self.add_error("word_limit", "a word limit is for a text answer only")
        return data


class DocumentForm(RowForm):
    noun = "Document"

    name = _text("Name", 200, help_text="For example: latest accounts.")
    help_text = forms.CharField(
        label="Help text", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label="The document is required", required=False, initial=True)

    filled_by = ("name", "help_text")

    def clean(self):
        data = super().clean()
        if not self.blank and not data.get("name") and not self.has_error("name"):
            self.add_error("name", "enter the document's name")
        return data


class RowFormSet(BoundedFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["row"] = (index or 0) + 1
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this row"

    def rows(self) -> list[dict]:
        """The filled rows kept, in order, as the service takes them (after is_valid)."""
        return [
            form.row_fields()
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and not getattr(form, "blank", False)
        ]

    def typed(self) -> list[dict]:
        """The rows as typed, for showing the page again (no checks run), without those
        marked for removal and those where nothing was typed."""
        rows = []
        for form in self.forms:
            if form["DELETE"].value():
                continue
            values = {name: form[name].value() for name in form.fields if name != "DELETE"}
            if any(_typed(form.fields[name], value) for name, value in values.items()):
                rows.append(values)
        return rows


def _typed(field: forms.Field, value) -> bool:
    if isinstance(field, forms.BooleanField | forms.ChoiceField):
        return False
    text = "" if value is None else str(value).strip()
    return bool(text) and text != str(field.initial or "")


def _formset(form):
    return bounded_formset_factory(form, formset=RowFormSet, extra=1, can_delete=True)


CriterionFormSet = _formset(CriterionForm)
EligibilityFormSet = _formset(EligibilityForm)
QuestionFormSet = _formset(QuestionForm)
DocumentFormSet = _formset(DocumentForm)

# Each list of the round's page: its prefix (the service's name for it too), its
# formset, its heading, and what its rows are read from on a saved round.
LISTS = (
    ("criteria", CriterionFormSet, "Scoring criteria", "criteria"),
    ("eligibility", EligibilityFormSet, "Eligibility questions", "eligibility_questions"),
    ("questions", QuestionFormSet, "Application questions", "questions"),
    ("documents", DocumentFormSet, "Required documents", "required_documents"),
)
ROW_FIELDS = {
    "criteria": ("name", "description", "weight_percent"),
    "eligibility": ("text", "kind", "excluding_answer"),
    "questions": ("section", "text", "help_text", "kind", "word_limit", "required"),
    "documents": ("name", "help_text", "required"),
}


def saved_rows(grant_round, prefix: str, related: str) -> list[dict]:
    return list(getattr(grant_round, related).values(*ROW_FIELDS[prefix]))
