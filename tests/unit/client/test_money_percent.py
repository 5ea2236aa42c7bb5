"""percent() rounds an exact half up, as every rounding of the money module does (四舍五入)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from client.money import percent


@pytest.mark.parametrize("rate, places, text", [
    (Decimal("0.0512345"), 4, "5.1235%"),   # banker's rounding would keep the even 4: 5.1234%
    (Decimal("0.0425"), 1, "4.3%"),         # ... and 4.2%
    (Decimal("0.000005"), 3, "0.001%"),     # ... and 0.000%
])
def test_an_exact_half_rounds_up(rate, places, text):
    assert percent(rate, places) == text
