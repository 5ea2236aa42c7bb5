"""The invoice fingerprint: the key under which the ledger lets one invoice back
only one receivable (until that receivable is rejected, or withdrawn by its creditor).

Canonical form, version 2, as the receivables contract defines it
(chaincode/receivables/fingerprint.py, docs/receivables.md)::

    recfin-invoice-v2|<seller tax id>|<invoice code>|<invoice number>

- seller tax id: surrounding whitespace removed, upper case;
- invoice code (发票代码): surrounding whitespace removed, otherwise as printed;
  empty for a fully digitalised e-invoice, which has none;
- invoice number (发票号码): surrounding whitespace removed, nothing else changed.

joined by ``|``, encoded as UTF-8; the fingerprint is its SHA-256 as 64
lower-case hex digits. ``|`` may not appear in any field.

The form, the number and code rules and their messages are the contract's own
module's, not a copy: a fingerprint computed here is the key the contract
stores, and an invoice these checks pass is one its registration takes.

Only what identifies the invoice is hashed: its issuer, code and number. The
issue date and the amounts are checked (:mod:`.checks`) but are not identity,
so a copy of an invoice with another date or amount has the same fingerprint.
"""

from __future__ import annotations

from chaincode.receivables.fingerprint import (
    PROVINCE_CODES,
    VERSION as FINGERPRINT_VERSION,
    canonical_form,
    code_characters_problem,
    code_problem as code_form_problem,
    identity_problem as code_problem,
    invoice_fingerprint as fingerprint_of,
    is_fingerprint,
    number_problem,
    other_spelling,
)

from .model import Invoice

__all__ = ["FINGERPRINT_VERSION", "PROVINCE_CODES", "canonical_form", "code_characters_problem",
           "code_form_problem", "code_problem", "fingerprint_of", "invoice_fingerprint", "is_fingerprint",
           "number_problem", "other_spelling", "other_spelling_fingerprint"]


def invoice_fingerprint(invoice: Invoice) -> str:
    """The fingerprint of an invoice: its seller's tax id, its code and its number."""
    return fingerprint_of(invoice.seller.tax_id, invoice.code, invoice.number)


def other_spelling_fingerprint(invoice: Invoice) -> tuple[str, str, str] | None:
    """The code, number and fingerprint of the invoice's other spelling, which a registration of it is refused
    under too (a 12-digit code and 8-digit number run together as a 20-digit number, or the other way round:
    ``other_spelling``); ``None`` where it has none."""
    if (other := other_spelling(invoice.code, invoice.number)) is None:
        return None
    return *other, fingerprint_of(invoice.seller.tax_id, *other)
