"""LongSelect writes <select> markup itself: it must escape as Django's templates do
and mark the chosen option, with one query however many options there are."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Provider
from pcc_grants.forms import LongSelect

from ..factories import ProviderFactory

pytestmark = pytest.mark.django_db


class ProviderChoice(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.order_by("name"), widget=LongSelect(label_field="name")
    )


def test_names_are_escaped_and_the_chosen_one_is_selected():
    hostile = ProviderFactory(name='<script>alert("x")</script> & Co')
    other = ProviderFactory(name="Victim Support")
    html = str(ProviderChoice(initial={"provider": hostile.pk})["provider"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert f'<option value="{hostile.pk}" selected>' in html
    assert f'<option value="{other.pk}">Victim Support</option>' in html
    assert '<option value="">---------</option>' in html


def test_one_query_for_any_number_of_options():
    ProviderFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        str(ProviderChoice()["provider"])
    ProviderFactory.create_batch(60)
    with CaptureQueriesContext(connection) as many:
        html = str(ProviderChoice()["provider"])
    assert len(few) == len(many) == 1
    assert html.count("<option") == 64
