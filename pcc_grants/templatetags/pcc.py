from django import template

from pcc_grants.money import format_money

register = template.Library()


@register.filter
def money(amount, pence=None):
    """``{{ amount|money }}`` gives ``£9,400``; ``{{ amount|money:"pence" }}`` ``£9,400.00``."""
    return format_money(amount, pence=True if pence == "pence" else None)
