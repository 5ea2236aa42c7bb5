"""Checks over one invoice, each producing a named :class:`Finding`.

=====================  ===========================================================
check                  passes when
=====================  ===========================================================
totals.amount          the lines' amounts add up to 合计金额
totals.tax             the lines' taxes add up to 合计税额
totals.with_tax        合计金额 + 合计税额 = 价税合计
totals.positive        价税合计 > 0 (a red-letter, negative invoice backs nothing), and no line is negative but a
                       discount line (折扣行) under the line it discounts (a red-letter line on a blue invoice),
                       nor does a discount take its line below zero
totals.in_words        only where the invoice gives its total in words (价税合计（大写）: the XML's
                       TotalTax-includedAmountInChinese, recfin JSON's total_in_words): they are an amount as
                       amounts are written in words (壹万壹仟叁佰圆整, （负数）伍佰圆整) and say 价税合计 in figures
totals.tax_rounding    the lines' taxes are within 1.27 of their amounts x rates summed, however many lines: each
                       line's tolerance does not add up past what a whole invoice may round by
line.amount            per line: quantity x unit price = amount, within tolerance; a quantity and a unit price both
                       negative fail, whatever their product
line.rate              per line: the rate is a VAT or levy rate (13, 9, 6, 5, 3, 1, 2, 1.5, 0.5, 0 %, exempt) on an
                       invoice issued while it applied (13 % until 2017-06-30 and from 2019-04-01, 9 % from
                       2019-04-01; 17, 11 % until 2018-04-30; 16, 10 % from 2018-05-01 until 2019-03-31;
                       1 % from 2020-03-01 until 2022-03-31 and from 2023-01-01, not from a seller whose tax
                       id shows Hubei until 2021-03-31, which was exempt instead; 0.5 % from 2020-05-01); a
                       discount line's rate is that of the line it discounts
line.tax               per line: amount x rate = tax, within tolerance; (amount - deduction) x rate on a line
                       taxed on the difference (差额征税); skipped where such a line gives no deduction
                       and its tax is below amount x rate (a deduction only lowers it); fails a deduction
                       outside 0..amount, or on an invoice not marked taxed on the difference
seller.tax_id          the seller's tax id passes its check digit
number.format          the number is 20 digits (fully digitalised) or 8 digits (with a code), nothing else
number.code            the invoice code is given exactly when the number needs one (8 digits), as printed (no
                       spaces around it, in half-width digits); a 20-digit number starts with its issue year's
                       last two digits; the invoice is dated no earlier than the year its code's form (or its
                       paper code's) was printed in (digits 5-6 of a 10-digit code, 6-7 of a 12-digit one opening
                       with 0)
buyer.tax_id           the buyer's tax id passes its check digit
date.plausible         issued no later than today and no earlier than max_age_days before it (365 by default,
                       DEFAULT_MAX_AGE_DAYS); a registration refuses an invoice failing it, against the ledger's
                       today (China Standard Time)
parties.debtor         the buyer is the registered debtor (credit code, and name)
parties.supplier       the seller is the registering supplier (credit code, and name)
duplicate.ledger       the ledger holds no receivable for the fingerprint (live or settled), its other spelling's,
                       its paper identity's (数电纸质发票) or that one's other spelling's; skipped when the
                       invoice has none (no seller tax id or number)
offsets.ledger         only on a red-letter invoice (价税合计 <= 0) naming the invoice it offsets: the ledger holds no
                       receivable for that invoice's fingerprint or its other spelling's; fails naming the
                       receivable, live or settled, whose invoice this one takes back
=====================  ===========================================================

Rounding: computed money rounds half-up to the fen; ``tolerance_fen`` absorbs the
differences that per-line rounding produces. Left unset it is chosen by the invoice
(:func:`default_tolerance_fen`): a line's tax may be 6 fen off on an invoice with an
8-digit number and a code (issued by a tax-control device, which allowed that), 1 fen
on a fully digitalised one; quantity x unit price always 1 fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from chaincode.receivables.dates import days_text
from client import invoice_limits
from client.invoice_limits import TAX_DEVICE_TAX_TOLERANCE_FEN
from client.money import plain_yuan

from ._amount_words import amount_in_words_fen
from ._reading import (ValueProblem, deduction_problem, folded, half_width_figures, line_amount_fen, line_tax_fen,
                       percent, rate_problem, statutory_rate)
from .credit_code import check_tax_id
from .fingerprint import (
    _other_spelling_fingerprint, code_characters_problem, code_problem, code_year_problem, fingerprint_of,
    identities_looked_up, invoice_fingerprint, number_problem,
)
from .model import Finding, Invoice, InvoiceLine, Report


@dataclass(frozen=True)
class Enterprise:
    """A party as registered on the ledger: credit code and registered name."""

    credit_code: str
    name: str | None = None


@dataclass(frozen=True)
class InvoiceUse:
    """The receivable the ledger holds an invoice fingerprint for.

    The ledger holds a fingerprint from registration until the receivable is
    rejected or withdrawn; a settled receivable keeps it (a paid invoice backs no new claim).
    ``live`` says whether a claim of that lineage is still unsettled; either
    way the invoice is used and a new registration naming it is refused.
    """

    receivable_id: str
    live: bool


class FingerprintRegistry(Protocol):
    """The ledger's invoice-fingerprint registry, as the checks need it.

    :class:`~client.invoices.ledger.LedgerRegistry` asks the receivables
    contract (``FindInvoice``) over the Fabric Gateway; tests and offline runs
    pass an :class:`InMemoryRegistry`.
    """

    def receivable_for(self, fingerprint: str) -> InvoiceUse | None:
        """The receivable this fingerprint is held for, live or settled; ``None`` when the invoice is unused."""
        ...


class InMemoryRegistry:
    """A :class:`FingerprintRegistry` over a dict, for tests and offline runs."""

    def __init__(self, entries: dict[str, InvoiceUse] | None = None) -> None:
        self.entries = dict(entries or {})

    def receivable_for(self, fingerprint: str) -> InvoiceUse | None:
        return self.entries.get(fingerprint)


# A line's tax may differ from amount x rate by up to 6 fen on an invoice from a tax-control device
# (TAX_DEVICE_TAX_TOLERANCE_FEN); the fully digitalised invoice's platform allows 1.
TOLERANCE_FEN = 1
# The same software bounds a whole invoice: its lines' taxes may differ from their amounts x rates by at most 1.27
# in all (单张发票税额合计误差不超过1.27元; past it, it has the sale split over invoices). Without that bound each
# line's 6 fen would add up, over the hundreds of lines of a list of goods (销货清单), to a tax, and a face amount,
# that no issued invoice carries. It holds for a fully digitalised invoice too, whose lines round by less.
INVOICE_TAX_ROUNDING_FEN = 127

DEFAULT_MAX_AGE_DAYS = invoice_limits.DEFAULT_MAX_AGE_DAYS   # how old an invoice may be and still be plausible


def default_tolerance_fen(invoice: Invoice) -> int:
    """The tolerance of ``line.tax`` when none is given: 6 fen on an invoice with an 8-digit number and a code
    (tax-control device), 1 fen otherwise (a fully digitalised e-invoice)."""
    if len(invoice.number.strip()) == 8 and invoice.code.strip():
        return TAX_DEVICE_TAX_TOLERANCE_FEN
    return TOLERANCE_FEN


@dataclass(frozen=True)
class CheckOptions:
    """What the checks compare against; each missing input skips its check.

    ``tolerance_fen``: the difference allowed per line between computed and printed money, for line.amount and
    line.tax alike; ``None`` chooses by the invoice (:func:`default_tolerance_fen` for the tax, 1 fen for the
    amount)."""

    today: date | None = None
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    tolerance_fen: int | None = None
    debtor: Enterprise | None = None
    supplier: Enterprise | None = None
    registry: FingerprintRegistry | None = None


def check_invoice(invoice: Invoice, options: CheckOptions | None = None) -> Report:
    """Run every check; the report lists one finding per check (per line for line checks)."""
    o = options or CheckOptions()
    items = _items(invoice)   # folded once: the totals and the line checks read the same discounts
    lines = _lines(invoice, o.tolerance_fen, items)
    findings = [
        *_totals(invoice, items),
        *_in_words(invoice),
        _tax_rounding(lines),
        *lines,
        _tax_id("seller.tax_id", invoice.seller.tax_id),
        _seller_as_buyer(invoice) or _tax_id("buyer.tax_id", invoice.buyer.tax_id),
        *_number(invoice),
        _date(invoice, o),
        _party("parties.debtor", "buyer", "registered debtor", invoice.buyer.tax_id, invoice.buyer.name, o.debtor),
        _party("parties.supplier", "seller", "registering supplier", invoice.seller.tax_id, invoice.seller.name, o.supplier),
        _duplicate(invoice, o.registry),
        *_offset_on_ledger(invoice, o.registry),
    ]
    return Report(subject=f"invoice {invoice.number}", findings=tuple(findings))


def _ok(check: str, passed: bool, yes: str, no: str, **details: object) -> Finding:
    return Finding(check=check, status="pass" if passed else "fail", message=yes if passed else no, details=details)


def _tax_on_the_total(inv: Invoice, amount_fen: int) -> str:
    """Why a total tax off its lines' taxes is so, where it is the tax on the total amount at the lines' one rate,
    rounded once (software that taxes the total, not each line): a VAT invoice's 合计税额 is the sum of its lines'
    taxes, each rounded on its own, which may differ from that by a fen or more. A bank takes the lines' sum; the
    face amount of a receivable built on the other would be off the tax authority's record of the invoice."""
    rates = {line.tax_rate for line in inv.lines}
    if len(rates) != 1 or inv.total_tax_fen != line_tax_fen(amount_fen, next(iter(rates))):
        return "; check the total tax and the lines' taxes against the invoice"
    return (f": {plain_yuan(inv.total_tax_fen)} is the tax on the total amount {plain_yuan(amount_fen)} at "
            f"{percent(next(iter(rates)))} rounded once, but a VAT invoice's total tax (合计税额) is "
            "the sum of its lines' taxes, each rounded on its own, as the tax authority records it; check the "
            "total tax against the invoice: if it prints this figure, have the seller reissue the invoice from "
            "invoicing software that adds up the lines' taxes")


