"""Money in the client: integer fen, exact Decimal yuan, and the one rounding rule.

The rules, stated once for every package in ``client`` (and the CLI on top):

- An amount is integer fen (分). Yuan are ``Decimal`` with two places. A float
  is never money: it cannot hold 0.1 yuan exactly, so floats (and booleans,
  and strings, which could be either unit) are refused with ``TypeError``.
- Fen <-> yuan conversion is exact. :func:`to_fen` refuses yuan with a fraction
  of a fen unless the caller names a ``decimal`` rounding mode, so no fen is
  gained or lost silently, and amounts beyond the ledger's cap (``MAX_FEN``)
  with ``AboveCap``; an amount that is a part of a claim already on the ledger
  (a transfer, a payment, terms read back) is held to ``LEDGER_MAX_FEN``, as the
  contract holds it.
- Wherever the client computes money (tax = amount x rate, amount = quantity
  x unit price, an advance, interest, a discount) it computes exactly and
  rounds once, to whole fen, half up (四舍五入, halves away from zero):
  :func:`round_half_up`. That is what the tax authority's invoicing systems
  and the receivables contract do, so an amount computed here matches the one
  on the invoice and on the ledger.
- Text: :func:`money` for people ("CNY 1,234.56"), :func:`yuan` where the
  currency is said once beside the amounts ("1,234.56"), :func:`plain_yuan`
  as invoices write amounts ("1234.56"), :func:`percent` for rates shown to
  people ("5.1234%"), :func:`rate_text` for rates sent to the contract ("0.036"),
  :func:`canonical_rate_text` for a rate in a transaction's arguments (one spelling per value).
- Numbers in text are written in ASCII digits: ``Decimal`` and ``int`` read any script's digits (full-width
  ``１``, Arabic-Indic ``٣``) as 0-9, so a parser of text refuses them (:func:`non_ascii_digit`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from client.shown import shown_value

__all__ = ["Amount", "MAX_FEN", "LEDGER_MAX_FEN", "AboveCap", "above_cap", "fen_up_to", "to_fen", "to_yuan",
           "in_places", "round_half_up", "money", "yuan", "plain_yuan", "rate_text", "canonical_rate_text",
           "non_ascii_digit", "percent"]

Amount = int | Decimal
# The receivables contract's cap on amounts sent to it (chaincode/receivables/money.py, MAX_AMOUNT): JavaScript's
# largest exact integer, so every amount of a record reads exactly in any JSON parser. No real claim comes near
# it (about 90 trillion yuan), so an amount above it is a typo or a damaged file, refused when read rather than
# found out on the ledger.
MAX_FEN = 2**53 - 1
# The contract's earlier cap (its STORED_AMOUNT_LIMIT): a ledger record written under it may hold an amount up to
# it, so what is read from the ledger (a claim's face, a payment) is held to this, not to MAX_FEN.
LEDGER_MAX_FEN = 10**17


class AboveCap(ValueError):
    """An amount beyond the cap (:data:`MAX_FEN`, or the cap given) either way, which the ledger does not take."""


def above_cap(shown: str, cap: int = MAX_FEN) -> AboveCap:
    """The one wording of an amount beyond ``cap``, wherever it was read (``shown``: the amount as given,
    with its unit)."""
    return AboveCap(f"amount {shown} is above the cap of {yuan(cap)} yuan ({cap:,} fen) "
                    "that the ledger accepts: check the amount")


def fen_up_to(cap: int = MAX_FEN) -> Callable[[object], object]:
    """A pydantic ``BeforeValidator`` for whole fen read from a file or a record: an int past ``cap`` is refused in
    the words of :func:`above_cap` (in fen, with the cap in yuan and fen, and what to do), where the field's own
    ``le`` would say only "Input should be less than or equal to 100000000000000000", of no unit. Anything else is
    passed on as it is, for the field's own rules (a strict int, ``ge``/``gt``) to take or refuse."""
    def within_cap(value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and value > cap:
            # imported here: this module loads without pydantic (the CLI's amount options, the invoice readers)
            from pydantic_core import PydanticCustomError

            # a custom error rather than a ValueError, which pydantic would prefix with "Value error, "
            raise PydanticCustomError("fen_above_cap", "{problem}",
                                      {"problem": str(above_cap(_shown_fen(value), cap))})
        return value
    return within_cap


def to_fen(amount: Amount, *, rounding: str | None = None, cap: int = MAX_FEN) -> int:
    """Integer fen from ``int`` fen or ``Decimal`` yuan.

    ``rounding`` (a ``decimal`` rounding mode) is required when a Decimal has
    fractions of a fen; without it such an amount raises ``ValueError``. An
    amount beyond ``cap`` either way raises :class:`AboveCap` (a ``ValueError``):
    :data:`MAX_FEN` for an amount a new record will hold, :data:`LEDGER_MAX_FEN` for
    one that is a part of a claim already on the ledger (a transfer, a payment).
    """
    if isinstance(amount, bool) or isinstance(amount, float):
        never = "a bool, which Python counts as an int" if isinstance(amount, bool) else "a float"
        raise TypeError(f"amount {amount!r} is a {type(amount).__name__}: give int fen or Decimal yuan, never {never}")
    if isinstance(amount, int):
        if abs(amount) > cap:
            raise above_cap(_shown_fen(amount), cap)
        return amount
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f"amount {amount} is not a finite number")
        # Before any int is built: 1E+1000000 yuan would take a million-digit int (and seconds) to refuse later.
        # adjusted() is the exponent of the leading digit, so the comparisons below never expand the number.
        # copy_abs, not abs(): abs() rounds to the context's 28 digits, and a rounded value could pass the cap
        max_yuan = Decimal(cap).scaleb(-2)
        if amount and (amount.adjusted() > max_yuan.adjusted() or amount.copy_abs() > max_yuan):
            raise above_cap(f"{_shown_number(amount)} yuan", cap)
        # Exact: amount x 100 by moving the exponent, not by multiplying, which would round to the context's
        # 28 digits and could turn 300.0000000000000000000000000001 into a whole number of fen.
        sign, digits, exponent = amount.as_tuple()
        fen = Decimal((sign, digits, exponent + 2))
        below_fen = -(exponent + 2)  # how many of the digits are fractions of a fen
        if below_fen > 0 and any(digits[-below_fen:]):
            if rounding is None:
                raise ValueError(f"{shown_value(amount)} yuan has fractions of a fen: round it explicitly "
                                 "(to_fen(amount, rounding=decimal.ROUND_HALF_UP))")
            fen = fen.to_integral_value(rounding=rounding)
            if fen.copy_abs() > cap:      # rounded away from zero, across the cap
                raise above_cap(f"{_shown_number(amount)} yuan", cap)
        return int(fen)
    raise TypeError(f"amount {shown_value(amount)} is a {type(amount).__name__}: give int fen or Decimal yuan")


