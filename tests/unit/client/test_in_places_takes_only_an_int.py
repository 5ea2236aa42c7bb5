"""``client.money.in_places`` writes a count of units exactly; it takes only an int, as ``to_yuan`` does. It read
any other value's digits and dropped its exponent: a Decimal ``1E+3`` came out as 0.01 where 10.00 was meant,
``Decimal("1.5")`` and the float 0.5 as 0.15 and 0.05, a Decimal NaN as 0.00, a figure for what is no number."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from client.money import in_places


@pytest.mark.parametrize("units, said", [
    (Decimal("1E+3"), "units must be an int, not Decimal (1E+3)"),
    (Decimal("1.5"), "units must be an int, not Decimal (1.5)"),
    (Decimal("NaN"), "units must be an int, not Decimal (NaN)"),
    (0.5, "units must be an int, not float (0.5)"),
    (True, "units must be an int, not bool (true)"),
    ("12345", "units must be an int, not str ('12345')"),
], ids=["decimal-exponent", "decimal-fraction", "nan", "float", "bool", "text"])
def test_what_is_no_int_is_refused_not_written_as_another_figure(units, said):
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        in_places(units, 2)


@pytest.mark.parametrize("units, places, written", [
    (10**30 + 5, 2, "10000000000000000000000000000.05"), (-(10**30) - 5, 2, "-10000000000000000000000000000.05"),
    (1, 20, "0.00000000000000000001"), (-1, 20, "-0.00000000000000000001"), (0, 6, "0.000000"),
    (-7, 0, "-7"), (50, 2, "0.50"),
], ids=["huge", "huge-negative", "tiny", "tiny-negative", "zero", "no-places", "trailing-zero-kept"])
def test_an_int_is_written_exactly_at_its_places(units, places, written):
    shown = in_places(units, places)
    assert format(shown, "f") == written and shown.as_tuple().exponent == -places