def _items(inv: Invoice) -> list:
    """The invoice's lines as a matched invoice's are read (:func:`~client.invoices.matching.fold_discounts`): a
    discount line (折扣行) is a negative amount under a line of the same name, folded into it; any other negative
    line is left an item of its own."""
    # imported here: matching reads names through _item_keys, which imports this module (normalise_name)
    from .matching import fold_discounts

    return fold_discounts(inv.lines)


def _totals(inv: Invoice, items: list) -> list[Finding]:
    amount = sum(line.amount_fen for line in inv.lines)
    tax = sum(line.tax_fen for line in inv.lines)
    t = plain_yuan
    returned, beyond = _red_letter_lines(items) if inv.total_with_tax_fen > 0 else ([], [])
    problems = ([_red_letter_lines_problem(inv, returned)] if returned else []) + \
        ([_discounted_below_zero_problem(beyond)] if beyond else [])
    return [
        _ok("totals.amount", amount == inv.total_amount_fen,
            f"lines add up to the total amount {t(amount)}",
            f"lines add up to {t(amount)} but the total amount is {t(inv.total_amount_fen)}",
            lines_fen=amount, total_fen=inv.total_amount_fen),
        _ok("totals.tax", tax == inv.total_tax_fen,
            f"line taxes add up to the total tax {t(tax)}",
            f"line taxes add up to {t(tax)} but the total tax is {t(inv.total_tax_fen)}"
            + _tax_on_the_total(inv, amount),
            lines_fen=tax, total_fen=inv.total_tax_fen),
        _ok("totals.with_tax", inv.total_amount_fen + inv.total_tax_fen == inv.total_with_tax_fen,
            f"amount + tax = total with tax {t(inv.total_with_tax_fen)}",
            f"amount {t(inv.total_amount_fen)} + tax {t(inv.total_tax_fen)} = "
            f"{t(inv.total_amount_fen + inv.total_tax_fen)}, not the total with tax {t(inv.total_with_tax_fen)}",
            expected_fen=inv.total_amount_fen + inv.total_tax_fen, total_fen=inv.total_with_tax_fen),
        _ok("totals.positive", inv.total_with_tax_fen > 0 and not problems,
            "total with tax is positive, and no line but a discount line is negative",
            "; ".join(problems) if problems else _not_positive_problem(inv),
            total_fen=inv.total_with_tax_fen, **({"negative_lines": returned} if returned else {}),
            **({"discounted_below_zero": [item.number for item in beyond]} if beyond else {}),
            **({"offsets": offset_identity(inv)} if inv.total_with_tax_fen <= 0 and inv.original_number else {})),
    ]


