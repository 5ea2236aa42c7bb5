"""Invoice fingerprints: the key of the anti double-financing registry.

Canonical form (version 1), UTF-8, fields joined by ``|`` with no spaces::

    recfin-invoice-v1|<seller tax id>|<invoice number>|<issue date>|<amount>

- seller tax id: the seller's taxpayer id (its credit code), upper case,
  surrounding whitespace removed;
- invoice number: as printed, surrounding whitespace removed, no other change;
- issue date: ``YYYY-MM-DD``;
- amount: the invoice amount excluding tax (合计金额) in integer fen, base 10,
  no sign, no leading zeros (``0`` for zero).

The fingerprint is the lower-case hex SHA-256 of that string. The off-chain
client computes the same value to check an invoice against the registry.
"""

from __future__ import annotations

import hashlib

VERSION = "recfin-invoice-v1"


def canonical_form(seller_tax_id: str, invoice_number: str, issue_date: str, amount_fen: int) -> str:
    if "|" in invoice_number or "|" in seller_tax_id:
        raise ValueError("'|' cannot appear in a tax id or invoice number")
    return "|".join((VERSION, seller_tax_id.strip().upper(), invoice_number.strip(), issue_date, str(int(amount_fen))))


def invoice_fingerprint(seller_tax_id: str, invoice_number: str, issue_date: str, amount_fen: int) -> str:
    form = canonical_form(seller_tax_id, invoice_number, issue_date, amount_fen)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()
