"""Filters for the lists' query strings, read as ``pcc_grants/query.py`` reads them.

A query string comes from anyone, and a link with a stray character in it should
still list the records: a value a filter cannot read (a superscript digit, twenty
digits, a NUL byte, year 0, a status that does not exist) filters nothing and shows
no error. Each box shows the value that is applied, so it never claims a filter that
is not.
"""

import django_filters
from django import forms
from django.forms.utils import ErrorDict

from .query import as_id, as_search, as_year


class QueryStringForm(forms.Form):
    """The form of a list's filters: it keeps the values it could read and drops the
    rest without an error. Fields keep their names as ids (``q``, ``status``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        self._errors = ErrorDict(renderer=self.renderer)


class SearchField(forms.CharField):
    """A search box's text without NUL bytes, trimmed, at most 200 characters."""

    def to_python(self, value) -> str:
        return as_search(super().to_python(value))

    def bound_data(self, data, initial) -> str:
        return as_search(data)


class YearField(forms.Field):
    """A four-digit calendar year, or None."""

    def to_python(self, value) -> int | None:
        return as_year(value)

    def bound_data(self, data, initial) -> int | None:
        return as_year(data)


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of record read as a database key, not looked up: the list is filtered
    by the key (a key that names no record lists nothing), with no query to check it."""

    def to_python(self, value) -> int | None:
        return as_id(value)

    def bound_data(self, data, initial) -> int | None:
        return as_id(data)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class YearFilter(django_filters.Filter):
    field_class = YearField


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField
