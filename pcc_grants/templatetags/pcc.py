from datetime import date, datetime

from django import template

from pcc_grants.money import format_money

register = template.Library()


@register.filter
def money(amount, pence=None):
    """``{{ amount|money }}`` gives ``£9,400``; ``{{ amount|money:"pence" }}`` ``£9,400.00``."""
    return format_money(amount, pence=True if pence == "pence" else None)


@register.filter
def absolute(number):
    """``{{ -5.0|absolute }}`` gives 5.0, for “a 5% reduction”."""
    return abs(number) if number is not None else None


@register.filter
def isodate(value):
    """``{{ "2016-08-10"|isodate }}`` is the date it names (a time too, if it names
    one), so that the date filters and formats apply to dates kept as ISO 8601 text."""
    if not value or not isinstance(value, str):
        return value
    try:
        return (datetime if "T" in value else date).fromisoformat(value)
    except ValueError:
        return value
