"""Standard interfaces to external data sources, reference providers, and cross-source verification.

Three kinds of source, one small typed interface each:

- :class:`TaxInvoiceVerifier` -- the tax authority's invoice verification (发票查验):
  does the invoice exist (seller, code and number), with which parties and amount,
  is it normal, void, red-flushed or partially red-flushed (and then what remains of it);
- :class:`BusinessRegistry` -- the enterprise registry (工商登记): name and status of a credit code;
- :class:`CreditBureau` -- a credit bureau (征信): rating and overdue history of a credit code.

The reference providers read local files under ``reference_data/`` (synthetic
data, made up for the project) so the platform runs without outside access. A
real provider implements the same Protocol; nothing else changes. A lookup answers
with a record, or ``None`` where the source holds none; one the source cannot answer
(a timeout, a service down) raises, and :func:`verify_with_sources` raises that as
:class:`~client.invoices.errors.SourceUnavailable`, naming the source: a source that
did not answer did not say the invoice is unknown.

:func:`verify_with_sources` asks every source given and reports, as findings,
what each says; where sources (or the invoice) disagree on a field, it lists
a :class:`Disagreement` with every source's value rather than choosing one.
Each source must have its own ``source`` name, and none may be called
``invoice`` (the invoice's own values are listed under that name). A verification
passes only when the tax invoice verifier found the invoice and agreed with it:
the registry and the credit bureau know the parties, not the invoice, whose
values an attestation records as verified.
:func:`attestation` turns the result into the canonical document and digest
that can later be attested on the ledger; the document names the invoice and
the values verified (buyer, date, total with tax), which registration compares.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Iterable, Literal, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from chaincode.receivables import uscc
from chaincode.receivables.dates import days_text
from chaincode.receivables.model import visible_characters
from client import invoice_limits
from client.business_dates import IsoDay, business_today
from client.money import MAX_FEN, above_cap, plain_yuan
from client.shown import shown_value
from client.user_files import UnreadableFile, on_one_line, read_user_bytes, too_large, user_text

from .checks import normalise_name
from .credit_code import check_tax_id, in_capitals
from .errors import MalformedInput, SourceUnavailable
from .fingerprint import code_form_problem, code_problem, invoice_fingerprint, number_problem
from .matching import _csv_row
from .model import Finding, Invoice
from .parse import parse_json, refuse_gzip

REFERENCE_DATA = Path(__file__).with_name("reference_data")
INVOICE_ITSELF = "invoice"  # the name the invoice's own values go by in a Disagreement; no source may take it
NO_SOURCE = "sources.asked"  # the finding of a verification that asked no source, which fails
# the finding of one that asked no tax invoice verifier, which fails too: nothing confirmed the invoice itself
INVOICE_NOT_CONFIRMED = "sources.confirmed"
SOURCE_CHECK = "source."  # what the name of each finding of a source's answer begins with
TAX_FOUND = "source.tax.found"  # the tax invoice verifier's answer whether it knows the invoice
CREDIT_CURRENT = "source.credit.current"  # whether the credit bureau's record of the debtor is recent enough
DEFAULT_MAX_CREDIT_AGE_DAYS = invoice_limits.DEFAULT_MAX_CREDIT_AGE_DAYS
ATTESTATION_KIND = "recfin.invoice-verification/2"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _not_blank(why: str) -> AfterValidator:
    """A field's rule that it holds more than spaces, refusing it with ``why``."""
    def given(text: str) -> str:
        if not text.strip():
            raise ValueError(why)
        return text
    return AfterValidator(given)


def _shows_as_itself(text: str) -> str:
    # a name or rating is printed in findings and reports as the source's answer: a line break (a quoted CSV cell may
    # hold one) or a NUL would print it across lines, or as another name than the one compared
    if on_one_line(text) != text:
        raise ValueError(f"{shown_value(text)} does not show as itself (a line break, a NUL or another character "
                         "that does not print, or a space at either end): write the value on one line, as the source "
                         "gives it")
    return text


# a name or rating a source gives: never empty, and shown as it is
SourceText = Annotated[str, _not_blank(
    "empty: write the value the source gives, since the record is reported as its answer (an empty name would read "
    "as the invoice disagreeing with the source, an empty rating as a rating given)"), AfterValidator(_shows_as_itself)]
# the credit code a registry's or credit bureau's record is of: never empty
RecordCode = Annotated[str, _not_blank(
    "no credit code: a record is of the enterprise whose credit code it gives (it is compared with the party's tax "
    "id asked about, and listed where they differ), so write the code the source gives with it")]


