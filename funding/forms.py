from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning.models import CommissioningRoute, Provider
from commissioning.selectors import providers_a_new_name_looks_like
from pcc_grants.forms import BoundedInputMixin, LongSelect, confirmed_for
from pcc_grants.money import MoneyFormField
from pcc_grants.roles import Role, has_role
from pcc_grants.years import financial_year_label

from .filters import list_in_one_query
from .models import Allocation, FinancialYear, FundingSource, FundingStream, PlanTheme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def financial_year_choices(today=None) -> list[tuple[str, str]]:
    """The years a stream can be for, latest first: from two years ahead back to 2000
    (or the earliest recorded, if earlier)."""
    current = FinancialYear.start_year_for(today or timezone.localdate())
    earliest = FinancialYear.objects.order_by("start_year").values_list("start_year", flat=True)
    first = min(2000, earliest.first() or 2000)
    labels = (financial_year_label(start) for start in range(current + 2, first - 1, -1))
    return [(label, label) for label in labels]


YEAR_NOT_LISTED = "Choose a financial year from the list."


class FinancialYearField(forms.TypedChoiceField):
    """A financial year chosen from a list, the current one first chosen; its value is
    the year it starts (``2016/17`` gives 2016)."""

    default_error_messages = {"invalid_choice": YEAR_NOT_LISTED}

    def __init__(self, **kwargs):
        super().__init__(coerce=FinancialYear.start_year_from_label, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return financial_year_label(value)
        return value


class FundingStreamForm(BoundedInputMixin, forms.Form):
    """Creates or edits a stream; the service decides what may be saved."""

    financial_year = FinancialYearField(label="Financial year")
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
    crime_and_disorder_reduction = forms.BooleanField(
        label="Crime and disorder reduction grants",
        required=False,
        help_text="Its allocations are published on the transparency page (the Specified "
        "Information Order) and need their conditions, purpose and reasons before approval.",
    )
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
                    "financial_year": financial_year_label(stream.financial_year.start_year),
                    "name": stream.name,
                    "source": stream.source.name if stream.source_id else "",
                    "budget": stream.budget,
                    "carried_forward": stream.carried_forward,
                    "over_allocation_tolerance_percent": stream.over_allocation_tolerance_percent,
                    "ring_fenced": stream.ring_fenced,
                    "crime_and_disorder_reduction": stream.crime_and_disorder_reduction,
                    "parent": stream.parent_id,
                    "previous": stream.previous_id,
                    "description": stream.description,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = financial_year_choices()
        if stream is None:
            self.fields["financial_year"].initial = financial_year_label(
                FinancialYear.start_year_for(timezone.localdate())
            )
        streams = FundingStream.objects.select_related("financial_year").order_by(
            "-financial_year__start_year", "name"
        )
        if stream is not None:
            streams = streams.exclude(pk=stream.pk)
            self.fields["financial_year"].disabled = True
        self.fields["parent"].queryset = streams
        self.fields["previous"].queryset = streams
        self.fields["parent"].empty_label = "None: a stream of its own"
        self.fields["previous"].empty_label = "None: new this year"
        if not has_role(user, Role.CHIEF_FINANCE_OFFICER):
            self.fields["over_allocation_tolerance_percent"].disabled = True
            self.fields[
                "over_allocation_tolerance_percent"
            ].help_text = "Only the Chief Finance Officer can change this."
        self.helper = FormHelper()
        self.helper.form_tag = False


REPLACES_NOT_A_REFERENCE = (
    "Enter the reference of the allocation this one replaces, for example A000145, "
    "or leave it blank."
)
REPLACES_NOT_FOUND = "There is no allocation {reference}: check the reference, or leave it blank."
REPLACES_ITSELF = "An allocation cannot replace itself: enter the reference of an earlier one."


class AllocationReferenceField(forms.Field):
    """An allocation named by its reference (``A000145``; ``a145`` and ``145`` too),
    typed in a box: unlike a list of every allocation, the form's page does not grow
    with the register. ``queryset`` holds the allocations it may name."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, queryset, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if isinstance(value, Allocation):
            return value.reference
        if isinstance(value, int):  # the key, as a form's initial data holds it
            return f"A{value:06d}"
        return value

    def to_python(self, value) -> Allocation | None:
        text = (value or "").strip() if isinstance(value, str) else str(value or "")
        if not text:
            return None
        pk = Allocation.pk_from_reference(text)
        if pk is None:
            raise ValidationError(REPLACES_NOT_A_REFERENCE, code="invalid")
        found = self.queryset.filter(pk=pk).first()
        if found is None:
            raise ValidationError(
                REPLACES_NOT_FOUND.format(reference=f"A{pk:06d}"), code="invalid_choice"
            )
        return found

    def has_changed(self, initial, data) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        initial_pk = initial.pk if isinstance(initial, Allocation) else initial
        return (chosen.pk if chosen else None) != (initial_pk or None)


NEW_PROVIDER = "new"
RECIPIENT_LOOKS_LIKE = (
    "“{name}” is not a provider yet, and looks like one that is: choose the provider, "
    "or say it is a new one."
)


class AllocationForm(BoundedInputMixin, forms.ModelForm):
    """An allocation, its recipient first. A recipient named for the first time that
    looks like a recorded provider ("Safe Durham Partnershp", or a Cyrillic "о") is
    not recorded until the officer has chosen the provider or confirmed a new one."""

    recipient_name = forms.CharField(
        label="Recipient",
        max_length=255,
        required=False,
        help_text="The organisation receiving the money: start typing to choose a "
        "provider. A new name adds a provider. Leave blank for an unnamed pot.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    recipient_match = forms.ChoiceField(
        label="Is it one of these providers?",
        widget=forms.RadioSelect,
        required=False,
    )
    # The name the choice above was offered for: a confirmed new name, once changed,
    # is checked again.
    recipient_checked = forms.CharField(widget=forms.HiddenInput, required=False)
    amount = MoneyFormField(help_text="e.g. £9,400")
    theme_name = forms.CharField(
        label="Police and Crime Plan theme", max_length=200, required=False
    )
    replaces = AllocationReferenceField(
        queryset=Allocation.objects.none(),
        required=False,
        label="Replaces",
        help_text="The reference of an earlier allocation this one takes the place of, "
        "for example A000145. Leave blank for a new allocation.",
    )

    field_order = ["recipient_name", "recipient_match", "recipient_checked", "funding_stream"]

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
            "approved_on",
            "conditions",
            "purpose",
            "crime_reduction_reasons",
            "comments",
            "beneficiary_area_name",
            "beneficiary_area_code",
        ]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 2}),
            "approved_on": DATE_WIDGET,
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "crime_reduction_reasons": forms.Textarea(attrs={"rows": 3}),
            "funding_stream": LongSelect,
        }
        help_texts = {
            "period_start": "Leave blank for the whole financial year.",
            "period_end": "Leave blank for the whole financial year.",
            "conditions": "Required for a crime and disorder reduction grant: the "
            "conditions the grant is made on.",
            "purpose": "Required for a crime and disorder reduction grant: what the money is for.",
            "crime_reduction_reasons": "Required for a crime and disorder reduction grant: "
            "why the office considers it will secure, or contribute to securing, a "
            "reduction in crime and disorder.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_stream"].queryset = FundingStream.objects.select_related(
            "financial_year"
        ).filter(financial_year__is_closed=False)
        self.fields["replaces"].queryset = Allocation.objects.select_related(
            "funding_stream__financial_year", "decision"
        )
        self.fields["funding_stream"].empty_label = "Choose the funding stream"
        list_in_one_query(self.fields["funding_stream"])
        self.fields["period_start"].required = False
        self.fields["period_end"].required = False
        self.fields["route"].choices = [("", "—"), *CommissioningRoute.choices]
        self.fields["recipient_name"].widget.attrs["data-suggest"] = reverse(
            "commissioning:provider_suggest"
        )
        self.near_providers = self._near_providers()
        if self.near_providers:
            name = self.data.get("recipient_name", "").strip()
            self.fields["recipient_match"].choices = [
                *((str(match.pk), match.name) for match in self.near_providers),
                (NEW_PROVIDER, f"None of these: add “{name}” as a new provider"),
            ]
            self.checked_name = confirmed_for(self, "recipient_checked", name)
        else:
            del self.fields["recipient_match"], self.fields["recipient_checked"]
        if self.instance.pk:
            self.fields["recipient_name"].initial = (
                self.instance.recipient.name if self.instance.recipient_id else ""
            )
            self.fields["theme_name"].initial = (
                self.instance.theme.name if self.instance.theme_id else ""
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_replaces(self) -> Allocation | None:
        replaces = self.cleaned_data["replaces"]
        if replaces is not None and replaces.pk == self.instance.pk:
            raise ValidationError(REPLACES_ITSELF, code="itself")
        return replaces

    def _near_providers(self):
        """For a posted recipient that is not a provider: the providers it looks like."""
        if not self.is_bound:
            return []
        return providers_a_new_name_looks_like(self.data.get("recipient_name", ""))

    def clean(self):
        data = super().clean()
        if not self.near_providers or "recipient_name" in self.errors:
            return data
        name = data.get("recipient_name", "")
        choice = data.get("recipient_match")
        chosen = {str(match.pk): match.name for match in self.near_providers}
        if choice in chosen:
            data["recipient_name"] = chosen[choice]
        elif choice != NEW_PROVIDER or self.checked_name != name:
            self.add_error("recipient_match", RECIPIENT_LOOKS_LIKE.format(name=name))
        return data

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
