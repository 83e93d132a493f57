"""The Review Panel's forms: its meeting with the members present (a list of rows,
added without JavaScript, like the round's lists), a member's interest in one
application, and the panel's recommendation on it."""

from django import forms

from pcc_grants.forms import BoundedInputMixin, bounded_formset_factory
from pcc_grants.money import MoneyFormField

from .forms_staff import DATE_WIDGET, RowForm, RowFormSet, _text
from .models import MONEY, PanelOutcome


class MeetingForm(BoundedInputMixin, forms.Form):
    held_on = forms.DateField(
        label="Date of the meeting",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date of the meeting, for example 10 September 2026",
            "invalid": "Enter the date of the meeting as a real date, like 10 September 2026",
        },
    )
    location = forms.CharField(
        label="Where it met",
        required=False,
        max_length=200,
        help_text="For example: Police Headquarters, Enderby.",
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(RowForm):
    noun = "Member"

    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = _text("Name", 200)
    organisation = _text("Organisation", 255, help_text="For example: Leicester City Council.")
    role = _text("Role on the panel", 200, help_text="For example: chair.")
    interests = forms.CharField(
        label="Interests declared to the panel",
        required=False,
        help_text="Their interests in general; an interest in one application is declared "
        "on that application.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    filled_by = ("name", "organisation", "role", "interests")

    def clean(self):
        data = super().clean()
        if not self.blank and not data.get("name") and not self.has_error("name"):
            self.add_error("name", "enter the member's name")
        return data


MemberFormSet = bounded_formset_factory(MemberForm, formset=RowFormSet, extra=1, can_delete=True)


def saved_members(meeting) -> list[dict]:
    return list(meeting.members.values("pk", "name", "organisation", "role", "interests"))


class InterestForm(BoundedInputMixin, forms.Form):
    member = forms.ModelChoiceField(
        label="Member",
        queryset=None,
        empty_label="Choose the member",
        error_messages={
            "required": "Choose the member who declares the interest",
            "invalid_choice": "Choose a member of this round's panel",
        },
    )
    nature = forms.CharField(
        label="Nature of the interest",
        help_text="For example: a trustee of the organisation. They take no part in the "
        "panel's recommendation on this application.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the interest is"},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = meeting.members.all()


class RecommendationForm(BoundedInputMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="The panel's recommendation",
        choices=PanelOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose award, award in part or do not award",
            "invalid_choice": "Choose award, award in part or do not award",
        },
    )
    amount = MoneyFormField(
        max_digits=MONEY["max_digits"],
        label="Amount of an award in part",
        required=False,
        help_text="Only for an award in part: less than the amount requested. An award is "
        "of the amount requested.",
    )
    conditions = forms.CharField(
        label="Conditions of the award",
        required=False,
        help_text="For an award: the conditions the grant is made on.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the panel's reasons"},
    )