class TaxInvoiceRecord(_Frozen):
    number: str
    code: str = Field(default="", description="发票代码; empty for a fully digitalised e-invoice")
    seller_tax_id: str
    seller_name: SourceText
    buyer_tax_id: str
    buyer_name: SourceText
    # IsoDay: YYYY-MM-DD only; pydantic's date alone reads Unix seconds or milliseconds (a number or its text) and
    # a time with any zone as a date, so a damaged file would verify an invoice on a date nobody wrote
    issue_date: IsoDay
    total_with_tax_fen: StrictInt = Field(description="价税合计 in fen: a JSON integer, no decimal point; below 0 for "
                                                      "a red-letter invoice (红字发票), never 0")
    status: Literal["normal", "void", "red-flushed", "partially-red-flushed"]
    remaining_with_tax_fen: StrictInt | None = Field(
        default=None, description="of a partially red-flushed invoice (部分红冲), the total with tax that remains "
                                  "after its red-letter invoices, in fen; given exactly then")

    @field_validator("total_with_tax_fen")
    @classmethod
    def _total_within_the_cap(cls, total: int) -> int:
        # no invoice is read with a total above the cap either way (to_fen): a record beyond it is a typo or a
        # damaged file, and would disagree with every invoice it names, shown as the source's answer. A red-letter
        # invoice's is below 0: the tax authority's verification finds it as any invoice, and a genuine one read as
        # unknown to the source would look forged
        if abs(total) > MAX_FEN:
            raise above_cap(f"{shown_value(total)} fen")
        if total == 0:
            raise ValueError("0 is no invoice's total with tax: above 0 for an invoice, below 0 for a red-letter "
                             "invoice (红字发票); write the total the source gives, in fen")
        return total

    @field_validator("buyer_tax_id")
    @classmethod
    def _buyer_tax_id_is_a_tax_id(cls, tax_id: str) -> str:
        # held to the seller's rule: a misspelt buyer tax id would read as the invoice disagreeing with the source.
        # A natural person (个人) buying has none, read as "" from the invoice too (parse.py): a record of it stands.
        if tax_id != "" and (why := _tax_id_problem(tax_id)) is not None:
            raise ValueError(why)
        return tax_id

    @model_validator(mode="after")
    def _remaining_with_partial_red_flush(self) -> "TaxInvoiceRecord":
        if self.total_with_tax_fen < 0 and self.status in ("red-flushed", "partially-red-flushed"):
            raise ValueError(f"a red-letter invoice (total with tax {self.total_with_tax_fen} fen, below 0) is "
                             f"never {self.status} itself: the invoice it offsets is; give it the status normal "
                             "(or void), and the invoice it offsets its red-flushed status")
        partial = self.status == "partially-red-flushed"
        if partial and self.remaining_with_tax_fen is None:
            raise ValueError("a partially red-flushed invoice needs remaining_with_tax_fen, the total with tax "
                             "that remains after its red-letter invoices")
        if not partial and self.remaining_with_tax_fen is not None:
            raise ValueError(f"remaining_with_tax_fen is given only for a partially red-flushed invoice, not a "
                             f"{self.status} one")
        if partial and not 0 < self.remaining_with_tax_fen < self.total_with_tax_fen:
            # shown_value: a damaged file's 400-digit remainder is named by its start, end and length, not whole
            raise ValueError(f"remaining_with_tax_fen {shown_value(self.remaining_with_tax_fen)} is not between 0 "
                             f"and the total with tax {self.total_with_tax_fen}: partly red-flushed, something "
                             "remains and less than the whole")
        return self


class RegistryRecord(_Frozen):
    credit_code: RecordCode
    name: SourceText
    status: Literal["active", "deregistered", "revoked"]
    # IsoDay: a spreadsheet's 0 for a blank cell is no date (pydantic alone reads 1970-01-01, an old enterprise);
    # a cell left empty is none
    established: IsoDay | None = None


# The most overdue payments a credit record may count. A credit bureau keeps an overdue payment on record for five
# years (征信业管理条例, article 16) and lenders report monthly, so an enterprise with a hundred credit accounts, each
# overdue every month of those years, counts 6,000. More is a damaged file or another figure in the count's place
# (an amount in fen), which would be shown, and attested on the ledger, as the debtor's record.
MAX_OVERDUE_COUNT = 10_000


class CreditRecord(_Frozen):
    credit_code: RecordCode
    rating: SourceText
    overdue_count: StrictInt = Field(ge=0, description="how many payments are overdue: a JSON integer from 0 to "
                                                       f"{MAX_OVERDUE_COUNT:,}, no decimal point")
    as_of: IsoDay

    @field_validator("overdue_count")
    @classmethod
    def _overdue_count_within_reason(cls, count: int) -> int:
        if count > MAX_OVERDUE_COUNT:
            raise ValueError(f"{shown_value(count)} is more overdue payments than any credit record counts (at most "
                             f"{MAX_OVERDUE_COUNT:,}, five years of monthly reports on a hundred accounts): check the "
                             "count against the bureau's report; an amount or another figure may be in its place")
        return count

    @field_validator("as_of")
    @classmethod
    def _not_in_the_future(cls, as_of: date) -> date:
        # a record of a day to come is a mistake, and would be shown as the debtor's standing now. "Today" is the
        # business date (China Standard Time), the bureau's, so a record made today there is never refused here.
        today = business_today()
        if as_of > today:
            raise ValueError(f"{as_of} is after today ({today}, China Standard Time): a credit record is as of a day "
                             "that has come; write the day the bureau gave it")
        return as_of


class TaxInvoiceVerifier(Protocol):
    source: str

    def lookup_invoice(self, number: str, seller_tax_id: str, code: str) -> TaxInvoiceRecord | None:
        """The seller's invoice with this number and code (``""`` for a fully digitalised e-invoice).

        An older invoice is identified by code and number together: a provider that answers by number
        alone returns the record with its own code, and :func:`verify_with_sources` compares the two.

        ``None`` is the source's answer that it holds no such invoice, which fails the verification. A provider
        that cannot answer (a timeout, the service down, a refusal) raises instead, as every source here does:
        :func:`verify_with_sources` raises that as :class:`SourceUnavailable`, and nothing is verified."""
        ...


class BusinessRegistry(Protocol):
    source: str

    def lookup_enterprise(self, credit_code: str) -> RegistryRecord | None:
        """The enterprise of this credit code; ``None`` where the registry holds none. A provider that cannot
        answer raises (see :meth:`TaxInvoiceVerifier.lookup_invoice`)."""
        ...


class CreditBureau(Protocol):
    source: str

    def lookup_credit(self, credit_code: str) -> CreditRecord | None:
        """The credit record of this credit code; ``None`` where the bureau holds none. A provider that cannot
        answer raises (see :meth:`TaxInvoiceVerifier.lookup_invoice`)."""
        ...


# --- reference providers over local files ----------------------------------------

# The largest reference file read. It is read whole and every record held: a file of 16 MiB holds some 50,000
# invoices, read in 3 to 7 s and held in about 100 MB, where the 1 GiB any file a person hands the tools may be
# (client.user_files) would take minutes and gigabytes before a lookup is answered. A reference provider serves
# local, synthetic data; a larger data set is a real source's, served by a provider of its own (the Protocols above).
MAX_REFERENCE_BYTES = 16 * 1024 * 1024
REFERENCE_TOO_LARGE_ADVICE = ("A reference provider's file holds local data for trying the platform; serve a larger "
                              "data set through a provider of its own, as a real source is")


