"""Hand-computed cases for the offer formulas (fen, Decimal, ROUND_HALF_UP)."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from client.pricing.money import (annual_cost, days_between, effective_annual_cost, interest_fen, percent_of,
                                  proportion_fen)


def test_act_360_interest_on_the_advance():
    advance = proportion_fen(100_000_000, Decimal("0.90"))          # 1,000,000.00 yuan x 90%
    assert advance == 90_000_000
    # 90,000,000 x 0.04 x 90 / 360 = 900,000 exactly
    assert interest_fen(advance, Decimal("0.04"), 90, "ACT/360") == 900_000


def test_act_365_interest_rounds_half_up_to_the_fen():
    # 100,000,000 x 0.045 x 90 / 365 = 1,109,589.041... -> 1,109,589
    assert interest_fen(100_000_000, Decimal("0.045"), 90, "ACT/365") == 1_109_589
    # the same under ACT/360 is 1,125,000: a 360-day year charges more
    assert interest_fen(100_000_000, Decimal("0.045"), 90, "ACT/360") == 1_125_000


def test_half_up_at_exactly_half():
    assert interest_fen(10, Decimal("0.05"), 360, "ACT/360") == 1       # 0.5 -> 1
    assert interest_fen(10, Decimal("0.049"), 360, "ACT/360") == 0      # 0.49 -> 0
    assert proportion_fen(15, Decimal("0.5")) == 8                      # 7.5 -> 8
    assert proportion_fen(13, Decimal("0.5")) == 7                      # 6.5 -> 7


def test_apr_including_fees_uses_a_365_day_year():
    # net = 90,000,000 - 900,000 - 50,000 = 89,050,000
    # APR = 950,000 / 89,050,000 x 365 / 90 = 0.04326533... -> 0.043265
    assert effective_annual_cost(950_000, 89_050_000, 90) == Decimal("0.043265")
    # no charge, no cost
    assert effective_annual_cost(0, 100, 30) == Decimal("0.000000")


def test_apr_rounds_half_up_to_six_places():
    # 1 / 2,000,000 x 365 / 365 = 0.0000005 -> 0.000001
    assert effective_annual_cost(1, 2_000_000, 365) == Decimal("0.000001")


def test_the_apr_is_exact_until_it_is_shown_and_rounded_once_then():
    exact = annual_cost(901_844, 89_098_156, 90)        # 4.1049990...%
    assert exact == Fraction(901_844, 89_098_156) * Fraction(365, 90)
    assert effective_annual_cost(901_844, 89_098_156, 90) == Decimal("0.041050")
    assert percent_of(exact) == "4.10%"                 # percent(0.041050, 2) would say 4.11%
    assert percent_of(exact, 4) == "4.1050%"


@pytest.mark.parametrize("rate,places,shown", [
    (Fraction(41, 1000), 2, "4.10%"), (Fraction(0), 2, "0.00%"), (Fraction(1, 2), 4, "50.0000%"),
    (Fraction(5, 100_000), 2, "0.01%"), (Fraction(49_999, 1_000_000_000), 2, "0.00%"),   # half up at exactly half
    (Fraction(-5, 100_000), 2, "-0.01%"), (Fraction(-1, 10**7), 2, "0.00%"),              # halves away from zero
])
def test_an_exact_rate_is_shown_as_a_percentage_half_up(rate, places, shown):
    assert percent_of(rate, places) == shown


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="basis"):
        interest_fen(100, Decimal("0.04"), 10, "30/360")
    with pytest.raises(ValueError):
        interest_fen(100, Decimal("0.04"), -1, "ACT/360")
    with pytest.raises(ValueError):
        effective_annual_cost(10, 0, 30)
    with pytest.raises(ValueError, match="positive net cash and days"):
        annual_cost(10, 100, 0)


def test_days_are_actual_calendar_days():
    assert days_between(date(2026, 12, 1), date(2027, 3, 1)) == 90
    assert days_between(date(2024, 2, 1), date(2024, 3, 1)) == 29      # leap year, actual days
