"""The evidence hash a claim carries on the ledger: one SHA-256 of the invoice, purchase order and goods receipt it
was matched with, as read, so that anyone holding the three documents can show they are the ones it was made from."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ._match_models import GoodsReceipt, PurchaseOrder
from .model import Invoice
from .parse import invoice_to_json


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def evidence_hash(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt) -> str:
    """SHA-256 (hex) of the canonical JSON of the three documents as read (docs/invoices.md says how to build it).

    Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, decimals as
    their strings. It depends on the documents' content, not on their file format (nor on a scan's flagged fields
    listed on the invoice, :attr:`Invoice.unreviewed`, nor the confidence they were flagged below: what a person
    reviewed is the invoice itself; nor on the total in words, :attr:`Invoice.total_in_words`), except that the
    lines are hashed in the order the documents give them (an export sorted otherwise hashes apart) and a quantity
    or unit price is hashed as written (``str(Decimal)``: ``200`` and ``200.0`` hash apart).
    Claims on the ledger carry this hash and it carries no version, so those bytes stay as they are.
    """
    invoice_doc = invoice_to_json(invoice)
    invoice_doc.pop("unreviewed", None)
    invoice_doc.pop("min_confidence", None)     # how the scan was read, as the unreviewed list is
    # the total again, in words (totals.in_words checks they say it): hashed, every claim made from an XML invoice
    # that gives them, before they were read, would hash apart from its documents
    invoice_doc.pop("total_in_words", None)
    # hashed as str(Decimal) (5E-7), as before the recfin form wrote quantities and prices in plain digits
    # (0.0000005): claims carry this hash, so its bytes stay as they were
    for hashed, line in zip(invoice_doc["lines"], invoice.lines):
        hashed["quantity"] = None if line.quantity is None else str(line.quantity)
        hashed["unit_price"] = None if line.unit_price is None else str(line.unit_price)
    bundle = {
        "invoice": invoice_doc,
        "purchase_order": _as_evidence(po),
        "goods_receipt": _as_evidence(receipt),
    }
    return hashlib.sha256(_canonical_json(bundle)).hexdigest()


def _as_evidence(document: PurchaseOrder | GoodsReceipt) -> dict[str, Any]:
    """An order or a receipt as the evidence hash takes it: its currency and a line's unit only where it gives
    them, so that the hash of every document without them is what it was before they were read."""
    dumped = document.model_dump(mode="json")
    if dumped["currency"] is None:
        del dumped["currency"]
    for line in dumped["lines"]:
        if line["unit"] is None:
            del line["unit"]
    return dumped

