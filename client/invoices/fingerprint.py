"""The invoice fingerprint: the key under which the ledger lets one invoice back
only one live receivable.

Canonical form, version 1 -- the form the receivables contract defines
(chaincode/receivables/fingerprint.py); implemented here independently, since
the client never imports the chaincode, and checked against it by
tests/unit/invoices/test_fingerprint.py::

    recfin-invoice-v1|<seller tax id>|<invoice number>|<issue date>|<amount>

- seller tax id: surrounding whitespace removed, upper case;
- invoice number: surrounding whitespace removed, nothing else changed;
- issue date: ``YYYY-MM-DD``;
- amount: 合计金额 (total excluding tax) in integer fen, base 10.

joined by ``|``, encoded as UTF-8; the fingerprint is its SHA-256 as 64
lower-case hex digits. ``|`` may not appear in the tax id or the number.
"""

from __future__ import annotations

import hashlib
from datetime import date

from .model import Invoice

FINGERPRINT_VERSION = "recfin-invoice-v1"


def canonical_form(seller_tax_id: str, invoice_number: str, issue_date: date, amount_fen: int) -> str:
    """The string that is hashed (exposed so tests and docs can show it)."""
    seller, number = seller_tax_id.strip().upper(), invoice_number.strip()
    if "|" in seller or "|" in number:
        raise ValueError("'|' cannot appear in a tax id or an invoice number")
    if not seller or not number:
        raise ValueError("a fingerprint needs the seller's tax id and the invoice number")
    return "|".join((FINGERPRINT_VERSION, seller, number, issue_date.isoformat(), str(int(amount_fen))))


def fingerprint_of(seller_tax_id: str, invoice_number: str, issue_date: date, amount_fen: int) -> str:
    """The fingerprint from its four fields."""
    form = canonical_form(seller_tax_id, invoice_number, issue_date, amount_fen)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


def invoice_fingerprint(invoice: Invoice) -> str:
    """The fingerprint of an invoice (its amount excluding tax)."""
    return fingerprint_of(invoice.seller.tax_id, invoice.number, invoice.issue_date, invoice.total_amount_fen)
