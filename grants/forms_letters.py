"""The forms of letters and offers: staff edit a letter before it is sent; an applicant
accepts an offer."""

from django import forms

from pcc_grants.forms import BoundedInputMixin

from .models import Letter, LetterKind


class LetterForm(BoundedInputMixin, forms.Form):
    """A letter before it is sent: its feedback (an outcome letter) or conditions (an
    offer), which write its text again from the template, and the text itself."""

    feedback = forms.CharField(
        label="Feedback",
        required=False,
        help_text="From the reviewers' comments, without their names. Changing it writes "
        "the letter's text again from the template.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        help_text="From the Review Panel's recommendation. Changing them writes the "
        "letter's text and terms again from the templates.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    body = forms.CharField(
        label="The letter's text",
        help_text="As the organisation's template wrote it; change it here if needed.",
        widget=forms.Textarea(attrs={"rows": 18}),
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        kwargs.setdefault(
            "initial",
            {"feedback": letter.feedback, "conditions": letter.conditions, "body": letter.body},
        )
        super().__init__(*args, **kwargs)
        del self.fields["conditions" if letter.kind == LetterKind.OUTCOME else "feedback"]


class AcceptanceForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label="Your full name", max_length=200)
    role = forms.CharField(
        label="Your role in the organisation",
        max_length=200,
        help_text="For example: chair of trustees, chief executive.",
    )
    confirm = forms.BooleanField(
        label="I have read the terms above and accept the offer on them for the organisation.",
        error_messages={"required": "Tick the box to accept the terms"},
    )
    terms_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
