"""The arithmetic an honest invoice passes, and the values it can restore on a scan.

Each item row: quantity x unit price = amount, amount x rate = tax (to the fen; on a
row taxed on the difference, 差额征税, (amount - deduction) x rate = tax).
The whole invoice: the rows' amounts and taxes add up to 合计, and 合计金额 +
合计税额 = 价税合计. When a value could not be read, or is the one value that
breaks a check the other values confirm, it is derived from them. A derived value
says how it was derived, keeps the lowest confidence of what it came from, and is
always flagged: a person confirms it, it is never trusted as if read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from client.money import plain_yuan

from ._reading import (EVER_RATES, ValueProblem, line_amount_fen, line_tax_fen, percent, to_fen, to_line_tax,
                       to_plain_decimal, to_rate)
from ._scan_fields import Found

# The rates an unread rate may be restored as: the statutory ones but 0, since a tax of 0 cannot tell a zero-rated
# line from an exempt or untaxed one
_RATES = tuple(rate for rate in EVER_RATES if rate)
_MAX_DERIVED_PLACES = 6  # a quantity or price derived by division must come out exact within this many places


@dataclass
class RowValues:
    """An item row's figures, typed; ``None`` where blank or unreadable."""

    quantity: Decimal | None
    unit_price: Decimal | None
    amount: int | None
    tax_rate: Decimal | None
    tax: int | None
    deduction: int | None = None  # 扣除额 of a row taxed on the difference (差额征税): tax is on amount - deduction

    def taxable(self, amount: int | None = None) -> int | None:
        """What the rate applies to: the amount (``amount`` when given), less the deduction if there is one."""
        amount = self.amount if amount is None else amount
        return None if amount is None else amount - (self.deduction or 0)


# a quantity or price written with a power of ten (1E3) is refused as the XML and JSON readers refuse it, and as
# to_fen refuses an amount so written: no printed invoice shows one, and read as 1000 it would pass unseen
_CONVERT = {"quantity": to_plain_decimal, "unit_price": to_plain_decimal, "amount": to_fen, "tax_rate": to_rate}


def row_values(cells: dict[str, Found], deduction: int | None = None) -> RowValues:
    """The row's figures; a tax printed as ``***`` is 0 only where the rate says the line carries no tax
    (as the XML reader reads it), and unreadable on a taxed line. ``deduction``: the row's 扣除额, if any."""
    typed = {}
    rate = cells.get("tax_rate")
    convert_tax = lambda text: to_line_tax(text, rate.value if rate is not None else None)  # noqa: E731
    for column, convert in (*_CONVERT.items(), ("tax", convert_tax)):
        found = cells.get(column)
        try:
            typed[column] = convert(found.value) if found is not None else None
        except (ValueProblem, ValueError):
            typed[column] = None
    return RowValues(**typed, deduction=deduction)


def amount_agrees(v: RowValues) -> bool | None:
    """quantity x unit price = amount; ``None`` when a figure is missing."""
    if v.quantity is None or v.unit_price is None or v.amount is None:
        return None
    return line_amount_fen(v.quantity, v.unit_price) == v.amount


def tax_agrees(v: RowValues) -> bool | None:
    """amount x rate = tax within a fen (per-line rounding), (amount - deduction) x rate on a row taxed on the
    difference; ``None`` when a figure is missing."""
    if v.amount is None or v.tax_rate is None or v.tax is None:
        return None
    return abs(line_tax_fen(v.taxable(), v.tax_rate) - v.tax) <= 1


def restore_row(cells: dict[str, Found], amount_in_total: bool, deduction: int | None = None) -> dict[str, Found]:
    """The row's cells with missing or contradicted figures derived from the rest (see the module doc).

    ``amount_in_total``: every row's amount was read and they add up to 合计金额, which confirms this amount.
    ``deduction``: the row's 扣除额 when it is taxed on the difference.
    """
    cells = dict(cells)
    v = row_values(cells, deduction)

    def derive(column: str, value: str, how: str, *sources: str) -> None:
        confidence = min((cells[s].confidence for s in sources if s in cells), default=0.0)
        if column in cells:
            confidence = min(confidence, cells[column].confidence)
        base = cells.get(column) or Found("", 0.0)
        cells[column] = replace(base, value=value, confidence=confidence, derived=how)

    if v.amount is None and v.quantity is not None and v.unit_price is not None:
        amount = line_amount_fen(v.quantity, v.unit_price)
        if tax_agrees(replace(v, amount=amount)) is not False:
            derive("amount", plain_yuan(amount), f"quantity x unit price = {v.quantity} x {v.unit_price}",
                   "quantity", "unit_price")
            v = replace(v, amount=amount)
    if v.tax is None and v.amount is not None and v.tax_rate is not None:
        tax = line_tax_fen(v.taxable(), v.tax_rate)
        less = f" - deduction {plain_yuan(v.deduction)}" if v.deduction is not None else ""
        derive("tax", plain_yuan(tax), f"amount{' less deduction' if less else ''} x rate = "
                                       f"{plain_yuan(v.amount)}{less} x {v.tax_rate}", "amount", "tax_rate")
        v = replace(v, tax=tax)
    if v.tax_rate is None and v.amount and v.tax is not None:
        rates = [r for r in _RATES if abs(line_tax_fen(v.taxable(), r) - v.tax) <= 1]
        if len(rates) == 1:
            derive("tax_rate", percent(rates[0]),
                   f"the one rate that turns amount {plain_yuan(v.amount)} into tax {plain_yuan(v.tax)}",
                   "amount", "tax")
            v = replace(v, tax_rate=rates[0])

    amount_confirmed = v.amount is not None and (tax_agrees(v) or amount_in_total)
    if amount_confirmed and amount_agrees(v) is not True:
        misread = _misread_factor(cells, v)
        if misread == "quantity":
            derive("quantity", str(_quotient(v.amount, v.unit_price)),
                   f"amount / unit price = {plain_yuan(v.amount)} / {v.unit_price}", "amount", "unit_price")
        elif misread == "unit_price":
            price = _quotient(v.amount, v.quantity)
            shown = price if price.as_tuple().exponent < -2 else price.quantize(Decimal("0.01"))  # as prices print
            derive("unit_price", str(shown), f"amount / quantity = {plain_yuan(v.amount)} / {v.quantity}",
                   "amount", "quantity")
    return cells


