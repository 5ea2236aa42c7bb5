"""A percentage, an APR and yuan are written exactly whatever their number of digits (``client.money.in_places``):
``percent_of`` rounded a percentage of more than the Decimal context's 28 digits (scaleb()), so 365e25/7 showed as
...142857160% where it is ...142857157.14%; and an APR or yuan of more than the 4300 digits Python writes an int in
raised a bare ValueError ("Exceeds the limit (4300 digits) for integer string conversion"). Reachable only through
the Python API, with amounts no record holds; written out all the same, as smaller ones are."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from client.money import to_yuan
from client.pricing.money import effective_annual_cost, percent_of


def test_a_percentage_of_more_than_28_digits_is_rounded_once_at_its_places():
    assert percent_of(Fraction(365 * 10**25 + 1, 7)) == "52142857142857142857142857157.14%"


def test_an_apr_and_yuan_past_the_digits_python_writes_an_int_in():
    apr = effective_annual_cost(10**5000, 1, 1)
    assert apr == 365 * 10**5000 and apr.as_tuple().exponent == -6
    assert to_yuan(-(10**5000)) == -(10**4998) and to_yuan(-(10**5000)).as_tuple().exponent == -2


def test_units_in_their_places():
    from client.money import in_places

    assert [str(in_places(n, p)) for n, p in [(12345, 2), (5, 6), (0, 2), (-5, 2), (-100, 2)]] \
        == ["123.45", "0.000005", "0.00", "-0.05", "-1.00"]
    assert percent_of(Fraction(41, 1000)) == "4.10%" and percent_of(Fraction(5, 10**7), 4) == "0.0001%"
    assert str(effective_annual_cost(100, 1000, 30)) == "1.216667" and str(effective_annual_cost(0, 1000, 30)) \
        == "0.000000"
    assert Decimal(str(to_yuan(123456))) == Decimal("1234.56")