def _in_words(inv: Invoice) -> list[Finding]:
    """The total in words (大写) against the total with tax in figures, where the invoice gives words: the two are
    printed so that neither can be altered alone, and words that say another amount, or no amount at all, mean one
    of them was altered or mistyped. None where it gives no words, which an invoice file need not."""
    words = inv.total_in_words
    if words is None:
        return []
    total = plain_yuan(inv.total_with_tax_fen)
    details = {"words": words, "total_fen": inv.total_with_tax_fen}
    try:
        said = amount_in_words_fen(words)
    except ValueProblem as exc:
        return [Finding(check="totals.in_words", status="fail",
                        message=f"the total in words cannot be read as an amount: {exc}; so it does not confirm "
                                f"the total with tax {total}: check both against the invoice, or download it again "
                                "from where it was issued", details=details)]
    return [_ok("totals.in_words", said == inv.total_with_tax_fen,
                f"the total in words {words} says {total}, the total with tax",
                f"the total in words {words} says {plain_yuan(said)}, but the total with tax in figures is {total}: "
                "one of them was altered or mistyped; check both against the invoice, or download it again from "
                "where it was issued", words_fen=said, **details)]


def offset_identity(inv: Invoice) -> dict[str, str]:
    """The invoice a red-letter invoice says it offsets, as ``totals.positive`` and ``verify --json`` give it: its
    number, its code where it has one, and its fingerprint (the same seller's), under which the ledger holds the
    claim it backs, if any: none on an invoice with no seller tax id, which no fingerprint is computed without."""
    fp = _offset_fingerprint(inv)
    return {"number": inv.original_number, **({"code": inv.original_code} if inv.original_code else {}),
            **({"fingerprint": fp} if fp is not None else {})}


