import django_filters
from django import forms
from django.db.models import Q

from pcc_grants.filters import QueryStringForm, SearchFilter
from pcc_grants.forms import LongSelect

from .models import Agreement, AgreementStatus, CommissioningRoute
from .selectors import providers_named


class AgreementFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Reference, title or provider",
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    route = django_filters.ChoiceFilter(
        label="Route",
        choices=CommissioningRoute.choices,
        empty_label="Any route",
        widget=LongSelect(attrs={"class": "form-select"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=AgreementStatus.choices,
        empty_label="Any status",
        widget=LongSelect(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Agreement
        form = QueryStringForm
        fields = ["q", "route", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(provider__in=providers_named(value))
        )
