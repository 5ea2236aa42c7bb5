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

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:   # the model checks a paper identity with paper_identity_problem, so it imports this module
    from .model import Invoice

__all__ = ["FINGERPRINT_VERSION", "PROVINCE_CODES", "canonical_form", "code_characters_problem",
           "code_form_problem", "code_problem", "fingerprint_of", "identities_looked_up", "invoice_fingerprint",
           "is_fingerprint", "number_problem", "other_spelling", "other_spelling_fingerprint",
           "paper_identity_problem"]


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


def paper_identity_problem(invoice_code: str, invoice_number: str, paper_code: str,
                           paper_number: str) -> tuple[str, str] | None:
    """Which of ``paper_code`` and ``paper_number`` is wrong and why, or ``None`` where they are sound (or both
    empty: no paper identity).

    A fully digitalised e-invoice delivered on paper (数电纸质发票) is printed on a paper form that carries the form's
    own 发票代码 (10 or 12 digits) and 8-digit 发票号码 beside the invoice's 20-digit number: a second identity,
    given both or neither, and only beside a 20-digit number with no code. The paper code and number are held to
    the rules of an invoice's code and 8-digit number (:func:`code_characters_problem`, :func:`code_problem`),
    so that the paper identity is one the ledger can look up and the contract takes."""
    if not paper_code and not paper_number:
        return None
    if not paper_code or not paper_number:
        given, missing = ("paper_code", "paper_number") if paper_code else ("paper_number", "paper_code")
        return missing, (f"{given} is given without {missing}: the paper form of an invoice delivered on paper "
                         "(数电纸质发票) prints both its 发票代码 and its 8-digit 发票号码; give both, or neither")
    if invoice_code or len(invoice_number.strip()) != 20 or number_problem(invoice_number.strip()) is not None:
        own = f"code {invoice_code} and number {invoice_number}" if invoice_code else f"number {invoice_number}"
        return "paper_code", (f"a paper identity is that of a fully digitalised e-invoice delivered on paper "
                              f"(数电纸质发票), whose own number is 20 digits with no code; invoice {own} is none: "
                              "leave paper_code and paper_number out")
    if (why := code_characters_problem(paper_code) or code_form_problem(paper_code)) is not None:
        return "paper_code", f"paper_code: {why}"
    if len(paper_number) != 8 or number_problem(paper_number) is not None:
        return "paper_number", (f"paper_number {paper_number!r} is not the 8 digits of the paper form's 发票号码: give "
                                "the number printed beside the 发票代码, exactly as printed, digits only")
    return None


def identities_looked_up(invoice: Invoice) -> list[tuple[str, str, str, str]]:
    """Every identity under which a registration of the invoice is refused while it backs a claim, besides its own:
    ``(what, code, number, fingerprint)`` for its other spelling (``"other spelling"``, :func:`other_spelling`),
    its paper identity (``"paper identity"``: the 发票代码 and 8-digit 发票号码 of an invoice delivered on paper) and
    that identity's other spelling (``"paper identity's other spelling"``), in that order, each that it has."""
    seller = invoice.seller.tax_id
    found = []
    if (other := other_spelling(invoice.code, invoice.number)) is not None:
        found.append(("other spelling", *other, fingerprint_of(seller, *other)))
    if invoice.paper_code and invoice.paper_number:
        found.append(("paper identity", invoice.paper_code, invoice.paper_number,
                      fingerprint_of(seller, invoice.paper_code, invoice.paper_number)))
        if (other := other_spelling(invoice.paper_code, invoice.paper_number)) is not None:
            found.append(("paper identity's other spelling", *other, fingerprint_of(seller, *other)))
    return found
