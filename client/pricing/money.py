"""The formulas of a financing offer: integer fen, Decimal rates.

Every amount is computed as an exact fraction and rounded once, to whole fen,
by the rule in :mod:`client.money` (half up, 四舍五入), as the receivables
contract does, so a quote computed here matches the disbursement the ledger
records. Amounts here are never negative.

    advance   = outstanding x advance_rate               -> fen, half up
                (outstanding: what the claim still owes, its face while
                 nothing is paid; the contract advances on it, not the face)
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
from decimal import Decimal
from fractions import Fraction

from client import money

BASES = {"ACT/360": 360, "ACT/365": 365}
APR_YEAR_DAYS = 365
APR_PLACES = Decimal("0.000001")


def _round_amount(value: Fraction) -> int:
    """Whole fen by the one rounding rule; a negative amount is a mistake in the offer, refused."""
    if value < 0:
        raise ValueError("amounts are never negative here")
    return money.round_half_up(value)


def days_between(start: date, end: date) -> int:
    """Actual calendar days (ACT)."""
    return (end - start).days


def proportion_fen(amount_fen: int, fraction: Decimal) -> int:
    return _round_amount(Fraction(amount_fen) * Fraction(fraction))


def interest_fen(principal_fen: int, annual_rate: Decimal, days: int, basis: str) -> int:
    if basis not in BASES:
        raise ValueError(f"day-count basis {basis!r} is not one of {', '.join(BASES)}")
    if days < 0:
        raise ValueError("days cannot be negative")
    return _round_amount(Fraction(principal_fen) * Fraction(annual_rate) * days / BASES[basis])


def effective_annual_cost(cost_fen: int, net_cash_fen: int, days: int) -> Decimal:
    """(cost / net cash) x 365 / days, to 6 places half up; 0 when nothing is charged."""
    if net_cash_fen <= 0 or days <= 0:
        raise ValueError("the effective annual cost needs positive net cash and days")
    if cost_fen < 0:
        raise ValueError("cost cannot be negative")
    millionths = _round_amount(Fraction(cost_fen, net_cash_fen) * APR_YEAR_DAYS / days * 1_000_000)
    return (Decimal(millionths) / 1_000_000).quantize(APR_PLACES)