def _reference_file_advice(path: Path) -> str:
    """What to do about a reference file that is not there, not readable, empty or of no reference file's shape: the
    CLI reads the files shipped in ``reference_data/`` only, so one of them is restored; a caller's own path is
    corrected, or the file written as the shipped one of that name is."""
    shipped = f"client/invoices/reference_data/{path.name}"
    # os.path.realpath, not Path.resolve: resolve raises RuntimeError on a symlink loop (a folder of the path linking
    # back to itself), which the file's refusal would then be lost in
    if os.path.realpath(path.parent) == os.path.realpath(REFERENCE_DATA):
        return f"restore the file shipped with recfin (git checkout -- {shipped}, or install recfin again)"
    return ("give the path of a reference file written as the shipped one is (client/invoices/reference_data/, "
            "whose README says what each file holds)")


def _read(path: Path) -> str:
    try:
        data = read_user_bytes(path, MAX_REFERENCE_BYTES)
        refuse_gzip(data, str(path))   # else refused as not UTF-8, with advice to convert it from GBK
        return user_text(path, data)
    except UnreadableFile as exc:
        problem = exc.problem
        if problem == too_large(MAX_REFERENCE_BYTES):
            problem = f"{problem} {REFERENCE_TOO_LARGE_ADVICE}"
        elif not problem.startswith("not UTF-8 text"):   # that one says how to save it as UTF-8
            # "No such file or directory", "it is a directory": said with what to do
            problem = f"{problem}: {_reference_file_advice(path)}"
        raise MalformedInput(str(path), None, problem) from None


def _load_json(path: Path) -> list[dict]:
    text = _read(path)
    # Each refused as what it is (a CSV file's header shows them, _header_shown): read on, the JSON decoder's words
    # were "Unexpected UTF-8 BOM (decode using utf-8-sig)" for the first, and for a file of ASCII text saved as UTF-16
    # without its mark (valid UTF-8, a NUL after every character) "Expecting property name enclosed in double
    # quotes", which sent nobody to its encoding
    if text.lstrip().startswith("\ufeff"):
        raise MalformedInput(str(path), None, "the file begins with a second byte order mark (U+FEFF) after the one a "
                                              "UTF-8 file may begin with, as a tool adding its own mark to a file that "
                                              "has one writes it: save the file again as UTF-8")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise MalformedInput(str(path), f"line {line}", "a NUL character (\\0), which no reference file holds: the "
                                                        "file is damaged, or was saved as UTF-16 or another encoding "
                                                        "than UTF-8; save it as UTF-8 (iconv -f UTF-16 -t UTF-8)")
    if not text.strip():
        raise MalformedInput(str(path), None, f"the file is empty: {_reference_file_advice(path)}")
    try:
        doc = parse_json(text, str(path))
    except MalformedInput as exc:
        if not exc.problem.startswith("invalid JSON"):
            raise
        raise MalformedInput(str(path), exc.field, f"{exc.problem}: correct the JSON there, or "
                                                   f"{_reference_file_advice(path)}") from None
    records = doc.get("records") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        raise MalformedInput(str(path), "records", 'missing or not a list: a reference file is a JSON object whose '
                                                   '"records" lists the records, {"records": [{...}, ...]}; '
                                                   f"{_reference_file_advice(path)}")
    return records


def _json_row(i: int, field: str = "") -> str:
    return f"records[{i}]" + (f".{field}" if field else "")


def _csv_line(i: int, field: str = "") -> str:
    return f"row {i + 2}" + (f": {field}" if field else "")  # the header is row 1


def _load_csv(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> list[dict]:
    """The rows of a CSV file with a header naming ``required`` (and perhaps others of ``columns``), each
    once. Its rows may end in CR LF, LF or CR alone (an old Mac export): read with ``newline=""``, as the csv
    module asks."""
    source = str(path)
    reader = csv.DictReader(io.StringIO(_read(path), newline=""))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            optional = [c for c in columns if c not in required]
            raise MalformedInput(source, "header", f"no column {', '.join(missing)}: the header should be "
                                                   f"{','.join(columns)}"
                                                   + (f" ({', '.join(optional)} may be left out)" if optional else "")
                                                   + f", and this file's is {_header_shown(header) or 'empty'}")
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise MalformedInput(source, "header", f"column {', '.join(twice)} appears twice: keep one")
        # cells without the spaces around them, as the header: an empty cell is no value
        return [{k: (v.strip() or None) if v is not None else None
                 for k, v in _csv_row(row, reader.line_num, len(header), source).items()}
                for row in reader]
    except csv.Error as exc:
        raise MalformedInput(source, None, f"invalid CSV: {exc}") from None


def _header_shown(header: list[str]) -> str:
    """A CSV header as the file gives it, a cell holding a character that does not print (a second byte order mark,
    a NUL, a zero-width space) in quotes with it escaped: printed as it is, the header read as the one expected."""
    return ",".join(cell if cell.isprintable() else shown_value(cell) for cell in header)


def _typed(model, rows: list[dict], path: Path, where=_json_row) -> list:
    out = []
    for i, row in enumerate(rows):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise MalformedInput(str(path), where(i, field), _record_problem(model, first)) from None
    return out


def _record_problem(model, error) -> str:
    """A record's first validation error said with what to do: the validator's own words ("Field required",
    "Input should be a valid integer") say neither what the record needs nor what to write."""
    field = str(error["loc"][0]) if error["loc"] else ""
    if error.get("input", ...) is None and field:
        # a blank CSV cell (read as None) or a JSON null: the type's own advice ("a JSON string, in quotes") would
        # send one to write JSON into a CSV cell
        return f"empty: every record gives its {field}; fill it in as the source gives it"
    if error["type"] == "missing":
        return f"missing: every record gives its {field}; add it as the source gives it"
    if error["type"] == "model_type":   # a record that is a list, a number, a string or null, not a JSON object
        return (f"{shown_value(error['input'])}, not a record: each record is a JSON object of its fields "
                f"({', '.join(model.model_fields)})")
    if error["type"] == "extra_forbidden":
        return (f"not a field of such a record: correct its name, or delete it (the fields are "
                f"{', '.join(model.model_fields)})")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_type":
        return f"{message}: write it as a JSON string, in quotes, as the source gives it"
    described = model.model_fields[field].description if field in model.model_fields else None
    return f"{message}: {described}" if described and error["type"] != "value_error" else message


def _by_key(records: list, key, path: Path, what, where=_json_row, key_problem=lambda record: None) -> dict:
    """Records by ``key(record)``; two records with one key are refused: which one the source meant is unknown
    (a registry listing a company as revoked and as active must not read as active). So is a key that
    ``key_problem(record)`` finds not written exactly (the field and why): another spelling of one key (lower
    case, a space around it) would be a second record of the same thing, found or not as the lookup spells it."""
    out: dict = {}
    first_at: dict = {}
    for i, record in enumerate(records):
        if (problem := key_problem(record)) is not None:
            field, why = problem
            raise MalformedInput(str(path), where(i, field), f"{why}: a record is looked up by it exactly as written, "
                                                              "so another spelling would be a second record")
        k = key(record)
        if k in out:
            raise MalformedInput(str(path), where(i), f"{what(record)} is listed again (first at {first_at[k]}): "
                                                      "keep the one row that is true and delete the other")
        out[k], first_at[k] = record, where(i)
    return out


def _credit_code_problem(field: str, code: str) -> tuple[str, str] | None:
    why = uscc.problem(code)
    return None if why is None else (field, why)


def _tax_id_problem(tax_id: str) -> str | None:
    """Why ``tax_id`` is not a party's tax id written exactly, or None. A party may hold a legacy 15- or
    20-character tax id rather than a credit code (``check_tax_id``, as ``invoice verify`` reads the invoice);
    ``check_tax_id`` forgives spaces around it and a lower-case x, so the spelling is asked first."""
    if tax_id != tax_id.strip() or not tax_id.isascii() or tax_id != tax_id.upper():
        return f"{tax_id!r} is not written as a tax id is: ASCII digits and capitals, no spaces around it"
    checked = check_tax_id(tax_id)
    return None if checked.valid else f"{tax_id!r}: {checked.reason}"


def _invoice_key_problem(record: TaxInvoiceRecord) -> tuple[str, str] | None:
    # the number and code rules strip spaces around what they check: whether there are any is asked first
    if (why := number_problem(record.number)) is not None:
        return "number", why
    if (why := (record.code and code_form_problem(record.code)) or code_problem(record.code, record.number)):
        return "code", why
    if (why := _tax_id_problem(record.seller_tax_id)) is not None:
        return "seller_tax_id", why
    return None


class ReferenceTaxInvoiceVerifier:
    """Tax invoice verification from ``tax_invoices.json`` (synthetic)."""

    source = "reference-tax"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "tax_invoices.json"
        self._records = _by_key(_typed(TaxInvoiceRecord, _load_json(path), path),
                                lambda r: (r.seller_tax_id, r.code, r.number), path,
                                lambda r: f"invoice {r.code + ' ' if r.code else ''}{r.number} of seller "
                                          f"{r.seller_tax_id}", key_problem=_invoice_key_problem)

    def lookup_invoice(self, number: str, seller_tax_id: str, code: str) -> TaxInvoiceRecord | None:
        return self._records.get((seller_tax_id, code, number))


class ReferenceBusinessRegistry:
    """Business registry from ``business_registry.csv`` (synthetic)."""

    source = "reference-registry"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "business_registry.csv"
        rows = _load_csv(path, tuple(RegistryRecord.model_fields), ("credit_code", "name", "status"))
        self._records = _by_key(_typed(RegistryRecord, rows, path, _csv_line), lambda r: r.credit_code, path,
                                lambda r: f"enterprise {r.credit_code}", _csv_line,
                                lambda r: _credit_code_problem("credit_code", r.credit_code))

    def lookup_enterprise(self, credit_code: str) -> RegistryRecord | None:
        # asked in capitals, as the CLI reads a code typed in lower case: the records are written so (_by_key), and
        # one in lower case is the same enterprise, not one the registry does not know
        return self._records.get(in_capitals(credit_code))


class ReferenceCreditBureau:
    """Credit bureau from ``credit_bureau.json`` (synthetic)."""

    source = "reference-credit"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "credit_bureau.json"
        self._records = _by_key(_typed(CreditRecord, _load_json(path), path), lambda r: r.credit_code, path,
                                lambda r: f"the credit record of {r.credit_code}",
                                key_problem=lambda r: _credit_code_problem("credit_code", r.credit_code))

    def lookup_credit(self, credit_code: str) -> CreditRecord | None:
        return self._records.get(in_capitals(credit_code))   # as lookup_enterprise


# --- verification across sources --------------------------------------------------

class Disagreement(_Frozen):
    """One field on which the invoice and the sources do not all say the same."""

    field: str
    values: dict[str, str]


class SourceVerification(_Frozen):
    """What the sources said about an invoice, and the invoice's values they were asked about."""

    invoice_number: str
    invoice_code: str
    seller_tax_id: str
    buyer_tax_id: str
    issue_date: date
    total_with_tax_fen: int
    # "" where the invoice gives the seller no tax id: an invoice is fingerprinted by it (and attested by none
    # without one, see client.invoices.attest)
    fingerprint: str
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]
    disagreements: tuple[Disagreement, ...]
    # the sources asked whose every answer skipped (a credit bureau with no record of the buyer): they checked
    # nothing, so an attestation does not name them as sources of its outcome (see :attr:`checked`)
    skipped: tuple[str, ...] = ()

    @property
    def checked(self) -> tuple[str, ...]:
        """The sources asked that checked the invoice or its parties (some answer passed or failed), in the order
        asked: those an attestation names. The ledger counts a pass as a check by every source it names
        (``attestation_sources``), so one that knew nothing of the debtor would count as a credit check made."""
        return tuple(name for name in self.sources if name not in self.skipped)

    @property
    def confirmed(self) -> tuple[Finding, ...]:
        """The findings in which a source confirmed something (passed): a source asked that knew nothing of the
        invoice or its parties (every finding skipped) confirmed nothing."""
        return tuple(f for f in self.findings if from_a_source(f.check) and f.status == "pass")

    @property
    def ok(self) -> bool:
        """Whether it passes (:func:`passes`): the tax invoice verifier found the invoice, and nothing failed or
        disagreed."""
        return passes(((f.check, f.status) for f in self.findings), bool(self.disagreements))


