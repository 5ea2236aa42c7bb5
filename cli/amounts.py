"""Amounts on the command line: read as yuan (``12,345.67``) or explicit fen (``1234567fen``), shown with the currency.

One parser for every command. Yuan with at most two decimals go through ``client.money.to_fen``,
so no rounding rule lives here:

    12,345.67    12345.67    12345    -> 1,234,567 fen
    1234567fen   1,234,567 fen        -> 1,234,567 fen
    CNY 12,345.67  USD 12,345.67      -> the currency code is kept and checked against the
    12,345.67 CNY                        claim's currency (or --currency) before anything is sent;
                                         after the amount as the contract's refusals write it

Negative amounts, more than two decimals (zeros too: ``30.000`` is thirty thousand where a
dot groups thousands), misplaced thousands separators (a first group
starting with 0 too: ``0,500`` may be a decimal comma, so it is not read as 500), digits
other than ASCII 0-9 (full-width ``１００``, Arabic-Indic ``٣٤``: Python reads them as
numbers, a person may not see they are there) and anything else are refused with one
line saying what to write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from client.money import LEDGER_MAX_FEN, MAX_FEN, AboveCap, above_cap, money, non_ascii_digit, to_fen
from client.shown import shown_value

__all__ = ["parse_amount", "read_amount", "fen_of_option", "Amount", "AmountType", "AMOUNT", "PART_OF_CLAIM", "money",
           "with_money", "MONEY_FIELDS", "AMOUNT_HELP"]

AMOUNT_HELP = "yuan, e.g. 12,345.67, or fen with the suffix fen, e.g. 1234567fen"
# Keys of integer fen in the records and events the CLI prints (wherever they are nested): shown as money. The
# contract's events are held to this list (tests/unit/cli/test_event_lines.py): an event carrying a new amount
# fails there until it is added here.
MONEY_FIELDS = ("face_amount", "outstanding", "amount", "tax", "fees", "exposure", "financed", "overdue", "discount",
                "paid", "kept")

# re.ASCII: without it \d is any script's digit, which Decimal would then read (read_amount names such a digit first)
# A first group starting with 0 is refused, as invoices' amounts are (docs/invoices.md): 0,500 may be a decimal
# comma (half a yuan), never 500.
_GROUPED = re.compile(r"^[1-9]\d{0,2}(,\d{3})+$", re.ASCII)
_ZERO_GROUPED = re.compile(r"^0\d{0,2}(,\d{3})+$", re.ASCII)
_PLAIN = re.compile(r"^\d+$", re.ASCII)
_FEN = re.compile(r"^(?P<digits>[\d,]+)\s*fen$", re.IGNORECASE | re.ASCII)
_CURRENCY = re.compile(r"^(?P<code>[A-Z]{3})\s+(?P<rest>.+)$")
# the contract's refusals write the code after the amount ("pay 1130.00 CNY or less"): copied, it reads the same
# ("113000 FEN" stays fen, which _FEN reads in any case)
_CURRENCY_AFTER = re.compile(r"^(?P<rest>.+?)\s+(?P<code>(?!FEN$)[A-Z]{3})$")


def _integer_part(text: str, original: str) -> str:
    if _PLAIN.match(text):
        return text
    if _GROUPED.match(text):
        return text.replace(",", "")
    if _ZERO_GROUPED.match(text):
        raise ValueError(f"{shown_value(original)} starts with the group {text.partition(',')[0]}, and a comma after "
                         "a 0 may be a decimal comma, which is not read: write decimals after a point and commas only "
                         "between thousands, the first group without a leading 0, e.g. 500,000.00 or 0.50")
    raise ValueError(f"{shown_value(original)} is not an amount: write {AMOUNT_HELP}")


@dataclass(frozen=True)
class Amount:
    """An amount as typed: integer fen, and the currency code written before it (``None``: none was written,
    so it is in whatever currency the claim is)."""

    fen: int
    currency: str | None
    text: str

    def in_currency(self, currency: str) -> int:
        """The fen, for a claim or registration in ``currency``; ``ValueError`` if another currency was written."""
        if self.currency is not None and self.currency != currency:
            raise ValueError(f"{shown_value(self.text)} is in {self.currency}, but the amount is in {currency}: write "
                             f"it in {currency}, or without a currency code")
        return self.fen


def read_amount(text: str, *, cap: int = MAX_FEN) -> Amount:
    """An amount in yuan (``12,345.67``, at most two decimals) or fen (``1234567fen``), with an optional currency
    code before it (``USD 12,345.67``, as the CLI shows amounts) or after it (``12,345.67 USD``, as the contract's
    refusals do), kept for the caller to check against the claim's currency; at most
    ``cap`` fen (:data:`PART_OF_CLAIM` says when another cap than ``MAX_FEN`` applies).

    Raises ``ValueError`` with a line a person can act on.
    """
    original = text
    if (digit := non_ascii_digit(text)) is not None:
        raise ValueError(f"{shown_value(original)} has the digit {digit}, which is not ASCII: write amounts in the "
                         "digits 0-9, e.g. 12,345.67")
    text = text.strip()
    code = None
    match = _CURRENCY.match(text) or _CURRENCY_AFTER.match(text)
    if match:
        code, text = match["code"], match["rest"].strip()
    if text.startswith("-"):
        # "-0" too: no amount is written with a sign, and a sign on zero is most likely a mistyped figure
        raise ValueError(f"{shown_value(original)} has a minus sign: amounts are not negative; give how much without "
                         "it, e.g. 12,345.67")
    fen = _unsigned_fen(text, original, cap)
    if fen > cap:
        raise above_cap(shown_value(original), cap)
    return Amount(fen, code, original)


def parse_amount(text: str, *, currency: str = "CNY") -> int:
    """Integer fen of an amount in ``currency`` (:func:`read_amount`; a code written before it must be
    ``currency``). Raises ``ValueError`` with a line a person can act on."""
    return read_amount(text).in_currency(currency)


def fen_of_option(amount: Amount, currency: str, option: str) -> int:
    """The fen of the amount given to ``option`` (``"--face"``) of the running command, for a claim or a
    bank's pricing in ``currency``; another currency written with it is a usage error naming the option, as a
    malformed amount is (:class:`AmountType`)."""
    try:
        return amount.in_currency(currency)
    except ValueError as exc:
        ctx = click.get_current_context()
        param = next(p for p in ctx.command.params if option in p.opts)
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _whole_fen(digits: str, shown: str, cap: int) -> int:
    """``int`` of a digit string, refused as above ``cap`` when it has more digits than the cap: Python itself
    refuses to convert thousands of digits, with a message about its own limits."""
    significant = digits.lstrip("0") or "0"   # int() counts leading zeros towards that limit too
    if len(significant) > len(str(cap)):
        raise above_cap(shown, cap)
    return int(significant)


def _unsigned_fen(text: str, original: str, cap: int) -> int:
    fen = _FEN.match(text)
    if fen:
        return _whole_fen(_integer_part(fen["digits"], original), shown_value(original), cap)
    whole, dot, fraction = text.partition(".")
    if dot and not (fraction.isascii() and fraction.isdigit()):
        raise ValueError(f"{shown_value(original)} is not an amount: write {AMOUNT_HELP}")
    integer = _integer_part(whole, original)        # a malformed whole part is named first, as not an amount
    if len(fraction) > 2:
        # refused even where the extra digits are zeros: 30.000 is thirty thousand where a dot groups thousands,
        # and read as 30.00 it would move a thousandth of what was meant (a whole part starting with 0 groups none:
        # 0.500 is half a yuan written with three decimals)
        grouping = (f"if the dot groups thousands, write {int(whole + fraction):,}; "
                    if len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", whole, re.ASCII) else "")
        raise ValueError(f"{shown_value(original)} has more than two decimals: {grouping}give yuan with at most two "
                         "decimals (or whole fen, e.g. 1234567fen)")
    digits = integer + (dot + fraction if dot else "")
    try:
        return to_fen(Decimal(digits), cap=cap)
    except AboveCap:
        raise above_cap(shown_value(original), cap) from None
    except InvalidOperation:
        raise ValueError(f"{shown_value(original)} is not an amount: write {AMOUNT_HELP}") from None


class AmountType(click.ParamType):
    """A click parameter type giving an :class:`Amount`; a bad amount is a usage error (exit 2) naming the option,
    and so is zero where the contract refuses it (``above_zero``: what to say instead).

    The command checks a currency code written with it against the claim's currency (``Amount.in_currency``),
    which only the command knows.
    """

    name = "AMOUNT"

    def __init__(self, cap: int = MAX_FEN, *, above_zero: str | None = None) -> None:
        self.cap = cap
        self.above_zero = above_zero

    def convert(self, value: Any, param, ctx) -> Amount:
        if isinstance(value, Amount):
            return value
        try:
            amount = read_amount(str(value), cap=self.cap)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if self.above_zero is not None and amount.fen == 0:
            self.fail(f"{shown_value(str(value))} is zero: {self.above_zero}", param, ctx)
        return amount


AMOUNT = AmountType()
PART_OF_CLAIM = AmountType(cap=LEDGER_MAX_FEN, above_zero="the contract moves and pays only amounts above 0: give "
                                                          "how much, e.g. 30,000.00")
"""An amount that is a part of a claim already on the ledger (a transfer, a payment): held to the cap a claim
may have been stored under (``LEDGER_MAX_FEN``), as the contract holds it, so a claim recorded under the earlier
cap can still be moved and paid in full; and above zero, as the contract holds a transfer and a payment."""


def _cell(key: str, value: Any, currency: str) -> Any:
    if key in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return money(value, currency)
    if key == "frozen" and isinstance(value, dict):  # a freeze order
        return f"{value.get('order_reference')} ({value.get('date')})"
    return _nested(value, currency)


def _nested(value: Any, currency: str) -> Any:
    """Records inside a record (a payment's allocations, a claim's invoices): their amounts as money too, in their
    own currency where they name one, else in the enclosing record's."""
    if isinstance(value, dict):
        return with_money(value, value.get("currency") or currency)
    if isinstance(value, list):
        return [_nested(item, currency) for item in value]
    return value


def with_money(row: dict, currency: str | None = None) -> dict:
    """A copy of a JSON record for a table: integer-fen fields as money (nested records' too), a freeze order as
    its reference. ``currency=""``: amounts without a code (a record that does not say its currency)."""
    code = currency if currency is not None else (row.get("currency") or "CNY")
    return {k: _cell(k, v, code) for k, v in row.items()}
