"""Reading money, quantities and rates as invoices write them.

Amounts are read strictly: "1272.00", "¥1,272.00" and "1,272" become integer
fen through :func:`client.money.to_fen`; more than two decimal places is an
error, never rounded away. Computing money from what was read follows the
rounding rule in :mod:`client.money`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from client import money

_EXEMPT = {"免税", "不征税", "免征", "免征增值税", "exempt"}
# No quantity, price or amount on an invoice has more digits than this before the point; a number beyond it is a
# damaged file, and refusing it here keeps every product computed later (quantity x price) exact.
_MAX_INTEGER_DIGITS = 18


class ValueProblem(ValueError):
    """A value that cannot be read; the caller adds the file and field."""


def to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueProblem(f"expected a number, got {value!r}")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueProblem(f"not a finite number: {value!r}")
    if number and number.adjusted() >= _MAX_INTEGER_DIGITS:
        raise ValueProblem(f"too large: {value!r} (more than {_MAX_INTEGER_DIGITS} digits before the point)")
    return number


def to_fen(value: object) -> int:
    """Yuan as written on an invoice ("1272.00", "¥1,272.00") to integer fen.

    More than two decimal places is an error, never rounded away.
    """
    number = to_decimal(value)
    try:
        return money.to_fen(number)
    except money.AboveCap:
        raise ValueProblem(f"too large: {value!r} (amounts are capped at {money.plain_yuan(money.MAX_FEN)} yuan)") \
            from None
    except ValueError:
        raise ValueProblem(f"more than two decimal places: {value!r}") from None


def to_rate(value: object) -> Decimal:
    """A tax rate as a fraction: "6%", "0.06", "6" (read as percent) or 免税/不征税 (0)."""
    if isinstance(value, str) and value.strip() in _EXEMPT:
        return Decimal(0)
    text = str(value).strip()
    if text.endswith("%"):
        rate = to_decimal(text[:-1]) / 100
    else:
        rate = to_decimal(text)
        if rate >= 1:
            rate = rate / 100
    if rate < 0 or rate >= 1:
        raise ValueProblem(f"not a tax rate: {value!r}")
    return rate.normalize() if rate else Decimal(0)


def line_amount_fen(quantity: Decimal, unit_price: Decimal) -> int:
    """Quantity x unit price in fen, computed exactly (a Decimal product could round at 28 digits), half up."""
    return money.round_half_up(Fraction(quantity) * Fraction(unit_price) * 100)


def line_tax_fen(amount_fen: int, rate: Decimal) -> int:
    """Amount x tax rate in fen, computed exactly, half up."""
    return money.round_half_up(Fraction(amount_fen) * Fraction(rate))
