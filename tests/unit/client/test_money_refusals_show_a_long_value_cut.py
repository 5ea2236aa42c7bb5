"""``to_fen`` and ``rate_text`` refuse an amount or a rate of the wrong type, or text that is no rate, showing the
value as every other refusal does (``client.shown.shown_value``): cut short, with its length, past 60 characters.
A 10,000-character str amount, or a list of thousands, came back whole in the message, 10,000 characters of it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from client.money import canonical_rate_text, rate_text, to_fen

LONG_TEXT = "1" * 10_000
LONG_LIST = ["1"] * 5_000


@pytest.mark.parametrize("call, said", [
    (lambda: to_fen(LONG_TEXT), "amount '" + "1" * 39 + "..." + "1" * 11 + "' (10000 characters) is a str: give int "
                                "fen or Decimal yuan"),
    (lambda: to_fen(LONG_LIST), 'amount ["1", "1", "1", "1", "1", "1", "1", "1",...", "1", "1"] (25000 characters) is '
                                "a list: give int fen or Decimal yuan"),
    (lambda: rate_text(LONG_LIST), 'rate ["1", "1", "1", "1", "1", "1", "1", "1",...", "1", "1"] (25000 characters) is '
                                   "a list: give a Decimal or a decimal string"),
    (lambda: rate_text("x" * 10_000), "rate '" + "x" * 39 + "..." + "x" * 11 + "' (10000 characters) is not a decimal "
                                      "number"),
    (lambda: canonical_rate_text("0." + "\u0661" * 10_000), "rate '0." + "\u0661" * 37 + "..." + "\u0661" * 11
                                                            + "' (10002 characters) has the digit '\u0661'"),
], ids=["to_fen-text", "to_fen-list", "rate-list", "rate-text", "rate-digit"])
def test_a_long_value_is_shown_cut_short_with_its_length(call, said):
    with pytest.raises((TypeError, ValueError)) as refused:
        call()
    message = str(refused.value)
    assert re.match(re.escape(said), message), message
    assert len(message) < 300


@pytest.mark.parametrize("call, said", [
    (lambda: to_fen("113000.00"), "amount '113000.00' is a str: give int fen or Decimal yuan"),
    (lambda: to_fen(None), "amount null is a NoneType: give int fen or Decimal yuan"),
    (lambda: rate_text("abc"), "rate 'abc' is not a decimal number"),
], ids=["short-text", "none", "short-rate"])
def test_a_short_value_is_shown_whole(call, said):
    with pytest.raises((TypeError, ValueError), match="^" + re.escape(said)):
        call()


LONG_FRACTION = "0." + "1" * 10_000


@pytest.mark.parametrize("call, said", [
    (lambda: rate_text(LONG_FRACTION), "rate 0." + "1" * 38 + "..." + "1" * 12 + " (10002 characters) has more digits "
                                       "than a rate"),
    (lambda: rate_text("-" + LONG_FRACTION), "rate -0." + "1" * 37 + "..." + "1" * 12 + " (10003 characters) must be "
                                             "a finite, non-negative fraction"),
    (lambda: to_fen(Decimal("1" + LONG_FRACTION[1:])), "1." + "1" * 38 + "..." + "1" * 12 + " (10002 characters) yuan "
                                                       "has fractions of a fen"),
], ids=["rate-digits", "rate-negative", "fen-fractions"])
def test_a_number_of_thousands_of_digits_refused_for_its_value_is_shown_cut_short(call, said):
    """Text or a Decimal read as a number, then refused for its digits or its sign, came back whole."""
    with pytest.raises(ValueError) as refused:
        call()
    assert str(refused.value).startswith(said), str(refused.value)[:200]
    assert len(str(refused.value)) < 300
