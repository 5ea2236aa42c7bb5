"""Amounts and rates read as invoices write them: strict, never rounded away."""
from __future__ import annotations

from decimal import Decimal

import pytest

from client.invoices._reading import ValueProblem, to_fen, to_rate


@pytest.mark.parametrize("text, fen", [("1272.00", 127_200), ("¥1,272.00", 127_200), ("￥1，272", 127_200), (12.5, 1_250)])
def test_invoice_amounts_become_fen(text, fen):
    assert to_fen(text) == fen


@pytest.mark.parametrize("text, says", [("1272.005", "more than two decimal places"), ("abc", "not a number"),
                                        ("NaN", "not a finite number"), (None, "expected a number")])
def test_unreadable_amounts_say_why(text, says):
    with pytest.raises(ValueProblem, match=says):
        to_fen(text)


@pytest.mark.parametrize("text, rate", [("6%", Decimal("0.06")), ("0.13", Decimal("0.13")), ("9", Decimal("0.09")),
                                        ("免税", Decimal(0)), ("5%减按1.5%", Decimal("0.015")),
                                        ("3% 减按 2%", Decimal("0.02"))])
def test_tax_rates_become_fractions(text, rate):
    assert to_rate(text) == rate


def test_a_rate_reduced_to_one_no_lower_is_refused():
    with pytest.raises(ValueProblem, match="reduced to one no lower than itself"):
        to_rate("2%减按3%")
