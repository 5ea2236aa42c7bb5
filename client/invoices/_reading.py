"""Reading money, quantities and rates as invoices write them.

Amounts are read strictly: "1272.00", "¥1,272.00" and "1,272" become integer
fen through :func:`client.money.to_fen`; more than two decimal places is an
error, never rounded away. Computing money from what was read follows the
rounding rule in :mod:`client.money`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Iterable

from chaincode.receivables.model import visible_characters
from client import money
from client.shown import json_spelled, shown_value

from .credit_code import check_tax_id, is_valid_resident_id

# The words a rate column prints for a line that carries no tax at all, longest first (so that a pattern built from
# them takes 免征增值税 whole). The one list every reader of a rate uses: the XML and JSON readers, and the scan's
# row pattern and rate cells (_scan_fields.TAX_RATE).
NO_TAX_WORDS = ("免征增值税", "不征税", "免征", "免税", "exempt")
# A rate printed as a percent (13%, 1.5%), and a statutory rate reduced to the one the line is taxed at (5%减按1.5%:
# individual housing rent is levied at 5% reduced to 1.5%, second-hand goods at 3% reduced to 2%); the tax printed
# is the amount at the reduced rate. Space is allowed around 减按 and before %, as OCR and some software put it.
PERCENT = r"\d{1,2}(?:\.\d+)?\s*%"
REDUCED_RATE = rf"({PERCENT})\s*减按\s*({PERCENT})"
# No quantity, price or amount on an invoice, an order or a receipt has more digits than these: before the point,
# after it, or in all. A number beyond them is a damaged file. Refusing it here keeps every product and sum computed
# later (quantity x price, exactly, as fractions) small: 1E-999999999 is a short text whose fraction has a billion
# digits, and computing with it would not end.
_MAX_INTEGER_DIGITS = 18
_MAX_DECIMAL_PLACES = 20
_MAX_SIGNIFICANT_DIGITS = 30
# A comma (or a full-width one) is read only as a thousands separator: 1,272.00 and 12,345,678.9. A decimal comma
# (12,50 for 12.50), commas anywhere else (1,2,3) or a first group with a leading zero (0,500: a decimal comma, not
# 500) would change the number if they were dropped.
_THOUSANDS = re.compile(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
# Digits and commas, a point and digits after it: the figure a misplaced comma is the one thing wrong with (anything
# else, two signs or a letter, makes it no number at all, and is said so)
_DIGITS_AND_COMMAS = re.compile(r"[-+]?[\d,]+(?:\.\d*)?")
# a currency sign before the figure, with the sign of the amount before it or after it (-¥1,234.50, ¥-1,234.50)
_CURRENCY_SIGN = re.compile(r"^([-+]?)\s*[¥￥]\s*")
# a figure typed in full-width forms (８０，０００．５０, －３０．００, １３％, as a Chinese input method gives it) is the
# same figure: its sign and percent sign too, typed in the same mode as its digits
_FULL_WIDTH_FIGURES = str.maketrans("０１２３４５６７８９，．－＋％", "0123456789,.-+%")


def half_width_figures(text: str) -> str:
    """``text`` with a figure's full-width forms (digits, ``，``, ``．``, ``－``, ``＋``, ``％``) as their ASCII ones: how
    every reader, of a file, a text layer or a scan, reads a figure typed in full-width mode (``８００．００`` is
    ``800.00``)."""
    return text.translate(_FULL_WIDTH_FIGURES)


@dataclass(frozen=True)
class TaxRate:
    """A period in which a line of a Chinese VAT invoice could be taxed at a rate: a VAT rate (税率) or a levy rate
    (征收率, ``levy``), as the fraction :func:`to_rate` reads. ``began``: the first day it applied, for a rate that
    replaced another; ``ended``: the first day it no longer applied, for a rate since replaced. A rate that applied
    in two periods (13 %) has an entry for each."""

    rate: Decimal
    what: str
    began: date | None = None
    ended: date | None = None
    levy: bool = False

    @property
    def shown(self) -> str:
        return percent(self.rate)

    def applies_on(self, issued: date) -> bool:
        """Whether a line of an invoice issued on ``issued`` could be taxed at this rate."""
        return (self.began is None or self.began <= issued) and (self.ended is None or issued < self.ended)


# The rates an invoice line may be taxed at: the one list the checks (``line.rate``) and the scan reader (which
# restores an unread rate from the amount and the tax) use. VAT rates since 2019-04-01 (13, 9, 6 %, and 0 for
# exports: 免税 and 不征税 read as 0 too), the levy rates of the simplified method (5, 3 %) and the reduced ones
# (3% reduced to 1% or 2%, 5% reduced to 1.5%, 0.5% for second-hand car dealers), and the VAT rates of earlier
# periods: 17, 13, 11, 6 % until 2017-06-30; 17, 11, 6 % from 2017-07-01 (财税〔2017〕37号: 13 % folded into 11 %);
# 16, 10, 6 % from 2018-05-01 (财税〔2018〕32号); 13, 9, 6 % from 2019-04-01 (财政部 税务总局 海关总署公告2019年
# 第39号). So 13 % has two periods, and 9 % began on 2019-04-01: no line was taxed at 9 % before.
# Two reduced levy rates are dated too. 3 % reduced to 1 % for small-scale taxpayers began on 2020-03-01 (财政部
# 税务总局公告2020年第13号, extended to 2022-03-31); from 2022-04-01 to 2022-12-31 those sales were exempt instead
# (公告2022年第15号: a special invoice then was at 3 %), and 1 % applied again from 2023-01-01 (公告2023年第1号,
# extended to 2027-12-31 by 公告2023年第19号: left open here, as every earlier end was extended). 0.5 % for
# second-hand car dealers began on 2020-05-01 (公告2020年第17号). The other levy rates are older than any claim.
_2017_07_01, _2018_05_01, _2019_04_01 = date(2017, 7, 1), date(2018, 5, 1), date(2019, 4, 1)
_2020_03_01, _2020_05_01, _2022_04_01, _2023_01_01 = date(2020, 3, 1), date(2020, 5, 1), date(2022, 4, 1), date(2023, 1, 1)
STATUTORY_RATES = (
    TaxRate(Decimal("0.13"), "VAT rate (goods, processing, repairs, leasing of movables)", began=_2019_04_01),
    TaxRate(Decimal("0.09"), "VAT rate (transport, construction, real estate, basic telecoms, farm produce)",
            began=_2019_04_01),
    TaxRate(Decimal("0.06"), "VAT rate (modern services, finance, value-added telecoms)"),
    TaxRate(Decimal("0"), "zero rate (exports) or exempt, not taxed"),
    TaxRate(Decimal("0.05"), "levy rate (sale and leasing of real estate, labour dispatch on the difference)",
            levy=True),
    TaxRate(Decimal("0.03"), "levy rate (small-scale taxpayers, the simplified method)", levy=True),
    TaxRate(Decimal("0.01"), "levy rate 3% reduced to 1% (small-scale taxpayers)", began=_2020_03_01,
            ended=_2022_04_01, levy=True),
    TaxRate(Decimal("0.01"), "levy rate 3% reduced to 1% (small-scale taxpayers)", began=_2023_01_01, levy=True),
    TaxRate(Decimal("0.02"), "levy rate 3% reduced to 2% (used fixed assets, second-hand goods)", levy=True),
    TaxRate(Decimal("0.015"), "levy rate 5% reduced to 1.5% (individuals renting out housing)", levy=True),
    TaxRate(Decimal("0.005"), "levy rate 0.5% (second-hand car dealers)", began=_2020_05_01, levy=True),
    TaxRate(Decimal("0.13"), "VAT rate until 2017-06-30 (farm produce, utilities, books and the like), 11% since",
            ended=_2017_07_01),
    TaxRate(Decimal("0.17"), "VAT rate until 2018-04-30, 16% since", ended=_2018_05_01),
    TaxRate(Decimal("0.11"), "VAT rate until 2018-04-30, 10% since", ended=_2018_05_01),
    TaxRate(Decimal("0.16"), "VAT rate from 2018-05-01 until 2019-03-31, 13% since", began=_2018_05_01,
            ended=_2019_04_01),
    TaxRate(Decimal("0.10"), "VAT rate from 2018-05-01 until 2019-03-31, 9% since", began=_2018_05_01,
            ended=_2019_04_01),
)
# Every rate a line was ever taxed at, each once, in the order of STATUTORY_RATES
EVER_RATES = tuple(dict.fromkeys(known.rate for known in STATUTORY_RATES))
# Where the levy rate 1 % began, Hubei's small-scale taxpayers were exempt instead: 公告2020年第13号 exempted (免征)
# their sales at the levy rate 3 % from 2020-03-01, as those elsewhere were levied at 1 %; the exemption was extended
# to 2021-03-31 (公告2020年第24号, 公告2021年第7号), and from 2021-04-01 Hubei was levied at 1 % like the rest (公告2021年
# 第7号). So no Hubei seller charged 1 % in those months. A seller is taken to be in Hubei only where its tax id
# shows it (:func:`division_code`): Hubei's administrative division codes (GB/T 2260) begin with 42.
_ONE_PERCENT = Decimal("0.01")
_HUBEI_DIVISION_PREFIX = "42"
_HUBEI_EXEMPT_FROM, _HUBEI_EXEMPT_UNTIL = _2020_03_01, date(2021, 4, 1)


def percent(rate: Decimal) -> str:
    """A rate as a percent, as an invoice prints it: 0.015 as ``1.5%``, 0 as ``0%``."""
    return f"{(rate * 100).normalize():f}%" if rate else "0%"


def statutory_rate(rate: Decimal, issued: date | None = None) -> TaxRate | None:
    """The statutory rate a line's rate is: the period of it that applies on ``issued`` when given (``None`` where
    none does), else its first entry; ``None`` where it is no statutory rate."""
    periods = [known for known in STATUTORY_RATES if known.rate == rate]
    if issued is not None:
        periods = [known for known in periods if known.applies_on(issued)]
    return periods[0] if periods else None


def _rates_on(issued: date, levy: bool) -> str:
    """The VAT rates (or the levy rates) a line of an invoice issued on ``issued`` could be taxed at, from the
    highest, for a message: ``13%, 9%, 6%``; 0 is left to the message to name."""
    rates = {known.rate for known in STATUTORY_RATES if known.rate and known.levy == levy and known.applies_on(issued)}
    return ", ".join(percent(rate) for rate in sorted(rates, reverse=True))


def division_code(tax_id: str | None) -> str | None:
    """The administrative division code (GB/T 2260) of the authority a taxpayer registered with, as its tax id
    shows it: characters 3-8 of a unified social credit code (GB 32100-2015), the first 6 digits of a 15-character
    tax id. ``None`` where the id does not show one: no id, an id that fails its check digit, a 20-character one (an
    identity number, whose first digits are a person's place of household registration, not a tax office), or 18
    characters that are a valid resident identity number too (whose region is in characters 1-6, not 3-8)."""
    value = (tax_id or "").strip()
    checked = check_tax_id(value)
    if not checked.valid:
        return None
    if checked.kind == "credit-code" and not is_valid_resident_id(value):
        return value[2:8]
    if checked.kind == "legacy-15":
        return value[:6]
    return None


def _seller_region_problem(rate: Decimal, issued: date, seller_tax_id: str | None) -> str | None:
    """Why a seller whose tax id shows it registered in Hubei could not charge ``rate`` on ``issued``: 1 % while
    Hubei was exempt instead (above); ``None`` otherwise, and wherever the id shows no region."""
    if rate != _ONE_PERCENT or not _HUBEI_EXEMPT_FROM <= issued < _HUBEI_EXEMPT_UNTIL:
        return None
    division = division_code(seller_tax_id)
    if division is None or not division.startswith(_HUBEI_DIVISION_PREFIX):
        return None
    last_exempt_day = _HUBEI_EXEMPT_UNTIL - timedelta(days=1)
    return (f"1% is no levy rate a seller in Hubei (湖北省) charged on an invoice dated {issued}: the seller's tax id "
            f"{seller_tax_id.strip()} shows division code {division}, in Hubei, and from {_HUBEI_EXEMPT_FROM} until "
            f"{last_exempt_day} the sales of Hubei's small-scale taxpayers at the levy rate 3% were exempt (免征, "
            "公告2020年第13号) where those elsewhere were levied at 1%: such a line is exempt (免税), or at 3% where "
            "the seller gave up the exemption (放弃免税); check the invoice with the tax authority and the seller, "
            "and have it reissued at the rate the sale was taxed at")


def rate_problem(rate: Decimal, issued: date, seller_tax_id: str | None = None) -> str | None:
    """Why a line of an invoice issued on ``issued`` cannot be taxed at ``rate``, or ``None`` where it can: where
    a period of the rate (every entry of it in :data:`STATUTORY_RATES`) holds the date, and the seller's region,
    where its tax id ``seller_tax_id`` shows one, was taxed at it then (1 % was not, in Hubei, until 2021-03-31).

    A rate since replaced passes only on an invoice issued before it ended. An invoice issued later at the old
    rate is a late one for a sale made before the change (补开发票); a claim from such a sale is years old,
    past any financing term, and an old rate passing on a new invoice would let a wrong tax, and the face
    amount built on it, through: a person looks at it instead. A rate that replaced another passes only on an
    invoice issued since it began: no line was taxed at it before then, so a line at it is a wrong rate.
    13 % did both: it ended on 2017-07-01 and began again on 2019-04-01, as did the levy rate 1 % (ended on
    2022-04-01, again from 2023-01-01). Each message names the rate, the invoice's date and the VAT rates of that
    date (the levy rates, for a levy rate)."""
    periods = [known for known in STATUTORY_RATES if known.rate == rate]
    if not periods:
        return (f"{percent(rate)} is no VAT rate or levy rate: on an invoice dated {issued} a line is taxed at a VAT "
                f"rate ({_rates_on(issued, levy=False)}), 0% (exports) or is exempt (免税, 不征税), or at a levy rate "
                f"({_rates_on(issued, levy=True)}); check the line's rate against the invoice")
    if statutory_rate(rate, issued) is not None:
        return _seller_region_problem(rate, issued, seller_tax_id)
    levy = periods[0].levy
    then = f"when the {'levy' if levy else 'VAT'} rates were {_rates_on(issued, levy=levy)}"
    ended = [known for known in periods if known.ended is not None and known.ended <= issued]
    later = [known for known in periods if known.began is not None and issued < known.began]
    if ended:
        last = max(ended, key=lambda known: known.ended)
        again = f", and is one again since {min(known.began for known in later)}" if later else ""
        return (f"{last.shown} was a {last.what}{again}; the invoice is dated {issued}, {then}: an invoice issued "
                f"since {last.ended} at that rate is a late one for an earlier sale (补开), which is not checked "
                "here; check it with the tax authority, or have it reissued at the current rate")
    first = min(later, key=lambda known: known.began)
    # "was" only for a rate no longer applied (16 %); one that applies today "is" one, over each of its periods
    # (1 %: the months between exempted those sales, so "since 2020-03-01" alone would pass them over)
    current = any(known.ended is None for known in periods)
    period = f"is a {first.what} {_periods_shown(periods)}" if current else f"was a {first.what}"
    return (f"{first.shown} {period}; the invoice is dated {issued}, before it applied, {then}: no line was taxed "
            f"at {first.shown} before {first.began}; check the line's rate against the invoice")


def _periods_shown(periods: list[TaxRate]) -> str:
    """When a rate that began on a known day applied: ``since 2019-04-01``, or for one with a break ``from
    2020-03-01 until 2022-03-31 and again since 2023-01-01``."""
    spans = sorted((known for known in periods if known.began is not None), key=lambda known: known.began)
    shown = [f"since {known.began}" if known.ended is None
             else f"from {known.began} until {known.ended - timedelta(days=1)}" for known in spans]
    return " and again ".join(shown)


class ValueProblem(ValueError):
    """A value that cannot be read; the caller adds the file and field."""


def to_decimal(value: object) -> Decimal:
    """A number as written in a file: ``1272.5``, ``+1272.5``, ``1,272.50``, ``¥ 1,272.50``; refused
    (:class:`ValueProblem`) when it is no number, has a comma that does not separate thousands, or has more digits
    than any invoice figure."""
    number = _number(value)
    beyond = beyond_digit_limits(number)
    if beyond is not None:
        raise ValueProblem(f"{shown_value(value)} has {beyond}, which no figure of an invoice, an order or a receipt "
                           "has: the file is damaged, check it")
    # -0 and -0.00 (a spreadsheet's rounding of a small negative figure) are 0: kept signed, a match said "exceeds
    # the ordered -0" and "the received -0.00"
    return number.copy_abs() if number.is_zero() else number


def to_plain_decimal(value: object) -> Decimal:
    """A quantity or unit price of an invoice line, as :func:`to_decimal` reads it, refused where it is written with
    a power of ten (``1E+2``, ``1.5e0``), as an order's and a receipt's are and as an invoice's amounts are: it is
    how a spreadsheet shows a figure it has rounded, or a cell it took for a number, and read as 100 it would match
    a receipt for goods nobody counted."""
    number = to_decimal(value)
    refuse_power_of_ten(value, "write it in plain digits, as the invoice prints it, e.g. 200 or 1.50")
    return number


def refuse_power_of_ten(value: object, advice: str) -> None:
    """Refuse (:class:`ValueProblem`) a figure written with a power of ten (``1E+2``, ``1.23457E+11``), which no
    figure of an invoice, an order or a receipt is: it is how a spreadsheet shows a figure it has rounded, or a cell
    it took for a number. ``advice``: how to write the figure instead.

    A float comes from code, not from a file (JSON numbers are read as Decimal, as the file wrote them): its repr
    has an exponent of its own for large and small values, so it is judged by its value alone."""
    if not isinstance(value, float) and "e" in str(value).lower():
        raise ValueProblem(f"{shown_value(value)} is written with a power of ten (E), as a spreadsheet shows a "
                           f"figure it has rounded or a cell it took for a number: {advice}")


def plain_digits(number: Decimal) -> str:
    """A number written in plain digits, never with a power of ten: ``0.0000005``, not Decimal's ``5E-7``, so that
    a file written with it reads back (:func:`to_plain_decimal`)."""
    return f"{number:f}"


def beyond_digit_limits(number: Decimal) -> str | None:
    """What a finite number has more of than any figure of an invoice, an order or a receipt ("more than 20
    decimal places"), or ``None`` where it has not. Whatever is computed with such a figure (a tolerance a price
    is compared within, too) is held to these limits, so the exact fractions computed with it stay small."""
    _, digits, exponent = number.as_tuple()
    if number and number.adjusted() >= _MAX_INTEGER_DIGITS:
        return f"more than {_MAX_INTEGER_DIGITS} digits before the point"
    if exponent < -_MAX_DECIMAL_PLACES:
        return f"more than {_MAX_DECIMAL_PLACES} decimal places"
    if len(digits) > _MAX_SIGNIFICANT_DIGITS:
        return f"more than {_MAX_SIGNIFICANT_DIGITS} significant digits"
    return None


def without_trailing_zeros(number: Decimal) -> Decimal:
    """The number with the zeros after its last nonzero decimal digit dropped (0.0100 as 0.01, 0E-30 as 0): the
    same value, written with the digits it needs. Exactly: ``Decimal.normalize`` rounds to the context's 28
    digits, and a trailing zero is dropped whatever the exponent, without counting up to it."""
    sign, digits, exponent = number.as_tuple()
    if not number.is_finite() or exponent >= 0:
        return number
    if not number:
        return Decimal(0)
    kept = len(digits)
    while digits[kept - 1] == 0:
        kept -= 1
    dropped = min(len(digits) - kept, -exponent)
    return Decimal((sign, digits[:len(digits) - dropped], exponent + dropped))


# What each refusal of a figure says to do: one written otherwise than in digits is written again; one that is a
# number but no figure a document holds (NaN, too large, fractions of a fen) is a damaged or misread one
WRITE_DIGITS = "write the figure in the digits 0-9, with a decimal point, as the document prints it (e.g. 1272.50)"
CHECK_DOCUMENT = "check the figure against the document"
WRITE_RATE = "write the rate as printed, e.g. 13%, 0.13 or 免税"


def _number(value: object) -> Decimal:
    """The number written, with no more than :data:`_MAX_INTEGER_DIGITS` digits before the point."""
    if isinstance(value, bool) or value is None:
        raise ValueProblem(f"expected a number, got {shown_value(value)}; {CHECK_DOCUMENT}")
    if isinstance(value, float):
        value = repr(value)
    # the currency sign goes, and may stand apart from the figure (¥ 1,234.50); a minus may stand before it or after
    # it (-¥1,234.50 and ¥-1,234.50, the amount of a red-letter or a discount line, are one amount)
    text = _CURRENCY_SIGN.sub(r"\1", half_width_figures(str(value).strip()), count=1)
    # Decimal reads any script's digits as 0-9 (٣٠٠ as 300) and takes _ between digits (3_00.00 as 300.00): a
    # figure so written is not one a file of these documents holds, and is not read as another silently
    if (digit := money.non_ascii_digit(text)) is not None:
        raise ValueProblem(f"{shown_value(value)} has the digit {digit}, which is not ASCII: write the number in "
                           "the digits 0-9")
    if "_" in text:
        raise ValueProblem(f"{shown_value(value)} has an underscore, which no figure is written with: write the "
                           "number in digits, with a decimal point (and commas between thousands)")
    if "," in text and _DIGITS_AND_COMMAS.fullmatch(text):
        if not _THOUSANDS.fullmatch(text):
            raise ValueProblem(f"{shown_value(value)}: a comma is read only between groups of three digits before the "
                               "point, the first not starting with 0 (1,272.50), and a decimal comma (12,50 or 0,500 "
                               "for 12.50 or 0.500) is not read: write the number with a decimal point")
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(f"not a number: {shown_value(value)}; {WRITE_DIGITS}") from None
    if not number.is_finite():
        raise ValueProblem(f"not a finite number: {shown_value(value)}; {CHECK_DOCUMENT}")
    if number and number.adjusted() >= _MAX_INTEGER_DIGITS:
        raise ValueProblem(f"too large: {shown_value(value)} (more than {_MAX_INTEGER_DIGITS} digits before the "
                           f"point); {CHECK_DOCUMENT}")
    return number


def grouped_in_thousands(text: str) -> bool:
    """Whether a figure is written with commas between groups of three digits before its point (``1,000``,
    ``1,272.50``), the one place :func:`to_decimal` and :func:`to_fen` read a comma."""
    return _THOUSANDS.fullmatch(text) is not None


def as_written(value: object) -> str:
    """A value read from a file as the file wrote it: text as it is, any other JSON value as JSON spells it
    (:func:`json_spelled`: ``null``, not Python's ``None``)."""
    return value if isinstance(value, str) else json_spelled(value)


def to_fen(value: object) -> int:
    """Yuan as written on an invoice ("1272.00", "¥1,272.00") to integer fen.

    More than two decimal places is an error, never rounded away. (The digits of an amount are checked as fen,
    exactly and without expanding the number: fractions of a fen, however far out, are that error.) So are
    more than two that are zeros, and a power of ten, as the CLI (``cli/amounts.py``) and the contract refuse
    them: ``30.000`` is thirty thousand where a dot groups thousands, and ``1.23457E+11`` is how a spreadsheet
    shows an amount it has rounded to six digits, so neither is read as a figure it may not be.
    """
    number = _number(value)
    _, digits, exponent = number.as_tuple()
    if exponent < -2 and not any(digits[exponent + 2:]):   # places past the fen, all zeros (others: to_fen's)
        raise ValueProblem(f"more than two decimal places: {shown_value(value)}; they are refused even when "
                           "they are zeros, as 30.000 is thirty thousand where a dot groups thousands: write "
                           "the amount with at most two decimals (30.00, or 30000.00)")
    try:
        fen = money.to_fen(number)
    except money.AboveCap:
        raise ValueProblem(f"too large: {shown_value(value)} (amounts are capped at {money.plain_yuan(money.MAX_FEN)} "
                           f"yuan); {CHECK_DOCUMENT}") from None
    except ValueError:
        raise ValueProblem(f"more than two decimal places: {shown_value(value)} (an amount is in yuan and fen); "
                           f"{CHECK_DOCUMENT}") from None
    refuse_power_of_ten(value, "write the amount in digits with at most two decimals, e.g. 1272.50")
    return fen


def folded(text: str) -> str:
    """Text as two spellings of it are compared: after NFKC (full-width letters, digits, brackets and ``＊`` as
    ASCII, the ideographic space as a space) and without any space (免 税 as 免税)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_stars(value: object) -> bool:
    """``***``: what an invoice prints in the tax (and sometimes the rate) column of a line that carries no tax;
    typed full-width (＊＊＊) or spaced (* * *) too, which is the same mark."""
    return isinstance(value, str) and set(folded(value)) == {"*"}


def carries_no_tax(rate: object) -> bool:
    """A rate that says the line carries no tax at all: 免税, 不征税 (and the like), or ``***``, with spaces inside
    or typed full-width (免 税, ＊＊＊) as OCR and input methods give them. Only a whole word is such a rate: 免
    alone or 免税 beside a rate says nothing certain.

    A rate of 0 (zero-rated exports) is a rate: its line prints a tax of 0.00, and one without is malformed."""
    # in any case: Exempt and EXEMPT are the English word as 免税 is the Chinese one (lower() leaves 免税 as it is)
    return isinstance(rate, str) and (folded(rate).lower() in NO_TAX_WORDS or is_stars(rate))


_REDUCED_RATE = re.compile(REDUCED_RATE)


def to_rate(value: object) -> Decimal:
    """A tax rate as a fraction: "6%", "0.06", "6" (read as percent), 0 for 免税/不征税/``***``, or the reduced
    rate of "5%减按1.5%" (0.015), the rate the line's tax is computed at."""
    if carries_no_tax(value):
        return Decimal(0)
    text = half_width_figures(str(value).strip())
    reduced = _REDUCED_RATE.fullmatch(text)
    if reduced:
        statutory, text = reduced.group(1), reduced.group(2)
        if to_rate(text) >= to_rate(statutory):
            raise ValueProblem(f"not a tax rate: {value!r} (a rate reduced to one no lower than itself): {WRITE_RATE}")
    if text.endswith("%"):
        # blank as a field is (parse._Tree.text): spaces, or invisible format characters alone (a zero-width space
        # pasted before the sign); read as a number, it was refused as "not a number: ''", quoting nothing visible
        if not visible_characters(text[:-1]):
            raise ValueProblem(f"not a tax rate: {value!r} (a % sign with no figure before it): {WRITE_RATE}")
        rate = to_decimal(text[:-1]) / 100
    else:
        rate = to_decimal(text)
        if rate >= 1:
            rate = rate / 100
    # refused once read, as a quantity or an amount is: a word that is no rate (none) is no number, not a power of ten
    refuse_power_of_ten(value, WRITE_RATE)
    if rate < 0 or rate >= 1:
        raise ValueProblem(f"not a tax rate: {value!r} (a rate is from 0 up to 100%, not including it): {WRITE_RATE}")
    return rate.normalize() if rate else Decimal(0)


def line_amount_fen(quantity: Decimal, unit_price: Decimal) -> int:
    """Quantity x unit price in fen, computed exactly (a Decimal product could round at 28 digits), half up."""
    return money.round_half_up(Fraction(quantity) * Fraction(unit_price) * 100)


def line_tax_fen(amount_fen: int, rate: Decimal) -> int:
    """Amount x tax rate in fen, computed exactly, half up."""
    return money.round_half_up(Fraction(amount_fen) * Fraction(rate))


def to_line_tax(value: object | None, rate: object) -> int:
    """A line's tax in fen. ``***`` or no tax at all is 0 on a line whose rate says it carries none
    (:func:`carries_no_tax`); on a taxed line it is a missing figure, never read as 0."""
    if value is None or is_stars(value) or (isinstance(value, str) and not value.strip()):
        if carries_no_tax(rate):
            return 0
        shown = "no tax" if value is None or not str(value).strip() else f"{str(value).strip()!r} for the tax"
        raise ValueProblem(f"{shown} on a line taxed at {rate}: only a line whose rate is 免税, 不征税 or *** "
                           "carries no tax; the file lost the figure: check it against the invoice")
    return to_fen(value)


# The deduction after the mark ends where a money amount ends: digits, grouped by commas or not (more decimals than
# fen are to_fen's to refuse), the point full-width or not (．), then no further digit, no date word (年月日号), no
# percent or per-mille sign and no second decimal point (a date 2016.12.31), nor a date word, percent sign or
# decimal point after spaces: OCR and typed remarks set a space between Latin digits and Han characters (2016 年,
# 5 %). A digit after spaces ends the figure only where it has its fen (80000.00 then 2026年3月服务费 on the next
# line, or a date further on), not after a figure without them (80 000.00: read as 80, its tax would fail
# wrongly). The figure is taken whole (an atomic group), so its end is checked where it ends, not after a shorter
# prefix (80 of 80,000年). A year or notice number after the mark (差额征税：2016年第47号公告) or a rate
# (差额征税：5%征收率) is no deduction: taken for one, an honest invoice's tax would fail its check.
_AMOUNT_ENDS = r"(?![\d年月日号%％‰]|\s*[年月日号%％‰]|\s*[.．]\d)(?:(?<=[.．]\d\d)|(?!\s+\d))"
# a figure broken by a space (80 000.00): no deduction can be read from it, and none is left out silently
_BROKEN_DEDUCTION = re.compile(r"差额征税\s*[:：]\s*[-+]?\d+(?:[,，]\d{3})*\s+\d")
_DIFFERENCE_TAX = re.compile(r"差额征税\s*[:：]\s*((?>[-+]?\d+(?:[,，]\d{3})*(?:[.．]\d+)?))" + _AMOUNT_ENDS)
# as invoicing software prints it, with its fen (80000.00): what marks a remark further on in a printed line
_PRINTED_DEDUCTION = r"差额征税\s*[:：]\s*(?>[-+]?\d+(?:[,，]\d{3})*[.．]\d{2})" + _AMOUNT_ENDS
# How an invoice marks itself taxed on the difference: its remark (备注) begins with 差额征税 (or 差额开票), as invoicing
# software writes it (差额征税：80000.00。), or a label does (差额征税-差额开票). A printed remark may carry its label
# before it on the same line, whole (备注) or half: the printed invoice sets the label upright, 备 above 注, so the
# scan reader finds 备 (or 注) before the mark and the other half on a line of its own. Wording that merely mentions
# it marks nothing: a remark saying the invoice is not so taxed (本发票不属于差额征税, 非差额征税), a company or an
# item named so; nor does the mark with a word saying no after it (差额征税：否, 差额征税：不适用, 差额征税：无). Taken
# from such wording, the flag would have line.tax skipped where the tax is merely wrong.
# The half label is taken only as the upright label prints it, with no colon and a gap after it: 注：at the start of
# a remark is the usual "Note:", and a note that merely mentions 差额征税 must not mark the invoice.
REMARK_LABEL = r"(?:备\s*注\s*[:：]?\s*|[备注]\s+)"
_DIFFERENCE_MARK = re.compile(r"\s*" + REMARK_LABEL + r"?(?:差额征税|差额开票)(?!\s*[:：]?\s*(?:否|不|无|非))")
# A printed line need not begin with the remark: an older invoice prints the seller's block to the left of the 备注
# box, so the scan reader's line runs from the seller's name or bank account into the remark. There the label (whole,
# or the half left on the line, standing apart from what precedes it) says where the remark begins; and only the mark
# as invoicing software prints it, its deduction in yuan and fen (差额征税：80000.00) ending as an amount ends
# (:data:`_DIFFERENCE_TAX`), right after the label is taken for the remark's own: 差额征税 alone there may begin a
# sentence merely mentioning it (注 差额征税政策解读见附件, a note on an invoice not so taxed), as may a figure that is
# no deduction (注 差额征税：2016年第47号公告适用, 注 差额征税：5%征收率); and taken, the mark would have an understated tax skipped. An XML field holds its own text
# alone, so only a printed line is read so (difference_tax's ``printed_lines``).
_LABELLED_MARK = re.compile(r"(?<=\s)" + REMARK_LABEL + r"(?=" + _PRINTED_DEDUCTION + ")")


def difference_tax(texts: Iterable[str], *, printed_lines: bool = False) -> tuple[bool, int | None]:
    """Whether the texts (an invoice's remark, its labels) mark it taxed on the difference (差额征税): one that
    begins with the mark (:data:`_DIFFERENCE_MARK`), and the deduction (扣除额) in fen when such a text gives it as
    invoicing software prints it: ``差额征税：80000.00。``. With ``printed_lines`` (a scanned or printed page's lines,
    which may run from another block into the remark), also a line with the remark's label further on followed by
    the mark and its deduction (:data:`_LABELLED_MARK`). A text that does neither is not read at all, nor what
    stands before the mark.

    Every deduction given is read: the same one given twice is one deduction, two that differ are refused (which
    one the invoice means cannot be told, and the first by reading order is no better a guess)."""
    said, deductions = False, []
    for text in texts:
        mark = _DIFFERENCE_MARK.match(text) or (_LABELLED_MARK.search(text) if printed_lines else None)
        if mark:
            said = True
            found = [to_fen(m.group(1)) for m in _DIFFERENCE_TAX.finditer(text, mark.start())]
            if not found and (broken := _BROKEN_DEDUCTION.search(text, mark.start())):
                raise ValueProblem(f"the deduction after 差额征税 has a space inside its figure "
                                   f"({broken.group(0)!r}...): check it against the invoice")
            deductions += found
    distinct = sorted(set(deductions))
    if len(distinct) > 1:
        raise ValueProblem(f"several deductions after 差额征税 ({', '.join(money.plain_yuan(d) for d in distinct)}): "
                           "an invoice taxed on the difference gives one; check the remark against the invoice")
    return said, distinct[0] if distinct else None


def deduction_spans(text: str) -> list[tuple[int, int]]:
    """Where each deduction after 差额征税 stands in a text, from the mark to the end of its figure: what a
    reading of the deduction rests on, so that a scan's confidence in those characters is the deduction's."""
    return [(found.start(), found.end(1)) for found in _DIFFERENCE_TAX.finditer(text)]


# A deduction its printed line cuts short, as a remark wraps where its box is full: the mark at the line's end with
# no figure after it, or with a figure that has not reached its fen (差额征税：8000 then 0.00。 on the next line)
_CUT_DEDUCTION = re.compile(r"差额征税\s*[:：]\s*(?:[-+]?[\d,，]*(?:[.．]\d?)?)\s*$")
_PRINTED = re.compile(_PRINTED_DEDUCTION)


def cut_deductions_in(text: str) -> list[int]:
    """Where in ``text`` a mark 差额征税 begins whose deduction the text ends before its fen (:data:`_CUT_DEDUCTION`):
    the rest may be on the printed line below."""
    return [m.start() for m in _CUT_DEDUCTION.finditer(text)]


def printed_deductions_in(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` each mark 差额征税 stands with its deduction as invoicing software prints it, in yuan and
    fen (:data:`_PRINTED_DEDUCTION`), from the mark to the figure's end."""
    return [m.span() for m in _PRINTED.finditer(text)]


def deduction_problem(deduction_fen: int, amount_fen: int) -> str | None:
    """Why a deduction (扣除额) cannot be taken off an amount, or ``None`` where it can.

    A deduction lowers the amount taxed, never raises it, and never below nothing: it lies between 0 and the
    amount, of the amount's sign (on a red-letter line, between its negative amount and 0). A negative
    deduction would raise the tax a check accepts, and one above the amount would make it negative."""
    shown = f"the deduction {money.plain_yuan(deduction_fen)} (扣除额)"
    if deduction_fen * amount_fen < 0:
        side = "negative" if deduction_fen < 0 else "positive"
        return (f"{shown} is {side}, taken off the amount {money.plain_yuan(amount_fen)}: a deduction lowers "
                "the amount taxed, so it lies between 0 and the amount; check it against the invoice")
    if abs(deduction_fen) > abs(amount_fen):
        return (f"{shown} is more than the amount {money.plain_yuan(amount_fen)} it is taken off: the amount taxed "
                "cannot be below 0; check it against the invoice")
    return None


# A red-letter invoice (红字发票) names the blue one it offsets in its remark (备注), as invoicing software writes it:
# a fully digitalised one by its 20-digit number (被红冲蓝字数电发票号码：..., or 对应蓝字发票号码：...), an older one
# by the blue invoice's code and number (对应正数发票代码:3100204130号码:12345678, 对应蓝字发票代码：... 号码：...).
# The digits are taken as printed, half- or full-width: the identity checks say what is wrong with them.
_OFFSET_FIGURES = r"([0-9０-９]+)"
_OFFSET_NUMBER = re.compile(r"(?:被红冲蓝字|对应蓝字)(?:数电)?发票号码\s*[:：]\s*" + _OFFSET_FIGURES)
_OFFSET_CODE_AND_NUMBER = re.compile(r"(?:对应正数|对应蓝字|被红冲蓝字)发票代码\s*[:：]\s*" + _OFFSET_FIGURES
                                     + r"\s*[,，;；、]?\s*(?:发票)?号码\s*[:：]\s*" + _OFFSET_FIGURES)
# A naming's label with its colon, whether or not figures follow: a label left without the identity it introduces
# (对应蓝字发票号码：见附件, a code with no number after it) names an invoice nobody can look up
_OFFSET_LABEL = re.compile(r"(?:被红冲蓝字|对应蓝字|对应正数)(?:数电)?发票(?:号码|代码)\s*[:：]")


# The words a naming of the invoice offset begins with, and where one begins, whether or not the rest of it is on
# the same printed line
_OFFSET_MARK_WORDS = ("被红冲蓝字", "对应蓝字", "对应正数")
_OFFSET_MARK = re.compile("|".join(_OFFSET_MARK_WORDS))


def offset_marks_in(text: str) -> list[int]:
    """Where in ``text`` each naming of an invoice a red-letter invoice offsets begins (:data:`_OFFSET_MARK`), whole
    or not: a printed remark may wrap before its figures, or inside them. A line ending in a mark's first
    characters (``对应正`` of ``对应正数``, cut by the wrap) holds where one may begin too, the rest of the mark on the
    next line."""
    marks = [m.start() for m in _OFFSET_MARK.finditer(text)]
    end = text.rstrip()
    begun = [len(end) - n for word in _OFFSET_MARK_WORDS for n in range(1, len(word)) if end.endswith(word[:n])]
    return marks + sorted(set(begun) - set(marks))


def offset_invoices_in(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """Each invoice ``text`` says a red-letter invoice offsets (:data:`_OFFSET_NUMBER`,
    :data:`_OFFSET_CODE_AND_NUMBER`): its code (empty for a fully digitalised invoice), its number, and where in the
    text it is named."""
    found = [(m.group(1), m.group(2), m.span()) for m in _OFFSET_CODE_AND_NUMBER.finditer(text)]
    found += [("", m.group(1), m.span()) for m in _OFFSET_NUMBER.finditer(text)
              if not any(start <= m.start() < end for _, _, (start, end) in found)]
    return found


def offset_invoice(texts: Iterable[str]) -> tuple[str, str] | None:
    """The code (empty for a fully digitalised invoice) and number of the invoice a red-letter invoice's remark says
    it offsets (:func:`offset_invoices_in`), or ``None`` where it names none. The same invoice named twice is one;
    two that differ are refused (``ValueProblem``): which one it offsets cannot be told; so is a naming's label with
    no identity after it (:data:`_OFFSET_LABEL`)."""
    texts = list(texts)
    for text in texts:
        spans = [span for *_, span in offset_invoices_in(text)]
        for label in _OFFSET_LABEL.finditer(text):
            if not any(start <= label.start() < end for start, end in spans):
                raise ValueProblem(f"begins naming the invoice it offsets ({label.group(0)}) but gives no "
                                   f"{'code and number' if '代码' in label.group(0) else 'number'} after it: a "
                                   "red-letter invoice names the invoice it takes back so that it can be looked up; "
                                   "check the remark against the invoice")
    named = sorted({(code, number) for text in texts for code, number, _ in offset_invoices_in(text)})
    if len(named) > 1:
        shown = "; ".join(f"code {code} number {number}" if code else f"number {number}" for code, number in named)
        raise ValueProblem(f"names {len(named)} invoices it offsets ({shown}): a red-letter invoice offsets one; "
                           "check the remark against the invoice")
    return named[0] if named else None
