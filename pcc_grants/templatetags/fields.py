from django import template

from pcc_grants.field_html import field_html

register = template.Library()


@register.filter
def as_field(field):
    """``{{ form.title|as_field }}``: the field as ``as_crispy_field`` draws it, quicker
    for plain fields (``pcc_grants.field_html``)."""
    return field_html(field)
