"""Forms of the review: adding reviewers, assigning them, declaring, scoring, reopening."""

from django import forms

from funding.models import PlanTheme
from pcc_grants.forms import BoundedInputMixin
from pcc_grants.models import User
from pcc_grants.money import MoneyFormField
from pcc_grants.roles import STAFF_ROLES

from .models import MONEY, Recommendation, Reviewer


class ExternalReviewerForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label="Full name", max_length=300)
    email = forms.EmailField(
        label="E-mail address",
        help_text="They are e-mailed a link to set a password and sign in.",
    )
    organisation = forms.CharField(
        max_length=255,
        required=False,
        help_text="Where they work: they cannot review this organisation's applications, "
        "nor those naming it as a partner in their budget.",
    )


class StaffReviewerForm(BoundedInputMixin, forms.Form):
    user = forms.ModelChoiceField(label="Member of staff", queryset=User.objects.none())
    organisation = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=list(STAFF_ROLES))
            .exclude(reviewer__isnull=False)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


def _reviewers():
    return Reviewer.objects.select_related("user")


class AssignRoundForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Reviewer.objects.none())
    theme = forms.ModelChoiceField(
        queryset=PlanTheme.objects.none(),
        required=False,
        empty_label="Every theme",
        label="Applications of the theme",
    )

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _reviewers()
        self.fields["theme"].queryset = PlanTheme.objects.filter(pk__in=[t.pk for t in themes])


class AssignApplicationForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Reviewer.objects.none())
    application = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _reviewers()


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why it is reopened",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the review's history with the fingerprint it had.",
    )


class DeclarationForm(forms.Form):
    conflict_nature = forms.CharField(
        label="The nature of your conflict",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you have one. For example: I am one of its trustees.",
    )


class ScoringForm(BoundedInputMixin, forms.Form):
    """A score (radios 0..N, with the round's descriptors) and a comment per criterion,
    the recommendation, its amount in part, and an overall comment."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, widget=forms.RadioSelect, required=False
    )
    recommended_amount = MoneyFormField(
        label="Amount to fund, if in part",
        required=False,
        max_digits=MONEY["max_digits"],
    )
    comment = forms.CharField(
        label="Overall comment", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scale: int, descriptors: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [
            (str(n), f"{n}: {descriptors[n]}" if n in descriptors else str(n))
            for n in range(scale + 1)
        ]
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"Score for “{criterion.name}”",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on “{criterion.name}”",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self) -> list[tuple]:
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"score_{c.pk}"), data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


def scoring_initial(review) -> dict:
    initial = {
        "recommendation": review.recommendation,
        "recommended_amount": review.recommended_amount,
        "comment": review.comment,
    }
    for score in review.scores.all():
        initial[f"score_{score.criterion_id}"] = "" if score.score is None else str(score.score)
        initial[f"comment_{score.criterion_id}"] = score.comment
    return initial
