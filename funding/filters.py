import django_filters
from django import forms
from django.db import connection, models
from django.db.models import Func, Q
from django.db.models.lookups import IContains

from commissioning.models import CommissioningRoute, Provider
from commissioning.selectors import providers_named
from pcc_grants.filters import SearchFilter
from pcc_grants.forms import LongSelect

from .models import Allocation, AllocationStatus, FinancialYear, FundingStream, PlanTheme

# Words of a search that are looked for; the rest of a long query is ignored.
SEARCH_TERMS = 8


def list_in_one_query(field) -> None:
    """Gives a model choice field's widget its options as a list read in one query:
    iterated, the queryset would be read through a server-side cursor on PostgreSQL
    (three round trips). The field still checks a choice against its queryset."""
    first = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = first + [(record.pk, str(record)) for record in field.queryset]


def list_streams_in_one_query(field) -> list[tuple[int, str, int]]:
    """As ``list_in_one_query``, for a choice of funding stream: each option labelled as
    the stream names itself, from its name and year read as values, not a stream and a
    year made for each of them. The streams' keys, names and years, as read."""
    first = [("", field.empty_label)] if field.empty_label is not None else []
    rows = list(field.queryset.values_list("pk", "name", "financial_year__start_year"))
    field.widget.choices = first + [
        (pk, FundingStream.label_of(name, start_year)) for pk, name, start_year in rows
    ]
    return rows


class AllocationFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        label="Financial year",
        field_name="funding_stream__financial_year",
        queryset=FinancialYear.objects.all(),
        empty_label="Any financial year",
        widget=LongSelect,
        method="in_year",
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
    # A box rather than a list of every provider (1,500 of them at scale).
    provider = SearchFilter(
        label="Provider",
        method="to_provider_named",
        help_text="Part of its name",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    # One provider by its key, as a link may name it (``?recipient=<pk>``).
    recipient = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.all(), widget=forms.HiddenInput
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
        fields = ["year", "stream", "status", "provider", "recipient", "theme", "route", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        list_in_one_query(self.form.fields["year"])
        self.streams = list_streams_in_one_query(self.form.fields["stream"])

    def in_year(self, queryset, name, year):
        """The allocations of the year's streams, named by their keys (read with the
        stream list's options): the index of allocations by stream and status then
        finds them, where a condition on the streams' year read every allocation."""
        streams = [pk for pk, _, start_year in self.streams if start_year == year.start_year]
        return queryset.filter(funding_stream__in=streams)

    def to_provider_named(self, queryset, name, value):
        return queryset.filter(recipient__in=providers_named(value))

    def search(self, queryset, name, value):
        """Every word in the title, description, comments, decision reference or
        recipient's name. On PostgreSQL the four columns are searched as one text,
        through a trigram index on the expression ``icontains`` filters by (migration
        0009); SQLite, which has no such index, reads them one by one, which is quicker
        than joining them. The recipients are found through the provider's own index."""
        for term in value.split()[:SEARCH_TERMS]:
            if connection.vendor == "postgresql":
                in_texts = IContains(SearchedText(), term)
            else:
                in_texts = (
                    Q(title__icontains=term)
                    | Q(description__icontains=term)
                    | Q(comments__icontains=term)
                    | Q(decision_reference__icontains=term)
                )
            queryset = queryset.filter(in_texts | Q(recipient__in=providers_named(term)))
        return queryset


class SearchedText(Func):
    """The title, description, comments and decision reference of an allocation, a
    space apart. A word of a search holds no space, so it is in this text exactly when
    it is in one of the four."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = models.TextField()

    def __init__(self):
        super().__init__("title", "description", "comments", "decision_reference")
