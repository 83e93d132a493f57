from crispy_forms.helper import FormHelper
from django import forms

from pcc_grants.forms import (
    BoundedInputMixin,
    LongSelect,
    bounded_formset_factory,
    confirmed_for,
)
from pcc_grants.money import MoneyFormField

from .models import (
    Agreement,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
    ProviderContact,
    Rag,
)
from .selectors import providers_a_new_name_looks_like
from .services import AGREEMENT_FIELDS, PROVIDER_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


NAME_LOOKS_LIKE = (
    "“{name}” looks like {others}, already recorded: open that provider instead, or "
    "say this is a different organisation."
)


class ProviderForm(BoundedInputMixin, forms.ModelForm):
    """A provider. A name (new, or changed) that looks like another provider's is
    not saved until the officer says it is a different organisation."""

    different = forms.BooleanField(label="", required=False)
    # The name that was confirmed as different: a changed name is checked again.
    name_checked = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Provider
        fields = PROVIDER_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.near_providers = self._near_providers()
        if self.near_providers:
            name = self.data.get("name", "").strip()
            self.fields["different"].label = (
                f"“{name}” is a different organisation from "
                + ", ".join(f"“{match.name}”" for match in self.near_providers)
            )
            self.checked_name = confirmed_for(self, "name_checked", name)
            self.order_fields(["name", "different", "name_checked"])
        else:
            del self.fields["different"], self.fields["name_checked"]

    def _near_providers(self):
        if not self.is_bound:
            return []
        return providers_a_new_name_looks_like(
            self.data.get("name", ""), other_than=self.instance if self.instance.pk else None
        )

    def clean(self):
        data = super().clean()
        if self.near_providers and "name" not in self.errors:
            name = data.get("name", "")
            if not (data.get("different") and self.checked_name == name):
                others = ", ".join(f"“{match.name}”" for match in self.near_providers)
                self.add_error("different", NAME_LOOKS_LIKE.format(name=name, others=others))
        return data

    def _post_clean(self):
        # Numbers are normalised and checked by the service (spaces, case, padding).
        pass


class ContactForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = ProviderContact
        fields = ["name", "role", "email", "phone"]

    def _post_clean(self):
        pass


ContactFormSet = bounded_formset_factory(ContactForm, extra=1, can_delete=True)


class AgreementForm(BoundedInputMixin, forms.ModelForm):
    total_value = MoneyFormField(label="Total value")
    annual_value = MoneyFormField(label="Annual value", required=False)
    match_funding = MoneyFormField(label="Match funding", required=False)

    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "review_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "co_funders": forms.Textarea(attrs={"rows": 2}),
            "single_tender_justification": forms.Textarea(attrs={"rows": 3}),
            # Every active provider, 1,500 of them at scale: rendered in Python.
            "provider": LongSelect(label_field="name"),
        }
        help_texts = {
            "single_tender_ground": "Only for a single tender action.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(is_active=True)
        self.fields["single_tender_ground"].required = False
        self.fields["single_tender_ground"].widget = forms.RadioSelect(
            choices=[
                ("", "Not a single tender action"),
                *self.fields["single_tender_ground"].choices[1:],
            ]
        )
        self.fields["route"].choices = CommissioningRoute.choices
        self.helper = _helper()

    def clean_match_funding(self):
        return self.cleaned_data["match_funding"] or 0

    def _post_clean(self):
        pass


class PartnerForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label="Partner", max_length=255, required=False)
    contribution = MoneyFormField(label="Contribution", required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("contribution") is None:
            self.add_error("contribution", "Enter this partner's contribution.")
        if data.get("contribution") is not None and not data.get("name"):
            self.add_error("name", "Name the partner for this contribution.")
        return data


PartnerFormSet = bounded_formset_factory(PartnerForm, extra=2)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Add a document",
        help_text="PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or an image; "
        "at most 10 MB.",
    )


class ReturnForm(BoundedInputMixin, forms.ModelForm):
    spend_to_date = MoneyFormField(label="Spend to date", required=False)

    class Meta:
        model = MonitoringReturn
        fields = ["received_date", "spend_to_date", "rag", "narrative"]
        widgets = {
            "received_date": DATE_WIDGET,
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_date"].required = True
        self.fields["rag"].choices = [("", "—"), *Rag.choices]
        self.helper = _helper()

    def _post_clean(self):
        pass


class MeasureForm(BoundedInputMixin, forms.Form):
    metric = forms.CharField(label="Output or outcome", max_length=200, required=False)
    value = forms.DecimalField(label="Value", max_digits=14, decimal_places=2, required=False)
    target = forms.DecimalField(label="Target", max_digits=14, decimal_places=2, required=False)

    def clean(self):
        data = super().clean()
        if data.get("metric") and data.get("value") is None:
            self.add_error("value", "Enter the value reported.")
        if not data.get("metric") and (data.get("value") is not None or data.get("target")):
            self.add_error("metric", "Name the output or outcome.")
        return data


MeasureFormSet = bounded_formset_factory(MeasureForm, extra=3)


class ContractsFilterForm(forms.Form):
    BANDS = [
        ("", "All agreements"),
        ("over", "Over £10,000"),
        ("under", "£10,000 or less"),
    ]
    band = forms.ChoiceField(label="Value", choices=BANDS, required=False)
