"""The forms of an application, one for each kind of section. Nothing is required
until submission (an applicant saves and comes back later), but what is typed must
be what its question asks for: each answer is checked as the service keeps it, and a
refusal names the question by its field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from funding.models import PlanTheme
from pcc_grants.forms import (
    BoundedFormSet,
    BoundedInputMixin,
    bound_input,
    bounded_formset_factory,
    validate_date_in_range,
)
from pcc_grants.money import MoneyFormField

from . import services
from .models import MONEY, Answer, EligibilityKind, Organisation, QuestionKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UPLOAD_HELP = "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or an image; at most 10 MB."


class StartForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Which organisation is applying?",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your organisations."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(memberships__user=user).order_by("name")
        field.error_messages["required"] = "Choose the organisation that is applying."


def eligibility_field(question_pk: int) -> str:
    return f"eligibility_{question_pk}"


class EligibilityForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            name = eligibility_field(question.pk)
            if question.kind == EligibilityKind.CONFIRM:
                self.fields[name] = forms.BooleanField(
                    label=question.text, required=False, help_text="Tick to confirm this."
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=Answer.choices,
                    widget=forms.RadioSelect,
                    required=False,
                    error_messages={"invalid_choice": f"“{question.text}”: answer yes or no."},
                )

    @staticmethod
    def initial_for(application) -> dict:
        return {
            eligibility_field(r.question_id): (True if r.answer == "confirmed" else r.answer)
            for r in application.eligibility_responses.all()
        }

    def answers(self) -> dict:
        """For the service: each question's answer, "" for one not given."""
        given = {}
        for question in self.questions:
            value = self.cleaned_data[eligibility_field(question.pk)]
            if question.kind == EligibilityKind.CONFIRM:
                value = "confirmed" if value else ""
            given[question.pk] = value or ""
        return given


class ProjectForm(BoundedInputMixin, forms.Form):
    title = forms.CharField(label="Project title", max_length=200, required=False)
    project_start = forms.DateField(
        label="Start date",
        required=False,
        widget=DATE_WIDGET,
        help_text="The day the project starts, for example 1 April 2026.",
    )
    project_end = forms.DateField(
        label="End date",
        required=False,
        widget=DATE_WIDGET,
        help_text="The day the project ends.",
    )
    theme = forms.ModelChoiceField(
        label="Plan theme",
        queryset=PlanTheme.objects.order_by("name"),
        required=False,
        empty_label="Choose a theme",
        help_text="The theme of the Police and Crime Plan the project serves.",
    )

    FIELDS = ("title", "project_start", "project_end", "theme")

    @classmethod
    def initial_for(cls, application) -> dict:
        return {name: getattr(application, name) for name in cls.FIELDS}


def question_field(question_pk: int) -> str:
    return f"question_{question_pk}"


def _words_help(question) -> str:
    limit = f"Use at most {question.word_limit} words." if question.word_limit else ""
    return " ".join(part for part in (question.help_text, limit) if part)


class QuestionsForm(BoundedInputMixin, forms.Form):
    """A section's questions, each kept as the text typed once checked the way the
    service checks it (a word limit, an amount, a number, a date, a theme)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {question_field(q.pk): q for q in questions}
        self.word_limits = {
            name: q.word_limit
            for name, q in self.questions.items()
            if q.kind == QuestionKind.TEXT and q.word_limit
        }
        themes = list(PlanTheme.objects.order_by("name").values_list("name", flat=True))
        for name, question in self.questions.items():
            field_kwargs = {"label": question.text, "required": False}
            if question.kind == QuestionKind.TEXT:
                attrs = {"rows": 6}
                if question.word_limit:
                    attrs["data-word-limit"] = str(question.word_limit)
                field = forms.CharField(
                    widget=forms.Textarea(attrs=attrs),
                    help_text=_words_help(question),
                    **field_kwargs,
                )
            elif question.kind == QuestionKind.THEME:
                field = forms.ChoiceField(
                    choices=[("", "Choose a theme"), *((t, t) for t in themes)],
                    help_text=question.help_text,
                    **field_kwargs,
                )
            else:
                hint = {
                    QuestionKind.MONEY: "In pounds, for example £2,000.",
                    QuestionKind.NUMBER: "A number, for example 25.",
                    QuestionKind.DATE: "",
                }[question.kind]
                widget = (
                    forms.DateInput(attrs={"type": "date"})
                    if question.kind == QuestionKind.DATE
                    else forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
                )
                field = forms.CharField(
                    max_length=100,
                    widget=widget,
                    help_text=" ".join(p for p in (question.help_text, hint) if p),
                    **field_kwargs,
                )
            self.fields[name] = field
        # The mixin ran before these fields were made: give them its limits too.
        bound_input(self)

    def clean(self):
        data = super().clean()
        for name, question in self.questions.items():
            if name not in data:
                continue
            try:
                value = services.check_response(question, data[name])
                if question.kind == QuestionKind.DATE and value:
                    validate_date_in_range(datetime.date.fromisoformat(value))
            except ValidationError as error:
                self.add_error(name, error.messages[0])
            else:
                data[name] = value
        return data

    @staticmethod
    def initial_for(application, questions) -> dict:
        wanted = {q.pk for q in questions}
        return {
            question_field(r.question_id): r.value
            for r in application.responses.all()
            if r.question_id in wanted
        }

    def responses(self) -> dict:
        return {q.pk: self.cleaned_data[name] for name, q in self.questions.items()}


class AmountForm(forms.Form):
    amount_requested = MoneyFormField(
        max_digits=MONEY["max_digits"],
        label="Amount requested",
        required=False,
        help_text="The grant you are asking for, in pounds, for example £9,400.",
    )


class CostLineForm(BoundedInputMixin, forms.Form):
    item = forms.CharField(label="Item", max_length=200, required=False)
    amount = MoneyFormField(label="Cost", required=False, max_digits=MONEY["max_digits"])

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("amount") is None and not self.has_error("amount"):
            self.add_error("amount", "Enter the cost of this item, for example £1,200.")
        if data.get("amount") is not None and not data.get("item"):
            self.add_error("item", "Say what this cost is for.")
        if data.get("amount") is not None and data["amount"] <= 0:
            self.add_error("amount", "Enter a cost above £0.")
        return data


class BaseCostLineFormSet(BoundedFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each line's boxes say which line they are, for a screen reader's list of them.
        number = "" if index is None else f" {index + 1}"
        form.fields["item"].label = f"Item{number}"
        form.fields["amount"].label = f"Cost{number}"
        form.fields["DELETE"].label = f"Remove line{number}"

    def lines(self) -> list[tuple]:
        return [
            (line.cleaned_data["item"], line.cleaned_data["amount"])
            for line in self.forms
            if line.cleaned_data.get("item") and not line.cleaned_data.get("DELETE")
        ]


CostLineFormSet = bounded_formset_factory(
    CostLineForm, formset=BaseCostLineFormSet, extra=1, can_delete=True
)


class DocumentForm(forms.Form):
    file = forms.FileField(label="File", help_text=UPLOAD_HELP)

    def __init__(self, *args, required_document, **kwargs):
        kwargs.setdefault("prefix", f"document_{required_document.pk}")
        super().__init__(*args, **kwargs)
        self.required_document = required_document
        self.fields["file"].label = required_document.name
        self.fields["file"].error_messages["required"] = (
            f"“{required_document.name}”: choose a file to upload."
        )
        if required_document.help_text:
            self.fields["file"].help_text = f"{required_document.help_text} {UPLOAD_HELP}"
