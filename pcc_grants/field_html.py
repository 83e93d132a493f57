"""Form fields drawn in Python rather than by a template for each of their parts.

``field_html`` draws a field as crispy-forms' Bootstrap 5 template does (``{{
field|as_crispy_field }}``: its label, widget, help text and errors) for the plain
fields: text, numbers, dates, text areas, selects and tick boxes, in a form laid out
without a grid. Anything else (radio buttons, files, hidden or multi-part widgets, a
helper with a layout of its own) is drawn by crispy-forms itself. The markup is
crispy-forms' own, attribute for attribute and word for word; only the runs of
white space between its tags are written as one space, which a browser shows the
same.

``PLAIN_WIDGETS`` is Django's form renderer with the templates of its inputs and
text areas written in Python, byte for byte. A long form (the decision record's has
forty fields) then costs a few milliseconds rather than five templates a field.
``tests/pcc_grants/test_field_html.py`` holds both to what they stand for.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

PACK = "bootstrap5"
FIELD_TEMPLATE = f"{PACK}/field.html"
# Widgets crispy-forms draws in a template of their own, or in parts.
NOT_PLAIN = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


def field_html(field: BoundField) -> SafeString:
    """``field`` as ``as_crispy_field`` draws it."""
    options = _plain_options(field)
    if options is None:
        return as_crispy_field(field)
    errors_inline, show_errors = options
    widget = field.field.widget
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    # A field refused is marked so even when its errors are not shown.
    invalid = bool(field.errors)
    errors = field.errors if show_errors else []
    label = conditional_escape(field.label)
    css = field.css_classes()
    parts = []
    if isinstance(widget, forms.CheckboxInput):
        parts.append(
            f' <div class="mb-3"> <div id="div_{conditional_escape(field.auto_id)}" '
            f'class="form-check{" " + conditional_escape(css) if css else ""}"> '
        )
        parts.append(
            _widget(field, "form-check-input is-invalid" if invalid else "form-check-input")
        )
        parts.append(
            f' <label for="{conditional_escape(field.id_for_label)}" class="form-check-label'
            f'{" requiredField" if required else ""}"> {label}{asterisk} </label> '
        )
        parts.append(_help_and_errors(field, errors, errors_inline))
        parts.append(" </div> </div> ")
    else:
        parts.append(
            f' <div id="div_{conditional_escape(field.auto_id)}" '
            f'class="mb-3{" " + conditional_escape(css) if css else ""}"> '
        )
        if field.label:
            target = field.id_for_label
            label_for = f'for="{conditional_escape(target)}" ' if target else ""
            parts.append(
                f'<label {label_for}class="form-label{" requiredField" if required else ""}"> '
                f"{label}{asterisk} </label> "
            )
        if isinstance(widget, forms.Select):
            classes = "form-select is-invalid" if invalid else "form-select"
        else:
            classes = "form-control is-invalid" if invalid else "form-control"
        parts.append(_widget(field, classes))
        parts.append(_help_and_errors(field, errors, errors_inline))
        parts.append(" </div> ")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - all escaped above


def _plain_options(field) -> tuple[bool, bool] | None:
    """Whether errors are written inline and shown at all, for a plain field in a
    plain layout; None for anything crispy-forms must draw itself."""
    if TEMPLATE_PACK != PACK or not isinstance(field, BoundField):
        return None
    widget = field.field.widget
    if (
        field.is_hidden
        or field.use_fieldset
        or isinstance(widget, NOT_PLAIN)
        or hasattr(widget, "widgets")
        or hasattr(widget, "widget")
    ):
        return None
    helper = getattr(field.form, "helper", None)
    if helper is None:
        # No helper: as_crispy_field's own defaults, which write errors as a block.
        return False, True
    items = helper.get_attributes(PACK)
    plain = (
        items.get("field_template") == FIELD_TEMPLATE
        and items.get("form_show_labels")
        and not items.get("help_text_inline")
        and not items.get("label_class")
        and not items.get("field_class")
        and not items.get("tag")
        and not items.get("wrapper_class")
        and "form-horizontal" not in (items.get("form_class") or "")
    )
    if not plain:
        return None
    return bool(items.get("error_text_inline")), bool(items.get("form_show_errors"))


def _widget(field: BoundField, classes: str) -> str:
    """The widget, with the classes crispy-forms adds to it (``{% crispy_field %}``):
    its own name in lower case, then ``classes``. As there, they stay on the widget."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(name) == -1:
            css_class += f" {name}"
    else:
        css_class = name
    for word in classes.split():
        if word not in css_class.split():
            css_class += f" {word}"
    widget.attrs["class"] = css_class
    return str(field)


def _help_and_errors(field: BoundField, errors, errors_inline: bool) -> str:
    """``layout/help_text_and_errors.html``: the errors, then the help text."""
    parts = []
    if errors:
        tag = "span" if errors_inline else "p"
        auto_id = conditional_escape(field.auto_id)
        parts.append(
            f' <div id="{conditional_escape(getattr(errors, "field_id", ""))}_error" '
            'class="invalid-feedback"> '
        )
        for number, error in enumerate(errors, start=1):
            parts.append(
                f'<{tag} id="error_{number}_{auto_id}"><strong>{conditional_escape(error)}'
                f"</strong></{tag}> "
            )
        parts.append("</div> ")
    if field.help_text:
        auto_id = field.auto_id
        ident = f'id="{conditional_escape(auto_id)}_helptext" ' if auto_id else ""
        parts.append(f' <div {ident}class="form-text">{field.help_text}</div> ')
    return "".join(parts)


# Widgets ------------------------------------------------------------------------------

WIDGETS = "django/forms/widgets"
# Django's templates of these widgets are its input.html and nothing else.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "tel",
        "search",
        "color",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "checkbox",
    )
)
TEXTAREA_TEMPLATE = f"{WIDGETS}/textarea.html"


class PlainWidgetsRenderer(DjangoTemplates):
    """Django's form renderer, with the templates of its inputs and text areas written
    in Python; every other template is Django's. Give a form the one instance,
    ``PLAIN_WIDGETS`` (``default_renderer``): each instance makes its own template
    engine."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return _input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return _textarea(context["widget"])
        return super().render(template_name, context, request)


PLAIN_WIDGETS = PlainWidgetsRenderer()


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}``: as text, escaped unless marked safe (``str``
    keeps a safe string safe)."""
    return conditional_escape(str(value))


def _attributes(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html``."""
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    """``django/forms/widgets/textarea.html``."""
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )
