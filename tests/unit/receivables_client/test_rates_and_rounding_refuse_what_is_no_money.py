"""``client.money`` refuses, before anything is computed or sent, what is no rate and no money.

``rate_text`` wrote any Decimal out in full: a rate of ``1E+999999999`` or ``1E-999999999`` (a typo, a value read
from a damaged file) became a gigabyte of digits before the contract, which takes at most 3 digits before the
point and 10 after, could refuse it; ``to_fen`` refuses such an amount before it builds the number, and the CLI's
rate options before they call ``rate_text``. ``round_half_up``, the one rounding rule, took a float or a bool,
which no money is: ``round_half_up(1.005 * 100)`` gave 100 fen where the amount meant 101.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from pydantic import ValidationError

from chaincode.receivables import daycount
from client import money
from client.money import canonical_rate_text, rate_text, round_half_up
from client.receivables import DiscountOfferRequest, FinancingTerms

# far beyond any rate, yet small enough that the text written out in full before the fix is quick to build
BEYOND_ANY_RATE = ["1E+20000", "1E-20000", "0E-20000", "1000", "0.00000000001", "0E-11"]


@pytest.mark.parametrize("text", BEYOND_ANY_RATE)
def test_a_rate_beyond_any_rates_digits_is_refused_before_it_is_written_out(text):
    for rate in (text, Decimal(text)):
        for write in (rate_text, canonical_rate_text):
            with pytest.raises(ValueError, match="at most 3 digits before the point and 10 after"):
                write(rate)


def test_the_digits_of_a_rate_are_the_contracts():
    assert (money.RATE_WHOLE_DIGITS, money.RATE_PLACES) == (daycount.RATE_WHOLE_DIGITS, daycount.RATE_PLACES)


@pytest.mark.parametrize("text", ["1E+20000", "1E-20000"])
def test_requests_holding_one_are_refused_when_built(text):
    with pytest.raises(ValidationError, match="at most 3 digits before the point and 10 after"):
        FinancingTerms(advance_rate=Decimal(text), discount_rate="0.036", recourse=False, expires_on=date(2026, 4, 30))
    with pytest.raises(ValidationError, match="at most 3 digits before the point and 10 after"):
        DiscountOfferRequest(apr=text, expires_on=date(2026, 4, 1))


@pytest.mark.parametrize("text, written", [("0.036", "0.036"), ("0.0360000000", "0.0360000000"), ("100", "100"),
                                           ("3.6E-2", "0.036"), ("0E-10", "0.0000000000"), ("999.5", "999.5")])
def test_every_rate_the_contract_takes_is_written_as_before(text, written):
    assert rate_text(text) == rate_text(Decimal(text)) == written


@pytest.mark.parametrize("value", [1.005 * 100, 0.5, True, False])
def test_the_rounding_rule_refuses_a_float_or_a_bool(value):
    with pytest.raises(TypeError, match="never"):
        round_half_up(value)


def test_the_rounding_rule_still_rounds_exact_values_half_up():
    assert [round_half_up(v) for v in (Fraction(201, 2), Decimal("100.5"), Decimal("-100.5"), 7)] == [101, 101, -101, 7]
