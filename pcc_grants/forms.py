from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError, aliases=None) -> None:
    """Show a service's ValidationError on the form: each message on its field where
    the form has one (``aliases`` maps model field names to form field names), the
    rest above the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        field = aliases.get(name, name)
        for message in messages:
            if field != NON_FIELD_ERRORS and field in form.fields:
                form.add_error(field, message)
            else:
                form.add_error(None, message)
