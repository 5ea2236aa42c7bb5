"""A rate written as a percentage where a fraction is expected ("4.5" for 4.5%) is refused naming the fraction it
would be, in a bank's configuration and in an offers file alike; one that is no percentage either is refused as
before."""
from datetime import date

import pytest
from pydantic import ValidationError

from client.pricing import BankOffer
from client.pricing.config import Grade

REFUSED = "must be between 0 and 1 (a fraction: 0.045 is 4.5%)"


def refusal(rate) -> str:
    with pytest.raises(ValidationError) as error:
        BankOffer(offer_id="OF-A", financier="bank-a", advance_rate="0.9", discount_rate=rate, recourse=True,
                  expires_on=date(2026, 12, 31))
    return str(error.value)


@pytest.mark.parametrize("rate, fraction", [("4.5", '"0.045"'), ("4", '"0.04"'), (4, '"0.04"'), ("5.0", '"0.05"'),
                                            ("1.5", '"0.015"'), ("100", '"1"'), ("3.12345678", '"0.0312345678"')])
def test_a_percentage_is_refused_naming_the_fraction_to_write(rate, fraction):
    said = refusal(rate)
    assert REFUSED in said and f"write {fraction}" in said


@pytest.mark.parametrize("rate", ["150", 101, "3.123456789"])   # no percentage, or its fraction past 10 places
def test_no_fraction_is_named_where_none_would_be_taken(rate):
    said = refusal(rate)
    assert REFUSED in said and "write \"" not in said


def test_a_grade_setting_names_it_too():
    with pytest.raises(ValidationError) as error:
        Grade(spread="0.9", advance_rate="90", limit_factor="1")
    assert 'advance_rate' in str(error.value) and 'for 90%, write "0.9"' in str(error.value)
