"""Interest by day count, exact to the fen.

``interest = principal x annual_rate x days / basis`` is computed as an exact
fraction (rates arrive as decimal strings, never floats) and rounded once, at
the end, to whole fen ROUND_HALF_UP (四舍五入, as Chinese banks and the tax
authority's systems round). ``days`` is the actual number of calendar days
(ACT); the basis is 360 (ACT/360, the default for RMB discounting) or 365
(ACT/365 Fixed).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .errors import rule, shown

BASES = {"ACT/360": 360, "ACT/365": 365}
DEFAULT_BASIS = "ACT/360"
# A rate has at most RATE_WHOLE_DIGITS digits before its point and RATE_PLACES after it: "100",
# "0.0450000000".
RATE_WHOLE_DIGITS = 3
RATE_PLACES = 10
_RATE = re.compile(rf"[0-9]{{1,{RATE_WHOLE_DIGITS}}}(\.[0-9]{{1,{RATE_PLACES}}})?")
# a decimal of any length: one _RATE refuses is refused for its digits, saying how many a rate has
_DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
_A_FRACTION = 'a rate is a decimal fraction: "0.045" for 4.5%'


def _too_many_digits(value: str) -> str:
    """Why the decimal ``value`` (``_DECIMAL``) is no rate: more places, or more digits before its point, than a
    rate has; "" for none such."""
    match = _DECIMAL.fullmatch(value)
    if match is None:
        return ""
    # counted by the match's bounds, not copied out: a stored rate can be megabytes of digits
    whole = match.end(1) - match.start(1)
    places = match.end(2) - match.start(2) if match.start(2) != -1 else 0
    if places > RATE_PLACES:
        return f": it has {places} decimal places, a rate at most {RATE_PLACES}: round it to {RATE_PLACES}"
    if whole > RATE_WHOLE_DIGITS:
        return f": it has {whole} digits before its point, a rate at most {RATE_WHOLE_DIGITS}"
    return ""


def parse_rate(value: object, field: str, *, upper: Decimal = Decimal(1), allow_zero: bool = True) -> Decimal:
    """A rate as a decimal fraction in a string ("0.045" for 4.5%); floats are refused."""
    if not isinstance(value, str) or not _RATE.fullmatch(value):
        why = _too_many_digits(value) if isinstance(value, str) else ""
        raise rule("rate-invalid", f"{field} is {shown(value)}: give a rate as a decimal string fraction, e.g. "
                   f"\"0.045\" for 4.5%{why}")
    rate = Decimal(value)
    if rate > upper or (rate == 0 and not allow_zero):
        raise rule("rate-invalid", f"{field} is {value}: must be {'above' if not allow_zero else 'at least'} 0 and "
                   f"at most {upper} ({_A_FRACTION})")
    return rate


def parse_basis(value: object) -> str:
    # a JSON list or object is no key of BASES either: tested as one, it would raise TypeError (unhashable)
    if not isinstance(value, str) or value not in BASES:
        raise rule("day-count-basis-unknown", f"day-count basis {shown(value)} is not one of {', '.join(BASES)}")
    return value  # type: ignore[return-value]


def days_between(start: date, end: date) -> int:
    """Actual calendar days from ``start`` to ``end`` (ACT)."""
    return (end - start).days


def round_half_up(value: Fraction) -> int:
    """Round a non-negative fraction to the nearest integer, halves up."""
    if value < 0:
        raise ValueError("round_half_up is for non-negative amounts")
    return int((value + Fraction(1, 2)) // 1)


def interest_fen(principal_fen: int, annual_rate: Decimal, days: int, basis: str = DEFAULT_BASIS) -> int:
    """Interest on ``principal_fen`` for ``days`` at ``annual_rate``, in whole fen."""
    if days < 0:
        raise ValueError("days cannot be negative")
    exact = Fraction(principal_fen) * Fraction(annual_rate) * days / BASES[basis]
    return round_half_up(exact)


def proportion_fen(amount_fen: int, fraction: Decimal) -> int:
    """``amount x fraction`` rounded half up to whole fen (e.g. an advance rate)."""
    return round_half_up(Fraction(amount_fen) * Fraction(fraction))
