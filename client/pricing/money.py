"""The formulas of a financing offer: integer fen, Decimal rates.

Every amount is computed as an exact fraction and rounded once, to whole fen,
by the rule in :mod:`client.money` (half up, 四舍五入), as the receivables
contract does, so a quote computed here matches the disbursement the ledger
records. Amounts here are never negative.

    advance   = outstanding x advance_rate               -> fen, half up
                (outstanding: what the claim still owes, its face while
                 nothing is paid; the contract advances on it, not the face)
    interest  = advance x annual_rate x days / basis     -> fen, half up
                (days: actual calendar days from disbursement to the due date, the
                 disbursement day counted and the due date not;
                 basis 360 for ACT/360, 365 for ACT/365, ACT/365 Fixed: 365 in a
                 leap year too)
    fees      = flat fee + advance x fee rate            -> fen, half up
    net cash  = advance - interest - fees

    effective annual cost (APR, fees included)
              = (interest + fees) / net cash x 365 / days
                -> exact Fraction (:func:`annual_cost`); Decimal, 6 places
                   (0.0001%), half up (:func:`effective_annual_cost`)

What people are shown (a percentage, to 2 or 4 places, the gap between two offers
in points) is rounded once from the exact value (:func:`percent_of`): rounding
the 6-place figure again could move the last shown digit (4.1049990...%
is 0.041050 to 6 places, which would show as 4.11%).

The APR always uses a 365-day year whatever the offer's day-count basis, so an
ACT/360 offer shows its true, slightly higher, cost next to an ACT/365 one, and
says so (``APR_DAY_COUNT``, ACT/365, beside the offer's own). It
is a simple (not compounded) annual rate on the cash actually received.
"""

from __future__ import annotations

import operator
from datetime import date
from decimal import Decimal
from fractions import Fraction

from client import money
from client.shown import shown_value

BASES = {"ACT/360": 360, "ACT/365": 365}
APR_YEAR_DAYS = 365
APR_DAY_COUNT = "ACT/365"   # what an APR states as its basis: actual days over APR_YEAR_DAYS
APR_PLACES = Decimal("0.000001")
# the places of a percentage an APR is shown to, at least (4.3265%): the 6 places of the fraction offers and --json
# state, so a quote and a comparison show all of it, and two offers 0.01 points apart or less apart show apart
APR_PERCENT_PLACES = 4


def _round_amount(value: Fraction) -> int:
    """Whole fen by the one rounding rule; a negative amount is a mistake in the offer, refused."""
    if value < 0:
        raise ValueError("amounts are never negative here")
    return money.round_half_up(value)


def days_between(start: date, end: date) -> int:
    """Actual calendar days (ACT)."""
    return (end - start).days


def whole_argument(value: object, what: str, unit: str) -> int:
    """``value``, an argument in whole ``unit`` (fen, days), as an int, unless it is of another type: a TypeError
    naming ``what``. A float (``1.5``, or ``100.0`` from a JSON number) holds no exact amount, a str may be yuan or
    fen, and a bool is no count, though Python counts it as an int: each went into the arithmetic and came out as a
    figure. Any other integer (numpy's ``int64``, summed from a table) is taken, as its int."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{what} must be an int of {unit}, not {type(value).__name__} ({shown_value(value)})")


def _exact_fraction(value: object, what: str) -> Fraction:
    """``value``, a rate or a fraction of an amount, exactly: a Decimal, or an integer or a Fraction, which are exact
    too. A float is refused (TypeError): ``0.7`` is 0.6999999999999999555910790149937..., so 5 fen x 0.7 came out as
    3 fen, where ``Decimal("0.7")`` gives 4 (3.5, half up); so is a str, and a NaN or an infinity (ValueError),
    which raised ``decimal.InvalidOperation`` or ``OverflowError`` from inside the arithmetic."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} {value} is not a finite number: give a Decimal fraction, e.g. "
                             "Decimal(\"0.045\")")
        return Fraction(value)
    if not isinstance(value, (bool, float)):
        try:
            return Fraction(operator.index(value))
        except TypeError:
            pass
    raise TypeError(f"{what} must be a Decimal, not {type(value).__name__} ({shown_value(value)}): write it "
                    "exactly, e.g. Decimal(\"0.045\") for 4.5% (a float is not exact)")


def proportion_fen(amount_fen: int, fraction: Decimal) -> int:
    return _round_amount(whole_argument(amount_fen, "amount_fen", "fen") * _exact_fraction(fraction, "fraction"))


def interest_fen(principal_fen: int, annual_rate: Decimal, days: int, basis: str) -> int:
    if basis not in BASES:
        raise ValueError(f"day-count basis {basis!r} is not one of {', '.join(BASES)}")
    days = whole_argument(days, "days", "days")
    if days < 0:
        raise ValueError("days cannot be negative")
    principal = whole_argument(principal_fen, "principal_fen", "fen")
    return _round_amount(principal * _exact_fraction(annual_rate, "annual_rate") * days / BASES[basis])


def annual_cost(cost_fen: int, net_cash_fen: int, days: int) -> Fraction:
    """(cost / net cash) x 365 / days, exact; 0 when nothing is charged."""
    cost_fen = whole_argument(cost_fen, "cost_fen", "fen")
    net_cash_fen = whole_argument(net_cash_fen, "net_cash_fen", "fen")
    days = whole_argument(days, "days", "days")
    if net_cash_fen <= 0 or days <= 0:
        raise ValueError("the effective annual cost needs positive net cash and days")
    if cost_fen < 0:
        raise ValueError("cost cannot be negative")
    return Fraction(cost_fen, net_cash_fen) * APR_YEAR_DAYS / days


def effective_annual_cost(cost_fen: int, net_cash_fen: int, days: int) -> Decimal:
    """:func:`annual_cost` to 6 places half up: the APR as offers and --json state it."""
    millionths = _round_amount(annual_cost(cost_fen, net_cash_fen, days) * 1_000_000)
    # exactly (client.money.in_places): quantize() raised decimal.InvalidOperation for an APR of more than the
    # context's 28 digits (fees large beside cash received over a day)
    return money.in_places(millionths, -APR_PLACES.as_tuple().exponent)


def percent_of(rate: Fraction, places: int = 2) -> str:
    """An exact rate as a percentage for people, rounded once, half up, to ``places``: Fraction(41, 1000) -> '4.10%'.
    (:func:`client.money.percent` takes a Decimal, already rounded where it came from a division.)"""
    units = money.round_half_up(Fraction(rate) * 100 * 10**places)
    # in fixed point: str() writes a Decimal under 10^-6 with an exponent ("5E-7" for 0.0000005); exactly, as scaleb()
    # rounds a percentage of more than 28 digits
    return f"{money.in_places(units, places):f}%"


def places_apart(rate: Fraction, other: Fraction, at_least: int = 2) -> int:
    """The fewest places, from ``at_least``, at which :func:`percent_of` shows two different rates differently."""
    return next((n for n in range(at_least, 40) if percent_of(rate, n) != percent_of(other, n)), max(at_least, 40))