def _shown_fen(amount: int) -> str:
    """Int fen for a message (:func:`_shown_number`); one of hundreds of digits or more by the power of ten it is
    at least, as building the Decimal of a million-digit int takes seconds."""
    if amount.bit_length() < 1000:
        return f"{_shown_number(Decimal(amount))} fen"
    digits = int((amount.bit_length() - 1) * math.log10(2)) + 1   # 2**(bits - 1) <= |amount|
    return f"{'-' if amount < 0 else ''}1E+{digits - 1} fen or more"


def _shown_number(amount: Decimal) -> str:
    """An amount for a message, with thousands separators as every amount shown; in exponent form when written
    out it would run to more than 40 digits (1E+1000000 yuan would be a million)."""
    if amount.as_tuple().exponent > -40 and amount.adjusted() < 40 and len(amount.as_tuple().digits) <= 40:
        return format(amount, ",f")
    return f"{amount:.6E}"


def to_yuan(fen: int) -> Decimal:
    """``Decimal`` yuan with two places (exact) from integer fen."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, not {type(fen).__name__}")
    return in_places(fen, 2)


def in_places(units: int, places: int) -> Decimal:
    """``units`` of the ``places``-th decimal place (fen of yuan at 2, millionths at 6) as the Decimal of exactly
    ``places`` places they make: 12345 at 2 is 123.45, 5 at 6 is 0.000005. Built from the int's digits, exactly:
    dividing, quantizing or ``scaleb()`` round to the context's 28 digits (quantize fails past them), and the int's
    text, which Python writes to 4300 digits at most, is not needed. Anything but an int is a TypeError: another
    number's digits would be read without its exponent (``Decimal("1E+3")`` written as 0.01)."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise TypeError(f"units must be an int, not {type(units).__name__} ({shown_value(units)}): give a whole "
                        "number of units")
    sign, digits, _ = Decimal(units).as_tuple()
    return Decimal((sign, digits, -places))


