from crispy_forms.helper import FormHelper
from django import forms

from commissioning.models import CommissioningRoute, Provider
from pcc_grants.forms import BoundedInputMixin, LongSelect
from pcc_grants.money import MoneyFormField
from pcc_grants.roles import Role, has_role
from pcc_grants.years import financial_year_label

from .models import Allocation, FinancialYear, FundingSource, FundingStream, PlanTheme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FinancialYearField(forms.CharField):
    """A financial year typed as ``2016/17``."""

    default_error_messages = {"invalid": "Enter a financial year such as 2016/17."}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        start = FinancialYear.start_year_from_label(value)
        if start is None or not 2000 <= start <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return start

    def prepare_value(self, value):
        if isinstance(value, int):
            return financial_year_label(value)
        return value


class FundingStreamForm(BoundedInputMixin, forms.Form):
    """Creates or edits a stream; the service decides what may be saved."""

    financial_year = FinancialYearField(help_text="e.g. 2016/17")
    name = forms.CharField(max_length=200)
    source = forms.CharField(
        max_length=150, required=False, help_text="e.g. Ministry of Justice, Home Office"
    )
    budget = MoneyFormField(
        required=False, help_text="Leave blank while the budget is to be determined."
    )
    carried_forward = MoneyFormField(required=False, help_text="From last year, if any.")
    over_allocation_tolerance_percent = forms.DecimalField(
        label="Over-allocation tolerance %",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text="Set by the Chief Finance Officer.",
    )
    ring_fenced = forms.BooleanField(label="Ring-fenced", required=False)
    parent = forms.ModelChoiceField(
        queryset=FundingStream.objects.none(),
        widget=LongSelect,
        required=False,
        label="Part of",
        help_text="The stream this one is split from, if any.",
    )
    previous = forms.ModelChoiceField(
        queryset=FundingStream.objects.none(),
        widget=LongSelect,
        required=False,
        label="Same stream last year",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, stream: FundingStream | None = None, **kwargs):
        if stream is not None:
            kwargs.setdefault(
                "initial",
                {
                    "financial_year": stream.financial_year.start_year,
                    "name": stream.name,
                    "source": stream.source.name if stream.source_id else "",
                    "budget": stream.budget,
                    "carried_forward": stream.carried_forward,
                    "over_allocation_tolerance_percent": stream.over_allocation_tolerance_percent,
                    "ring_fenced": stream.ring_fenced,
                    "parent": stream.parent_id,
                    "previous": stream.previous_id,
                    "description": stream.description,
                },
            )
        super().__init__(*args, **kwargs)
        streams = FundingStream.objects.select_related("financial_year").order_by(
            "-financial_year__start_year", "name"
        )
        if stream is not None:
            streams = streams.exclude(pk=stream.pk)
            self.fields["financial_year"].disabled = True
        self.fields["parent"].queryset = streams
        self.fields["previous"].queryset = streams
        if not has_role(user, Role.CHIEF_FINANCE_OFFICER):
            self.fields["over_allocation_tolerance_percent"].disabled = True
            self.fields[
                "over_allocation_tolerance_percent"
            ].help_text = "Only the Chief Finance Officer can change this."
        self.helper = FormHelper()
        self.helper.form_tag = False


class AllocationForm(BoundedInputMixin, forms.ModelForm):
    amount = MoneyFormField(help_text="e.g. £9,400")
    recipient_name = forms.CharField(
        label="Recipient",
        max_length=255,
        required=False,
        help_text="The organisation receiving the money; a new name adds a provider. "
        "Leave blank for an unnamed pot.",
    )
    theme_name = forms.CharField(
        label="Police and Crime Plan theme", max_length=200, required=False
    )

    class Meta:
        model = Allocation
        fields = [
            "funding_stream",
            "title",
            "description",
            "amount",
            "period_start",
            "period_end",
            "indicative",
            "route",
            "replaces",
            "decision_reference",
            "comments",
        ]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 2}),
            # Every allocation ever recorded, 20,000 of them at scale: rendered in Python.
            "replaces": LongSelect(label_field="title"),
            "funding_stream": LongSelect,
        }
        help_texts = {
            "period_start": "Leave blank for the whole financial year.",
            "period_end": "Leave blank for the whole financial year.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_stream"].queryset = FundingStream.objects.select_related(
            "financial_year"
        ).filter(financial_year__is_closed=False)
        self.fields["replaces"].queryset = Allocation.objects.select_related(
            "funding_stream__financial_year"
        ).exclude(pk=self.instance.pk or 0)
        self.fields["period_start"].required = False
        self.fields["period_end"].required = False
        self.fields["route"].choices = [("", "—"), *CommissioningRoute.choices]
        if self.instance.pk:
            self.fields["recipient_name"].initial = (
                self.instance.recipient.name if self.instance.recipient_id else ""
            )
            self.fields["theme_name"].initial = (
                self.instance.theme.name if self.instance.theme_id else ""
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _post_clean(self):
        # The service validates and saves; the model is not validated twice here.
        pass


class FileImportForm(forms.Form):
    KIND_CHOICES = [
        ("allocations", "Allocations"),
        ("funding", "Funding streams"),
    ]
    kind = forms.ChoiceField(label="What the file holds", choices=KIND_CHOICES)
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="The first row names the columns. Nothing is saved until you confirm.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


__all__ = [
    "AllocationForm",
    "FileImportForm",
    "FundingSource",
    "FundingStreamForm",
    "PlanTheme",
    "Provider",
]
