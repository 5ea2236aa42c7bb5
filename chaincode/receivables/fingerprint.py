"""Invoice fingerprints and goods receipt keys: the keys of the anti double-financing registries.

An invoice is identified by who issued it and its number, nothing else: a
fully digitalised e-invoice (全电发票) by its seller and 20-digit number, unique
nationally; an older paper or electronic VAT invoice by its seller, invoice
code (发票代码, 10 or 12 digits, naming the tax bureau that issued it) and
8-digit number. Issue date and amount are
checked fields of the invoice but not part of its identity, so a copy with an
altered date or amount has the same fingerprint as the original.

Canonical form (version 2), UTF-8, fields joined by ``|`` with no spaces::

    recfin-invoice-v2|<seller tax id>|<invoice code>|<invoice number>

- seller tax id: the seller's taxpayer id (its credit code), surrounding
  whitespace removed, upper case;
- invoice code: surrounding whitespace removed, otherwise as printed; empty
  (so the form has ``||``) for a fully digitalised e-invoice, which has none;
- invoice number: surrounding whitespace removed, otherwise as printed
  (leading zeros kept).

The fingerprint is the lower-case hex SHA-256 of that string. The off-chain
client (``client/invoices/fingerprint.py``) computes it, and checks numbers and
codes, with this very module, so an invoice it finds sound the contract takes
and its ``FindInvoice`` asks for the key the contract stores.

:func:`number_problem` says whether a number has one of the two real forms (20
digits, or 8) and :func:`identity_problem` whether code and number fit
together, and a 20-digit number the year its invoice was issued, so that a
supplier cannot make the same invoice look new by rewriting its number
(``2644-2000…``, a leading zero, a sign), by padding its code with zeros
(:func:`code_problem`) or by adding or dropping a code, or running it into a
20-digit number (:func:`issue_year_problem`). The one such spelling the contract
cannot refuse by its form, a 12-digit code opening with ``2`` run together with
its 8-digit number (:func:`digitalised_year_problem`), has a fingerprint of its
own, so a registration also reads the registry entry of an invoice's other
spelling (:func:`other_spelling`) and is refused while that one backs a claim.

An invoice of the fully digitalised platform delivered on paper (数电纸质发票) has a second identity that no
rule derives from its number: the paper form's code and 8-digit number. A registration naming it
(:func:`paper_identity_problem`) holds the invoice under that identity's fingerprint too.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from datetime import date

from .errors import shown

VERSION = "recfin-invoice-v2"

FINGERPRINT_PATTERN = re.compile(r"[0-9a-f]{64}")
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
_CODE_10 = re.compile(r"(?P<region>[0-9]{4})(?P<year>[0-9]{2})[0-9]{4}")
_CODE_12 = re.compile(r"[012](?P<region>[0-9]{4})(?P<year>[0-9]{2})[0-9]{5}")


def code_problem(invoice_code: str) -> str | None:
    """Why a string is not an invoice code (发票代码), or ``None`` when it is one.

    A code is 10 digits starting with the issuing tax bureau's region (``3100204130``: 3100 Shanghai)
    or 12 digits, 0, 1 or 2 then that region (``031002400111``). Its region must start with a province code,
    so a 10-digit code padded with zeros to 12 (``003100204130``) is no code, and one invoice cannot
    be registered under two spellings of its code.
    """
    form = _CODE_10.fullmatch(invoice_code) or _CODE_12.fullmatch(invoice_code)
    if form is None:
        return (f"invoice code {shown(invoice_code)} is neither 10 digits nor 12 digits starting with 0, 1 or 2: "
                "give the 发票代码 exactly as printed, digits only")
    # 0000 is the national administration's own region on 12-digit codes; a zero-padded 10-digit code gives
    # 0 and a province (0310), never 0000, so allowing it opens no second spelling
    national = len(invoice_code) == 12 and form["region"] == "0000"
    if form["region"][:2] not in PROVINCE_CODES and not national:
        return (f"invoice code {shown(invoice_code)} does not start its region with a province (digits "
                f"{form['region']}; 3100 is Shanghai, 4403 Shenzhen): give the code exactly as printed, "
                "without added zeros")
    return None


_CODE_DIGITS = re.compile(r"[0-9]*")
# a full-width digit (U+FF10-FF19) as the half-width one a code is given in
_HALF_WIDTH_DIGITS = {0xFF10 + digit: ord("0") + digit for digit in range(10)}


def code_characters_problem(invoice_code: str) -> str | None:
    """Why a string cannot be an invoice code by its characters or length, or ``None`` when it is at most
    12 ASCII digits (empty: no code), whose form :func:`identity_problem` judges with its number. A
    registration or an attestation refuses it ``invoice-code-invalid``, saying what to send: a full-width
    code, as an invoice scanned or copied may give it, is the same code in half-width digits."""
    if _CODE_DIGITS.fullmatch(invoice_code):
        return None if len(invoice_code) <= 12 else code_problem(invoice_code)
    half_width = invoice_code.translate(_HALF_WIDTH_DIGITS).strip()
    instead = f" ({half_width})" if half_width and _CODE_DIGITS.fullmatch(half_width) else ""
    return (f"invoice code {shown(invoice_code)} holds characters other than the digits 0-9: give the "
            f"发票代码 exactly as printed in half-width digits{instead}, without spaces or separators; leave "
            "it empty for a fully digitalised e-invoice, which has none")


# An invoice code carries the year its form's printing plate was made in (制版年度): the year digits of the code's
# layout (_CODE_10, _CODE_12: 3100204130 is of 2020, 044031900111 of 2019). A 12-digit code opening with 1 or 2 is
# not read so: no description of their layout was at hand. Codes began with the VAT invoice of 1994, so 90-99 are
# 1990s years. The client's checks (client/invoices/checks.py, number.code) call code_year_problem itself, the
# SDK's InvoiceInput invoice_code_years_problem, as the contract does.
def code_year(invoice_code: str) -> int | None:
    """The year the form of ``invoice_code`` was printed in, or ``None`` where its layout carries no year read
    here (a 12-digit code opening with 1 or 2, or no code at all)."""
    form = _CODE_10.fullmatch(invoice_code) or _CODE_12.fullmatch(invoice_code)
    if form is None or (len(invoice_code) == 12 and not invoice_code.startswith("0")):
        return None
    two = int(form["year"])
    return (1900 if two >= 90 else 2000) + two


def code_year_problem(invoice_code: str, issued: date, which: str = "code") -> str | None:
    """Why an invoice dated ``issued`` cannot be on the form of ``invoice_code`` (``which``: its ``code``, or the
    ``paper_code`` of the form a fully digitalised invoice was delivered on), or ``None``: it is dated before the
    year the code says its form was printed in (:func:`code_year`), and no invoice is issued on a form not yet
    printed. A code whose layout carries no year read here is never refused so."""
    year = code_year(invoice_code)
    if year is None or issued.year >= year:
        return None
    return (f"{which} {invoice_code} is of a form printed in {year} (its year digits, 制版年度), but the invoice is "
            f"dated {issued.isoformat()}, before that year: no invoice is issued on a form before it is printed; "
            "check the code and the date against the invoice (one is misread or altered) and send them as printed")


def invoice_code_years_problem(invoice_code: str, paper_code: str, issued: date) -> str | None:
    """Why an invoice dated ``issued`` cannot be on the form its ``code`` names, nor on the paper form its
    ``paper_code`` names (:func:`code_year_problem` of each, in that order, named as its field), or ``None``.
    RegisterReceivable refuses such an invoice, and the SDK's InvoiceInput tells it before it is sent."""
    return (code_year_problem(invoice_code, issued, "code")
            or code_year_problem(paper_code, issued, "paper_code"))


