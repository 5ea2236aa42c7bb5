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
    code_year_problem,
    identity_problem as code_problem,
    invoice_fingerprint as fingerprint_of,
    is_fingerprint,
    number_problem,
    one_spelling,
    other_spelling,
    paper_identity_problem as contract_paper_identity_problem,
)

if TYPE_CHECKING:   # the model checks a paper identity with paper_identity_problem, so it imports this module
    from .model import Invoice

__all__ = ["FINGERPRINT_VERSION", "PROVINCE_CODES", "canonical_form", "code_characters_problem",
           "code_form_problem", "code_problem", "code_year_problem", "fingerprint_of", "identities_looked_up", "invoice_fingerprint",
           "is_fingerprint", "number_problem", "offset_identity_problem", "other_spelling", "other_spelling_fingerprint",
           "paper_identity_problem"]


def invoice_fingerprint(invoice: Invoice) -> str:
    """The fingerprint of an invoice: its seller's tax id, its code and its number."""
    return fingerprint_of(invoice.seller.tax_id, invoice.code, invoice.number)


def other_spelling_fingerprint(invoice: Invoice) -> tuple[str, str, str] | None:
    """The code, number and fingerprint of the invoice's other spelling, which a registration of it is refused
    under too (a 12-digit code and 8-digit number run together as a 20-digit number, or the other way round:
    ``other_spelling``); ``None`` where it has none."""
    return _other_spelling_fingerprint(invoice.seller.tax_id, invoice.code, invoice.number)


def _other_spelling_fingerprint(seller_tax_id: str, code: str, number: str) -> tuple[str, str, str] | None:
    """The code, number and fingerprint of the other spelling of ``code`` and ``number`` (``other_spelling``) under
    the seller's tax id; ``None`` where they have none."""
    if (other := other_spelling(code, number)) is None:
        return None
    return *other, fingerprint_of(seller_tax_id, *other)


def paper_identity_problem(invoice_code: str, invoice_number: str, paper_code: str,
                           paper_number: str) -> tuple[str, str] | None:
    """Which of ``paper_code`` and ``paper_number`` is wrong and why, or ``None`` where they are sound (or both
    empty: no paper identity).

    A fully digitalised e-invoice delivered on paper (数电纸质发票) is printed on a paper form that carries the form's
    own 发票代码 (10 or 12 digits) and 8-digit 发票号码 beside the invoice's 20-digit number: a second identity,
    given both or neither, and only beside a 20-digit number with no code. The rule and its words are the
    contract's (``chaincode.receivables.fingerprint.paper_identity_problem``), so a paper identity a reader takes is
    one a registration of it is not refused for; the field is the one a reader names. A code in full-width digits
    is told so, with the code to give (:func:`code_characters_problem`)."""
    why = contract_paper_identity_problem(invoice_code, invoice_number, paper_code, paper_number)
    if why is None:
        return None
    if why.startswith("paper_code:") and (characters := code_characters_problem(paper_code)) is not None:
        why = f"paper_code: {characters}"
    return ("paper_number" if not paper_number or why.startswith("paper_number:") else "paper_code"), why


def offset_identity_problem(original_code: str, original_number: str, invoice_code: str, invoice_number: str,
                            paper_code: str = "", paper_number: str = "") -> str | None:
    """Why the invoice a red-letter invoice says it offsets (its 对应蓝字发票: ``original_code``, empty for a fully
    digitalised one, and ``original_number``) is not one an invoice can name, or ``None``: its code and number are
    checked as any invoice's are (:func:`number_problem`, :func:`code_characters_problem`, :func:`code_problem`), and
    a red-letter invoice offsets another invoice, not itself: not its own code and number, nor their other spelling
    (:func:`one_spelling`), nor the paper identity (``paper_code``, ``paper_number``) of an invoice delivered on
    paper."""
    why = (number_problem(original_number) or code_characters_problem(original_code)
           or code_problem(original_code, original_number))
    if why is not None:
        return f"the invoice it offsets (对应蓝字发票): {why}"
    if (spelled := _own_identity_named(original_code, original_number, invoice_code, invoice_number, paper_code,
                                       paper_number)) is not None:
        named = f"code {original_code} number {original_number}" if original_code else f"number {original_number}"
        return (f"the invoice it offsets (对应蓝字发票), {named}, is the invoice itself{spelled}: a red-letter "
                "invoice names the blue invoice it offsets; check the remark against the invoice")
    return None


def _own_identity_named(original_code: str, original_number: str, invoice_code: str, invoice_number: str,
                        paper_code: str, paper_number: str) -> str | None:
    """How ``original_code``/``original_number`` spell the invoice's own identity (``""`` as given, or words to
    add), or ``None`` where they name another invoice. Both spellings of one identity fingerprint apart, so an
    invoice naming itself in the other would otherwise be taken as naming another invoice."""
    original = (original_code.strip(), original_number.strip())
    if original == (invoice_code.strip(), invoice_number.strip()):
        return ""
    if one_spelling(*original) == one_spelling(invoice_code, invoice_number):
        return f" (its code and number {'run together' if not original[0] else 'apart'})"
    if paper_number and one_spelling(*original) == one_spelling(paper_code, paper_number):
        return " (the paper form's 发票代码 and 发票号码 it is printed on)"
    return None


def identities_looked_up(invoice: Invoice) -> list[tuple[str, str, str, str]]:
    """Every identity under which a registration of the invoice is refused while it backs a claim, besides its own:
    ``(what, code, number, fingerprint)`` for its other spelling (``"other spelling"``, :func:`other_spelling`),
    its paper identity (``"paper identity"``: the 发票代码 and 8-digit 发票号码 of an invoice delivered on paper) and
    that identity's other spelling (``"paper identity's other spelling"``), in that order, each that it has."""
    seller = invoice.seller.tax_id
    found = []
    if (other := other_spelling_fingerprint(invoice)) is not None:
        found.append(("other spelling", *other))
    if invoice.paper_code and invoice.paper_number:
        found.append(("paper identity", invoice.paper_code, invoice.paper_number,
                      fingerprint_of(seller, invoice.paper_code, invoice.paper_number)))
        if (other := _other_spelling_fingerprint(seller, invoice.paper_code, invoice.paper_number)) is not None:
            found.append(("paper identity's other spelling", *other))
    return found
