import django_filters
from django import forms
from django.db.models import Q

from pcc_grants.filters import IdChoiceFilter, QueryStringForm, SearchFilter, YearFilter
from pcc_grants.forms import LongSelect
from pcc_grants.models import User

from .models import Decision, DecisionCategory, DecisionStatus


class DecisionFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Reference, title or summary",
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=DecisionStatus.choices,
        empty_label="Any status",
        widget=LongSelect(attrs={"class": "form-select"}),
    )
    category = django_filters.ChoiceFilter(
        label="Category",
        choices=DecisionCategory.choices,
        empty_label="Any category",
        widget=LongSelect(attrs={"class": "form-select"}),
    )
    year = YearFilter(
        label="Year",
        method="in_year",
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    lead_officer = IdChoiceFilter(
        label="Lead officer",
        # Only the people who lead a record: a choice of anyone else would list nothing.
        queryset=User.objects.filter(
            pk__in=Decision.objects.order_by().values("lead_officer")
        ).order_by("first_name"),
        empty_label="Anyone",
        widget=LongSelect(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Decision
        form = QueryStringForm
        fields = ["q", "status", "category", "year", "lead_officer"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(executive_summary__icontains=value)
        )

    def in_year(self, queryset, name, value):
        """Decided in that year, or, for a record not decided yet, started in it."""
        return queryset.filter(
            Q(decision_date__year=value) | Q(decision_date__isnull=True, created_at__year=value)
        )
