from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcc_grants.money import (
    NEGATIVE,
    NOT_MONEY,
    TOO_LARGE,
    TOO_MANY_PLACES,
    MoneyFormField,
    format_money,
    parse_money,
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("£9,400", Decimal("9400.00")),
        ("9400", Decimal("9400.00")),
        ("9,400.00", Decimal("9400.00")),
        (" £47,452.35 ", Decimal("47452.35")),
        ("0.5", Decimal("0.50")),
        ("1,649,000", Decimal("1649000.00")),
        (Decimal("12.3"), Decimal("12.30")),
    ],
)
def test_amounts_are_read_as_typed_in_british_style(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", NEGATIVE),
        ("12.345", TOO_MANY_PLACES),
        ("£1,2,3", NOT_MONEY),
        ("abc", NOT_MONEY),
        ("", NOT_MONEY),
        ("9 400", NOT_MONEY),
        ("1e6", NOT_MONEY),
        ("NaN", NOT_MONEY),
        ("1000000000000", TOO_LARGE),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(typed, message):
    with pytest.raises(ValidationError) as caught:
        parse_money(typed)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("9400"), "£9,400"),
        (Decimal("47452.35"), "£47,452.35"),
        (Decimal("0"), "£0"),
        (Decimal("-8794"), "-£8,794"),
    ],
)
def test_amounts_are_shown_with_pence_only_when_there_are_some(amount, shown):
    assert format_money(amount) == shown


def test_money_form_field_accepts_pound_signs_and_reports_bad_input():
    field = MoneyFormField()
    assert field.clean("£9,400") == Decimal("9400.00")
    with pytest.raises(ValidationError) as caught:
        field.clean("12.345")
    assert caught.value.messages == [TOO_MANY_PLACES]


def test_money_template_filter_formats_amounts():
    from django.template import engines

    template = engines["django"].from_string("{{ a|money }} and {{ b|money:'pence' }}")
    assert template.render({"a": Decimal("9400"), "b": Decimal("9400")}) == "£9,400 and £9,400.00"