def passes(findings: Iterable[tuple[str, str]], disagreed: bool) -> bool:
    """Whether a verification whose findings are these ``(check, status)`` pairs passes: the tax invoice verifier
    found the invoice (and so answered for its seller, number, buyer, date and total, which an attestation records
    as verified), no finding failed and nothing disagreed. A registry or credit bureau alone vouches for the parties
    only: an invoice made up between two real companies would pass on them."""
    statuses = list(findings)
    return (not disagreed and (TAX_FOUND, "pass") in statuses
            and all(status != "fail" for _, status in statuses))


def from_a_source(check: str) -> bool:
    """Whether a finding (of a verification, or listed in its evidence document) is a source's answer
    (``source.tax.found``), rather than one about the verification itself (``sources.asked``)."""
    return check.startswith(SOURCE_CHECK)


def verify_with_sources(invoice: Invoice, tax: TaxInvoiceVerifier | None = None,
                        registry: BusinessRegistry | None = None,
                        bureau: CreditBureau | None = None, *, today: date | None = None,
                        max_credit_age_days: int = DEFAULT_MAX_CREDIT_AGE_DAYS) -> SourceVerification:
    """Ask each source given about the invoice and its parties; nothing is hidden.

    The credit bureau's record of the debtor is judged as of ``today`` (default: today in China Standard Time, the
    bureau's business date): one made more than ``max_credit_age_days`` before it fails ``source.credit.current``,
    since a rating that old is not the debtor's standing now.

    Raises ValueError when two sources share a ``source`` name, or one is named ``invoice``: their answers
    are kept by name, so one would hide the other's; and when ``max_credit_age_days`` is below 0. Raises
    :class:`SourceUnavailable` when a source's lookup raises (it could not answer), naming the source and what it
    was asked, the provider's error chained.
    """
    if max_credit_age_days < 0:
        raise ValueError(f"max_credit_age_days {max_credit_age_days} is below 0: give how many days old the credit "
                         f"bureau's record may be, 0 for one made today ({DEFAULT_MAX_CREDIT_AGE_DAYS} by default)")
    used = _source_names(tax, registry, bureau)
    findings: list[Finding] = []
    if not used:
        findings.append(Finding(check=NO_SOURCE, status="fail",
                                message="no data source was asked, so nothing was verified: give at least a tax "
                                        "invoice verifier, a business registry or a credit bureau"))
    said: dict[str, dict[str, str]] = {
        "seller.name": {INVOICE_ITSELF: invoice.seller.name},
        "buyer.name": {INVOICE_ITSELF: invoice.buyer.name},
    }
    seller_named = _gives_tax_id(invoice.seller.tax_id)
    if tax is not None and not seller_named:
        findings.append(_no_tax_id(TAX_FOUND, tax.source, "seller", "fail",
                                   "the tax authority finds an invoice by its seller's tax id: check the seller's tax "
                                   "id against the invoice; an invoice the tax authority cannot find backs no "
                                   "receivable"))
    elif tax is not None:
        coded = f" with code {invoice.code}" if invoice.code else ""
        record = _asked(tax, f"about invoice {invoice.number}{coded} of seller {invoice.seller.tax_id}",
                        lambda: tax.lookup_invoice(invoice.number, invoice.seller.tax_id, invoice.code))
        if record is None:
            findings.append(Finding(check=TAX_FOUND, status="fail",
                                    message=f"{tax.source}: no such invoice{coded} from seller {invoice.seller.tax_id}: "
                                            f"check the number{', the code' if invoice.code else ''} and the seller's "
                                            "tax id against the invoice; one the tax authority does not know backs no "
                                            "receivable"))
        else:
            findings.append(Finding(check=TAX_FOUND, status="pass", message=f"{tax.source}: invoice found"))
            if invoice.code or record.code:
                findings.append(_same_code(tax.source, invoice.code, record.code))
            findings.append(_tax_status(tax.source, record, invoice))
            said["seller.name"][tax.source] = record.seller_name
            said["buyer.name"][tax.source] = record.buyer_name
            # the seller and number too: a provider answering by code and number alone (as the Protocol allows)
            # returns the record of whoever issued that number, which an invoice naming another seller is not
            for field, ours, theirs in (
                ("seller.tax_id", invoice.seller.tax_id, record.seller_tax_id),
                ("number", invoice.number, record.number),
                ("buyer.tax_id", invoice.buyer.tax_id, record.buyer_tax_id),
                ("issue_date", invoice.issue_date.isoformat(), record.issue_date.isoformat()),
                ("total_with_tax_fen", str(invoice.total_with_tax_fen), str(record.total_with_tax_fen)),
            ):
                said.setdefault(field, {INVOICE_ITSELF: ours})[tax.source] = theirs
    else:
        findings.append(Finding(check=TAX_FOUND, status="skipped", message="no tax invoice verifier given"))
    if registry is not None:
        for side, party in (("seller", invoice.seller), ("buyer", invoice.buyer)):
            check = f"source.registry.{side}"
            if not _gives_tax_id(party.tax_id):
                findings.append(_no_tax_id(check, registry.source, side, "fail",
                                           f"the registry knows an enterprise by its credit code: check the {side}'s "
                                           "tax id against the invoice; a natural person is no party to a receivable"))
                continue
            record = _asked(registry, f"about enterprise {party.tax_id}",
                            lambda: registry.lookup_enterprise(party.tax_id))
            if record is None:
                findings.append(Finding(check=check, status="fail",
                                        message=f"{registry.source}: no enterprise {party.tax_id}: check the "
                                                f"{side}'s tax id against the invoice; an enterprise the registry "
                                                "does not know is no party to a receivable"))
                continue
            if not _same_enterprise(party.tax_id, record.credit_code):
                findings.append(_another_party(check, registry.source, "record", side, party.tax_id, record))
                said.setdefault(f"{side}.tax_id", {INVOICE_ITSELF: party.tax_id})[registry.source] = record.credit_code
                continue
            said[f"{side}.name"][registry.source] = record.name
            active = record.status == "active"
            findings.append(Finding(check=check, status="pass" if active else "fail",
                                    message=f"{registry.source}: {record.name} is {record.status}" + ("" if active else
                                            f": an enterprise no longer in business neither sells nor owes; "
                                            f"confirm the {side}'s status with the registry, and finance nothing "
                                            "on this invoice until it is active"),
                                    details={"credit_code": record.credit_code, "status": record.status}))
            findings.append(_established(registry.source, side, record, invoice.issue_date))
    else:
        findings.append(Finding(check="source.registry.seller", status="skipped", message="no business registry given"))
    if bureau is not None and not _gives_tax_id(invoice.buyer.tax_id):
        findings.append(_no_tax_id("source.credit.debtor", bureau.source, "buyer", "skipped",
                                   "a credit record is found by the debtor's credit code"))
    elif bureau is not None:
        record = _asked(bureau, f"about the credit of {invoice.buyer.tax_id}",
                        lambda: bureau.lookup_credit(invoice.buyer.tax_id))
        if record is None:
            findings.append(Finding(check="source.credit.debtor", status="skipped",
                                    message=f"{bureau.source}: no credit record for {invoice.buyer.tax_id}"))
        elif not _same_enterprise(invoice.buyer.tax_id, record.credit_code):
            findings.append(_another_party("source.credit.debtor", bureau.source, "credit record", "buyer",
                                           invoice.buyer.tax_id, record))
            said.setdefault("buyer.tax_id", {INVOICE_ITSELF: invoice.buyer.tax_id})[bureau.source] = record.credit_code
        else:
            findings.append(Finding(check="source.credit.debtor", status="pass",
                                    message=f"{bureau.source}: rating {record.rating}, "
                                            f"{record.overdue_count} overdue as of {record.as_of}",
                                    details=record.model_dump(mode="json")))
            findings.append(_credit_current(bureau.source, record, today or business_today(), max_credit_age_days))
    if used and tax is None:
        # without the tax source the outcome fails (see passes), perhaps with no answer failing: this says why
        if all(f.status == "skipped" for f in findings if from_a_source(f.check)):
            why = f"no source asked ({', '.join(used)}) knew the invoice or its parties, so nothing was verified"
        else:
            why = (f"no tax invoice verifier was asked (only {', '.join(used)}), so nothing confirmed the invoice "
                   "itself (its number, buyer, date and total with tax)")
        findings.append(Finding(check=INVOICE_NOT_CONFIRMED, status="fail",
                                message=f"{why}: ask the tax invoice verifier, which knows the invoice"))
    skipped = _skipped_sources(findings, tax, registry, bureau)
    disagreements = []
    for field, values in said.items():
        distinct = {normalise_name(v) if field.endswith(".name") else v for v in values.values()}
        if len(values) > 1 and len(distinct) > 1:
            disagreements.append(Disagreement(field=field, values=values))
    return SourceVerification(invoice_number=invoice.number, invoice_code=invoice.code,
                              seller_tax_id=invoice.seller.tax_id, buyer_tax_id=invoice.buyer.tax_id,
                              issue_date=invoice.issue_date, total_with_tax_fen=invoice.total_with_tax_fen,
                              fingerprint=invoice_fingerprint(invoice) if seller_named else "", sources=tuple(used),
                              findings=tuple(findings), disagreements=tuple(disagreements), skipped=skipped)