def _offset_fingerprint(inv: Invoice) -> str | None:
    """The fingerprint of the invoice a red-letter invoice offsets (its seller's), or ``None`` where the seller's
    tax id gives none (missing, or holding a ``|``): seller.tax_id says what is wrong with it."""
    try:
        return fingerprint_of(inv.seller.tax_id, inv.original_code, inv.original_number)
    except ValueError:
        return None


def offset_named(inv: Invoice) -> str:
    """The invoice a red-letter invoice offsets, as its messages name it: by code and number, or number alone."""
    if inv.original_code:
        return f"code {inv.original_code} number {inv.original_number}"
    return f"number {inv.original_number}"


def _not_positive_problem(inv: Invoice) -> str:
    """Why an invoice whose total with tax is not above zero backs no receivable; a red-letter invoice's names the
    invoice it offsets, as its remark does, since a claim that invoice backs is owed that much less."""
    total = plain_yuan(inv.total_with_tax_fen)
    refused = f"total with tax is {total}: a red-letter or zero invoice cannot back a receivable"
    if inv.total_with_tax_fen == 0:
        return refused
    if not inv.original_number:
        return (f"{refused}; it names no invoice it offsets (对应蓝字发票号码, in its remark), so which invoice, and "
                "which claim, it takes that much off cannot be told: ask its seller")
    original = offset_named(inv)
    fp = _offset_fingerprint(inv)
    return (f"total with tax is {total}: a red-letter invoice, offsetting invoice {original} (对应蓝字发票), cannot "
            "back a receivable; it takes that much off the invoice it offsets, so check any claim that invoice backs "
            f"(recfin invoice verify --ledger on it{f', or FindInvoice {fp}' if fp is not None else ''})")


def _tax_rounding(lines: list[Finding]) -> Finding:
    """The lines' taxes against their amounts x rates summed over the invoice, within
    :data:`INVOICE_TAX_ROUNDING_FEN` either way: what each line's tolerance adds up to. Only the lines passing
    ``line.tax`` are summed, with the tax it computed (``expected_fen``): a line failing it, or skipped (no deduction
    given on a line taxed on the difference), is that finding's to tell, not counted twice."""
    computed = [f.details for f in lines if f.check == "line.tax" and f.status == "pass"]
    printed = sum(d["tax_fen"] for d in computed)
    expected = sum(d["expected_fen"] for d in computed)
    difference = printed - expected
    t = plain_yuan
    details = {"lines_fen": printed, "computed_fen": expected, "difference_fen": difference,
               "most_fen": INVOICE_TAX_ROUNDING_FEN}
    if not difference:
        return Finding(check="totals.tax_rounding", status="pass",
                       message="the lines' taxes are their amounts x rates, to the fen", details=details)
    off = (f"the lines' taxes come to {t(printed)}, {t(abs(difference))} {'more' if difference > 0 else 'less'} "
           f"than their amounts x rates ({t(expected)})")
    return _ok("totals.tax_rounding", abs(difference) <= INVOICE_TAX_ROUNDING_FEN,
               f"{off}, within the {t(INVOICE_TAX_ROUNDING_FEN)} a whole invoice may round by",
               f"{off}: a line may round by a few fen, a whole invoice by at most {t(INVOICE_TAX_ROUNDING_FEN)} "
               "(the invoicing software's rule), so these taxes, and the total with tax built on them, are not "
               "those of an issued invoice; check the lines' taxes against the invoice", **details)


def _red_letter_lines(items: list) -> tuple[list[int], list]:
    """The numbers of the lines of negative amount that discount no line, and the lines their discounts take below
    zero, of the invoice's :func:`_items`. A discount takes off at most its line's amount: beyond it, the rest takes
    back goods of another sale as a red-letter line does (invoicing software refuses such a discount)."""
    return ([item.number for item in items if item.line.amount_fen < 0],
            [item for item in items if item.line.amount_fen > 0 and item.line.amount_fen + item.discount_fen < 0])


