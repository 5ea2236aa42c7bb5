"""The pricing formulas and ``quote`` refuse what is not exact (a float, text, a bool), and take every exact number
they computed with before those checks: an integer of another type than int (numpy's ``int64``, summed from a
table, stood in for here by a class with ``__index__``), a ``Fraction`` rate, and for ``thin_record`` a value equal
to True or False (1 and 0, as SQLite reads a boolean column back; numpy's bool). Each was refused as "not int64",
"not Fraction" or "not int" when the checks came in."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from client.pricing import ReceivableTerms, effective_annual_cost, interest_fen, proportion_fen, quote
from client.pricing.config import bank_config_path, load_bank_config


class Integer:
    """An integer of another type than int, as numpy's int64 is: usable wherever Python takes an index."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


class Flag:
    """A truth value of another type than bool, as numpy's bool is: equal to True or False, not an int."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        return self.value == other

    __hash__ = None


ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))


def test_an_integer_of_another_type_is_computed_with_as_its_int():
    assert proportion_fen(Integer(1000), Decimal("0.5")) == proportion_fen(1000, Decimal("0.5")) == 500
    assert interest_fen(Integer(1000), Decimal("0.05"), Integer(30), "ACT/360") == 4
    assert effective_annual_cost(Integer(100), Integer(1000), Integer(30)) == Decimal("1.216667")


def test_a_fraction_rate_is_exact_and_taken():
    assert proportion_fen(5, Fraction(7, 10)) == proportion_fen(5, Decimal("0.7")) == 4
    assert interest_fen(1000, Fraction(1, 20), 30, "ACT/360") == interest_fen(1000, Decimal("0.05"), 30, "ACT/360")


def test_a_quote_takes_an_integer_exposure_of_another_type():
    config = load_bank_config(bank_config_path("bank"))
    priced = quote(config, TERMS, grade="A", on=ON, exposure=Integer(5), open_offers=Integer(7))
    assert (priced.exposure, priced.open_offers) == (5, 7) and type(priced.exposure) is int


@pytest.mark.parametrize("given, thin", [(1, True), (0, False), (Flag(True), True), (Flag(False), False)],
                         ids=["one", "zero", "flag-true", "flag-false"])
def test_a_thin_record_equal_to_true_or_false_is_priced_as_it(given, thin):
    config = load_bank_config(bank_config_path("bank"))
    assert quote(config, TERMS, grade="A", on=ON, thin_record=given).priced_grade \
        == quote(config, TERMS, grade="A", on=ON, thin_record=thin).priced_grade


@pytest.mark.parametrize("given, said", [
    (2, "thin_record must be True or False, not int (2)"),
    (None, "thin_record must be True or False, not NoneType (null)"),
    (Decimal("sNaN"), "thin_record must be True or False, not Decimal (sNaN)"),
], ids=["two", "none", "snan"])
def test_a_thin_record_neither_true_nor_false_is_still_refused(given, said):
    config = load_bank_config(bank_config_path("bank"))
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        quote(config, TERMS, grade="A", on=ON, thin_record=given)


@pytest.mark.parametrize("call, said", [
    (lambda: proportion_fen(Integer(5), 0.7), "fraction must be a Decimal, not float (0.7)"),
    (lambda: proportion_fen(5, Integer), "fraction must be a Decimal, not type"),
    (lambda: interest_fen(1000, Decimal("0.05"), Flag(True), "ACT/360"), "days must be an int of days, not Flag"),
], ids=["float", "a-class", "a-flag"])
def test_what_is_not_exact_is_still_refused(call, said):
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        call()