def _gives_tax_id(tax_id: str) -> bool:
    """Whether a party's tax id has a character a reader sees: one of spaces (a form's blank field), or of invisible
    format characters alone (a zero-width space or byte order mark pasted into it, kept by ``str.strip``), asked
    about names nobody, as "" does."""
    return bool(visible_characters(tax_id))


def _no_tax_id(check: str, source: str, side: str, status: str, why: str) -> Finding:
    """The finding of a source not asked about a party the invoice gives no tax id (a natural person buying, 个人):
    asked about "", a provider answered "no enterprise" (a message naming nobody), or a real one could refuse the
    question, read as the source not answering."""
    return Finding(check=check, status=status,
                   message=f"{source}: not asked: the invoice gives the {side} no tax id, as for a natural person "
                           f"(个人); {why}")


def _skipped_sources(findings: list[Finding], tax: TaxInvoiceVerifier | None, registry: BusinessRegistry | None,
                     bureau: CreditBureau | None) -> tuple[str, ...]:
    """The names of the sources given whose findings all skipped: each kind of source answers under its own
    checks (``source.tax.``, ``source.registry.``, ``source.credit.``)."""
    kinds = ((f"{SOURCE_CHECK}tax.", tax), (f"{SOURCE_CHECK}registry.", registry), (f"{SOURCE_CHECK}credit.", bureau))
    return tuple(source.source for prefix, source in kinds if source is not None
                 and all(f.status == "skipped" for f in findings if f.check.startswith(prefix)))


