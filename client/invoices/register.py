"""Register a receivable from a matched invoice, in one call.

:func:`registration_from_match` refuses a scan's invoice whose flagged fields no person has
reviewed (:class:`NotReviewed`), then runs the invoice's own checks
(:data:`REGISTRATION_CHECKS`: totals, lines and their rates, tax ids, number and code, and its date against
today and ``max_age_days``) and
refuses an invoice that fails any (:class:`ChecksFailed`), or whose seller or buyer tax id is no 18-character
credit code (as the contract requires; a valid 15- or 20-character tax id of before 2015 fails its
``seller.tax_id`` or ``buyer.tax_id`` here): the face amount is
the invoice's total with tax, so a header total inflated past its lines would
otherwise become the claim. A line whose tax could not be checked (``line.tax``
skipped: marked taxed on the difference, no deduction given) is refused alike. It
matches the invoice again against the order and receipt it is given, and refuses
anything but a full match (:class:`NotMatched`): a match result computed on other
documents is not taken on trust. It then builds the request (pure, no network) in the
receivables contract's wire format for ``RegisterReceivable`` (a JSON document,
see docs/invoices.md): debtor, face amount, dates, the invoice (number, code,
date, amount, tax, seller and buyer tax ids, and the paper form's code and number of an invoice delivered on
paper, sent only where it has them), ``contract_hash``, which carries the
hash of the three-way evidence (invoice + purchase order + goods receipt), and the
goods receipt matched (``goods_receipts``: the PO and receipt numbers), which the
contract keys with the debtor so that one delivery backs one claim, or one claim per
part of a delivery invoiced in parts (until that claim is rejected or withdrawn); a
receipt naming no PO is refused, as it matches, and would be keyed under, any PO. The
invoice fingerprint is computed alongside, for reporting and the duplicate
pre-check; the contract computes it again from the same fields. A contract from
before the goods receipt registry refuses the field (:func:`predates_goods_receipts`
tells that refusal): the receipt is not left out to please it, since then nothing
would keep the delivery from backing a second claim; the chaincode is upgraded instead. With
``part_of_delivery``, an invoice for less than the whole receipt registers as a part of the delivery
(``goods_receipts[0].part``: the receipt's whole value in fen; the contract counts the part's share itself, from the
invoice's amount), so the delivery's other invoices can register theirs; a contract from before receipts in parts
refuses the part (:func:`predates_goods_receipt_parts`).

:func:`register_matched_invoice` hands the request to a
:class:`ReceivableRegistrar`, the seam where the typed receivables API (over
the Fabric Gateway) plugs in; without a network there is none to pass.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from chaincode.receivables import uscc

from client.business_dates import business_today

from .checks import DEFAULT_MAX_AGE_DAYS, TAX_DEVICE_TAX_TOLERANCE_FEN, CheckOptions, check_invoice
from .errors import InvoiceError
from .fingerprint import invoice_fingerprint, paper_identity_problem
from .matching import (GoodsReceipt, MatchResult, PurchaseOrder, Tolerances, evidence_hash, match_invoice,
                       without_none)
from .model import DEFAULT_MIN_CONFIDENCE, Finding, Invoice, Report, flagged_fields_named

# The checks that need nothing but the invoice, and its date against today (the ledger's, China Standard Time): an
# invoice dated after today, or older than max_age_days, is refused before it is sent. Parties and duplicates are
# left to the contract, which checks them against the ledger at the transaction's time.
REGISTRATION_CHECKS = ("totals.amount", "totals.tax", "totals.with_tax", "totals.in_words", "totals.positive",
                       "totals.tax_rounding", "line.amount", "line.rate", "line.tax", "seller.tax_id", "buyer.tax_id",
                       "number.format", "number.code", "date.plausible")

# The most per-line rounding a registration allows: the tax-control device's rule (6 fen of tax), the widest any
# invoice was issued under. A wider tolerance would let a wrong tax, and the face amount built on it, through.
MAX_REGISTRATION_TOLERANCE_FEN = TAX_DEVICE_TAX_TOLERANCE_FEN


class NotMatched(InvoiceError):
    """The invoice did not match its purchase order and goods receipt."""


class NotReviewed(InvoiceError):
    """The invoice is a scan's reading with fields flagged for a person (:attr:`Invoice.unreviewed`) that no one
    has said were reviewed."""


def ensure_reviewed(invoice: Invoice, reviewed: bool, then: str) -> None:
    """Raise :class:`NotReviewed` when the invoice carries flagged fields (:attr:`Invoice.unreviewed`), or was read
    from a scan with a ``min_confidence`` below the default (:attr:`Invoice.min_confidence`: no field read with less
    was flagged, so every field wants a person), and the caller has not said a person reviewed them; ``then`` says
    what to do once they are ("register it")."""
    if reviewed:
        return
    said = []
    below = invoice.min_confidence is not None and invoice.min_confidence < DEFAULT_MIN_CONFIDENCE
    if below:
        said.append(f"min_confidence {invoice.min_confidence:g}, below the default {DEFAULT_MIN_CONFIDENCE:.2f}, so "
                    "no field read with less confidence was flagged for a person")
    if invoice.unreviewed:
        named = flagged_fields_named([(u.field, u.reason) for u in invoice.unreviewed])
        said.append(f"{len(invoice.unreviewed)} field(s) flagged and not yet reviewed: {named}")
    if said:
        raise NotReviewed(f"invoice {invoice.number} was read from a scan with {'; and with '.join(said)}; check "
                          f"{'every field' if below else 'them'} against the scan, correct the invoice, then {then} "
                          "with reviewed=True")


class ChecksFailed(InvoiceError):
    """The invoice fails its own checks (:data:`REGISTRATION_CHECKS`); ``failed`` holds the findings. ``unchecked``
    holds those of them that ``verify`` lists as skipped, not failed: each ``line.tax`` that could not be checked,
    which a registration refuses as a failure. They are stored as failures (status "fail", the message saying what
    a receivable needs), so ``unchecked`` is already the answer: :func:`tax_left_unchecked` takes
    :func:`check_invoice`'s findings, whose status is "skipped", and is False for these."""

    def __init__(self, invoice_number: str, failed: tuple[Finding, ...],
                 unchecked: tuple[Finding, ...] = ()) -> None:
        self.failed = failed
        self.unchecked = unchecked
        named = "; ".join(f"{f.check}: {f.message}" for f in failed)
        super().__init__(f"invoice {invoice_number} fails its checks, so it cannot back a receivable: {named}")


