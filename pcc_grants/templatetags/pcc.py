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