def _discounted_below_zero_problem(items: list) -> str:
    t = plain_yuan
    named = "; ".join(f"line {item.number} ({item.line.name}) {t(item.line.amount_fen)} less its discount on line"
                      f"{'s' if len(item.discount_lines) > 1 else ''} {', '.join(map(str, item.discount_lines))} "
                      f"{t(item.discount_fen)} is {t(item.line.amount_fen + item.discount_fen)}"
                      for item in items)
    return (f"{named}: a discount (折扣行) takes off at most the amount of the line it discounts, and what it takes "
            "off beyond that takes back goods of another sale, which the total with tax is no claim on: a return "
            "is invoiced on a red-letter invoice of its own")


def _red_letter_lines_problem(inv: Invoice, numbers: list[int]) -> str:
    named = "; ".join(f"line {n} ({inv.lines[n - 1].name}) {plain_yuan(inv.lines[n - 1].amount_fen)}"
                      for n in numbers)
    return (f"{named}: negative, and no discount line (折扣行: a negative amount under a line of the same name, "
            "which it discounts); a red-letter line on a blue invoice takes back goods of another sale, and the "
            "invoice's total with tax is no claim on what was sold: a return is invoiced on a red-letter invoice of "
            "its own, and a discount under the line it discounts")


def _lines(inv: Invoice, tolerance: int | None, items: list) -> list[Finding]:
    amount_tolerance = TOLERANCE_FEN if tolerance is None else tolerance
    tax_tolerance = default_tolerance_fen(inv) if tolerance is None else tolerance
    # the line each discount line discounts, by their numbers
    discounted = {d: item.number for item in items for d in item.discount_lines}
    out = []
    for i, line in enumerate(inv.lines, start=1):
        if line.quantity is None or line.unit_price is None:
            out.append(Finding(check="line.amount", status="skipped",
                               message=f"line {i}: no quantity or unit price to check the amount against",
                               details={"line": i}))
        elif line.quantity < 0 and line.unit_price < 0:
            out.append(Finding(check="line.amount", status="fail", message=(
                f"line {i}: quantity {line.quantity} and unit price {line.unit_price} are both negative: a line "
                "taking goods back (a red-letter line, a discount) prints a negative quantity at its price, or a "
                "negative price alone, never both, whose product would pass for a sale of "
                f"{plain_yuan(line_amount_fen(line.quantity, line.unit_price))}; check the line against the invoice"),
                details={"line": i, "amount_fen": line.amount_fen}))
        else:
            expected = line_amount_fen(line.quantity, line.unit_price)
            out.append(_ok("line.amount", abs(expected - line.amount_fen) <= amount_tolerance,
                           f"line {i}: {line.quantity} x {line.unit_price} = {plain_yuan(line.amount_fen)}",
                           f"line {i}: {line.quantity} x {line.unit_price} = {plain_yuan(expected)}, "
                           f"but the amount is {plain_yuan(line.amount_fen)}",
                           line=i, expected_fen=expected, amount_fen=line.amount_fen))
        out.append(_line_rate(inv, i, line, discounted.get(i)))
        out.append(_line_tax(inv, i, line, tax_tolerance))
    return out


def _line_rate(inv: Invoice, i: int, line: InvoiceLine, discounts: int | None = None) -> Finding:
    """The rate is one a line may be taxed at on the invoice's date, by a seller of the region its tax id shows
    (1 % not in Hubei until 2021-03-31): ``line.tax`` checks the tax against it, so a
    made-up rate (90%) would pass there with a tax to match, and the total with tax, the face amount, with it.
    A discount line (折扣行, of line ``discounts``) is at that line's rate: the discount lowers that sale's amount,
    and so its tax at its rate; at another rate (0 under a 13 % line) the invoice keeps the tax of the whole sale
    while taking off its amount, and every line's own tax still passes."""
    if discounts is not None and line.tax_rate != (of := inv.lines[discounts - 1]).tax_rate:
        return Finding(check="line.rate", status="fail",
                       message=f"line {i}: a discount (折扣行) of line {discounts} ({of.name}), taxed at "
                               f"{percent(line.tax_rate)} where that line is taxed at {percent(of.tax_rate)}: a "
                               "discount lowers the amount of the sale it discounts, and its tax at the same rate, "
                               "so invoicing software gives it the same rate as its line; at another, the tax and "
                               "the total with tax are not those of the sale: check the lines against the invoice",
                       details={"line": i, "tax_rate": str(line.tax_rate), "discounts": discounts,
                                "discounted_rate": str(of.tax_rate)})
    problem = rate_problem(line.tax_rate, inv.issue_date, inv.seller.tax_id)
    if problem is not None:
        return Finding(check="line.rate", status="fail", message=f"line {i}: {problem}",
                       details={"line": i, "tax_rate": str(line.tax_rate)})
    return Finding(check="line.rate", status="pass",
                   message=f"line {i}: {percent(line.tax_rate)}, {statutory_rate(line.tax_rate, inv.issue_date).what}",
                   details={"line": i, "tax_rate": str(line.tax_rate)})


