"""The forms that run a round once it is set up: extending it, screening an
application, and a step of its status with a comment."""

from django import forms

from pcc_grants.forms import BoundedInputMixin, bound_input

from .forms_staff import DATE_WIDGET, TIME_WIDGET, london_moment


class ExtendForm(BoundedInputMixin, forms.Form):
    closes_on = forms.DateField(
        label="New closing date",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the new closing date as a real date, like 30 June 2026"},
    )
    closes_time = forms.TimeField(
        label="New closing time",
        help_text="UK time, 24-hour clock, for example 17:00.",
        widget=TIME_WIDGET,
        error_messages={"invalid": "Enter the closing time as hours and minutes, like 17:00"},
    )
    reason = forms.CharField(
        label="Why the round is extended",
        help_text="Kept in the round's history, and e-mailed to everyone whose "
        "organisation is applying.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        data["closes_at"] = london_moment(data.get("closes_on"), data.get("closes_time"))
        return data


class ScreeningForm(BoundedInputMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Is the application eligible?",
        choices=[("eligible", "Eligible"), ("ineligible", "Ineligible")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="The applicant reads this. Needed when the application is ineligible.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    """A step of the round (open, close, start the review, cancel), with a comment
    kept in its history."""

    reason = forms.CharField(label="Comment (optional)", max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_input(self)
