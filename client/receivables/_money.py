"""Money at the edge of the SDK: integer fen, or Decimal yuan rounded explicitly; never floats.

The contract counts in integer fen (分). Callers may give an ``int`` (fen) or a
``Decimal`` (yuan). A Decimal with more than two decimal places is refused
unless the caller says how to round it (``rounding=ROUND_HALF_UP``...), so no
fen is gained or lost silently. Floats, booleans and strings are refused with
``TypeError``: a float cannot hold 0.1 yuan exactly, and a string could be
either unit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["Amount", "to_fen", "to_yuan", "rate_text"]

Amount = int | Decimal
_HUNDRED = Decimal(100)
_FEN = Decimal("0.01")


def to_fen(amount: Amount, *, rounding: str | None = None) -> int:
    """Integer fen from ``int`` fen or ``Decimal`` yuan.

    ``rounding`` (a ``decimal`` rounding mode) is required when a Decimal has
    fractions of a fen; without it such an amount raises ``ValueError``.
    """
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError(f"amount {amount!r} is a {type(amount).__name__}: give int fen or Decimal yuan, never a float")
    if isinstance(amount, int):
        return amount
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f"amount {amount} is not a finite number")
        fen = amount * _HUNDRED
        if fen != fen.to_integral_value():
            if rounding is None:
                raise ValueError(f"{amount} yuan has fractions of a fen: round it explicitly "
                                 "(to_fen(amount, rounding=decimal.ROUND_HALF_UP))")
            fen = fen.to_integral_value(rounding=rounding)
        return int(fen)
    raise TypeError(f"amount {amount!r} is a {type(amount).__name__}: give int fen or Decimal yuan")


def to_yuan(fen: int) -> Decimal:
    """``Decimal`` yuan with two places (exact) from integer fen."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, not {type(fen).__name__}")
    return (Decimal(fen) / _HUNDRED).quantize(_FEN)


def rate_text(rate: Decimal | str) -> str:
    """A rate as the contract takes it: a plain decimal string ("0.036"). Floats are refused."""
    if isinstance(rate, bool) or isinstance(rate, float):
        raise TypeError(f"rate {rate!r} is a {type(rate).__name__}: give a Decimal or a decimal string, never a float")
    if isinstance(rate, str):
        try:
            rate = Decimal(rate)
        except InvalidOperation:
            raise ValueError(f"rate {rate!r} is not a decimal number") from None
    if not isinstance(rate, Decimal):
        raise TypeError(f"rate {rate!r} is a {type(rate).__name__}: give a Decimal or a decimal string")
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"rate {rate} must be a finite, non-negative fraction")
    return format(rate, "f")
