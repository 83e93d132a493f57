"""Money: pounds as ``Decimal`` with two places, parsed and shown the British way.

Input accepts ``£9,400``, ``9400``, ``9,400.00``. Negative amounts, more than two
decimal places and badly grouped thousands (``£1,2,3``) are refused.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

PENNY = Decimal("0.01")
MAX_DIGITS = 14
MAX_AMOUNT = Decimal("999999999999.99")

_MONEY_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")

NOT_MONEY = "Enter an amount in pounds, such as £9,400 or 9400.00."
NEGATIVE = "The amount cannot be negative."
TOO_MANY_PLACES = "Use at most two decimal places (whole pence)."
TOO_LARGE = "The amount is too large."


def parse_money(value) -> Decimal:
    """Read an amount typed by a person or found in a spreadsheet cell."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, int):
        text = str(value)
    else:
        text = str(value).strip()
    text = text.replace("\u00a3", "", 1).strip() if text.startswith("\u00a3") else text
    negative = text.startswith("-") or text.startswith("(")
    if negative:
        raise ValidationError(NEGATIVE, code="negative")
    if not _MONEY_RE.match(text):
        raise ValidationError(NOT_MONEY, code="invalid")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation as error:
        raise ValidationError(NOT_MONEY, code="invalid") from error
    # Size first: rounding an amount of more digits than the decimal context holds
    # (10^30 pounds) raises InvalidOperation instead of giving an answer.
    if amount > MAX_AMOUNT:
        raise ValidationError(TOO_LARGE, code="max_value")
    if amount != amount.quantize(PENNY):
        raise ValidationError(TOO_MANY_PLACES, code="max_decimal_places")
    return amount.quantize(PENNY)


def format_money(amount: Decimal | None, *, pence: bool | None = None) -> str:
    """``£9,400`` for whole pounds, ``£47,452.35`` otherwise.

    ``pence=True`` always shows pence, for columns that must line up.
    """
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    show_pence = pence if pence is not None else amount != amount.to_integral_value()
    text = f"{amount:,.2f}" if show_pence else f"{amount:,.0f}"
    return f"{sign}\u00a3{text}"


class MoneyFormField(forms.DecimalField):
    """A form field for pounds that accepts ``£9,400``, ``9400`` and ``9,400.00``.

    A field given fewer ``max_digits`` (those its column keeps) refuses a larger amount
    as too large, in the words ``parse_money`` uses."""

    default_error_messages = {"max_digits": TOO_LARGE, "max_whole_digits": TOO_LARGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_money(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return value

    def validate(self, value):
        forms.Field.validate(self, value)


def json_number(amount: Decimal) -> int | float:
    """An amount as a JSON number, for open data standards that ask for one.

    JSON has a single number type. Whole pounds become integers; an amount with
    pence becomes the nearest binary float, whose shortest repr is the same two
    decimal places (9400.55 prints as 9400.55), so the published figure is exact.
    Arithmetic never happens on the result.
    """
    amount = Decimal(amount).quantize(PENNY)
    if amount == amount.to_integral_value():
        return int(amount)
    number = float(amount)  # serialisation boundary only: see the docstring
    if Decimal(repr(number)) != amount:
        raise ValueError(f"{amount} cannot be written exactly as a JSON number")
    return number