def _line_tax(inv: Invoice, i: int, line: InvoiceLine, tolerance: int) -> Finding:
    """amount x rate = tax; on a line taxed on the difference (差额征税), (amount - deduction) x rate = tax.

    A deduction is checked before the tax is computed with it: one outside 0..amount (:func:`deduction_problem`)
    would make a wrong tax pass, and one on an invoice not taxed on the difference has nothing to be taken off
    for. The readers refuse both; an invoice built in code, or read from a recfin JSON, meets them here."""
    if line.deduction_fen is not None:
        problem = deduction_problem(line.deduction_fen, line.amount_fen)
        if problem is None and not inv.taxed_on_difference:
            problem = (f"the deduction {plain_yuan(line.deduction_fen)} (扣除额) is on an invoice not taxed on the "
                       "difference (差额征税): only such an invoice takes a deduction off before the tax")
        if problem is not None:
            return Finding(check="line.tax", status="fail", message=f"line {i}: {problem}",
                           details={"line": i, "deduction_fen": line.deduction_fen, "amount_fen": line.amount_fen})
        base = line.amount_fen - line.deduction_fen
        shown = f"({plain_yuan(line.amount_fen)} - deduction {plain_yuan(line.deduction_fen)}) x {line.tax_rate}"
    else:
        base, shown = line.amount_fen, f"{plain_yuan(line.amount_fen)} x {line.tax_rate}"
    expected = line_tax_fen(base, line.tax_rate)
    fits = abs(expected - line.tax_fen) <= tolerance
    # a deduction only lowers the tax: none explains one above amount x rate, or of the other sign
    deductible = line.tax_fen * expected >= 0 and abs(line.tax_fen) <= abs(expected) + tolerance
    if not fits and line.deduction_fen is None and inv.taxed_on_difference and deductible:
        return Finding(check="line.tax", status="skipped",
                       message=f"line {i}: the invoice is taxed on the difference (差额征税) but gives no deduction "
                               f"(扣除额) for this line, so its tax {plain_yuan(line.tax_fen)} cannot be checked "
                               f"({shown} = {plain_yuan(expected)} is the tax without one)",
                       details={"line": i, "tax_fen": line.tax_fen})
    return _ok("line.tax", fits, f"line {i}: {shown} = tax {plain_yuan(line.tax_fen)}",
               f"line {i}: {shown} = {plain_yuan(expected)}, but the tax is {plain_yuan(line.tax_fen)}",
               line=i, expected_fen=expected, tax_fen=line.tax_fen, tolerance_fen=tolerance)


def _tax_id(check: str, tax_id: str) -> Finding:
    if not tax_id.strip():
        side = check.split(".")[0]
        return Finding(check=check, status="fail",
                       message=f"no {side} tax id: the invoice names a natural person (个人) or gives none, and "
                               "only an enterprise with a tax id can owe or hold a receivable",
                       details={"kind": "none"})
    result = check_tax_id(tax_id)
    return _ok(check, result.valid, f"{tax_id}: {result.reason}", f"{tax_id}: {result.reason}", kind=result.kind)


def _seller_as_buyer(inv: Invoice) -> Finding | None:
    """``buyer.tax_id`` failed where the buyer has the seller's tax id (``None`` otherwise): an invoice a taxpayer
    issued to itself is a claim on no one, and more likely one of the two ids was misread or mistyped. Failed here,
    the registration refuses it in these words, not the contract in words about the parties' roles."""
    tax_id = inv.buyer.tax_id.strip()
    if not tax_id or tax_id != inv.seller.tax_id.strip():
        return None
    return Finding(check="buyer.tax_id", status="fail",
                   message=f"the buyer {inv.buyer.name!r} has the seller's tax id {tax_id} (the seller is "
                           f"{inv.seller.name!r}): an invoice is issued to another taxpayer, and one issued to its "
                           "own seller is a claim on no one; check both tax ids against the invoice, and have it "
                           "reissued where it names the seller twice",
                   details={"kind": check_tax_id(tax_id).kind, "seller": tax_id})