class InvoiceReference(BaseModel):
    """An invoice as ``RegisterReceivable`` takes it (amounts in fen, dates ``YYYY-MM-DD``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str
    code: str = Field(default="", description="发票代码; empty for a fully digitalised e-invoice")
    date: str
    amount: int = Field(description="合计金额, excluding tax")
    tax: int
    seller_tax_id: str
    buyer_tax_id: str
    paper_code: str = Field(default="", description="the paper form's 发票代码 of a fully digitalised e-invoice "
                                                    "delivered on paper (数电纸质发票), with paper_number; empty: none")
    paper_number: str = Field(default="", description="the paper form's 8-digit 发票号码, with paper_code")

    @model_serializer(mode="wrap")
    def _paper_identity_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # an invoice with no paper identity goes out as before, which a contract from before paper identities takes
        sent = handler(self)
        if not self.paper_code and not self.paper_number:
            sent.pop("paper_code", None)
            sent.pop("paper_number", None)
        return sent


class GoodsReceiptPart(BaseModel):
    """A claim on part of a delivery invoiced in parts, as ``RegisterReceivable`` takes it: the receipt's whole
    value (fen, without tax). The part's share is the contract's to count: the registration's invoices' amount."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    received: int = Field(description="the receipt's value: each received quantity at its PO line's unit price "
                                      "(matching.receipt_value)")


class GoodsReceiptReference(BaseModel):
    """A goods receipt as ``RegisterReceivable`` takes it: the buyer's PO number and receipt number, and the
    claim's ``part`` of a delivery invoiced in parts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    po_number: str
    receipt_number: str
    part: GoodsReceiptPart | None = Field(default=None, description="None: the claim is for the whole receipt")

    @model_serializer(mode="wrap")
    def _part_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # a receipt registered whole goes out as before parts, which a contract of that time still takes
        return without_none(handler(self), "part")


class ReceivableRegistration(BaseModel):
    """The ``RegisterReceivable`` request; :meth:`wire` is the JSON argument to submit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    debtor: str
    face_amount: int
    currency: str
    issue_date: str
    due_date: str
    invoices: tuple[InvoiceReference, ...]
    contract_hash: str = Field(description="SHA-256 hex of the evidence: invoice, purchase order, goods receipt")
    goods_receipts: tuple[GoodsReceiptReference, ...] = Field(
        default=(), description="the goods receipts the claim is for: a receipt backs one claim on the ledger, "
                                "or one claim per part of a delivery invoiced in parts")
    fingerprints: tuple[str, ...] = Field(exclude=True, description="the invoices' fingerprints, not sent")

    def wire(self) -> str:
        return self.model_dump_json()