def canonical_form(seller_tax_id: str, invoice_code: str, invoice_number: str) -> str:
    seller, code, number = seller_tax_id.strip().upper(), invoice_code.strip(), invoice_number.strip()
    if "|" in seller or "|" in code or "|" in number:
        raise ValueError("'|' cannot appear in a tax id, an invoice code or an invoice number")
    if not seller or not number:
        raise ValueError("a fingerprint needs the seller's tax id and the invoice number")
    return "|".join((VERSION, seller, code, number))


def invoice_fingerprint(seller_tax_id: str, invoice_code: str, invoice_number: str) -> str:
    form = canonical_form(seller_tax_id, invoice_code, invoice_number)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


RECEIPT_VERSION = "recfin-goods-receipt-v1"


# ASCII letters in capitals: a buyer's number in another case is the same number (ERPs, and people, compare them
# so), as a credit code is upper-cased; no other character is folded (the request's rules refuse look-alikes)
_ASCII_CAPITALS = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_ASCII_SMALL = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _receipt_key_as_given(debtor: str, po_number: str, receipt_number: str) -> str:
    form = json.dumps([RECEIPT_VERSION, debtor, po_number, receipt_number], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


def goods_receipt_key(debtor: str, po_number: str, receipt_number: str) -> str:
    """The key of the goods receipt registry: one delivery backs one claim, or one claim per part of a delivery
    invoiced in parts, until that claim is rejected or withdrawn.

    A goods receipt (入库单) is the buyer's document, numbered by the buyer under its purchase order, so it is
    identified by the debtor's credit code, the PO number and the receipt number, each as given but for its ASCII
    letters, taken in capitals: ``GR-1`` and ``gr-1`` are one receipt (the request's rules refuse surrounding
    whitespace and look-alike characters, so there is no second spelling by padding or by full-width letters).
    The key is the lower-case hex SHA-256 of the UTF-8 JSON array ``[RECEIPT_VERSION, debtor, po number, receipt
    number]`` (no spaces, non-ASCII as it is): a JSON array, not ``|``-joined fields, as the buyer's numbers may
    hold any character. A number without ASCII lower-case letters keeps the key an earlier contract gave it; one
    with them was keyed as sent before (:func:`earlier_receipt_keys`).
    """
    return _receipt_key_as_given(debtor, po_number.translate(_ASCII_CAPITALS),
                                 receipt_number.translate(_ASCII_CAPITALS))


def earlier_receipt_keys(debtor: str, po_number: str, receipt_number: str) -> list[str]:
    """The keys other than :func:`goods_receipt_key` under which a contract from before ASCII letters were taken in
    capitals may hold this receipt, as it keyed the numbers as sent: each number as given, in ASCII capitals or in
    ASCII lower case (the spellings a number typed or exported in another case most likely had), in every
    pairing of the two numbers' spellings, at most 8 keys. A registration reads them too, in the same multi-key
    read, as it reads an invoice's other spelling, and takes the receipt as held where one is. A mixed-case
    spelling other than the one given is not read (``Gr-1`` for ``GR-1``). Empty for numbers without ASCII
    letters."""
    now = goods_receipt_key(debtor, po_number, receipt_number)
    po_spellings, receipt_spellings = (
        dict.fromkeys((number, number.translate(_ASCII_CAPITALS), number.translate(_ASCII_SMALL)))
        for number in (po_number, receipt_number))
    earlier = (_receipt_key_as_given(debtor, po, receipt) for po in po_spellings for receipt in receipt_spellings)
    return [key for key in dict.fromkeys(earlier) if key != now]


def is_fingerprint(value: str) -> bool:
    """64 lower-case hex digits: the only spelling the registry keys by."""
    return FINGERPRINT_PATTERN.fullmatch(value) is not None


def number_problem(invoice_number: str) -> str | None:
    """Why a string is not an invoice number, or ``None`` when it is one.

    An invoice number (发票号码) is exactly 20 ASCII digits (a fully digitalised
    e-invoice) or exactly 8 (an invoice with a code), with nothing around or
    between them: the fingerprint hashes the number as given, so any other
    spelling of the same digits would fingerprint as another invoice.
    """
    if _DIGITALISED_NUMBER.fullmatch(invoice_number) or _LEGACY_NUMBER.fullmatch(invoice_number):
        return None
    return (f"invoice number {shown(invoice_number)} is neither the 20 digits of a fully digitalised e-invoice nor the "
            "8 digits of an invoice with a code: give the number exactly as printed, digits only, no spaces, "
            "dashes or added zeros")


def identity_problem(invoice_code: str, invoice_number: str, issued: date | None = None) -> str | None:
    """Why code and number do not identify an invoice, or ``None`` when they do.

    The number must have a valid form (:func:`number_problem`). An 8-digit
    number is the number of an invoice with a code (10 or 12 digits), which
    must be given; a 20-digit number (a fully digitalised e-invoice) takes no code,
    and with ``issued``, the invoice's issue date, starts with that year's last two
    digits (:func:`issue_year_problem`). The client's checks pass ``issued`` before a
    registration; the contract checks what needs no date (:func:`digitalised_year_problem`)
    here, and RegisterReceivable the issue year against the invoice's date apart, as the
    date starts the payment term; an invoice already on the ledger keeps its number.
    """
    code, number = invoice_code.strip(), invoice_number.strip()
    if (why := number_problem(number)) is not None:
        return why
    if _LEGACY_NUMBER.fullmatch(number):
        if not code:
            return (f"invoice number {number} is the 8-digit number of an invoice with an invoice code (发票代码), "
                    "and the code is missing: give its 10- or 12-digit code")
        return code_problem(code)
    if code:
        return (f"invoice number {number} takes no invoice code (only 8-digit numbers of invoices issued before "
                f"full digitalisation have one): leave code empty, not {shown(code)}")
    return None if issued is None else issue_year_problem(number, issued)


def issue_year_problem(invoice_number: str, issued: date) -> str | None:
    """Why a fully digitalised invoice's 20-digit number cannot be one issued on ``issued``, or ``None``.

    Such a number opens with the last two digits of the year it was issued in (then the issuing region and the
    channel and sequence digits). Any 20 digits have the number's form, so without this an invoice with a code
    has further spellings as a fully digitalised one: its code and number run together (``044031900111`` and
    ``12345678`` as ``04403190011112345678``) or its number padded with zeros, each a new fingerprint. These
    open with ``0`` or a code's region, not the issue year, but where a code happens to start with the year's
    two digits (a 12-digit code opening with ``22``, on an invoice of 2022) its run-together spelling passes
here; a registration refuses it still while its spelling with code backs a claim (:func:`other_spelling`).
    The region digits that follow the year are not checked: the provinces use their GB/T 2260 codes there, but
    the cities with their own tax bureaus (计划单列市) have codes of their own, and no list of those was at hand
    to check them against. The client's checks apply this before a registration (``number.code``)."""
    if not _DIGITALISED_NUMBER.fullmatch(invoice_number):
        return None
    year = f"{issued.year % 100:02d}"
    if invoice_number.startswith(year):
        return None
    return (f"invoice number {invoice_number} does not start with {year}, the last two digits of its issue year "
            f"{issued.year}, as the 20-digit number of a fully digitalised e-invoice issued then does: give the "
            "number exactly as printed and the invoice's own issue date; an invoice with an invoice code (发票代码) "
            "is registered with its 10- or 12-digit code and 8-digit number, not the two run together or the "
            "number padded to 20 digits")


# the first year fully digitalised e-invoices (全电发票) were issued in, from December 2021: their numbers open with it
FIRST_DIGITALISED_YEAR = 21


def digitalised_year_problem(invoice_number: str) -> str | None:
    """Why a 20-digit number cannot be a fully digitalised e-invoice's by its first two digits, or ``None``: they are
    its issue year's last two, 21 at the earliest. What the contract checks of :func:`issue_year_problem` without
    trusting the date a registration gives: the spellings that turn an invoice with a code into a new fingerprint
    open below 21 where its 12-digit code opens with ``0`` or ``1`` (run together with its 8-digit number) and
    where the number is padded with zeros. A 12-digit code opening with ``2`` run together opens with ``2`` and
    its province's first digit, 21 to 26, as a real number may: the contract takes its form, and a
    registration reads the registry entry of its spelling with code too (:func:`other_spelling`), refusing
    it while that one backs a claim, and the other way round; the client's check of the issue year
    (:func:`issue_year_problem`) refuses it beforehand, unless the year happens to match."""
    if not _DIGITALISED_NUMBER.fullmatch(invoice_number) or int(invoice_number[:2]) >= FIRST_DIGITALISED_YEAR:
        return None
    return (f"invoice number {invoice_number} opens with {invoice_number[:2]}, but a fully digitalised e-invoice's "
            f"20-digit number opens with the last two digits of its issue year, {FIRST_DIGITALISED_YEAR} or later: "
            "an invoice with an invoice code (发票代码) is registered with its 10- or 12-digit code and 8-digit "
            "number, not the two run together or the number padded to 20 digits")


def other_spelling(invoice_code: str, invoice_number: str) -> tuple[str, str] | None:
    """The code and number under which the invoice ``invoice_code``/``invoice_number`` (an identity
    :func:`identity_problem` accepts) could be registered a second time, or ``None`` where it has no such
    spelling.

    A 12-digit code and an 8-digit number run together make a 20-digit number with no code, which
    :func:`digitalised_year_problem` cannot refuse where the code opens with ``2`` (``221010012345`` and
    ``12345678`` as ``22101001234512345678``): the other spelling of a 12-digit code ``C`` with number
    ``M`` is ``("", C + M)``, and that of a 20-digit number ``N`` whose first 12 digits are a code
    (:func:`code_problem`) is ``(N[:12], N[12:])``. The two have fingerprints of their own, so the registry
    holds each apart and a registration reads both. A real e-invoice's number may read as a code and a
    number too: it is refused only while an invoice of the same seller with that very code and number
    backs a claim."""
    code, number = invoice_code.strip(), invoice_number.strip()
    if len(code) == 12 and code_problem(code) is None and _LEGACY_NUMBER.fullmatch(number):
        return "", code + number
    if not code and _DIGITALISED_NUMBER.fullmatch(number) and code_problem(number[:12]) is None:
        return number[:12], number[12:]
    return None


def one_spelling(invoice_code: str, invoice_number: str) -> tuple[str, str]:
    """The code and number in which an invoice is compared with the others of one registration, so that it is
    one invoice in either of its spellings (:func:`other_spelling`): its 20-digit number with no code where a
    12-digit code and 8-digit number run together make one, its own code and number otherwise."""
    code, number = invoice_code.strip(), invoice_number.strip()
    if code and (other := other_spelling(code, number)) is not None:
        return other
    return code, number


def current_spelling(invoice_code: str, invoice_number: str) -> tuple[str, str] | None:
    """The code and number of a stored invoice in the one spelling this contract accepts, or ``None`` when
    none can be derived from them.

    Contracts before 35b3bf4 took numbers of letters, digits and dashes (``2431-2000-…``, an added leading
    zero), and contracts before d72cf20 a 10-digit code padded with zeros to 12 (``003100204130``). Such an
    invoice is in the registry under its old spelling's fingerprint only. Dashes are dropped, zeros added in
    front of an 8- or 20-digit number (of an 8-digit one where a code is given, however many) or a 10-digit
    code are taken off; whatever is then not an identity
    (:func:`identity_problem`: letters, another length, an 8-digit number without its code) has no current
    spelling. An identity the contract accepts as it is stays as it is (``00000000000012345678`` is a
    20-digit number, not an 8-digit one with zeros added)."""
    if identity_problem(invoice_code, invoice_number) is None:
        return invoice_code, invoice_number
    number = invoice_number.strip().replace("-", "")
    code = invoice_code.strip()
    # a code goes with an 8-digit number only, so with one the zeros are those added to an 8-digit number
    for length in (8,) if code else (20, 8):
        if len(number) > length and set(number[:-length]) == {"0"}:
            number = number[-length:]
            break
    if len(code) == 12 and code.startswith("00") and code_problem(code) is not None and code_problem(code[2:]) is None:
        code = code[2:]
    return (code, number) if identity_problem(code, number) is None else None


def paper_number_problem(paper_number: str) -> str | None:
    """Why a string is not the paper form's 8-digit 发票号码 of a fully digitalised e-invoice delivered on paper
    (:func:`paper_identity_problem`), or ``None`` when it is one, or empty (no paper identity)."""
    if not paper_number or _LEGACY_NUMBER.fullmatch(paper_number):
        return None
    if _DIGITALISED_NUMBER.fullmatch(paper_number):
        return (f"paper number {paper_number} is a 20-digit number: the paper number is the 8-digit 发票号码 "
                "printed beside the 发票代码 on the paper form; give the 20-digit 数电票号码 as the invoice's "
                "number and the 8 digits as paper_number")
    return (f"paper number {shown(paper_number)} is not the 8 digits of the paper form's 发票号码: give it "
            "exactly as printed beside the 发票代码, digits only, no spaces, dashes or added zeros")


def paper_identity_problem(invoice_code: str, invoice_number: str, paper_code: str,
                           paper_number: str) -> str | None:
    """Why an invoice (``invoice_code``, ``invoice_number``) cannot name the paper identity ``paper_code`` and
    ``paper_number``, or ``None`` when it can, or names none (both empty).

    An invoice of the fully digitalised platform delivered on paper (数电纸质发票) carries two identities:
    its 20-digit number (数电票号码) and the paper form's code (发票代码) and 8-digit number. Neither is
    computed from the other, so they fingerprint apart; naming both links them, and a registration holds the
    invoice under each. Both paper fields or neither; only an invoice whose own identity is a 20-digit number
    with no code has a paper form; the paper code and number pass the checks an invoice code and an 8-digit
    number do (:func:`code_problem`, :func:`paper_number_problem`). The paper code is not held to the issue
    year: its year digits are those its form was printed in."""
    code, number = invoice_code.strip(), invoice_number.strip()
    if not paper_code and not paper_number:
        return None
    if not paper_number:
        return (f"paper_code {shown(paper_code)} is given without paper_number: give the paper form's 8-digit "
                "发票号码 as paper_number with its 发票代码, or neither")
    if not paper_code:
        return (f"paper_number {shown(paper_number)} is given without paper_code: give the paper form's "
                "10- or 12-digit 发票代码 as paper_code with its 发票号码, or neither")
    if code or not _DIGITALISED_NUMBER.fullmatch(number):
        own = f"code {code} and number {number}" if code else f"number {number}"
        return (f"paper_code and paper_number name the paper form of a fully digitalised e-invoice (数电纸质发票), "
                f"whose own number is 20 digits with no code, not {own}: give the 20-digit 数电票号码 as number, "
                "with no code, and the paper form's code and number as paper_code and paper_number; an invoice "
                "with a code has that one identity, so leave both paper fields out")
    if (why := paper_number_problem(paper_number)) is not None:
        return f"paper_number: {why}"
    if (why := code_problem(paper_code)) is not None:
        return f"paper_code: {why}"
    return None