def _asked(source: TaxInvoiceVerifier | BusinessRegistry | CreditBureau, question: str, lookup):
    """What ``source`` answers ``lookup()``: a record, or None where it holds none. A provider that cannot answer
    raises, and that is raised as :class:`SourceUnavailable` naming the source and the ``question``: taken as no
    record, it would fail the invoice (an attested failure warns the next bank of an invoice nobody found wrong).
    An interruption (Ctrl-C, a signal's SystemExit) is no source failing and goes through as it is."""
    try:
        return lookup()
    except Exception as exc:
        raise SourceUnavailable(source.source, question, exc) from exc


def _source_names(*sources: TaxInvoiceVerifier | BusinessRegistry | CreditBureau | None) -> list[str]:
    names = [s.source for s in sources if s is not None]
    if INVOICE_ITSELF in names:
        raise ValueError(f"a source is named {INVOICE_ITSELF!r}, the name under which the invoice's own values are "
                         "listed: give that source another name")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"two sources are named {', '.join(twice)}: give each its own name (a provider serving "
                         "several kinds of source names each, e.g. gov-tax and gov-registry), or one source's "
                         "values would hide the other's")
    return names


def _tax_status(source: str, record: TaxInvoiceRecord, invoice: Invoice) -> Finding:
    """Only a normal invoice backs a receivable for its total. A partially red-flushed one (部分红冲) is worth what
    remains of it, so the invoice's total with tax, which is the face amount a registration claims, is compared
    with that: it is more (so the finding fails, naming both) unless the invoice says another total than the
    source."""
    if record.status != "partially-red-flushed":
        normal = record.status == "normal"
        return Finding(check="source.tax.status", status="pass" if normal else "fail",
                       message=f"{source}: invoice is {record.status}" + ("" if normal else
                               ": it backs no receivable; have the seller issue a valid invoice for the sale"))
    remaining = record.remaining_with_tax_fen
    within = invoice.total_with_tax_fen <= remaining
    return Finding(check="source.tax.status", status="pass" if within else "fail",
                   message=f"{source}: invoice is partially red-flushed: {plain_yuan(remaining)} of "
                           f"{plain_yuan(record.total_with_tax_fen)} remains, and the total with tax "
                           f"{plain_yuan(invoice.total_with_tax_fen)} the invoice says (the face amount a "
                           f"registration claims) is {'within' if within else 'more than'} that"
                           + ("" if within else ": it backs no receivable for its total; have the seller issue an "
                                                "invoice for what remains"),
                   details={"remaining_with_tax_fen": remaining, "total_with_tax_fen": invoice.total_with_tax_fen})


def _same_code(source: str, ours: str, theirs: str) -> Finding:
    """An older invoice is its code and number together: the same number under another code is another invoice."""
    same = ours == theirs
    return Finding(check="source.tax.code", status="pass" if same else "fail",
                   message=f"{source}: invoice code {theirs}" if same else
                   f"{source}: the invoice's code is {theirs or 'none'}, not {ours or 'none'} as the invoice says: "
                   "check the code against the invoice; the same number under another code is another invoice",
                   details={"invoice": ours, source: theirs})


def _same_enterprise(asked: str, code: str) -> bool:
    """Whether ``code``, the credit code a registry or credit bureau answered with, is that of the party asked about
    by its tax id ``asked``: the same code, or the credit code of a party holding a legacy 15-character tax id
    (region code + organization code, as ``check_tax_id`` accepts it), which, issued since 2015, carries the same
    organization code (characters 9-17, GB 32100-2015; characters 7-15 of the legacy id, GB 11714) that names one
    organization nationwide. A provider keyed by credit code answers a legacy id so, and the tax source, which knows
    the invoice by the id on it, agrees with the invoice."""
    asked = in_capitals(asked)   # a code in lower case is that code (the reference providers look it up so)
    if code == asked:
        return True
    return (len(asked) == 15 and check_tax_id(asked).valid and len(code) == 18 and check_tax_id(code).valid
            and code[8:17] == asked[6:15].upper())


def _another_party(check: str, source: str, what: str, side: str, asked: str,
                   record: RegistryRecord | CreditRecord) -> Finding:
    """A registry or credit bureau asked about one credit code that answers with the record of another (a provider
    matching loosely, a stale index): what it says (a status, a rating) is another enterprise's, and taken as the
    party's it would pass the check; it fails, and the two codes are listed as a disagreement on the party's tax id,
    as a tax source's record of another seller is."""
    return Finding(check=check, status="fail",
                   message=f"{source}: asked about {asked}, answered with the {what} of {record.credit_code}, "
                           f"another enterprise, which says nothing of the {side}: ask the source again, and report "
                           "the answer to its provider if it holds",
                   details={"asked": asked, "credit_code": record.credit_code})


def _credit_current(source: str, record: CreditRecord, today: date, max_age_days: int) -> Finding:
    """A credit record is the debtor's standing on the day it was made: one older than ``max_age_days`` before
    ``today`` is not taken as today's, and one made after ``today`` was not known on the day verified."""
    age = (today - record.as_of).days
    details = {"as_of": record.as_of.isoformat(), "today": today.isoformat(), "age_days": age,
               "max_credit_age_days": max_age_days}
    if age < 0:
        return Finding(check=CREDIT_CURRENT, status="fail", details=details,
                       message=f"{source}: the credit record of {record.credit_code} is as of {record.as_of}, after "
                               f"the day verified ({today}): it was not known that day; verify on a day no earlier "
                               "than the record's")
    if age > max_age_days:
        return Finding(check=CREDIT_CURRENT, status="fail", details=details,
                       message=f"{source}: the credit record of {record.credit_code} is as of {record.as_of}, "
                               f"{days_text(age)} before {today}, more than the {days_text(max_age_days)} allowed "
                               "(max_credit_age_days, --max-credit-age-days): a rating that old is not the debtor's "
                               "standing now; ask the bureau for a current report of the debtor, and verify again "
                               "with it")
    return Finding(check=CREDIT_CURRENT, status="pass", details=details,
                   message=f"{source}: the credit record is as of {record.as_of}, within "
                           f"{days_text(max_age_days)} of {today}")