def round_half_up(value: Fraction | Decimal | int) -> int:
    """The nearest whole number, halves away from zero, computed exactly (no Decimal context precision).

    A float or a bool raises TypeError: neither is money, and a float holds no exact amount to round
    (``1.005 * 100`` is 100.49999999999999, which gives 100 where 101 was meant)."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"round_half_up({value!r}): a {type(value).__name__} is never money; give a Fraction, "
                        "a Decimal or an int, computed exactly")
    exact = Fraction(value)
    whole = int((abs(exact) + Fraction(1, 2)) // 1)
    return whole if exact >= 0 else -whole


def yuan(fen: int) -> str:
    """Fen as yuan text with thousands separators, for people: 123456 -> '1,234.56'."""
    return format(to_yuan(fen), ",f")


def money(fen: int | None, currency: str = "CNY") -> str:
    """``CNY 12,345.67`` from integer fen (exact), as the CLI shows amounts; ``12,345.67`` with ``currency=""`` (a
    record that does not say its currency, printed without guessing one); ``-`` for None."""
    if fen is None:
        return "-"
    return f"{currency} {yuan(fen)}" if currency else yuan(fen)


def plain_yuan(fen: int) -> str:
    """Fen as yuan text as invoices write it, no separators: 127200 -> '1272.00'."""
    return format(to_yuan(fen), "f")


def non_ascii_digit(text: str) -> str | None:
    """The first digit of ``text`` that is not ASCII, named for a message (``'１' (U+FF11 FULLWIDTH DIGIT ONE)``);
    None when every digit in it is 0-9.

    ``Decimal``, ``int`` and ``str.isdigit`` read any script's digits as 0-9, so ``１００`` pasted from a document
    would be read as 100 with nothing to show how: amounts and rates are written in ASCII digits, as dates are."""
    for char in text:
        if char.isdigit() and not char.isascii():
            return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'DIGIT')})"
    return None


# The digits a rate may have, as the receivables contract reads one (chaincode/receivables/daycount.py,
# RATE_WHOLE_DIGITS and RATE_PLACES; not imported, so that this module loads without the contract): "100",
# "0.0450000000".
RATE_WHOLE_DIGITS = 3
RATE_PLACES = 10


def rate_text(rate: Decimal | str) -> str:
    """A rate as the contract takes it: a plain decimal string ("0.036"), spelled as given ("0.0360" stays so).
    Floats are refused, and so is a string with a digit outside ASCII, and a rate of more digits than the contract
    takes (:data:`RATE_WHOLE_DIGITS` before the point, :data:`RATE_PLACES` after), before it is written out."""
    if isinstance(rate, bool) or isinstance(rate, float):
        never = "a bool" if isinstance(rate, bool) else "a float"
        raise TypeError(f"rate {rate!r} is a {type(rate).__name__}: give a Decimal or a decimal string, never {never}")
    if isinstance(rate, str):
        if (digit := non_ascii_digit(rate)) is not None:
            raise ValueError(f"rate {shown_value(rate)} has the digit {digit}, which is not ASCII (use the digits "
                             "0-9)")
        try:
            rate = Decimal(rate)
        except InvalidOperation:
            raise ValueError(f"rate {shown_value(rate)} is not a decimal number") from None
    if not isinstance(rate, Decimal):
        raise TypeError(f"rate {shown_value(rate)} is a {type(rate).__name__}: give a Decimal or a decimal string")
    if not rate.is_finite() or rate.is_signed():  # is_signed: "-0" is no rate either
        raise ValueError(f"rate {shown_value(rate)} must be a finite, non-negative fraction")
    # Checked before it is written out in full: "1E+999999999" or "1E-999999999" would be a gigabyte of digits
    if rate.adjusted() >= RATE_WHOLE_DIGITS or rate.as_tuple().exponent < -RATE_PLACES:
        raise ValueError(f"rate {shown_value(rate)} has more digits than a rate: the contract takes at most "
                         f"{RATE_WHOLE_DIGITS} digits before the point and {RATE_PLACES} after (0.036 for 3.6%)")
    return format(rate, "f")


def canonical_rate_text(rate: Decimal | str) -> str:
    """:func:`rate_text` in the one spelling of its value: no trailing zeros, no exponent, "0" for zero
    ("0.05" for "0.050", "5E-2" and Decimal("0.0500")). The contract binds a request id to the text of the
    arguments it came with, so a retry whose rate was rebuilt ("0.050" after a config reload) must send the text
    the first attempt sent to get its result back rather than ``request-id-reused``. Every such spelling is one
    the contract's rate rule reads (``[0-9]{1,3}(.[0-9]{1,10})?``, chaincode/receivables/daycount.py)."""
    text = rate_text(rate)
    # trimmed as text, not by Decimal.normalize(), which rounds to the context's 28 digits and writes exponents
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate: Decimal, places: int = 4) -> str:
    """A rate as a percentage for people, half up to ``places``: 0.051234 -> '5.1234%'."""
    return f"{(rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


def exact_percent(rate: Decimal, places: int = 2) -> str:
    """A rate as a percentage with at least ``places`` decimals and every further digit it has, never rounded:
    0.12345678 -> '12.345678%', 0.9 -> '90.00%'. For terms a person agrees to: an offer's rate cut to fit a limit
    carries up to ten decimals, and shown half up to two it would read as a rate the offer does not carry."""
    text = format(rate * 100, "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(places, '0')}%"
