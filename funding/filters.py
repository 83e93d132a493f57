import django_filters
from django.db.models import Q

from commissioning.models import CommissioningRoute, Provider
from pcc_grants.forms import LongSelect

from .models import Allocation, AllocationStatus, FinancialYear, FundingStream, PlanTheme


class AllocationFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        label="Financial year",
        field_name="funding_stream__financial_year",
        queryset=FinancialYear.objects.all(),
        empty_label="Any financial year",
        widget=LongSelect,
    )
    stream = django_filters.ModelChoiceFilter(
        label="Funding stream",
        field_name="funding_stream",
        queryset=FundingStream.objects.select_related("financial_year"),
        empty_label="Any funding stream",
        widget=LongSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=AllocationStatus.choices, empty_label="Any status", widget=LongSelect
    )
    recipient = django_filters.ModelChoiceFilter(
        label="Provider",
        queryset=Provider.objects.all(),
        empty_label="Any provider",
        widget=LongSelect(label_field="name"),
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=PlanTheme.objects.all(),
        empty_label="Any theme",
        widget=LongSelect(label_field="name"),
    )
    route = django_filters.ChoiceFilter(
        label="Commissioning route",
        choices=CommissioningRoute.choices,
        empty_label="Any route",
        widget=LongSelect,
    )
    q = django_filters.CharFilter(label="Search", method="search")

    class Meta:
        model = Allocation
        fields = ["year", "stream", "status", "recipient", "theme", "route", "q"]

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms[:8]:
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(recipient__name__icontains=term)
                | Q(comments__icontains=term)
                | Q(decision_reference__icontains=term)
            )
        return queryset