def _established(source: str, side: str, record: RegistryRecord, issued: date) -> Finding:
    """An enterprise cannot have issued or received an invoice dated before it was established."""
    check = f"source.registry.{side}.established"
    if record.established is None:
        return Finding(check=check, status="skipped", message=f"{source}: no establishment date for {record.name}")
    before = issued < record.established
    return Finding(check=check, status="fail" if before else "pass",
                   message=(f"{source}: the invoice is dated {issued}, before {record.name} was established on "
                            f"{record.established}: no enterprise invoices before it exists, so the date or the "
                            f"{side} is wrong; check both against the invoice, and the enterprise with the registry"
                            if before else
                            f"{source}: {record.name} was established on {record.established}, before the invoice"),
                   details={"established": record.established.isoformat(), "issue_date": issued.isoformat()})


class Attestation(_Frozen):
    """The document to attest on the ledger, and its SHA-256 digest (hex). A document holding a NaN or an
    infinity is refused (ValidationError naming the field): its canonical JSON would be no JSON
    (:func:`canonical_evidence`)."""

    document: dict
    digest: str

    @field_validator("document")
    @classmethod
    def _only_numbers_json_has(cls, document: dict) -> dict:
        if (problem := _non_finite_problem(document)) is not None:
            raise ValueError(problem)
        return document


def attestation(result: SourceVerification, attested_at: datetime | None = None) -> Attestation:
    """The canonical attestation of a verification (keys sorted, compact, UTF-8, then SHA-256).

    ``attested_at`` (default: now) must carry its time zone: it is written as that moment in UTC. One without
    (``datetime.utcnow()``, a local clock's reading) raises ValueError rather than being read as this machine's
    local time, which would shift the verification by the machine's offset from UTC.

    Putting it on the ledger needs the network and is not done here.
    """
    if attested_at is not None and attested_at.utcoffset() is None:
        raise ValueError(f"attested_at {attested_at} has no time zone: give the moment of the verification with "
                         "its zone, e.g. datetime.now(timezone.utc) (datetime.utcnow() gives none), or leave it out "
                         "for now")
    when = (attested_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    document = {
        "kind": ATTESTATION_KIND,
        "invoice_number": result.invoice_number,
        "invoice_code": result.invoice_code,
        "seller_tax_id": result.seller_tax_id,
        "fingerprint": result.fingerprint,
        # the values verified: a registration counts the attestation only for an invoice that has them
        "buyer_tax_id": result.buyer_tax_id,
        "issue_date": result.issue_date.isoformat(),
        "total_with_tax_fen": result.total_with_tax_fen,
        # the sources that checked the invoice, which the ledger records as its sources; those asked that held
        # nothing of it are named apart, so that no network counts them as having checked it
        "sources": list(result.checked),
        "sources_skipped": list(result.skipped),
        "outcome": "pass" if result.ok else "fail",
        "findings": [{"check": f.check, "status": f.status, "message": f.message} for f in result.findings],
        "disagreements": [d.model_dump() for d in result.disagreements],
        "attested_at": when.isoformat().replace("+00:00", "Z"),
    }
    return Attestation(document=document, digest=evidence_digest(document))


def canonical_evidence(document: dict) -> bytes:
    """An evidence document's canonical JSON (keys sorted, compact, UTF-8): the bytes its digest is taken
    of, and so the bytes an evidence file holds, for ``sha256sum`` of the file to give the digest on the
    ledger.

    Raises ValueError, naming the field, for a document holding a number that is NaN or an infinity (one built
    or edited by hand: :func:`attestation` writes none): Python would write it as ``NaN`` or ``Infinity``, which
    JSON does not have, so the file would be refused by a JSON reader (jq, a browser, another language's
    library) and its digest be the digest of no JSON document. Every other document's bytes are as before."""
    if (problem := _non_finite_problem(document)) is not None:
        raise ValueError(problem)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _non_finite_problem(document: object) -> str | None:
    """Why an evidence document cannot be written as JSON for holding a NaN or an infinity, naming the field."""
    if (place := non_finite_number_at(document)) is None:
        return None
    where, number = place
    return (f"{where}: {number} is no JSON number (JSON has none for NaN or Infinity), so the evidence document "
            "would not be JSON and its digest the digest of no JSON document; give a finite number there, or leave "
            "the field out")


def non_finite_number_at(document: object) -> tuple[str, str] | None:
    """Where a decoded JSON document holds a number that is NaN or an infinity (a float, or a Decimal), as its
    place (``findings[2].score``; ``the document`` for the whole) and the number as Python writes it into JSON
    (``NaN``, ``Infinity``, ``-Infinity``); None where it holds none. Looked for in the order the document gives
    its fields, without recursion: a document nested thousands deep is walked as any other. Each list or object is
    walked once: one built holding itself (no decoded document does) would be walked for ever, and is left to
    ``json.dumps``, which refuses it (ValueError: Circular reference detected)."""
    pending: list[tuple[str, object]] = [("", document)]
    walked: set[int] = set()
    while pending:
        place, node = pending.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return place or "the document", json.dumps(node)
        if isinstance(node, Decimal) and not node.is_finite():
            return place or "the document", ("NaN" if node.is_nan() else "-Infinity" if node < 0 else "Infinity")
        if isinstance(node, (dict, list, tuple)):
            if id(node) in walked:
                continue
            walked.add(id(node))
        if isinstance(node, dict):
            pending.extend((f"{place}.{key}" if place else str(key), value)
                           for key, value in reversed(list(node.items())))
        elif isinstance(node, (list, tuple)):
            pending.extend((f"{place}[{at}]", item) for at, item in reversed(list(enumerate(node))))
    return None


def evidence_digest(document: dict) -> str:
    """The SHA-256 (hex) of an evidence document's canonical JSON (:func:`canonical_evidence`)."""
    return hashlib.sha256(canonical_evidence(document)).hexdigest()
