"""Money: integer minor units (fen, 分) with an ISO 4217 currency.

No float ever becomes money. An amount arrives as a JSON integer or as a
string of decimal digits; a float (``1.5``, ``100.0``, ``"1e3"``), a boolean,
a sign or a negative value is refused, naming the field.
"""

from __future__ import annotations

import re

from .errors import rule, shown

DEFAULT_CURRENCY = "CNY"
# The cap on an amount a caller sends, in fen (about 90 trillion yuan, far above any real claim): JavaScript's
# largest exact integer (Number.MAX_SAFE_INTEGER), so that every amount of a record reads exactly in any JSON
# parser, JSON.parse included, which rounds a larger integer to a nearby double. Sums (GetStatistics,
# GetFinancierExposure) can exceed it: docs/receivables.md, "Statistics", says how to read them.
MAX_AMOUNT = 2**53 - 1
# The cap before MAX_AMOUNT: records written under it may hold amounts up to it, and are still read (and acted
# on) as they are; it also bounds an amount that can only be a part of one already stored (a transfer, a
# payment, terms repeated at disbursement).
STORED_AMOUNT_LIMIT = 10**17
_DIGITS = re.compile(r"[0-9]+")
_CURRENCY = re.compile(r"[A-Z]{3}")


def parse_amount(value: object, field: str, *, allow_zero: bool = False, cap: int = MAX_AMOUNT) -> int:
    """An amount in fen from a JSON integer or a digit string, at most ``cap``; anything else is refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise rule("amount-not-integer-fen", f"{field} is {shown(value)}: give money as an integer number of fen "
                   "(1 yuan = 100), never a float or boolean")
    if isinstance(value, str):
        if value.startswith("-") and _DIGITS.fullmatch(value[1:]):
            raise rule("amount-negative", f"{field} is {shown(value)}: amounts cannot be negative")
        if not _DIGITS.fullmatch(value):
            raise rule("amount-not-integer-fen", f"{field} is {shown(value)}: give money as an integer number of fen, "
                       "digits only")
        digits = value.lstrip("0") or "0"  # parsed without the zeros: int() refuses over 4300 characters of them
        if len(digits) > len(str(cap)):   # above the cap whatever the digits are: refused before int()
            raise rule("amount-too-large", f"{field} is {shown(value)}: amounts are capped at {cap} fen "
                       f"({yuan(cap)} yuan)")
        value = int(digits)
    if not isinstance(value, int):
        raise rule("amount-not-integer-fen", f"{field} is {shown(value)}: give money as an integer number of fen")
    if value < 0:
        raise rule("amount-negative", f"{field} is {shown(value)}: amounts cannot be negative")
    if value == 0 and not allow_zero:
        raise rule("amount-not-positive", f"{field} is 0: give an amount greater than zero")
    if value > cap:
        raise rule("amount-too-large", f"{field} is {shown(value)}: amounts are capped at {cap} fen "
                       f"({yuan(cap)} yuan)")
    return value


def parse_currency(value: object, field: str = "currency") -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise rule("currency-invalid", f"{field} is {shown(value)}: give a three-letter ISO 4217 code in capitals, "
                   "e.g. CNY")
    return value


# ISO 4217 codes whose minor unit is not a hundredth: none (JPY, KRW, VND, ...), a thousandth (KWD, BHD, ...), a
# ten-thousandth (CLF, UYW), or none defined (gold, SDRs, test codes). Every amount here is an integer of
# hundredths, so a claim in one of these could record what its currency cannot pay (JPY 0.01) and not what it can
# (KWD 1.234): registration refuses them.
NOT_IN_HUNDREDTHS = frozenset({
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
    "XPF",
    "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
    "CLF", "UYW",
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
})


def hundredths_problem(currency: str) -> str | None:
    """Why a claim cannot be held in ``currency`` (a valid code), or None."""
    if currency in NOT_IN_HUNDREDTHS:
        return (f"{currency}'s minor unit is not a hundredth (ISO 4217), and every amount here is a whole number of "
                f"hundredths (fen): register the claim in a currency of two decimals, such as CNY")
    return None


def invoice_currency_problem(number: str, invoice_currency: str, claim_currency: str) -> str | None:
    """Why invoice ``number``, in ``invoice_currency``, cannot back a claim in ``claim_currency`` (the face amount is
    compared with the invoices' totals: figures in one currency only), or None; the client checks it before sending
    in these words too."""
    if invoice_currency == claim_currency:
        return None
    return (f"invoice {number} is in {invoice_currency}, the claim in {claim_currency}: register the claim in its "
            f"invoices' currency (a VAT invoice is in {DEFAULT_CURRENCY}, and so is an invoice that names no currency)")


def yuan(fen: int) -> str:
    """For messages: 123456 -> '1234.56'."""
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def amount_text(fen: int, currency: str) -> str:
    """An amount of a claim as a refusal or a notice shows it: 123456, "CNY" -> '1234.56 CNY'. People type amounts
    in yuan (the CLI's --amount 1,234.56), so they read them back that way, with what they are an amount of."""
    return f"{yuan(fen)} {currency}"


def amount_to_send(fen: int, currency: str) -> str:
    """An amount a refusal tells the caller to send, as :func:`amount_text` shows it and then as the argument takes
    it: 113000, "CNY" -> '1130.00 CNY (113000 fen)'. The transaction's argument is integer fen, so a caller who sent
    the amount as shown ("1130.00") would be refused again."""
    return f"{amount_text(fen, currency)} ({fen} fen)"
