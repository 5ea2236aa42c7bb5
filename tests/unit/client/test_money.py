"""The client's one money module: exact fen <-> yuan, the half-up rule, and the text forms."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction

import pytest

from client.money import MAX_FEN, AboveCap, percent, plain_yuan, rate_text, round_half_up, to_fen, to_yuan, yuan


def test_decimal_yuan_must_be_exact_to_the_fen_unless_rounding_is_explicit():
    assert to_fen(Decimal("1234.56")) == 123456
    assert to_fen(Decimal("1234.5")) == 123450
    assert to_fen(7) == 7
    with pytest.raises(ValueError, match="round it explicitly"):
        to_fen(Decimal("0.005"))
    assert to_fen(Decimal("0.005"), rounding=ROUND_HALF_UP) == 1
    assert to_fen(Decimal("0.0249"), rounding=ROUND_HALF_UP) == 2
    assert to_fen(Decimal("0.0299"), rounding=ROUND_DOWN) == 2


@pytest.mark.parametrize("amount, error, message", [
    (1.5, TypeError, r"^amount 1\.5 is a float: give int fen or Decimal yuan, never a float$"),
    (True, TypeError,
     r"^amount True is a bool: give int fen or Decimal yuan, never a bool, which Python counts as an int$"),
    ("100", TypeError, r"^amount '100' is a str: give int fen or Decimal yuan$"),
    (Decimal("NaN"), ValueError, r"^amount NaN is not a finite number$"),
    (Decimal("Infinity"), ValueError, r"^amount Infinity is not a finite number$"),
    (Decimal("-Infinity"), ValueError, r"^amount -Infinity is not a finite number$"),
])
def test_floats_booleans_text_and_non_finite_amounts_are_refused(amount, error, message):
    with pytest.raises(error, match=message):
        to_fen(amount)


@pytest.mark.parametrize("amount", [Decimal("1E+1000000"), Decimal("-1E+100000000"), Decimal("1000000000000000.01"),
                                    Decimal("9" * 100), 10**17 + 1, -(10**17) - 1, 2**53, Decimal("90071992547409.92")])
def test_amounts_beyond_the_cap_are_refused_before_any_huge_int_is_built(amount):
    # 1E+1000000 yuan was expanded into a million-digit int first, which took seconds
    for rounding in (None, ROUND_HALF_UP):
        with pytest.raises(AboveCap, match=r"cap of 90,071,992,547,409\.91 yuan \(9,007,199,254,740,991 fen\)"):
            to_fen(amount, rounding=rounding)
    assert issubclass(AboveCap, ValueError)


def test_a_fraction_of_a_fen_past_the_cap_is_refused_whatever_the_rounding():
    """abs() rounds to 28 digits and would pass this as the cap itself; rounding up then crosses it."""
    just_over = Decimal("90071992547409.91000000000049")
    for rounding in (ROUND_UP, ROUND_CEILING, ROUND_HALF_UP, ROUND_DOWN):
        with pytest.raises(AboveCap):
            to_fen(just_over, rounding=rounding)
    with pytest.raises(AboveCap):
        to_fen(just_over.copy_negate(), rounding=ROUND_FLOOR)   # unary minus would round it to 28 digits
    assert to_fen(Decimal("90071992547409.90999999999999"), rounding=ROUND_DOWN) == MAX_FEN - 1
    assert to_fen(Decimal("90071992547409.90999999999999"), rounding=ROUND_UP) == MAX_FEN   # the cap itself


def test_the_cap_itself_and_tiny_or_zero_exponents_are_amounts():
    assert to_fen(Decimal("90071992547409.91")) == MAX_FEN == to_fen(MAX_FEN) and to_fen(-MAX_FEN) == -MAX_FEN
    assert MAX_FEN == 2**53 - 1   # JavaScript's largest exact integer: JSON.parse reads every amount exactly
    assert to_fen(Decimal("0E+999999999")) == 0 and to_fen(Decimal("1E-1000000"), rounding=ROUND_HALF_UP) == 0
    with pytest.raises(ValueError, match="fractions of a fen"):
        to_fen(Decimal("1E-1000000"))


def test_to_yuan_is_exact_decimal():
    assert to_yuan(123456) == Decimal("1234.56") and str(to_yuan(5)) == "0.05"
    assert str(to_yuan(-5)) == "-0.05"
    with pytest.raises(TypeError):
        to_yuan(1.0)
    with pytest.raises(TypeError):
        to_yuan(True)


@pytest.mark.parametrize("value, whole", [
    (Fraction(15, 2), 8), (Fraction(13, 2), 7), (Fraction(149, 100), 1), (Decimal("2.5"), 3), (Decimal("2.4999"), 2),
    (Decimal("-2.5"), -3), (Fraction(-149, 100), -1), (0, 0), (Decimal("12345678901234567890123456789.5"),
                                                                12345678901234567890123456790),
])
def test_halves_round_away_from_zero_exactly(value, whole):
    assert round_half_up(value) == whole


def test_yuan_text_for_people_and_as_invoices_write_it():
    assert yuan(123_456_789) == "1,234,567.89"
    assert yuan(5) == "0.05"
    assert yuan(-123_456) == "-1,234.56"
    assert plain_yuan(127_200) == "1272.00"
    assert plain_yuan(123_456_789) == "1234567.89"
    assert plain_yuan(-5) == "-0.05"


def test_rates_for_the_contract_and_for_people():
    assert rate_text(Decimal("0.036")) == "0.036"
    assert rate_text("0.0360") == "0.0360"
    assert rate_text(Decimal("1E-3")) == "0.001"
    with pytest.raises(TypeError, match="float"):
        rate_text(0.036)
    with pytest.raises(ValueError, match="not a decimal"):
        rate_text("3.6%")
    with pytest.raises(ValueError, match="non-negative"):
        rate_text("-0.01")
    assert percent(Decimal("0.043265")) == "4.3265%"
    assert percent(Decimal("0.0432655"), 2) == "4.33%"
    assert percent(Decimal("0.04325")) == "4.3250%"


@pytest.mark.parametrize("rate, never", [(0.05, "a float"), (True, "a bool")])
def test_a_rate_that_is_no_decimal_is_refused_naming_its_type(rate, never):
    with pytest.raises(TypeError, match=rf"^rate {rate!r} is a {type(rate).__name__}: give a Decimal or a decimal "
                                        rf"string, never {never}$"):
        rate_text(rate)