# How a contract from before the goods receipt registry (whose registration refuses fields it does not know) refuses
# a registration listing receipts: rule argument-invalid, its detail the field's path and pydantic's word for an
# unknown field, among the request's other problems ("receivable: goods_receipts: Extra inputs are not permitted").
# A receipt entry's own unknown field (goods_receipts.0.line) is this version's refusal of a malformed entry.
_RECEIPTS_UNKNOWN = re.compile(r"(?:^|: |; )goods_receipts: Extra inputs are not permitted(?:;|$)")

GOODS_RECEIPTS_NEED_AN_UPGRADE = (
    "the receivables chaincode on this channel predates the goods receipt registry (one delivery backs one claim), "
    "so it takes no goods receipts, and a claim registered without its receipt would leave the delivery free to "
    "back a second claim: have the network's operator upgrade the chaincode to this release's contract "
    "(`recfin chaincode deploy`, then `recfin chaincode upgrade-ledger` once), then register again")


# How a contract from before receipts in parts (which knows goods_receipts, not a receipt's part) refuses a part:
# the entry's field path, as the contract's other refusals of a malformed entry ("goods_receipts.0.part: ...").
_PART_UNKNOWN = re.compile(r"(?:^|: |; )goods_receipts\.\d+\.part: Extra inputs are not permitted(?:;|$)")

GOODS_RECEIPT_PARTS_NEED_AN_UPGRADE = (
    "the receivables chaincode on this channel predates goods receipts invoiced in parts, so it takes no part of a "
    "delivery: have the network's operator upgrade the chaincode to this release's contract (`recfin chaincode "
    "deploy`, then `recfin chaincode upgrade-ledger` once), then register again")


# How a contract from before paper identities (whose invoice knows no paper_code or paper_number) refuses an invoice
# naming one: the invoice entry's field path and pydantic's word for an unknown field ("invoices.0.paper_code: ...").
_PAPER_UNKNOWN = re.compile(r"(?:^|: |; )invoices\.\d+\.paper_(?:code|number): Extra inputs are not permitted(?:;|$)")

PAPER_IDENTITIES_NEED_AN_UPGRADE = (
    "the receivables chaincode on this channel predates paper identities (an invoice delivered on paper, 数电纸质发票, "
    "held under its paper form's 发票代码 and 发票号码 as well as its 20-digit number), so it takes no paper_code or "
    "paper_number, and a claim registered without them would leave the invoice free to back a second claim under "
    "its paper identity: have the network's operator upgrade the chaincode to this release's contract (`recfin "
    "chaincode deploy`, then `recfin chaincode upgrade-ledger` once), then register again")


def predates_paper_identities(rule: str, detail: str) -> bool:
    """Whether a refusal of ``RegisterReceivable`` is a contract from before paper identities refusing an invoice's
    ``paper_code`` or ``paper_number`` as a field it does not know: the chaincode needs upgrading
    (:data:`PAPER_IDENTITIES_NEED_AN_UPGRADE`), not the paper identity leaving out."""
    return rule == "argument-invalid" and _PAPER_UNKNOWN.search(detail) is not None


def predates_goods_receipt_parts(rule: str, detail: str) -> bool:
    """Whether a refusal of ``RegisterReceivable`` is a contract from before goods receipts in parts refusing a
    receipt's ``part`` as a field it does not know: the chaincode needs upgrading
    (:data:`GOODS_RECEIPT_PARTS_NEED_AN_UPGRADE`), not the request changing."""
    return rule == "argument-invalid" and _PART_UNKNOWN.search(detail) is not None