def _misread_factor(cells: dict[str, Found], v: RowValues) -> str | None:
    """Which of quantity and unit price to derive from a confirmed amount: the unreadable one, else the one
    read with less confidence, and only when dividing the amount by the other comes out exact."""
    candidates = []
    if "quantity" in cells and _quotient(v.amount, v.unit_price) is not None:
        candidates.append("quantity")
    if "unit_price" in cells and _quotient(v.amount, v.quantity) is not None:
        candidates.append("unit_price")
    unreadable = [c for c in candidates if getattr(v, c) is None]
    if unreadable:
        return unreadable[0]
    if len(candidates) == 2:
        q_conf, p_conf = cells["quantity"].confidence, cells["unit_price"].confidence
        if q_conf == p_conf:
            return None  # nothing says which of the two was misread
        return "quantity" if q_conf < p_conf else "unit_price"
    return candidates[0] if candidates else None


def _quotient(amount_fen: int, divisor: Decimal | None) -> Decimal | None:
    """amount / divisor when exact within a few decimal places and it gives back the amount; else ``None``."""
    if not divisor:
        return None
    exact = Fraction(amount_fen, 100) / Fraction(divisor)
    for places in range(_MAX_DERIVED_PLACES + 1):
        scaled = exact * 10 ** places
        if scaled.denominator == 1:
            value = Decimal(scaled.numerator).scaleb(-places)
            return value if line_amount_fen(value, divisor) == amount_fen else None
    return None


@dataclass
class Totals:
    """合计金额, 合计税额 and 价税合计 as read (``None`` where unreadable), and the rows' sums (``None`` unless
    every row was read)."""

    amount: int | None
    tax: int | None
    with_tax: int | None
    lines_amount: int | None
    lines_tax: int | None


def restore_totals(found: dict[str, Found | None], t: Totals) -> tuple[dict[str, Found | None], set[str]]:
    """The totals with a missing or contradicted one derived from the others, and the names still in conflict."""
    found = dict(found)

    def derive(name: str, fen: int, how: str, *sources: str) -> None:
        confidence = min((found[s].confidence for s in sources if found.get(s)), default=0.0)
        base = found.get(name) or Found("", 0.0)
        found[name] = replace(base, value=plain_yuan(fen), confidence=min(confidence, base.confidence or 1.0),
                              derived=how)

    amount, tax, with_tax = t.amount, t.tax, t.with_tax
    if amount is None and t.lines_amount is not None and (tax is None or with_tax is None
                                                           or with_tax - tax == t.lines_amount):
        amount = t.lines_amount
        derive("total_amount", amount, "the sum of the item rows' amounts", "total_tax")
    if tax is None and t.lines_tax is not None and (amount is None or with_tax is None
                                                     or with_tax - amount == t.lines_tax):
        tax = t.lines_tax
        derive("total_tax", tax, "the sum of the item rows' taxes", "total_amount")
    if amount is not None and tax is not None and (with_tax is None or amount + tax != with_tax):
        if with_tax is None or (amount == t.lines_amount and tax == t.lines_tax):
            with_tax = amount + tax
            derive("total_with_tax", with_tax,
                   f"合计金额 + 合计税额 = {plain_yuan(amount)} + {plain_yuan(tax)}", "total_amount", "total_tax")
        elif with_tax is not None and amount == t.lines_amount and with_tax - amount == t.lines_tax:
            tax = t.lines_tax
            derive("total_tax", tax, "价税合计 - 合计金额, which the item rows' taxes add up to",
                   "total_amount", "total_with_tax")
        elif with_tax is not None and tax == t.lines_tax and with_tax - tax == t.lines_amount:
            amount = t.lines_amount
            derive("total_amount", amount, "价税合计 - 合计税额, which the item rows' amounts add up to",
                   "total_tax", "total_with_tax")
    conflict = set()
    if amount is not None and tax is not None and with_tax is not None and amount + tax != with_tax:
        conflict = {"total_amount", "total_tax", "total_with_tax"}
    return found, conflict