def _date(inv: Invoice, o: CheckOptions) -> Finding:
    if o.today is None:
        return Finding(check="date.plausible", status="skipped", message="no reference date given")
    issued = {"issue_date": inv.issue_date.isoformat(), "today": o.today.isoformat()}
    if inv.issue_date > o.today:
        return Finding(check="date.plausible", status="fail",
                       message=f"issued {inv.issue_date}, after today {o.today}: no invoice is dated after the day "
                               "it is checked; check the date against the invoice (misread or mistyped), or check "
                               f"it again from {inv.issue_date} on", details=issued)
    try:
        oldest = o.today - timedelta(days=o.max_age_days)
    except OverflowError:  # the age reaches back before 1 January of year 1: no issue date is too old
        oldest = date.min
    age = (o.today - inv.issue_date).days
    return _ok("date.plausible", inv.issue_date >= oldest,
               f"issued {inv.issue_date}, within {days_text(o.max_age_days)} of {o.today}",
               f"issued {inv.issue_date}, {days_text(age)} before {o.today}, more than the {days_text(o.max_age_days)} "
               "allowed (max_age_days, --max-age-days): an invoice that old is more likely paid, voided or financed "
               "already; confirm it with its buyer and the tax authority's verification, and only then allow it with "
               f"a max_age_days of at least {age}",
               **issued, age_days=age, max_age_days=o.max_age_days)


def normalise_name(name: str) -> str:
    """Enterprise names compare after NFKC (full-width brackets become ASCII) and without spaces."""
    return folded(name)


def _party(check: str, side: str, role: str, tax_id: str, name: str, registered: Enterprise | None) -> Finding:
    if registered is None:
        return Finding(check=check, status="skipped", message=f"no {role} given to compare the {side} with")
    if not tax_id.strip():
        return Finding(check=check, status="fail",
                       message=f"the {side} {name!r} has no tax id (a natural person?), so is not the {role} "
                               f"{registered.credit_code}",
                       details={"invoice": tax_id, "registered": registered.credit_code})
    if tax_id.strip().upper() != registered.credit_code.strip().upper():
        return Finding(check=check, status="fail",
                       message=f"the {side}'s tax id {tax_id} is not the {role}'s credit code {registered.credit_code}",
                       details={"invoice": tax_id, "registered": registered.credit_code})
    if registered.name is not None and normalise_name(name) != normalise_name(registered.name):
        return Finding(check=check, status="fail",
                       message=f"the {side}'s name {name!r} is not the {role}'s registered name {registered.name!r}",
                       details={"invoice": name, "registered": registered.name})
    return Finding(check=check, status="pass", message=f"the {side} is the {role} ({registered.credit_code})")


def _number(inv: Invoice) -> list[Finding]:
    why = number_problem(inv.number)
    if why is not None:
        half_width = half_width_figures(inv.number)
        if half_width != inv.number and number_problem(half_width) is None:
            # a person sees digits either way: say which ones, and the number to write
            why += f"; its digits are full-width: give it in half-width digits, {half_width}"
        return [Finding(check="number.format", status="fail", message=why, details={"number": inv.number}),
                Finding(check="number.code", status="skipped",
                        message="not checked: the number has no valid form to fit a code to (see number.format)")]
    # the code as given, as the number is: the contract takes digits only, so spaces around it (which the
    # fingerprint strips) would pass here and be refused there; a code in full-width digits, or with a dash,
    # fails in the contract's own words, which give the half-width code to send
    code_why = (_spaced_code_problem(inv.code) or code_characters_problem(inv.code)
                or code_problem(inv.code, inv.number, inv.issue_date) or code_year_problem(inv.code, inv.issue_date, "invoice code")
                or code_year_problem(inv.paper_code, inv.issue_date, "paper code"))
    formed = Finding(check="number.format", status="pass",
                     message=f"number {inv.number} has {len(inv.number)} digits, a valid invoice number")
    if code_why is None:
        return [formed, Finding(check="number.code", status="pass",
                                message=f"code {inv.code} and number {inv.number} identify the invoice" if inv.code
                                else f"number {inv.number} identifies the invoice without a code")]
    return [formed, Finding(check="number.code", status="fail", message=code_why,
                            details={"code": inv.code, "number": inv.number})]


def _spaced_code_problem(code: str) -> str | None:
    if code == code.strip():
        return None
    return (f"invoice code {code!r} has spaces around it: give the 发票代码 exactly as printed, digits only")


