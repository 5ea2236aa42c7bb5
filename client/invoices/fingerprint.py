"""The invoice fingerprint: the key under which the ledger lets one invoice back
only one receivable (until that receivable is rejected).

Canonical form, version 2 -- the form the receivables contract defines
(chaincode/receivables/fingerprint.py, docs/receivables.md); implemented here
independently, since the client never imports the chaincode, and checked
against it by tests/unit/invoices/test_fingerprint.py::

    recfin-invoice-v2|<seller tax id>|<invoice code>|<invoice number>

- seller tax id: surrounding whitespace removed, upper case;
- invoice code (发票代码): surrounding whitespace removed, otherwise as printed;
  empty for a fully digitalised e-invoice, which has none;
- invoice number (发票号码): surrounding whitespace removed, nothing else changed.

joined by ``|``, encoded as UTF-8; the fingerprint is its SHA-256 as 64
lower-case hex digits. ``|`` may not appear in any field.

Only what identifies the invoice is hashed: its issuer, code and number. The
issue date and the amounts are checked (:mod:`.checks`) but are not identity,
so a copy of an invoice with another date or amount has the same fingerprint.
"""

from __future__ import annotations

import hashlib
import re

from .model import Invoice

FINGERPRINT_VERSION = "recfin-invoice-v2"

_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
_LEGACY_NUMBER = re.compile(r"[0-9]{8}")
_DIGITALISED_NUMBER = re.compile(r"[0-9]{20}")
# The province (GB/T 2260) an invoice code's region starts with: the issuing bureau's region is that province's
# or one of its cities' (3100 Shanghai, 4403 Shenzhen, 3201 Nanjing). Only the province is checked: bureau
# lists vary over time, while a zero-padded spelling (003100204130) names no province and is refused.
PROVINCE_CODES = frozenset(("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
                            "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63",
                            "64", "65"))
# 10 digits: region, year (2), batch, language, copies, amount version; 12 digits: 0, 1 or 2 (which
# administration printed it), region, year (2), batch (3), kind (2)
_CODE_10 = re.compile(r"(?P<region>[0-9]{4})[0-9]{6}")
_CODE_12 = re.compile(r"[012](?P<region>[0-9]{4})[0-9]{7}")


def canonical_form(seller_tax_id: str, invoice_code: str, invoice_number: str) -> str:
    """The string that is hashed (exposed so tests and docs can show it)."""
    seller, code, number = seller_tax_id.strip().upper(), invoice_code.strip(), invoice_number.strip()
    if "|" in seller or "|" in code or "|" in number:
        raise ValueError("'|' cannot appear in a tax id, an invoice code or an invoice number")
    if not seller or not number:
        raise ValueError("a fingerprint needs the seller's tax id and the invoice number")
    return "|".join((FINGERPRINT_VERSION, seller, code, number))


def fingerprint_of(seller_tax_id: str, invoice_code: str, invoice_number: str) -> str:
    """The fingerprint from its three fields (``invoice_code`` is ``""`` when the invoice has none)."""
    form = canonical_form(seller_tax_id, invoice_code, invoice_number)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


def invoice_fingerprint(invoice: Invoice) -> str:
    """The fingerprint of an invoice: its seller's tax id, its code and its number."""
    return fingerprint_of(invoice.seller.tax_id, invoice.code, invoice.number)


def is_fingerprint(value: str) -> bool:
    """64 lower-case hex digits, the only spelling the ledger accepts."""
    return _FINGERPRINT.fullmatch(value) is not None


def number_problem(invoice_number: str) -> str | None:
    """Why a string is not an invoice number (the contract refuses it), or ``None``.

    A number is exactly 20 ASCII digits (a fully digitalised e-invoice) or 8
    (an invoice with a code), nothing else: the fingerprint hashes the number
    as given, so ``2644-2000…``, an added leading zero or a sign would make the
    same invoice look like another one.
    """
    if _DIGITALISED_NUMBER.fullmatch(invoice_number) or _LEGACY_NUMBER.fullmatch(invoice_number):
        return None
    return (f"number {invoice_number!r} is neither the 20 digits of a fully digitalised e-invoice nor the 8 "
            "digits of an invoice with a code: give it exactly as printed, digits only")


def code_form_problem(invoice_code: str) -> str | None:
    """Why a string is not an invoice code (发票代码), or ``None`` when it is one.

    A code is 10 digits starting with the issuing tax bureau's region (``3100204130``: 3100 Shanghai)
    or 12 digits, 0, 1 or 2 then that region (``031002400111``). Its region must start with a province code,
    so a 10-digit code padded with zeros to 12 (``003100204130``) is no code and one invoice has one
    fingerprint.
    """
    form = _CODE_10.fullmatch(invoice_code) or _CODE_12.fullmatch(invoice_code)
    if form is None:
        return (f"invoice code {invoice_code!r} is neither 10 digits nor 12 digits starting with 0, 1 or 2: "
                "give the 发票代码 exactly as printed, digits only")
    # 0000 is the national administration's own region on 12-digit codes; a zero-padded 10-digit code gives
    # 0 and a province (0310), never 0000, so allowing it opens no second spelling
    national = len(invoice_code) == 12 and form["region"] == "0000"
    if form["region"][:2] not in PROVINCE_CODES and not national:
        return (f"invoice code {invoice_code!r} does not start its region with a province (digits "
                f"{form['region']}; 3100 is Shanghai, 4403 Shenzhen): give the code exactly as printed, "
                "without added zeros")
    return None


def code_problem(invoice_code: str, invoice_number: str) -> str | None:
    """Why code and number do not fit together (the contract refuses them), or ``None``.

    The number must have a valid form (:func:`number_problem`). An 8-digit
    number belongs to an invoice issued before full digitalisation, identified
    by its 10- or 12-digit code (:func:`code_form_problem`) and number; a
    20-digit number (a fully digitalised e-invoice) takes no code.
    """
    code, number = invoice_code.strip(), invoice_number.strip()
    if (why := number_problem(number)) is not None:
        return why
    if _LEGACY_NUMBER.fullmatch(number):
        if not code:
            return (f"number {number} has 8 digits: the invoice is identified by its 10- or 12-digit invoice "
                    "code (发票代码) and number, and the code is missing")
        return code_form_problem(code)
    if code:
        return f"number {number} takes no invoice code (only 8-digit numbers do), but the code is {code!r}"
    return None
