"""Exact money arithmetic for offers: integer fen, Decimal rates, one rounding rule.

Rounding: every amount is computed as an exact fraction and rounded once, to
whole fen, ROUND_HALF_UP (四舍五入), as the receivables contract does, so a
quote computed here matches the disbursement the ledger records.

    advance   = face x advance_rate                      -> fen, half up
    interest  = advance x annual_rate x days / basis     -> fen, half up
                (days: actual calendar days from disbursement to the due date;
                 basis 360 for ACT/360, 365 for ACT/365)
    fees      = flat fee + advance x fee rate            -> fen, half up
    net cash  = advance - interest - fees

    effective annual cost (APR, fees included)
              = (interest + fees) / net cash x 365 / days
                -> Decimal, 6 places (0.0001%), half up

The APR always uses a 365-day year whatever the offer's day-count basis, so an
ACT/360 offer shows its true, slightly higher, cost next to an ACT/365 one. It
is a simple (not compounded) annual rate on the cash actually received.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

BASES = {"ACT/360": 360, "ACT/365": 365}
APR_YEAR_DAYS = 365
APR_PLACES = Decimal("0.000001")


def round_half_up(value: Fraction) -> int:
    """Nearest whole number, halves away from zero (amounts here are never negative)."""
    if value < 0:
        raise ValueError("amounts are never negative here")
    return int((value + Fraction(1, 2)) // 1)


def days_between(start: date, end: date) -> int:
    """Actual calendar days (ACT)."""
    return (end - start).days


def proportion_fen(amount_fen: int, fraction: Decimal) -> int:
    return round_half_up(Fraction(amount_fen) * Fraction(fraction))


def interest_fen(principal_fen: int, annual_rate: Decimal, days: int, basis: str) -> int:
    if basis not in BASES:
        raise ValueError(f"day-count basis {basis!r} is not one of {', '.join(BASES)}")
    if days < 0:
        raise ValueError("days cannot be negative")
    return round_half_up(Fraction(principal_fen) * Fraction(annual_rate) * days / BASES[basis])


def effective_annual_cost(cost_fen: int, net_cash_fen: int, days: int) -> Decimal:
    """(cost / net cash) x 365 / days, to 6 places half up; 0 when nothing is charged."""
    if net_cash_fen <= 0 or days <= 0:
        raise ValueError("the effective annual cost needs positive net cash and days")
    if cost_fen < 0:
        raise ValueError("cost cannot be negative")
    millionths = round_half_up(Fraction(cost_fen, net_cash_fen) * APR_YEAR_DAYS / days * 1_000_000)
    return (Decimal(millionths) / 1_000_000).quantize(APR_PLACES)


def yuan(fen: int) -> str:
    """Fen as yuan text with thousands separators: 123456 -> '1,234.56'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def percent(rate: Decimal, places: int = 4) -> str:
    """0.051234 -> '5.1234%'."""
    return f"{(rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"