# how duplicate.ledger names an identity of the invoice other than its own that backs a claim, and the key of the
# finding's details giving that identity's fingerprint
_REGISTERED_AS = {
    "other spelling": lambda code, number: (f", registered as code {code} and number {number}," if code
                                            else f", registered as number {number} with no code,"),
    "paper identity": lambda code, number: f", registered under its paper identity, code {code} and number {number},",
    "paper identity's other spelling": lambda code, number: (
        f", registered under its paper identity spelled as number {number} with no code,"),
}
_FINGERPRINT_KEY = {"other spelling": "other_spelling_fingerprint", "paper identity": "paper_fingerprint",
                    "paper identity's other spelling": "paper_other_spelling_fingerprint"}


def _offset_on_ledger(inv: Invoice, registry: FingerprintRegistry | None) -> list[Finding]:
    """Whether the invoice a red-letter invoice offsets backs a receivable: a claim on an invoice taken back is
    owed that much less, which its creditor's bank needs to know. Asked under the original's fingerprint and its
    other spelling's, as a registration of it would be refused under either; none where it names no original, or
    on an invoice not negative, which takes nothing back (and whose registration this must not stop)."""
    if not inv.original_number or inv.total_with_tax_fen > 0:
        return []
    fp = _offset_fingerprint(inv)
    named = offset_named(inv)
    if fp is None:
        return [Finding(check="offsets.ledger", status="skipped",
                        message=f"not asked whether the invoice it offsets ({named}) backs a receivable: its "
                                "fingerprint needs the seller's tax id; see seller.tax_id")]
    if registry is None:
        return [Finding(check="offsets.ledger", status="skipped",
                        message=f"not asked whether the invoice it offsets ({named}) backs a receivable: no ledger "
                                "connection (recfin invoice verify --ledger)", details={"fingerprint": fp})]
    other = _other_spelling_fingerprint(inv.seller.tax_id, inv.original_code, inv.original_number)
    spellings = [fp] if other is None else [fp, other[2]]
    use = next((found for found in map(registry.receivable_for, spellings) if found is not None), None)
    if use is None:
        return [Finding(check="offsets.ledger", status="pass",
                        message=f"the invoice it offsets ({named}) backs no receivable on the ledger",
                        details={"fingerprint": fp})]
    state = "still live: its creditor and any bank financing it should be told" if use.live else "settled"
    return [Finding(check="offsets.ledger", status="fail",
                    message=f"the invoice it offsets ({named}) backs receivable {use.receivable_id} ({state}); this "
                            f"red-letter invoice takes {plain_yuan(abs(inv.total_with_tax_fen))} off it, so that claim "
                            "stands on an invoice taken back in whole or in part",
                    details={"fingerprint": fp, "receivable_id": use.receivable_id, "live": use.live})]


def _duplicate(inv: Invoice, registry: FingerprintRegistry | None) -> Finding:
    try:
        fp = invoice_fingerprint(inv)
    except ValueError as no_fingerprint:   # no seller tax id or number, or a '|' in one: seller.tax_id or number.*
        return Finding(check="duplicate.ledger", status="skipped",
                       message=f"not checked: the invoice has no fingerprint to ask the ledger about "
                               f"({no_fingerprint}); see seller.tax_id and number.format")
    others = identities_looked_up(inv)
    details = {"fingerprint": fp, **{_FINGERPRINT_KEY[what]: other_fp for what, _, _, other_fp in others
                                     if what != "other spelling"}}
    if registry is None:
        return Finding(check="duplicate.ledger", status="skipped",
                       message="not asked: no ledger connection (needs the network and a Gateway identity)",
                       details=details)
    use, spelled = registry.receivable_for(fp), ""
    # the contract refuses the invoice also while its other spelling (a 12-digit code and 8-digit number run
    # together as a 20-digit number, or the other way round), its paper identity (the 发票代码 and 8-digit 发票号码
    # of an invoice delivered on paper) or that identity's other spelling backs a claim, each its own fingerprint
    for what, other_code, other_number, other_fp in others:
        if use is not None:
            break
        if (use := registry.receivable_for(other_fp)) is not None:
            spelled = _REGISTERED_AS[what](other_code, other_number)
            details = {**details, _FINGERPRINT_KEY[what]: other_fp}
    if use is None:
        return Finding(check="duplicate.ledger", status="pass",
                       message="the invoice backs no receivable on the ledger", details=details)
    # a live claim not yet confirmed may be ended by its debtor (reject) or its creditor (withdraw), which
    # releases the invoice; a settled one keeps it for good
    state = (f"still live; while REGISTERED its creditor may withdraw it (recfin receivable withdraw "
             f"{use.receivable_id}), which frees the invoice" if use.live
             else "settled; a paid invoice cannot back a new receivable")
    return Finding(check="duplicate.ledger", status="fail",
                   message=f"the invoice{spelled} already backs receivable {use.receivable_id} ({state})",
                   details={**details, "receivable_id": use.receivable_id, "live": use.live})
