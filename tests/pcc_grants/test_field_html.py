"""``field_html`` draws a plain field as crispy-forms' Bootstrap 5 template does: the
same tags, attributes, words and escaping, with only the runs of white space between
tags written as one space. Held so for every field of the decision record's forms,
empty, filled and refused, and for the odd cases (no label, no ids, help text that is
HTML, the CSS classes a form asks for, a helper's choices); what it does not draw
itself, crispy-forms draws."""

import re
from datetime import date
from decimal import Decimal

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils.safestring import mark_safe

from decisions import workflow
from decisions.forms import (
    ActionForm,
    AllocationSearchForm,
    AttachmentForm,
    CommentForm,
    DecisionForm,
    FundingLineFormSet,
    PaperSignatureForm,
)
from pcc_grants.field_html import PLAIN_WIDGETS, field_html

pytestmark = pytest.mark.django_db


def text_of(html) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def assert_drawn_as_crispy_draws(make) -> None:
    """``make`` makes the form: each drawing has its own, as both add classes to the
    widgets they draw."""
    ours, theirs = make(), make()
    for name in ours.fields:
        assert text_of(field_html(ours[name])) == text_of(as_crispy_field(theirs[name])), name


class Odd(forms.Form):
    error_css_class = "has-error"
    required_css_class = "is-required"

    unlabelled = forms.CharField(label="", help_text="<i>Help</i> & more")
    tick = forms.BooleanField(required=False, label="Tick & go", help_text="Why tick")
    choice = forms.ChoiceField(choices=[("1", "<one>")], required=False)
    number = forms.IntegerField(label="N<um>")
    email = forms.EmailField(widget=forms.EmailInput(attrs={"class": "emailinput big"}))
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "custom"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    radio = forms.ChoiceField(choices=[("1", "One")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(choices=[("1", "One")], widget=forms.SelectMultiple)
    upload = forms.FileField(required=False)
    amount = forms.DecimalField()


def refused(form):
    form.is_valid()
    return form


def test_the_decision_record_form_empty_started_and_refused(officer):
    assert_drawn_as_crispy_draws(DecisionForm)
    assert_drawn_as_crispy_draws(lambda: DecisionForm(initial={"lead_officer": officer.pk}))
    assert_drawn_as_crispy_draws(
        lambda: refused(
            DecisionForm({"title": "<b>Peer mentors</b>", "financial_implications": "on"})
        )
    )


def test_funding_lines_and_the_allocation_search():
    def lines():
        return FundingLineFormSet(
            prefix="lines", initial=[{"item": "Mileage & <fees>", "amount": 3}]
        )

    assert_drawn_as_crispy_draws(lambda: lines().forms[0])
    assert_drawn_as_crispy_draws(lambda: lines().empty_form)

    def posted():
        formset = FundingLineFormSet(
            {
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-item": "Mileage",
                "lines-0-amount": "lots",
            },
            prefix="lines",
        )
        formset.is_valid()
        return formset.forms[0]

    assert_drawn_as_crispy_draws(posted)
    assert_drawn_as_crispy_draws(AllocationSearchForm)
    assert_drawn_as_crispy_draws(lambda: refused(AllocationSearchForm({"find-text": "x" * 200})))


@pytest.mark.parametrize("transition", workflow.TRANSITIONS.values(), ids=workflow.TRANSITIONS)
def test_the_forms_of_the_workflow_steps(people, transition):
    assert_drawn_as_crispy_draws(lambda: ActionForm(transition))
    assert_drawn_as_crispy_draws(lambda: refused(ActionForm(transition, {"comment": ""})))
    if workflow.PAPER in transition.modes:
        assert_drawn_as_crispy_draws(lambda: PaperSignatureForm(transition))
        assert_drawn_as_crispy_draws(lambda: refused(PaperSignatureForm(transition, {}, {})))


def test_the_comment_and_attachment_forms():
    assert_drawn_as_crispy_draws(lambda: refused(CommentForm({})))
    assert_drawn_as_crispy_draws(AttachmentForm)


def test_odd_fields_with_and_without_ids_and_errors():
    assert_drawn_as_crispy_draws(Odd)
    assert_drawn_as_crispy_draws(
        lambda: refused(Odd({"unlabelled": "", "number": "x", "tick": "z"}))
    )
    assert_drawn_as_crispy_draws(lambda: Odd(auto_id=False))
    assert_drawn_as_crispy_draws(lambda: refused(Odd({"unlabelled": ""}, auto_id=False)))


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("form_show_errors", False),
        ("error_text_inline", False),
        ("help_text_inline", True),
        ("form_show_labels", False),
        ("label_class", "col-lg-2"),
        ("field_class", "col-lg-8"),
        ("form_class", "form-horizontal"),
    ],
)
def test_odd_fields_under_a_helper(option, value):
    def with_helper():
        form = refused(Odd({"unlabelled": ""}))
        form.helper = FormHelper()
        setattr(form.helper, option, value)
        return form

    assert_drawn_as_crispy_draws(with_helper)


def test_what_a_user_typed_is_escaped():
    html = str(field_html(refused(DecisionForm({"title": '"><script>x</script>'}))["title"]))
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


class Widgets(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"data-x": "<&\"'>"}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"step": 1, "min": 0}))
    amount = forms.DecimalField()
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    moment = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    flags = forms.CharField(widget=forms.TextInput(attrs={"readonly": True, "hidden": False}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


WIDGET_DATA = [
    {},
    {
        "text": '"><script>alert(1)</script>',
        "number": "12",
        "amount": "9400.50",
        "email": "a&b@example.org",
        "url": "https://example.org/?a=1&b=<2>",
        "day": "2016-08-10",
        "moment": "2016-08-10 10:00",
        "time": "10:00",
        "secret": "p<a>ss",
        "hidden": "x'y",
        "tick": "on",
        "flags": "",
        "notes": "Line one\n<b>two</b> & three",
    },
    {"number": "many", "day": "someday", "notes": ""},
]


@pytest.mark.parametrize("data", WIDGET_DATA, ids=["empty", "filled", "refused"])
def test_inputs_and_text_areas_are_the_bytes_djangos_templates_write(data):
    initial = {"day": date(2016, 4, 1), "amount": Decimal("9400"), "tick": True}

    def make(renderer=None):
        form = Widgets(data or None, initial=initial, renderer=renderer)
        form.is_valid()
        return form

    ours, djangos = make(PLAIN_WIDGETS), make()
    for name in ours.fields:
        assert str(ours[name]) == str(djangos[name]), name


def test_text_marked_safe_is_not_escaped_again_as_in_djangos_templates():
    safe = forms.TextInput().render("title", mark_safe("&amp;"), renderer=PLAIN_WIDGETS)
    assert safe == forms.TextInput().render("title", mark_safe("&amp;"))
    assert 'value="&amp;"' in safe
