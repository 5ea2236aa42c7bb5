"""Reading money, quantities and rates as invoices write them.

Amounts are read strictly: "1272.00", "¥1,272.00" and "1,272" become integer
fen through :func:`client.money.to_fen`; more than two decimal places is an
error, never rounded away. Computing money from what was read follows the
rounding rule in :mod:`client.money`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from client import money

_EXEMPT = {"免税", "不征税", "免征", "免征增值税", "exempt"}


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
    return number


def to_fen(value: object) -> int:
    """Yuan as written on an invoice ("1272.00", "¥1,272.00") to integer fen.

    More than two decimal places is an error, never rounded away.
    """
    number = to_decimal(value)
    try:
        return money.to_fen(number)
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