def predates_goods_receipts(rule: str, detail: str) -> bool:
    """Whether a refusal of ``RegisterReceivable`` (its rule code and detail, as ``client.receivables.RuleViolation``
    holds them) is a contract from before the goods receipt registry refusing ``goods_receipts`` as a field it does
    not know: the chaincode needs upgrading (:data:`GOODS_RECEIPTS_NEED_AN_UPGRADE` says so), not the request
    changing."""
    return rule == "argument-invalid" and _RECEIPTS_UNKNOWN.search(detail) is not None


class ReceivableRegistrar(Protocol):
    """Submits a registration to the ledger and returns the new receivable's id."""

    def register(self, registration: ReceivableRegistration) -> str: ...


def matching_tolerances(tolerance_fen: int | None = None) -> Tolerances:
    """The match tolerances of a registration: the defaults, and a line's amount within ``tolerance_fen`` of its
    quantity x unit price where one is given, as the checks' ``line.amount`` holds it, so that an invoice whose
    checks pass with a tolerance does not fail its match on the same figure."""
    return Tolerances() if tolerance_fen is None else Tolerances(line_fen=tolerance_fen)


def registration_from_match(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt,
                            match: MatchResult, due_date: date,
                            tolerance_fen: int | None = None, tolerances: Tolerances | None = None,
                            reviewed: bool = False, *, part_of_delivery: bool = False, today: date | None = None,
                            max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> ReceivableRegistration:
    """The registration for a matched invoice whose own checks pass.

    ``tolerance_fen`` is the per-line rounding the checks allow, as :class:`CheckOptions` takes it (``None``:
    chosen by the invoice, 6 fen of tax on a tax-control device's invoice, 1 fen on a fully digitalised one),
    so that an invoice ``recfin invoice verify --tolerance-fen N`` passes registers with the same N; it is at
    most :data:`MAX_REGISTRATION_TOLERANCE_FEN` (6 fen).

    ``match`` is the caller's three-way match, which must be a full one for these documents' numbers; the
    match is computed again from ``invoice``, ``po`` and ``receipt`` themselves with ``tolerances`` (``None``:
    the defaults, a line's amount held to its quantity x unit price within ``tolerance_fen`` where it is given:
    :func:`matching_tolerances`, as ``recfin invoice register`` uses), and must be a full one too, so that a result computed
    on other documents (a receipt re-exported under the same number, say) backs nothing.

    With ``part_of_delivery`` (matched so too, :func:`match_invoice`), an invoice for less than the whole receipt
    registers as a part of the delivery: the goods receipt carries ``part``, the receipt's value of the match
    (:class:`~client.invoices.matching.DeliveryPart`), the contract counts the invoice's amount as the part's share,
    and lets the delivery's other invoices register their parts, up to what was received. An invoice for all of it
    registers whole, as without the option.

    An invoice read from a scan with fields flagged (:attr:`Invoice.unreviewed`), or with a ``min_confidence``
    below the default (which flagged none read with less), is refused unless ``reviewed`` is true: a person has
    checked those fields (every field) against the scan and corrected the invoice where they were misread.

    ``today`` (``None``: today's business date, China Standard Time, as the ledger dates the registration) is
    what the invoice's date is held to: ``date.plausible`` fails an invoice dated after it, or more than
    ``max_age_days`` before it (:data:`~client.invoices.checks.DEFAULT_MAX_AGE_DAYS`, a year), and the due date
    must be after it, as the contract requires.

    Raises :class:`NotReviewed` for unreviewed flagged fields, :class:`ChecksFailed` if any of
    :data:`REGISTRATION_CHECKS` fails or a ``line.tax`` is left unchecked (:func:`tax_left_unchecked`),
    :class:`NotMatched` if either match is not a full one for these documents, :class:`InvoiceError` for a
    tolerance outside 0 to 6 fen, a due date not after the invoice's date or today, or a receipt that names no
    purchase order (its export left the PO column out): the ledger keys a receipt under its PO, so one naming
    none could back a claim under every PO it matches.
    """
    today = today or business_today()
    _refuse_unregistrable(invoice, tolerance_fen, reviewed, today, max_age_days)
    if not match.ok or match.invoice_number != invoice.number or match.po_number != po.number \
            or match.receipt_number != receipt.number:
        raise NotMatched(f"invoice {invoice.number} is {match.status} against PO {po.number} / receipt "
                         f"{receipt.number}; only a matched invoice can back a receivable")
    if tolerances is None:
        tolerances = matching_tolerances(tolerance_fen)
    again = match_invoice(invoice, po, receipt, tolerances, part_of_delivery=part_of_delivery)
    if not again.ok:
        raise NotMatched(f"invoice {invoice.number} is {again.status} against PO {po.number} / receipt "
                         f"{receipt.number} as given here, though the match result passed in says matched (it was "
                         "computed on other documents, or with other tolerances or options); only a matched invoice "
                         "can back a receivable")
    return _registration(invoice, po, receipt, again, due_date, today)


def registration_from_documents(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt, due_date: date,
                                tolerance_fen: int | None = None, tolerances: Tolerances | None = None,
                                reviewed: bool = False, *, part_of_delivery: bool = False, today: date | None = None,
                                max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> ReceivableRegistration:
    """The registration for an invoice whose own checks pass and that matches ``po`` and ``receipt`` in full, as
    :func:`registration_from_match` gives it, matching the documents itself, once, where that takes a match
    already computed and computes it again: for a caller that has no match of its own to show (``recfin invoice
    register``). An invoice that fails its checks is refused before it is matched.

    Raises as :func:`registration_from_match` does, :class:`NotMatched` where the match is not a full one."""
    today = today or business_today()
    _refuse_unregistrable(invoice, tolerance_fen, reviewed, today, max_age_days)
    if tolerances is None:
        tolerances = matching_tolerances(tolerance_fen)
    matched = match_invoice(invoice, po, receipt, tolerances, part_of_delivery=part_of_delivery)
    if not matched.ok:
        raise NotMatched(f"invoice {invoice.number} is {matched.status} against PO {po.number} / receipt "
                         f"{receipt.number}; only a matched invoice can back a receivable")
    return _registration(invoice, po, receipt, matched, due_date, today)


def _refuse_unregistrable(invoice: Invoice, tolerance_fen: int | None, reviewed: bool, today: date,
                          max_age_days: int) -> None:
    """Refuse an invoice that cannot back a receivable whatever it matches: a tolerance outside 0 to 6 fen, flagged
    fields no person reviewed, a paper identity that is no pair, or a failed or unchecked registration check, its
    date held to ``today`` and ``max_age_days``."""
    if tolerance_fen is not None and not 0 <= tolerance_fen <= MAX_REGISTRATION_TOLERANCE_FEN:
        raise InvoiceError(f"tolerance_fen {tolerance_fen}: a registration allows 0 to "
                           f"{MAX_REGISTRATION_TOLERANCE_FEN} fen per line (the tax-control device's rule); a "
                           "figure further off is wrong, not rounded: have the invoice corrected or reissued")
    ensure_reviewed(invoice, reviewed, "register it")
    if (paper := paper_identity_problem(invoice.code, invoice.number, invoice.paper_code,
                                        invoice.paper_number)) is not None:
        # an invoice built in code may bypass the model's own check (model_copy does not validate)
        raise InvoiceError(f"invoice {invoice.number} cannot be registered with its paper identity: {paper[1]}")
    report = check_invoice(invoice, CheckOptions(tolerance_fen=tolerance_fen, today=today, max_age_days=max_age_days))
    failed, unchecked = _blocking(invoice, report)
    failed += _not_credit_codes(invoice, failed)
    if failed:
        raise ChecksFailed(invoice.number, failed, unchecked)


def _registration(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt, matched: MatchResult,
                  due_date: date, today: date) -> ReceivableRegistration:
    """The request for an invoice that may back a receivable and the full match of it to ``po`` and ``receipt``."""
    if due_date <= invoice.issue_date:
        raise InvoiceError(f"due date {due_date} (--due) is not after the date of invoice {invoice.number}, "
                           f"{invoice.issue_date}: a claim falls due after the invoice it is for; give a due date "
                           f"after {invoice.issue_date}")
    if due_date <= today:
        # the contract refuses it too (due-date-passed): said here, before anything is sent
        raise InvoiceError(f"due date {due_date} (--due) is not after today {today} (China Standard Time, as the "
                           "ledger dates the registration): only a claim not yet due is registered; give the date "
                           "the debtor pays, after today")
    if not receipt.po_number:
        raise InvoiceError(f"goods receipt {receipt.number} names no purchase order, so it would match any PO and "
                           "one delivery could back a claim under each: export the receipt with its PO column "
                           "(po_number or 采购订单号), then register again")
    part = None if matched.part is None else GoodsReceiptPart(received=matched.part.received_fen)
    return ReceivableRegistration(
        debtor=invoice.buyer.tax_id,
        face_amount=invoice.total_with_tax_fen,
        currency=invoice.currency,
        issue_date=invoice.issue_date.isoformat(),
        due_date=due_date.isoformat(),
        invoices=(InvoiceReference(number=invoice.number, code=invoice.code, date=invoice.issue_date.isoformat(),
                                   amount=invoice.total_amount_fen, tax=invoice.total_tax_fen,
                                   seller_tax_id=invoice.seller.tax_id, buyer_tax_id=invoice.buyer.tax_id,
                                   paper_code=invoice.paper_code, paper_number=invoice.paper_number),),
        contract_hash=evidence_hash(invoice, po, receipt),
        # the receipt's own PO, which it must name (a receipt naming none would match, and key a claim, under any
        # PO), and one naming another PO is no full match (match_invoice)
        goods_receipts=(GoodsReceiptReference(po_number=po.number, receipt_number=receipt.number, part=part),),
        fingerprints=(invoice_fingerprint(invoice),),
    )


def _not_credit_codes(invoice: Invoice, failed: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The seller's and the buyer's tax ids that pass their check (``seller.tax_id``, ``buyer.tax_id``) but are no
    unified social credit code, as failures of that check: the contract takes a registration's tax ids as credit
    codes only (its own rule, :func:`chaincode.receivables.uscc.problem`), so a 15- or 20-character tax id of before
    2015, valid on an invoice, would be refused there, after everything else here passed."""
    already = {f.check for f in failed}
    found = []
    for party, tax_id in (("seller", invoice.seller.tax_id), ("buyer", invoice.buyer.tax_id)):
        check = f"{party}.tax_id"
        why = uscc.problem(tax_id)
        if why is not None and check not in already:
            found.append(Finding(check=check, status="fail", message=(
                f"the {party}'s tax id {why}: a receivable is registered between parties named by their unified "
                "social credit code (统一社会信用代码, 18 characters), and a tax id of before 2015 (15 or 20 "
                f"characters) is none; have the invoice reissued with the {party}'s credit code")))
    return tuple(found)


def tax_left_unchecked(invoice: Invoice, finding: Finding) -> bool:
    """Whether the finding is a ``line.tax`` skipped on a line with no deduction (扣除额): the invoice is marked
    taxed on the difference but does not say what was deducted, so its tax, and the face amount built on it, could
    be any figure below amount x rate. ``verify`` lists such a line as skipped; a registration refuses it
    (:func:`_blocking`), as it needs every line's tax checked."""
    return finding.status == "skipped" and finding.check == "line.tax" \
        and invoice.lines[finding.details["line"] - 1].deduction_fen is None


def _blocking(invoice: Invoice, report: Report) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """The findings that keep an invoice from backing a receivable, in the report's order, and those of them that
    the report lists as skipped: each of :data:`REGISTRATION_CHECKS` that failed, and each ``line.tax`` left
    unchecked (:func:`tax_left_unchecked`), as a failure saying why a receivable needs it checked."""
    blocking, unchecked = [], []
    for f in report.findings:
        if f.status == "fail" and f.check in REGISTRATION_CHECKS:
            blocking.append(f)
        elif tax_left_unchecked(invoice, f):
            unchecked.append(f.model_copy(update={"status": "fail", "message": (
                f"{f.message}; a receivable needs the tax checked: have the invoice give the line's deduction (its "
                "remark beginning 差额征税： and the deduction, or \"deduction\" on the line in the recfin JSON form), "
                "or have it reissued")}))
            blocking.append(unchecked[-1])
    return tuple(blocking), tuple(unchecked)


def register_matched_invoice(registrar: ReceivableRegistrar, invoice: Invoice, po: PurchaseOrder,
                             receipt: GoodsReceipt, match: MatchResult, due_date: date,
                             tolerance_fen: int | None = None, tolerances: Tolerances | None = None,
                             reviewed: bool = False, *, part_of_delivery: bool = False, today: date | None = None,
                             max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> str:
    """Build the registration (:func:`registration_from_match`) and submit it; returns the receivable id."""
    return registrar.register(registration_from_match(invoice, po, receipt, match, due_date, tolerance_fen,
                                                      tolerances, reviewed, part_of_delivery=part_of_delivery,
                                                      today=today, max_age_days=max_age_days))
