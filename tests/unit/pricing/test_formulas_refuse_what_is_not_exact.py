"""The pricing formulas (``client.pricing.proportion_fen``, ``interest_fen``, ``effective_annual_cost``) take int fen
and days and Decimal rates only: a float rate gave another fen than the Decimal it was meant as (5 fen x 0.7 came
out 3, where 3.5 rounds half up to 4), a str or a bool was computed with as a number, and a NaN or an infinity
raised ``decimal.InvalidOperation`` or ``OverflowError`` from inside the arithmetic. Each is refused, naming the
argument and what to give."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from client.pricing import effective_annual_cost, interest_fen, proportion_fen


def test_a_decimal_fraction_rounds_half_up_where_its_float_would_not():
    assert proportion_fen(5, Decimal("0.7")) == 4


REFUSED = [
    (lambda: proportion_fen(5, 0.7), TypeError, "fraction must be a Decimal, not float (0.7)"),
    (lambda: proportion_fen(1000, "0.5"), TypeError, "fraction must be a Decimal, not str ('0.5')"),
    (lambda: proportion_fen(1000, True), TypeError, "fraction must be a Decimal, not bool (true)"),
    (lambda: proportion_fen(1000, Decimal("Infinity")), ValueError, "fraction Infinity is not a finite number"),
    (lambda: proportion_fen(1.5, Decimal("0.5")), TypeError, "amount_fen must be an int of fen, not float (1.5)"),
    (lambda: proportion_fen("1000", Decimal("0.5")), TypeError, "amount_fen must be an int of fen, not str ('1000')"),
    (lambda: proportion_fen(True, Decimal("0.5")), TypeError, "amount_fen must be an int of fen, not bool (true)"),
    (lambda: interest_fen(1000, 0.05, 30, "ACT/360"), TypeError, "annual_rate must be a Decimal, not float (0.05)"),
    (lambda: interest_fen(1000, Decimal("NaN"), 30, "ACT/360"), ValueError, "annual_rate NaN is not a finite number"),
    (lambda: interest_fen(1000, Decimal("sNaN"), 30, "ACT/360"), ValueError, "annual_rate sNaN is not a finite number"),
    (lambda: interest_fen(Decimal("Infinity"), Decimal("0.05"), 30, "ACT/360"), TypeError,
     "principal_fen must be an int of fen, not Decimal"),
    (lambda: interest_fen(1000, Decimal("0.05"), Decimal("NaN"), "ACT/360"), TypeError,
     "days must be an int of days, not Decimal"),
    (lambda: interest_fen(1000, Decimal("0.05"), 30.0, "ACT/360"), TypeError, "days must be an int of days, not float"),
    (lambda: effective_annual_cost(Decimal("NaN"), 1000, 30), TypeError, "cost_fen must be an int of fen, not Decimal"),
    (lambda: effective_annual_cost(100, 1000.0, 30), TypeError, "net_cash_fen must be an int of fen, not float"),
    (lambda: effective_annual_cost(100, 1000, True), TypeError, "days must be an int of days, not bool"),
]


@pytest.mark.parametrize("call, kind, said", REFUSED, ids=range(len(REFUSED)))
def test_an_argument_that_is_not_exact_is_refused_naming_it(call, kind, said):
    with pytest.raises(kind, match="^" + re.escape(said)):
        call()


def test_an_apr_of_more_digits_than_the_decimal_context_is_written_whole():
    # cost far beside the cash over one day: more than 28 digits, which quantize() refused with InvalidOperation
    apr = effective_annual_cost(10**25, 1, 1)
    assert apr == Decimal(365 * 10**25) and apr.as_tuple().exponent == -6
    assert str(effective_annual_cost(100, 1000, 30)) == "1.216667"
