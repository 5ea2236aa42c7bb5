"""Read scanned and PDF invoices into the invoice model, with a confidence per field.

- A PDF with a text layer is read with ``pypdf``; its text is exact, so found
  fields get confidence 1.0. ``_pdf_text`` places its characters too, and the item
  rows are cut into cells by those places, as a scan's are by its ink.
- A scanner's searchable PDF (a page image, and over it the text its OCR read, drawn
  invisible or hidden by the image) has a text layer that is only a reading: its page
  images are read by OCR, as an image-only PDF's are, and each field is compared with
  what the text layer says; a field they disagree on is flagged. Without ``tesseract``
  (or without a page image) every field of the text layer is flagged, confidence 0.
- An image (PNG, JPEG, TIFF, BMP) or an image-only PDF (its page images are
  taken out with ``pypdf``) is read by the ``tesseract`` binary (OS packages
  ``tesseract-ocr``, ``tesseract-ocr-chi-sim``, ``tesseract-ocr-eng``) in two
  passes. The page pass finds the labels, the item table's columns and where each
  field is; the second pass reads each field's own crop again, in a mode suited to
  what it holds (``_scan_fields``). A field's confidence is tesseract's (0-100
  scaled to 0-1), the lowest over the words it was read from.

A field is *flagged* for a person when its confidence is below ``min_confidence``,
when it is missing or malformed, when its two readings disagree (or agree only once
what may hide a minus sign was taken off one: ``_scan_fields``), when a character
taken off before a figure is no reading of the currency sign, when it was derived
from other fields instead of read (``_cross_checks``), or when it fails a check an
honest reading passes (a tax id's check digit, figures that do not add up, a total
with tax that is not negative beside words that say 负, a number that does not open with its issue
year). A flagged field is never silently trusted: :attr:`ScanResult.ok` is false and
the CLI exits 1 while any field is flagged; the invoice read carries the flagged fields
(:attr:`Invoice.unreviewed`), and a registration or attestation refuses it, and every
reader refuses a file written from it, until a person has checked them. A page scanned askew (up to
``_deskew.SKEW_REACH`` degrees) is straightened before it is read, and one scanned on its side or upside down is read
turned upright (:func:`_upright_page`); the reading says so of a turned page in a note, the field ``turned``, not
flagged. Without tesseract's osd data a page that reads as no invoice is read as scanned, noted in the field
``not_turned`` (not flagged), unless no page of the file reads as an invoice (MissingDependency: the invoice may
be on it, turned). An image or image-only PDF on whose pages OCR finds no invoice label at all, either as scanned or turned
upright (blank, too small or blurred to read, or no invoice) is read as no invoice with one flagged field,
``invoice_text``, saying so (:func:`_no_invoice_text`), rather than every field of an invoice "not found".

A file is read as one invoice. One that holds several (``_scan_layout.invoices_in``: another invoice number or
another seller in a later title block, or another number with item rows after it) is never read as one:
:func:`read_scans` reads each on its own, and :func:`read_scan` flags the field ``invoices``, naming each number and
its pages. A second copy of one invoice (its title block again after its totals) is read apart and compared, never
read into it: the field ``copies`` is flagged, naming its pages. A page of an invoice printing, with no title block,
a number one or two characters off the invoice's is read into it and flags ``number``: a misreading or another
invoice's number, which a person tells.

The layout read is the one printed on fully digitalised e-invoices: labelled
fields ``发票号码：`` ``开票日期：`` ``名称：`` (each party's by the block label it stands in, 购买方 or
销售方; the seller's printed first, or a value with no label, flagged)
``统一社会信用代码/纳税人识别号：`` (a natural person buying has none: read as
``""`` and flagged), the item table (项目名称 规格型号 单位 数量 单价
金额 税率 税额; an item name may wrap onto further lines of its column), then ``合计``
and ``价税合计（大写）…（小写）``. The amount in words (大写) is read where it is printed
(``total_in_words``) and must say the total with tax in figures; words that cannot
be read as an amount (``_amount_words``, a strict reading), or that say another
amount, flag the words, and in the second case the total too.
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import replace
from itertools import zip_longest
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Callable, Iterable, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, ValidationError, field_serializer

from client.money import plain_yuan
from client.user_files import UnreadableFile, read_user_bytes, too_large

from ._amount_words import amount_in_words_fen, words_negative
from ._cross_checks import RowValues, Totals, amount_agrees, restore_row, restore_totals, row_values, tax_agrees
from ._deskew import SKEW_REACH, skew_of, straightened
from ._item_table import COLUMNS, REQUIRED
from ._lines import TextLine
from ._ocr import MAX_OCR_IMAGES, MAX_OCR_PAGES, MAX_OCR_PIXELS, image_kind, load_pages, require_tesseract, \
    too_many_images, too_many_pages, too_many_pixels, turned, upright_turn
from ._page import ScannedPage
from ._pdf_text import PageContents, layer_verdict, text_layer
from ._reading import (ValueProblem, deduction_problem, deduction_spans, difference_tax, grouped_in_thousands,
                       half_width_figures, offset_invoice, offset_invoices_in, to_fen)
from ._remark_lines import remark_wraps_joined
from ._scan_fields import KINDS, Found, amount_in_words, scanned_number_problem, tax_id_text, unit_text
from ._scan_layout import HEADER_FIELDS, HEADER_KINDS, InvoiceInFile, Row, header_readings, invoice_text_on, \
    PaperIdentity, invoices_in, item_rows, join_wrapped_names, paper_identity, read_again, second_identity
from .credit_code import check_tax_id
from .errors import MalformedInput, MissingDependency, UnsupportedFormat
from .fingerprint import code_problem, offset_identity_problem, paper_identity_problem
from .model import DEFAULT_MIN_CONFIDENCE, Invoice, InvoiceLine, Party, UnreviewedField
from .parse import DOWNLOAD_AGAIN, refuse_gzip, refuse_ofd

# The largest scan file read. A page scanned at 300 dpi is a few MB as JPEG or a scanner's PDF, and a file is read
# for at most MAX_OCR_PAGES pages, so a real scan stays far below this; the 1 GiB of any other file was read whole
# into memory, and a PDF's parse and its images' decoding then hold several times that.
MAX_SCAN_BYTES = 256 * 1024 * 1024
# What a person is told to do with a file over MAX_SCAN_BYTES, after the limit (the CLI says it of its argument too)
SCAN_TOO_LARGE_ADVICE = ("A page scanned at 300 dpi is a few MB as JPEG or PDF: scan the invoice again so, split a "
                         "file of several invoices into one file per invoice, or ask the sender for the invoice's XML")
# the one field of a reading that found no invoice label on its pages (:func:`_no_invoice_text`)
NO_INVOICE_TEXT = "invoice_text"
# the note (a field, not flagged) of a reading with pages scanned turned and read upright (:func:`_turned_reading`)
TURNED = "turned"
# the note (a field, not flagged) of a reading with pages read as scanned alone, not asked which way up they are
# (:func:`_with_unturned_note`)
NOT_TURNED = "not_turned"
# the note of a reading with pages after the invoice's total with tax, not read into it (:func:`_pages_after_reading`);
# flagged where one of them prints item rows
PAGES_AFTER = "pages_after"
# the fields that are notes on how the pages were read, not what they print
_NOTES = (TURNED, NOT_TURNED, PAGES_AFTER)


def shown_confidence(confidence: float) -> float:
    """A confidence to three places, rounded down: one just below the threshold a field is flagged under (0.7996
    under 0.80) is shown below it (0.799), never rounded up to it, which would leave a person, or a program reading
    the confidence, unable to tell why the field was flagged."""
    return _to_thousandths(confidence, ROUND_FLOOR)


def low_confidence_reason(confidence: float, min_confidence: float) -> str:
    """Why a field read with ``confidence`` below ``min_confidence`` is flagged, each to three places: the
    threshold rounded up, as the confidence is rounded down, so that one given to more places (0.8005) is never
    shown as low as a confidence below it (0.8003: "0.800 < 0.801", not "0.800 < 0.800")."""
    return (f"low confidence {shown_confidence(confidence):.3f} < "
            f"{_to_thousandths(min_confidence, ROUND_CEILING):.3f}")


def _to_thousandths(number: float, rounding: str) -> float:
    # from the float's shortest repr, not its binary value: 0.8 is 0.8000000000000000444 in binary, which
    # rounded up would be 0.801
    return float(Decimal(repr(number)).quantize(Decimal("0.001"), rounding=rounding))


class FieldReading(BaseModel):
    """One field as read: its text, the confidence, why it is flagged (if it is), and how it was derived
    when it was not read as is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str | None
    confidence: float
    flagged: bool
    reason: str | None = None
    derived: str | None = None


class ScanResult(BaseModel):
    """What was read from a scan: the fields, and the invoice when every required field was found.

    ``fields`` has the header fields, one entry per item row (``lines[0]``: the row as read, flagged when
    any of its cells is) and one per cell (``lines[0].quantity``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    # ocr-text-layer: a scanner's searchable PDF, its page images read by OCR and compared with its text layer
    method: Literal["text-layer", "ocr", "ocr-text-layer"]
    fields: dict[str, FieldReading]
    line_items: tuple[InvoiceLine | None, ...] = ()
    invoice: Invoice | None
    pages: tuple[int, ...] = ()  # the pages (from 1; an image's frames) the invoice was read from

    @field_serializer("invoice", mode="wrap")
    def _invoice_with_its_threshold(self, invoice: Invoice | None, dump: SerializerFunctionWrapHandler) -> object:
        # the invoice's own dump leaves out the confidence its fields were flagged below (so that a reading compares
        # equal to the invoice it read); a reading written out (model_dump_json, `recfin invoice read --json`) keeps
        # it, or one read below the default would be read back as trusted
        dumped = dump(invoice)
        if invoice is not None and invoice.min_confidence is not None:
            dumped["min_confidence"] = invoice.min_confidence
        return dumped

    @property
    def flagged(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.flagged]

    @property
    def ok(self) -> bool:
        return self.invoice is not None and not self.flagged

    @property
    def no_invoice_text(self) -> str | None:
        """Why nothing of an invoice was read (:func:`_no_invoice_text`), or ``None`` where something was."""
        reading = self.fields.get(NO_INVOICE_TEXT)
        return reading.reason if reading is not None else None


class _OcrReading:
    """What OCR read off a file's page images: its lines, each page (counted from 0) that reads as no invoice
    and was read as scanned alone because which way up it is could not be asked (no osd data), with why, and
    how many pixels the images added had in all, by their headers (``pixels``: within MAX_OCR_PIXELS)."""

    def __init__(self) -> None:
        self.lines: list[TextLine] = []
        self.unturned: dict[int, MissingDependency] = {}
        self.pixels = 0

    def invoice_lines(self) -> list[TextLine]:
        """The lines, where a page of them reads as an invoice or every page could be asked which way up it is;
        else raises why a page could not be: the invoice may be on it, turned. A duplex scan's blank back page
        reads as no invoice either way up, and with the invoice read off the front it costs nothing to skip."""
        if self.unturned and not invoice_text_on(self.lines):
            raise next(iter(self.unturned.values()))
        return self.lines

    def add(self, image: bytes | Path, source: str, first_page: int) -> None:
        """OCR every frame of an image, numbered from ``first_page`` (counted from 0), into this reading: the
        page pass's lines, which keep their page for the second pass and know its number. The file's images
        are refused where, with this one, they have more pixels than MAX_OCR_PIXELS, before this one is
        decoded: a PDF's images were counted by what the PDF says of them (:func:`_pdf_images`), each is
        counted here by its own header."""
        require_tesseract()
        frames = load_pages(image, source)
        if self.pixels + frames.pixels > MAX_OCR_PIXELS:
            raise too_many_pixels(source, self.pixels + frames.pixels)
        self.pixels += frames.pixels
        for number, frame in enumerate(frames, start=first_page):
            page, unturned = _upright_page(frame, source)
            if unturned is not None:
                self.unturned[number] = unturned
            for line in page.lines:
                line.page_number = number
            self.lines.extend(page.lines)


def ocr_image(image: bytes | Path, source: str, first_page: int = 0) -> list[TextLine]:
    """OCR every frame of an image: the page pass's lines, which keep their page for the second pass and know its
    number (``first_page`` for the first frame, counted from 0). Raises as :meth:`_OcrReading.invoice_lines`."""
    reading = _OcrReading()
    reading.add(image, source, first_page)
    return reading.invoice_lines()


def _upright_page(frame, source: str) -> tuple[ScannedPage, MissingDependency | None]:
    """The page read as scanned, straightened first where it was scanned askew (:func:`_deskew.skew_of`, clearly
    askew by MIN_SKEW degrees or more); where that finds nothing of an invoice on it, the page turned the way
    tesseract's orientation detection finds its text upright (however sure of it: :func:`upright_turn`) and read
    again, and where that finds nothing of an invoice either, turned the opposite way once (a page on its side named
    the wrong side); a page OSD finds upright (or cannot tell) is not read again.
    The skew is estimated on the page as scanned, before any quarter turn, from its rows and columns of ink alike: a
    page scanned on its side and askew is straightened by the same estimate, so its orientation detection and its
    reading turned upright both see level lines; and every page is read straight the first time, not once askew.
    A turned reading is kept only where it reads more (:func:`_things_read`) than the page as scanned, which may
    hold fields read without a label line; else the page as scanned. An upright page is read once, as before:
    orientation detection takes about as long as a page pass, and is asked only of a page whose reading came to
    nothing. Also why the page was not asked which way up it is (no osd data: the page as scanned), or ``None``."""
    skew = skew_of(frame)
    askew = skew.degrees if skew.clear else 0.0
    if askew:
        frame = straightened(frame, skew)
    page = ScannedPage(frame, source, askew=askew)
    if invoice_text_on(page.lines):
        return page, None
    try:
        degrees = upright_turn(frame, source)
    except MissingDependency as exc:
        return page, exc
    if not degrees:     # upright, as OSD reads it (or too little text to tell): the page as scanned is the reading
        return page, None
    # 180 turned the opposite way is the page as scanned, already read
    for turn in dict.fromkeys(d for d in (degrees, (degrees + 180) % 360) if d):
        upright = ScannedPage(turned(frame, turn), source, turned=turn, askew=askew)
        if invoice_text_on(upright.lines):
            return (upright if _things_read(upright) > _things_read(page) else page), None
    return page, None


def _things_read(page: ScannedPage) -> int:
    """How much of an invoice a page reads: its fields read (a value, flagged or not) and its item rows."""
    fields, _, items = extract_fields(page.lines, DEFAULT_MIN_CONFIDENCE)
    return sum(reading.value is not None for reading in fields.values()) + sum(item is not None for item in items)


def _turned_reading(lines: list[TextLine]) -> FieldReading | None:
    """The note of the pages of a reading that were scanned turned and read turned upright, which page by how many
    degrees clockwise; ``None`` where none was. Not flagged: the page is read as if scanned upright."""
    turns = {line.page_number + 1: line.page.turned for line in lines if line.page is not None and line.page.turned}
    if not turns:
        return None
    said = ", ".join(f"page {page} {_TURN_WORDS[degrees]}, turned {degrees}° clockwise"
                     for page, degrees in sorted(turns.items()))
    return FieldReading(value=", ".join(f"page {page}: {degrees}" for page, degrees in sorted(turns.items())),
                        confidence=1.0, flagged=False,
                        reason=f"scanned turned and read upright: {said}; every field is read off the upright page")


_TURN_WORDS = {90: "on its side", 180: "upside down", 270: "on its side"}


# --- from readings to fields ------------------------------------------------------

def extract_fields(lines: list[TextLine], min_confidence: float
                   ) -> tuple[dict[str, FieldReading], Invoice | None, tuple[InvoiceLine | None, ...]]:
    """Fields, the invoice when complete, and each item row as read (``None`` where unreadable)."""
    raw = header_readings(lines)
    if (paper := paper_identity(lines)) is not None:
        raw["number"] = paper.number    # the invoice's own number is its 20-digit one, whichever label it is under
    rows = item_rows(lines)
    read_again(raw, rows)
    join_wrapped_names(rows)
    values, problems = _header_values(raw)
    paper_fields = _paper_fields(paper, raw, problems, min_confidence)
    if paper_fields:
        values.update((name, reading.value) for name, reading in paper_fields.items())
    elif (other := second_identity(lines)) is not None:
        problems["number"] = "; ".join(filter(None, (problems.get("number"), _two_identities(*other))))
    taxed_on_difference, deduction, deduction_flag, deduction_confidence = _difference_tax(lines, rows)
    _restore_figures(raw, rows, values, problems)
    if deduction is not None and deduction_flag is None:
        deduction_flag = _deduction_off_amount(deduction, rows)
    if deduction is not None and deduction_flag is None and deduction_confidence < min_confidence:
        # the row's tax check passes a deduction misread by a few fen (8 fen at 6% is half a fen of tax)
        deduction_flag = low_confidence_reason(deduction_confidence, min_confidence)
    words = _words_reading(raw["total_in_words"], values.get("total_with_tax"), problems)
    fields = {name: _reading(raw[name], problems.get(name), min_confidence) for name in HEADER_FIELDS}
    fields.update(paper_fields)
    if words is not None:
        fields["total_in_words"] = words
    items = _row_fields(rows, values, fields, min_confidence)
    if not rows:
        fields["lines"] = FieldReading(value=None, confidence=0.0, flagged=True, reason="no item rows found")
    paper = tuple(paper_fields[name].value for name in ("paper_code", "paper_number")) if paper_fields else ("", "")
    original_field, original = _original_reading(lines, rows, values.get("number"), paper, min_confidence)
    if original_field is not None:
        fields["original"] = original_field
    if deduction is not None or deduction_flag is not None:
        # a field wherever a deduction is read, flagged or not: a searchable PDF's text layer and a second
        # copy are compared with the reading field by field, and a deduction they print otherwise is said
        fields["deduction"] = FieldReading(
            value=None if deduction is None else plain_yuan(deduction),
            confidence=0.0 if deduction is None else shown_confidence(deduction_confidence),
            flagged=deduction_flag is not None, reason=deduction_flag)
    invoice = _invoice(values, items)
    if invoice is not None and taxed_on_difference:
        invoice = invoice.model_copy(update={"taxed_on_difference": True})
    if invoice is not None and original is not None:   # checked as any invoice's identity (_original_reading)
        invoice = invoice.model_copy(update={"original_code": original[0], "original_number": original[1]})
    return fields, invoice, items


def _paper_fields(paper: PaperIdentity | None, raw: dict[str, Found | None], problems: dict[str, str],
                  min_confidence: float) -> dict[str, FieldReading]:
    """The paper form's 发票代码 and 8-digit 发票号码 (``paper_code``, ``paper_number``) of a page printing them beside
    its 20-digit number, where all three are read cleanly: the number unflagged and read as the 20 digits beside
    the code, the code of a code's form, each as sure as ``min_confidence``. Empty otherwise, and the number is
    flagged as printing a second identity: a misread digit of either would leave the paper identity to be looked
    up, and the invoice registered, under another invoice's."""
    if paper is None or "number" in problems or raw["number"] is None or raw["number"].value != paper.number.value:
        return {}
    readings = {"paper_code": paper.paper_code, "paper_number": paper.paper_number}
    if min(found.confidence for found in (raw["number"], *readings.values())) < min_confidence \
            or any(found.doubt for found in (raw["number"], *readings.values())) \
            or paper_identity_problem("", paper.number.value, paper.paper_code.value, paper.paper_number.value):
        return {}
    return {name: FieldReading(value=found.value, confidence=shown_confidence(found.confidence), flagged=False)
            for name, found in readings.items()}


def _two_identities(label: str, value: str) -> str:
    """Why a number printed beside another identity of its invoice needs a person: the ledger cannot link the two."""
    return (f"the page also prints {label} {value}: an invoice of the fully digitalised platform delivered on paper "
            "(数电纸质发票) has two identities, the paper form's 发票代码 and 8-digit 发票号码 and the platform's "
            "20-digit number, which fingerprint apart and which the ledger cannot link; before registering it "
            "under one, look both up (FindInvoice, or recfin invoice verify --ledger) and make sure neither "
            "backs another claim")


def _difference_tax(lines: list[TextLine], rows: list[Row]) -> tuple[bool, int | None, str | None, float]:
    """Whether the invoice says it is taxed on the difference (差额征税, in its remark), the deduction it gives,
    why the deduction cannot be read, if it cannot, and how sure its reading is: the lowest confidence of the
    characters of the mark and figure it is read from (1.0 on a text layer). The deduction is given to the
    invoice's one item row.

    Only text outside the item rows is read (:func:`_remark_text`), as the XML reader reads only text outside its
    item lines: an item named ``*经纪代理服务*差额征税代理费`` says nothing about how the invoice is taxed."""
    outside = _remark_text(lines, rows)
    try:
        said, deduction = difference_tax((line.text for line in outside), printed_lines=True)
    except ValueProblem as exc:
        return True, None, f"the deduction after 差额征税 cannot be read: {exc}", 0.0
    if deduction is not None and len(rows) == 1:
        rows[0].deduction = deduction
    confidence = min((line.span_conf(start, end)
                      for line in outside for start, end in deduction_spans(line.text)), default=1.0)
    return said, deduction, None, confidence


def _remark_text(lines: list[TextLine], rows: list[Row]) -> list[TextLine]:
    """The lines outside the item rows, where the remark is, a naming or a deduction the remark wraps inside read as
    one line, apart from the blocks OCR read onto the remark's lines (:func:`remark_wraps_joined`)."""
    in_rows = {id(line) for row in rows for line in row.lines}
    return remark_wraps_joined([line for line in lines if id(line) not in in_rows])


def _original_reading(lines: list[TextLine], rows: list[Row], number: object, paper: tuple[str, str],
                      min_confidence: float) -> tuple[FieldReading | None, tuple[str, str] | None]:
    """The invoice a red-letter invoice's remark says it offsets (field ``original``: its code and number, or its
    number alone), read as the XML reader reads it (:func:`offset_invoice`) from text outside the item rows
    (:func:`_remark_text`); and its code and number where they are to be trusted. Flagged, and not given to the
    invoice, where two are named, where a naming's label has no identity after it, where its identity is no
    invoice's (:func:`offset_identity_problem`, as any invoice's is checked), or where it was read with low
    confidence; ``paper`` is the page's paper identity, or two empty strings, which the invoice may not name as the
    one it offsets either. ``(None, None)`` where the page names none."""
    outside = _remark_text(lines, rows)
    try:
        original = offset_invoice(line.text for line in outside)
    except ValueProblem as exc:
        return FieldReading(value=None, confidence=0.0, flagged=True, reason=f"the remark {exc}"), None
    if original is None:
        return None, None
    confidence = min(line.span_conf(*span) for line in outside for *_, span in offset_invoices_in(line.text))
    code, original_number = original
    problem = offset_identity_problem(code, original_number, "", number if isinstance(number, str) else "", *paper)
    if problem is None and confidence < min_confidence:
        problem = low_confidence_reason(confidence, min_confidence)
    reading = FieldReading(value=f"{code} {original_number}" if code else original_number,
                           confidence=shown_confidence(confidence), flagged=problem is not None, reason=problem)
    return reading, (original if problem is None else None)


def _deduction_off_amount(deduction: int, rows: list[Row]) -> str | None:
    """Why the deduction cannot be taken off the rows' amount (``_reading.deduction_problem``), once every
    row's amount is read; ``None`` where it can, or where an amount is missing (that row is flagged already)."""
    amounts = [row_values(row.cells).amount if row.problem is None else None for row in rows]
    if not amounts or None in amounts:
        return None
    return deduction_problem(deduction, sum(amounts))


def _header_values(raw: dict[str, Found | None]) -> tuple[dict[str, object], dict[str, str]]:
    """The header fields as typed values (where readable), and the problems found with them."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name in ("number", "buyer.name", "seller.name"):
        if raw[name] is not None:
            values[name] = raw[name].value
    if raw["number"] is not None and not KINDS["number"].well_formed(read := raw["number"].value):
        half_width = half_width_figures(read)
        if half_width != read and KINDS["number"].well_formed(half_width):
            # printed so (a text layer typed in full-width mode): no misreading, and a person sees digits either
            # way; the number is kept as printed, as the XML and JSON readers keep it (number.format names it too)
            problems["number"] = (f"invoice number {read!r} is printed in full-width digits, which the ledger does "
                                  f"not take: in half-width digits it is {half_width}; check it against the invoice "
                                  "and write it so")
        else:
            problems["number"] = f"{scanned_number_problem(read)}; probably misread, check it against the invoice"
    _convert(raw, "issue_date", _scan_date, values, problems)
    number, issued = values.get("number"), values.get("issue_date")
    if "number" in values and "number" not in problems and isinstance(issued, date) \
            and code_problem("", number, issued) is not None:
        # a fully digitalised invoice's number opens with its issue year's last two digits (number.code, which
        # a registration checks): a digit of either misread (2026 as 2028, 26... as 28...) breaks it
        mismatch = (f"invoice number {number} does not open with {issued.year % 100:02d}, the last two "
                    f"digits of the issue year {issued.year}, as a fully digitalised e-invoice's number "
                    "does: the number or the issue date is probably misread, check both against the invoice")
        problems["number"] = mismatch
        problems.setdefault("issue_date", mismatch)
    for side in ("buyer", "seller"):
        found = raw[f"{side}.tax_id"]
        if found is None:
            continue
        if not found.value:
            values[f"{side}.tax_id"] = ""
            problems[f"{side}.tax_id"] = (f"no tax id printed after the {side}'s label: a natural person (个人) "
                                          "has none, and only an enterprise can owe or hold a receivable")
            continue
        text, note = tax_id_text(found.value)
        if note:
            raw[f"{side}.tax_id"] = replace(found, value=text, note=note)
        values[f"{side}.tax_id"] = text
        checked = check_tax_id(text)
        half_width = unicodedata.normalize("NFKC", text)
        if not checked.valid and half_width != text and half_width.isascii() and check_tax_id(half_width).valid:
            # printed so (typed in full-width mode): no misreading, and its check digit agrees once half-width
            problems[f"{side}.tax_id"] = (f"{text!r} is printed in full-width characters, which the ledger does not "
                                          f"take: in half-width ones it is {half_width}; check it against the invoice "
                                          "and write it so")
        elif not checked.valid:
            problems[f"{side}.tax_id"] = (f"{checked.reason}: probably misread, check it against the invoice"
                                          if checked.kind == "unknown" else "check digit fails: probably misread")
    return values, problems


def _restore_figures(raw: dict[str, Found | None], rows: list[Row], values: dict[str, object],
                     problems: dict[str, str]) -> None:
    """Units read as no unit, and figures that could not be read or break a check the others pass, restored
    from the others (``_cross_checks``); then the totals typed into ``values``."""
    live = [row for row in rows if row.problem is None]
    for row in live:
        unit = row.cells.get("unit")
        if unit is not None:
            text, how = unit_text(unit.value)
            if how:
                row.cells["unit"] = replace(unit, value=text, derived=how)
        row.cells = restore_row(row.cells, amount_in_total=False, deduction=row.deduction)
    read: dict[str, object] = {}
    for name in ("total_amount", "total_tax", "total_with_tax"):
        _convert(raw, name, to_fen, read, {})
    complete = len(live) == len(rows)
    lines_amount = _column_sum(live, "amount") if complete else None
    if lines_amount is not None and lines_amount == read.get("total_amount"):
        for row in live:  # 合计金额 confirms every amount: a quantity or price that disagrees was misread
            row.cells = restore_row(row.cells, amount_in_total=True, deduction=row.deduction)
    totals, conflict = restore_totals(
        {name: raw[name] for name in ("total_amount", "total_tax", "total_with_tax")},
        Totals(read.get("total_amount"), read.get("total_tax"), read.get("total_with_tax"),
               lines_amount, _column_sum(live, "tax") if complete else None))
    raw.update(totals)
    for name in totals:
        _convert(raw, name, to_fen, values, problems)
        if name in conflict:
            problems.setdefault(name, "amount + tax != total with tax: one of them is probably misread")


def _words_reading(words: Found | None, total_with_tax: object, problems: dict[str, str]) -> FieldReading | None:
    """The amount in words (大写) compared with 价税合计 in figures; ``None`` where no words are printed.

    Words that say another amount flag themselves and the total alike (one of the two is misread or altered).
    Words that agree confirm each other with the figures, however unsure the OCR was of them. Words that
    cannot be read as an amount are flagged on a text layer, whose text is exact; on a scan they are
    reported, not compared and not flagged: tesseract's Chinese model misreads 仟 and 叁 more often than not,
    and the total in figures has its own checks. Their sign is compared all the same: words that say 负 (a
    red-letter invoice's （负数）) beside a total that is not negative flag both, as a total read without its
    minus sign would be.
    """
    if words is None:
        return None
    try:
        said = amount_in_words_fen(words.value)
    except ValueProblem as exc:
        why = f"could not read the amount in words: {exc}"
        if isinstance(total_with_tax, int) and total_with_tax >= 0 and words_negative(words.value):
            sign = (f"the amount in words {words.value} says 负, a negative amount, and the total with tax "
                    f"{plain_yuan(total_with_tax)} is not negative: one of them is misread or altered (a minus "
                    "sign lost from the figures?)")
            problems.setdefault("total_with_tax", sign)
            return FieldReading(value=words.value, confidence=shown_confidence(words.confidence), flagged=True,
                                reason=f"{sign}; {why}")
        if words.page is not None:
            return FieldReading(value=words.value, confidence=shown_confidence(words.confidence), flagged=False,
                                reason=f"not compared: {why}")
        return FieldReading(value=words.value, confidence=shown_confidence(words.confidence), flagged=True, reason=why)
    if not isinstance(total_with_tax, int) or said == total_with_tax:
        unconfirmed = None if isinstance(total_with_tax, int) else "not compared: the total with tax was not read"
        return FieldReading(value=words.value, confidence=shown_confidence(words.confidence), flagged=False,
                            reason=unconfirmed)
    why = (f"the amount in words {words.value} is {plain_yuan(said)}, not the total with tax "
           f"{plain_yuan(total_with_tax)}: one of them is misread or altered")
    problems.setdefault("total_with_tax", why)
    return FieldReading(value=words.value, confidence=shown_confidence(words.confidence), flagged=True, reason=why)


def _convert(raw: dict[str, Found | None], name: str, convert, values: dict[str, object],
             problems: dict[str, str]) -> None:
    found = raw[name]
    if found is None:
        return
    try:
        values[name] = convert(found.value)
    except (ValueProblem, ValueError) as exc:
        problems[name] = f"unreadable: {exc}"


def _column_sum(rows: list[Row], column: str) -> int | None:
    figures = [getattr(row_values(row.cells), column) for row in rows]
    return sum(figures) if figures and None not in figures else None


def _reading(found: Found | None, problem: str | None, min_confidence: float) -> FieldReading:
    """A field as reported, flagged with the first reason that applies: missing, a failed check, derived
    from other fields, two readings that disagree, low confidence."""
    if found is None:
        return FieldReading(value=None, confidence=0.0, flagged=True, reason="not found")
    reason = problem
    if reason is None and found.derived:
        reason = f"derived, not read: {found.derived}"
    reason = reason or found.doubt
    if reason is None and found.confidence < min_confidence:
        reason = low_confidence_reason(found.confidence, min_confidence)
    return FieldReading(value=found.value, confidence=shown_confidence(found.confidence), flagged=reason is not None,
                        reason=reason, derived=found.derived or found.note)


def _row_fields(rows: list[Row], values: dict[str, object], fields: dict[str, FieldReading],
                min_confidence: float) -> tuple[InvoiceLine | None, ...]:
    """Each row's reading (``lines[i]``) and its cells' (``lines[i].amount``) into ``fields``; the rows as lines."""
    live = [row for row in rows if row.problem is None]
    sums_off = {}
    if len(live) == len(rows):
        for column, total, label in (("amount", "total_amount", "合计金额"), ("tax", "total_tax", "合计税额")):
            added = _column_sum(live, column)
            if isinstance(values.get(total), int) and added is not None and added != values[total]:
                # the rows or the total may be the one misread: both are flagged, for a person to tell
                sums_off[column] = (f"the rows' {column} column adds up to {plain_yuan(added)}, not {label} "
                                    f"{plain_yuan(values[total])}")
                fields[total] = _with_flag(fields[total], sums_off[column])
    items: list[InvoiceLine | None] = []
    for i, row in enumerate(rows):
        key = f"lines[{i}]"
        if row.problem is not None:
            fields[key] = FieldReading(value=row.text, confidence=shown_confidence(row.confidence), flagged=True,
                                       reason=row.problem)
            items.append(None)
            continue
        figures = row_values(row.cells, row.deduction)
        problems = _cell_problems(row.cells, figures, scanned=any(line.page is not None for line in row.lines))
        for column, problem in sums_off.items():
            problems.setdefault(column, problem)
        cells = {column: _reading(row.cells.get(column), problems.get(column), min_confidence)
                 for column in COLUMNS if column in row.cells or column in problems}
        flagged = [column for column, reading in cells.items() if reading.flagged]
        fields[key] = FieldReading(value=" ".join(r.value for r in cells.values() if r.value),
                                   confidence=min(r.confidence for r in cells.values()), flagged=bool(flagged),
                                   reason=f"check {', '.join(flagged)}" if flagged else None)
        fields.update({f"{key}.{column}": reading for column, reading in cells.items()})
        items.append(_invoice_line(row.cells, figures))
    return tuple(items)


# a Chinese character beside Latin letters or digits, in either order, white space between or not
_CJK_AMONG_LATIN = re.compile(r"[\u4e00-\u9fff]\s*[A-Za-z0-9]|[A-Za-z0-9]\s*[\u4e00-\u9fff]")


# A quantity or unit price read off a scan is held to plain digits: OCR may read a point as a comma (1.000 as 1,000),
# and only a person can tell which was printed. A text layer holds the invoice's own characters, none misread, so
# there one printed with thousands separators (1,000) is read as printed.
_GROUPED_ON_A_TEXT_LAYER = ("quantity", "unit_price")


def _cell_problems(cells: dict[str, Found], figures: RowValues, scanned: bool = False) -> dict[str, str]:
    """Why each cell of a row is to be checked. On a scan (``scanned``: read off a page image, not a text layer) a
    spec with a Chinese character beside Latin letters or digits is one: OCR's Chinese model reads a symbol it has
    no place for as a character (Φ25 as 中25) and is sure of it, and no figure on the invoice checks a spec."""
    problems = dict.fromkeys((c for c in REQUIRED if c not in cells), "not found")
    for column, found in cells.items():
        unreadable = hasattr(figures, column) and getattr(figures, column) is None
        if unreadable or not (KINDS[column].well_formed(found.value) or
                              not scanned and column in _GROUPED_ON_A_TEXT_LAYER and grouped_in_thousands(found.value)):
            problems[column] = "unreadable: probably misread"
    spec = cells.get("spec")
    if scanned and spec is not None and _CJK_AMONG_LATIN.search(spec.value):
        problems.setdefault("spec", "a Chinese character beside Latin letters or digits, as OCR reads a symbol "
                                    "such as Φ it has no place for: check it against the scan")
    if amount_agrees(figures) is False:
        for column in ("quantity", "unit_price", "amount"):
            problems.setdefault(column, "quantity x unit price != amount: one of them is probably misread")
    if tax_agrees(figures) is False:
        for column in ("amount", "tax_rate", "tax"):
            problems.setdefault(column, "amount x rate != tax: one of them is probably misread")
    return problems


def _invoice_line(cells: dict[str, Found], figures: RowValues) -> InvoiceLine | None:
    if "name" not in cells or None in (figures.amount, figures.tax_rate, figures.tax):
        return None
    try:
        return InvoiceLine(name=cells["name"].value, spec=cells["spec"].value if "spec" in cells else None,
                           unit=cells["unit"].value if "unit" in cells else None, quantity=figures.quantity,
                           unit_price=figures.unit_price, amount_fen=figures.amount, tax_rate=figures.tax_rate,
                           tax_fen=figures.tax, deduction_fen=figures.deduction)
    except ValidationError:
        return None


def _invoice(values: dict[str, object], items: tuple[InvoiceLine | None, ...]) -> Invoice | None:
    """The invoice, when every header field was read and every row could be."""
    if not set(HEADER_FIELDS) <= values.keys() or not items or None in items:
        return None
    try:
        return Invoice(number=values["number"], issue_date=values["issue_date"],
                       paper_code=values.get("paper_code", ""), paper_number=values.get("paper_number", ""),
                       seller=Party(name=values["seller.name"], tax_id=values["seller.tax_id"]),
                       buyer=Party(name=values["buyer.name"], tax_id=values["buyer.tax_id"]),
                       lines=tuple(items), total_amount_fen=values["total_amount"],
                       total_tax_fen=values["total_tax"], total_with_tax_fen=values["total_with_tax"])
    except ValidationError:
        return None


def _scan_date(text: str) -> date:
    m = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return date.fromisoformat(text)


# --- inputs -------------------------------------------------------------------

# A PDF encrypted for its readers' certificates (/Adobe.PubSec) or another non-standard handler: no password opens it.
PDF_OTHER_ENCRYPTION = ("encrypted with a security handler other than the standard password one: ask the sender for "
                        "the invoice unencrypted or as XML")
# A PDF encrypted with a password to open it: pypdf opens one whose password is empty, and recfin asks for none.
PDF_PASSWORD_ENCRYPTION = ("encrypted with a password to open it, which recfin does not take: ask the sender for the "
                           "invoice without a password (or as XML), or save a copy without the password in a PDF "
                           "reader that has it, and read that")


# pypdf logs what it repairs or cannot read in a damaged PDF through Python logging ('pypdf' and the loggers under it),
# raw bytes and all ("Got invalid hex string: ... (b'6jE5')"): the caller's logs are no place for them, as what the
# reading found (a field flagged, the PDF refused as damaged) says what matters. Held above CRITICAL while any PDF
# is read, its level restored once the last reading ends; the caller's own loggers are never touched.
_PYPDF_LOGGER = "pypdf"
_pypdf_logging_lock = threading.Lock()
_pypdf_readings = 0
_pypdf_level_before = logging.NOTSET


@contextmanager
def _pypdf_logging_held():
    """Within the block, the 'pypdf' logger (and so each under it whose level is not set: all of pypdf's own) logs
    nothing; readings in several threads at once share the hold, the level before the first restored after the
    last."""
    global _pypdf_readings, _pypdf_level_before
    logger = logging.getLogger(_PYPDF_LOGGER)
    with _pypdf_logging_lock:
        if _pypdf_readings == 0:
            _pypdf_level_before = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _pypdf_readings += 1
    try:
        yield
    finally:
        with _pypdf_logging_lock:
            _pypdf_readings -= 1
            if _pypdf_readings == 0:
                logger.setLevel(_pypdf_level_before)


def _pdf_reader(data: bytes, source: str):
    try:
        from pypdf import PasswordType, PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise MissingDependency("the Python package pypdf", "pip install 'pypdf>=7.1,<8'") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise MalformedInput(source, None, PDF_PASSWORD_ENCRYPTION)
        return reader
    except (PdfReadError, ValueError, OSError) as exc:
        raise _damaged_pdf(source, "not a readable PDF", exc) from None
    except NotImplementedError as exc:   # pypdf decrypts only the standard (password) security handler
        if "encrypt" not in str(exc).lower():
            raise _damaged_pdf(source, "not a readable PDF", exc) from None
        raise MalformedInput(source, None, PDF_OTHER_ENCRYPTION) from None


# pypdf's own words on a damaged PDF, kept in a message where they are one short sentence ("Stream has ended
# unexpectedly", "Unsupported filter /NoSuchDecode"): letters, digits, spaces and the punctuation of a PDF name
_PYPDF_SENTENCE = re.compile(r"[A-Za-z][A-Za-z0-9 /,.:'()-]{0,99}")
# ... but not where they show raw bytes (b'\x14'), an object's repr with its memory address (IndirectObject(7, 0,
# 140333773158352)) or an offset into the file (@375): such words tell a person nothing
_PYPDF_NOT_SAID = re.compile(r"\bb'|\bb\"|\\x|Object\(|@\d")


def _pypdf_words(exc: Exception) -> str | None:
    """What pypdf said of a PDF it could not read, where it is one short sentence a person can read; ``None``
    otherwise. Only pypdf's own errors (and the NotImplementedError of a filter it lacks) are its words: a
    KeyError or an AttributeError from inside it ("'NoneType' object has no attribute 'get'") says nothing of the
    file."""
    from pypdf.errors import PyPdfError  # imported only where a PDF is read

    if not isinstance(exc, (PyPdfError, NotImplementedError)):
        return None
    words = str(exc).strip().rstrip(".")
    return words if _PYPDF_SENTENCE.fullmatch(words) and not _PYPDF_NOT_SAID.search(words) else None


def _damaged_pdf(source: str, what: str, exc: Exception) -> MalformedInput:
    """A PDF pypdf could not read, with what to do: it arrived damaged or cut short. pypdf's words are kept where
    they are a sentence (:func:`_pypdf_words`); raw bytes, reprs and Python's own errors from inside pypdf are not
    shown, since they say nothing a person can act on."""
    words = _pypdf_words(exc)
    return MalformedInput(source, None, f"{what}: {words or 'the file is damaged or cut short'}; {DOWNLOAD_AGAIN}")


def read_scan(path: str | Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE, *,
              image_check: bool = True) -> ScanResult:
    """Read a PDF or image invoice. Raises MalformedInput, UnsupportedFormat, MissingDependency; ValueError for a
    ``min_confidence`` that is no number from 0 to 1 (:func:`read_scans`).

    A PDF whose text layer is read (not a scanner's) and whose page images cover half a page of it or more has
    those pages' images read by OCR too, and its key fields (:data:`PICTURE_CHECKED_FIELDS`) compared with what
    they print (:func:`_pictures_checked`): OCR of each such page, seconds a page. ``image_check=False`` skips
    that, and flags those fields as not compared instead.

    A file holds one invoice. Where it holds several (another invoice number, or the same number with another
    seller, on a later page or lower on a page), the result is the first invoice's reading with no invoice, and
    the field ``invoices`` is flagged, naming each invoice's number and pages: split the file, or read it with
    :func:`read_scans`. Reading it as one would give one invoice with the first's fields and every invoice's
    rows."""
    results = read_scans(path, min_confidence, image_check=image_check)
    return results[0] if len(results) == 1 else first_of_several(results)


def read_scans(path: str | Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE, *,
               image_check: bool = True) -> list[ScanResult]:
    """Read a PDF or image file that may hold several invoices: one result per invoice, in the order they are
    printed, each read from its own lines alone (``pages`` says where). Raises as :func:`read_scan` does;
    ``image_check`` as there.

    A result's invoice carries its flagged fields as :attr:`Invoice.unreviewed` (where the field is, and why), so
    that it goes nowhere as trusted: a registration or attestation refuses it unless told a person reviewed them, and
    :func:`~client.invoices.invoice_to_json` writes them into the file, which every reader refuses until they are
    checked and the entry deleted. It carries the ``min_confidence`` it was read with too
    (:attr:`Invoice.min_confidence`): one below the default flagged no field read with less, and is refused alike.

    ``min_confidence`` is a number from 0 to 1, whatever it is, asked before the file is read (``ValueError``
    otherwise): NaN would flag nothing, as no confidence is below it."""
    threshold = _threshold(min_confidence)
    return [_as_read(result, threshold) for result in _read_scans(path, threshold, image_check)]


def _threshold(min_confidence: object) -> float:
    """``min_confidence`` as the confidence fields are flagged below; ``ValueError`` where it is no number from 0
    to 1."""
    number = isinstance(min_confidence, (int, float, Decimal)) and not isinstance(min_confidence, bool)
    finite = number and (min_confidence.is_finite() if isinstance(min_confidence, Decimal)
                         else math.isfinite(min_confidence))
    if not finite or not 0 <= min_confidence <= 1:
        raise ValueError(f"min_confidence {min_confidence!r} is no confidence from 0 to 1: fields read with less "
                         f"are flagged for a person; give a number such as {DEFAULT_MIN_CONFIDENCE}, the default")
    return float(min_confidence)


def _as_read(result: ScanResult, min_confidence: float) -> ScanResult:
    """The reading, its invoice carrying the fields flagged (:attr:`Invoice.unreviewed`) and the confidence they
    were flagged below."""
    if result.invoice is None:
        return result
    unreviewed = tuple(UnreviewedField(field=name, reason=field.reason or "flagged")
                       for name, field in result.fields.items() if field.flagged)
    return result.model_copy(update={"invoice": result.invoice.model_copy(
        update={"unreviewed": unreviewed, "min_confidence": min_confidence})})


def _with_advice(problem: str) -> str:
    """A file refused as unreadable, with what to do where it was refused for its size."""
    return f"{problem} {SCAN_TOO_LARGE_ADVICE}" if problem == too_large(MAX_SCAN_BYTES) else problem


def _read_scans(path: str | Path, min_confidence: float, image_check: bool = True) -> list[ScanResult]:
    p = Path(path)
    source = str(p)
    try:
        data = read_user_bytes(p, MAX_SCAN_BYTES)
    except UnreadableFile as exc:
        raise MalformedInput(source, None, _with_advice(exc.problem)) from None
    refuse_ofd(data, source)
    refuse_gzip(data, source)   # a scan sent as .gz: gunzip, not another format, is what it needs
    if data.startswith(b"%PDF"):
        with _pypdf_logging_held():
            return _read_pdf(data, source, min_confidence, image_check)
    if image_kind(data):
        reading = _OcrReading()
        reading.add(data, source, first_page=0)
        return _ocr_results(source, reading, min_confidence,
                            lambda: range(1, len(load_pages(data, source)) + 1))
    if not data.strip():
        raise UnsupportedFormat(source, None, "empty file, expected a PDF or a PNG/JPEG/TIFF/BMP image")
    if data.lstrip().startswith((b"<", b"{", b"\xef\xbb\xbf")):
        raise UnsupportedFormat(source, None, "an XML or JSON file, not a scan: check it with `recfin invoice verify`")
    raise UnsupportedFormat(source, None, "neither a PDF nor a PNG/JPEG/TIFF/BMP image")


def _read_pdf(data: bytes, source: str, min_confidence: float, image_check: bool) -> list[ScanResult]:
    """The invoices of a PDF: its text layer's, checked against its page images where it has them, or its page
    images' read by OCR."""
    reader = _pdf_reader(data, source)
    contents = PageContents()  # each page's content parsed once, for its text and for the scan check
    try:
        text, layer_lines = text_layer(reader.pages, contents)
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _damaged_pdf(source, "cannot read the PDF's pages", exc) from None
    if "发票号码" in text or "价税合计" in text:
        layers = _results(source, "text-layer", layer_lines, min_confidence)
        try:
            verdict = layer_verdict(reader.pages, contents)
        except Exception as exc:  # pypdf raises many types on damaged files
            raise _damaged_pdf(source, "cannot read the PDF's pages", exc) from None
        if verdict.scanned is not None:
            return _checked_against_images(reader, source, layers, verdict.scanned, min_confidence, contents)
        if verdict.pictured:
            return _pictures_checked(reader, source, layers, verdict.pictured, min_confidence, contents,
                                     image_check)
        return layers
    images = _pdf_images(reader, source, contents)
    if not images:
        # a text layer not read whole may hold an invoice in what was not read: that is what to say
        raise MalformedInput(source, None, (
            f"no invoice in what was read of the PDF's text layer ({contents.unread}), and no page images to read "
            "it from: ask the sender for the invoice's XML or a PDF of its pages as images") if contents.unread
            else "a PDF with neither an invoice text layer nor page images")
    return _ocr_results(source, _ocr_images(images, source), min_confidence,
                        lambda: sorted({page_number + 1 for page_number, _ in images}))


def _ocr_results(source: str, reading: _OcrReading, min_confidence: float,
                 pages_read: Callable[[], Iterable[int]]) -> list[ScanResult]:
    """The readings of an image or an image-only PDF; where OCR found not one invoice label on its pages (no text,
    or none of an invoice), the one reading :func:`_no_invoice_text` instead of every field "not found".
    ``pages_read`` gives the pages (from 1) that were read, asked only then: a blank page gives no line to say it.
    Raises MissingDependency where no page reads as an invoice and one could not be turned upright."""
    results = _with_unturned_note(_results(source, "ocr", reading.invoice_lines(), min_confidence), reading)
    if len(results) == 1 and all(field.value is None for name, field in results[0].fields.items()
                                 if name not in _NOTES):
        return [_no_invoice_text(source, tuple(pages_read()))]
    return results


def _with_unturned_note(results: list[ScanResult], reading: _OcrReading) -> list[ScanResult]:
    """Each reading with the note (a field, not flagged) of the file's pages that read as no invoice and were not
    asked which way up they are (no osd data): a page of the invoice scanned turned would be missing from it."""
    if not reading.unturned:
        return results
    pages = tuple(number + 1 for number in sorted(reading.unturned))
    why = next(iter(reading.unturned.values()))
    note = FieldReading(value=", ".join(map(str, pages)), confidence=1.0, flagged=False, reason=(
        f"{pages_text(pages)} read as scanned alone: {'they read' if len(pages) > 1 else 'it reads'} as no invoice, "
        f"and which way up {'they are' if len(pages) > 1 else 'it is'} could not be told ({why}); a page of the "
        "invoice scanned on its side or upside down would be missing from this reading"))
    # first among the fields (after the note of pages turned, where there is one), as that note is: what a person
    # reads first, before fields that may be missing a page
    return [result.model_copy(update={"fields": {**_turned_note_of(result), NOT_TURNED: note, **result.fields}})
            for result in results]


def _turned_note_of(result: ScanResult) -> dict[str, FieldReading]:
    """The note of the reading's pages scanned turned and read upright, as fields, or none."""
    return {TURNED: result.fields[TURNED]} if TURNED in result.fields else {}


def _no_invoice_text(source: str, pages: tuple[int, ...]) -> ScanResult:
    """A reading of pages with no invoice label on them, as scanned nor turned upright (a blank page, one scanned too
    small or blurred, which OCR reads as no text or as noise, one askew by more than the skew straightened before
    reading, or no invoice at all): one reason, not every field of an invoice to review, since there is none to
    review. No invoice, nothing trusted."""
    reason = (f"no invoice text found on {source} {pages_text(pages)}: blank, askew by more than {SKEW_REACH:g} "
              "degrees, too small or blurred to read, or not an invoice; scan the invoice straight at 300 dpi and "
              "read it again")
    return ScanResult(source=source, method="ocr", invoice=None, pages=pages,
                      fields={NO_INVOICE_TEXT: FieldReading(value=None, confidence=0.0, flagged=True, reason=reason)})


def _ocr_images(images: list[tuple[int, bytes]], source: str) -> _OcrReading:
    reading = _OcrReading()
    for page_number, image in images:
        reading.add(image, source, first_page=page_number)
    return reading


def _checked_against_images(reader, source: str, layers: list[ScanResult], scanned: str,
                            min_confidence: float, contents: PageContents | None = None) -> list[ScanResult]:
    """A scanner's searchable PDF: its page images read by OCR, each invoice's fields compared with its text
    layer's reading of the same invoice, in the order they are printed (:func:`_compared`). Where they cannot be
    read, every field of the text layer is flagged: it is a reading of unknown accuracy, and the invoice is what
    the image shows."""
    said_by = f"the PDF's text layer ({scanned})"
    try:
        require_tesseract()
        images = _pdf_images(reader, source, contents)
        if not images:
            return [_unchecked(layer, f"read from {said_by}, and the PDF has no page image to compare it with")
                    for layer in layers]
        # tesseract may be there without the language data it reads the page with (chi_sim), found only now
        read_off_images = _ocr_images(images, source)
        lines_read = read_off_images.invoice_lines()
    except MissingDependency as exc:
        return [_unchecked(layer, f"read from {said_by}, not compared with the page image: {exc}") for layer in layers]
    seen = _with_unturned_note(_results(source, "ocr", lines_read, min_confidence), read_off_images)
    # the two readings may cut the file into a different number of invoices: what one has and the other has not
    # is flagged as such, field by field
    return [_unchecked(layer, f"read from {said_by}; the page images hold no invoice for it") if image is None
            else _compared(image, layer, said_by) for image, layer in zip_longest(seen, layers)]


def _pictures_checked(reader, source: str, layers: list[ScanResult], pictured: tuple[int, ...],
                      min_confidence: float, contents: PageContents, image_check: bool) -> list[ScanResult]:
    """A PDF whose text layer is the invoice's, but whose pages ``pictured`` (from 1) images cover half of or more:
    a picture of a page may print another invoice than the text says (a file altered under its text, text drawn too
    small to see beside a picture, a font whose character map names other digits than it draws), and a person
    looking sees the picture. Those pages' images are read by OCR, once each, and each invoice's key fields
    (:data:`PICTURE_CHECKED_FIELDS`) compared with what the pictures of its pages print (:func:`_picture_compared`).
    Where they cannot be read (no tesseract or its language data, more pages or pixels than OCR reads) or
    ``image_check`` is off, those fields are flagged as not compared: nothing says the picture agrees."""
    if not image_check:
        return [_picture_unchecked(layer, pictured, "the check against the page images was turned off")
                for layer in layers]
    try:
        require_tesseract()
        images = _pdf_images(reader, source, contents, pages={number - 1 for number in pictured})
        if not images:   # drawn where pypdf does not list them: no picture read is no picture that agrees
            return [_picture_unchecked(layer, pictured, "no image could be taken out of them to read")
                    for layer in layers]
        reading = _ocr_images(images, source)
        lines = reading.invoice_lines()
    except (MissingDependency, MalformedInput) as exc:
        why = exc.problem if isinstance(exc, MalformedInput) else str(exc)
        return [_picture_unchecked(layer, pictured, f"they could not be read: {why}") for layer in layers]
    return [_picture_compared(layer, pictured, lines, min_confidence) for layer in layers]


# The fields compared with the picture of a page under or beside a text layer that is not a scanner's
# (:func:`_pictures_checked`): what names the invoice, and what it is worth
PICTURE_CHECKED_FIELDS = ("number", "issue_date", "seller.tax_id", "buyer.tax_id", "total_amount", "total_tax",
                          "total_with_tax")


def _pictured_pages_of(layer: ScanResult, pictured: tuple[int, ...]) -> tuple[int, ...]:
    """The pictured pages the invoice is printed on (all of them where its reading does not say its pages)."""
    return tuple(page for page in pictured if not layer.pages or page in layer.pages)


def _picture_compared(layer: ScanResult, pictured: tuple[int, ...], lines: list[TextLine],
                      min_confidence: float) -> ScanResult:
    """The text layer's reading, each key field the picture of the invoice's pages reads otherwise (or reads where
    the text has none) flagged with confidence 0, both readings in the reason, its value left the text layer's for
    a person to settle. Where the picture prints an invoice (reads some key field) but not one of them, that one is
    flagged as not compared (a patch blurred over one figure); a picture that prints none of them (a form's frame
    or a letterhead drawn as the page's background, a watermark) says nothing against the text."""
    pages = _pictured_pages_of(layer, pictured)
    if not pages:
        return layer
    seen_fields, _, _ = extract_fields([line for line in lines if line.page_number + 1 in pages], min_confidence)
    seen = {name: seen_fields[name].value if name in seen_fields else None for name in PICTURE_CHECKED_FIELDS}
    if all(value is None for value in seen.values()):
        return layer
    picture = f"the picture covering {pages_text(pages)}"
    fields = dict(layer.fields)
    for name in PICTURE_CHECKED_FIELDS:
        said = layer.fields.get(name)
        said_value = None if said is None else said.value
        if seen[name] is None:
            if said_value is None:
                continue
            why = (f"not read on {picture}, which prints an invoice: the text layer's {said_value!r} was not compared "
                   "with it; check it against the page")
        elif said_value is not None and _same_key_value(name, seen[name], said_value):
            continue
        else:
            said_text = "has no such field" if said_value is None else f"reads {said_value!r}"
            why = (f"{picture} reads {seen[name]!r}, the PDF's text layer {said_text}: the page shows the picture, "
                   "the text may say other figures than it prints (an altered file, a picture of another invoice); "
                   "check it against the page")
        fields[name] = _low_and_flagged(said, why)
    return layer.model_copy(update={"fields": fields})


def _same_key_value(name: str, seen: str, said: str) -> bool:
    """Whether the picture and the text layer say the same of a key field: an amount the same fen (``¥2,303.00`` and
    ``2303.00``), a date the same day, anything else the same text spaces aside."""
    read = {"money": to_fen, "date": _scan_date}.get(HEADER_KINDS.get(name, ""))
    if read is not None:
        try:
            return read(seen) == read(said)
        except (ValueError, ArithmeticError):   # one of them no amount, or no date: compared as text
            pass
    return _same_reading(name, seen, said)


def _picture_unchecked(layer: ScanResult, pictured: tuple[int, ...], why: str) -> ScanResult:
    """The text layer's reading with its key fields flagged, confidence 0, as not compared with the picture of the
    invoice's pages: ``why``."""
    pages = _pictured_pages_of(layer, pictured)
    if not pages:
        return layer
    said_why = (f"not compared with the page images covering {pages_text(pages)} ({why}): they may print other "
                "figures than the text layer says; check it against the page")
    fields = dict(layer.fields)
    for name in PICTURE_CHECKED_FIELDS:
        if name in fields:
            fields[name] = _low_and_flagged(fields[name], said_why)
    return layer.model_copy(update={"fields": fields})


def _low_and_flagged(reading: FieldReading | None, why: str) -> FieldReading:
    """The reading (none: a field not read) flagged with confidence 0, ``why`` before any reason it has."""
    if reading is None:
        return FieldReading(value=None, confidence=0.0, flagged=True, reason=why)
    return reading.model_copy(update={"confidence": 0.0, "flagged": True,
                                      "reason": "; ".join(filter(None, (why, reading.reason)))})


def _unchecked(layer: ScanResult, why: str) -> ScanResult:
    """The text layer's reading with every field flagged, confidence 0: nothing measured how sure it is."""
    fields = {name: _low_and_flagged(field, f"{why}; check it against the page image")
              for name, field in layer.fields.items()}
    return layer.model_copy(update={"method": "ocr-text-layer", "fields": fields})


def _compared(image: ScanResult, layer: ScanResult | None, said_by: str) -> ScanResult:
    """The page image's reading, each field flagged where the text layer reads it otherwise (or has it where the
    image has not, or has no such invoice), both readings in the reason: the image is the invoice, and neither
    reading is exact."""
    fields: dict[str, FieldReading] = {}
    said_fields = {} if layer is None else layer.fields
    for name in [*image.fields, *(n for n in said_fields if n not in image.fields)]:
        seen, said = image.fields.get(name), said_fields.get(name)
        if seen is None:
            fields[name] = said.model_copy(update={"confidence": 0.0, "flagged": True, "reason": (
                f"not read on the page image; {said_by} reads {said.value!r}: check it against the image")})
        elif name not in _NOTES and not _same_reading(name, seen.value, None if said is None else said.value):
            shown = "has no such field" if said is None else f"reads {said.value!r}"
            fields[name] = seen.model_copy(update={"flagged": True, "reason": "; ".join(filter(None, (
                f"the page image reads {seen.value!r}, {said_by} {shown}: one of them is misread or altered, "
                "check it against the image", seen.reason)))})
        else:
            fields[name] = seen
    _words_compared_on_the_layer(fields, said_fields, said_by)
    return image.model_copy(update={"method": "ocr-text-layer", "fields": fields})


def _words_compared_on_the_layer(fields: dict[str, FieldReading], said_fields: dict[str, FieldReading],
                                 said_by: str) -> None:
    """Where OCR could not read the amount in words as an amount (so they were not compared,
    :func:`_same_reading`) and the text layer's words, read as one, say another amount than its total with
    tax, the words and the total are flagged as on a text layer: the words are then compared with the total
    on the text layer alone, and what that comparison found is not dropped for the image's unflagged
    readings."""
    seen, said = fields.get("total_in_words"), said_fields.get("total_in_words")
    if seen is None or said is None or not said.flagged or amount_in_words(seen.value) is not None \
            or amount_in_words(said.value) is None:
        return
    why = f"{said_by} reads the amount in words {said.value!r}: {said.reason}"
    # the image's "not compared" no longer holds: the words were compared, on the text layer
    fields["total_in_words"] = seen.model_copy(update={"flagged": True, "reason": (
        f"the page image's words {seen.value!r} could not be read as an amount; {why}")})
    if "total_with_tax" in fields:
        fields["total_with_tax"] = _with_flag(fields["total_with_tax"], why)


def _same_reading(name: str, seen: str | None, said: str | None) -> bool:
    """Whether two readings of a field say the same, spaces aside. The amount in words is compared by the amount
    it says, and not at all where OCR could not read it as one (tesseract misreads 仟 and 叁 more often than not:
    the words are then compared with the total in figures on the text layer alone, as on a scan)."""
    if name == "total_in_words" and seen is not None:
        read = amount_in_words(seen)
        return read is None or (said is not None and read == amount_in_words(said))
    if seen is None or said is None:
        return seen == said
    return "".join(seen.split()) == "".join(said.split())


def _pdf_images(reader, source: str, contents: PageContents | None = None,
                pages: set[int] | None = None) -> list[tuple[int, bytes]]:
    """Each page image, with the number of its page (from 0). Where more than MAX_OCR_PAGES pages have one,
    the pages have more than MAX_OCR_IMAGES in all (each is read by OCR on its own), or their images more than
    MAX_OCR_PIXELS pixels in all (by their /Width and /Height, an inline image's /W and /H), refused before
    any is decoded: the images drawn inline are counted from the pages' content first, as listing a page's
    images (pypdf) decodes every one it draws inline. An image object that pages share (one scan drawn on
    every page) is decoded once, its bytes shared: 2000 pages drawing one took over an hour decoding and
    encoding it again for each. ``contents``: the pages' content as the text layer parsed it, so that it is
    not parsed again. ``pages``: the pages (from 0) whose images are taken and counted, all where not given."""
    out = []
    decoded: dict[tuple[int, int], bytes] = {}   # by the image object's number and generation
    contents = contents if contents is not None else PageContents()
    try:
        chosen = [(page_number, page) for page_number, page in enumerate(reader.pages)
                  if pages is None or page_number in pages]
        inline = []
        for page_number, page in chosen:
            with _content_within_pypdf_limits(source, page_number):
                inline += _inline_image_pixels(page, contents)
        if len(inline) > MAX_OCR_IMAGES:
            raise too_many_images(source, len(inline))
        if sum(inline) > MAX_OCR_PIXELS:
            raise too_many_pixels(source, sum(inline))
        listed = []
        for page_number, page in chosen:
            with _content_within_pypdf_limits(source, page_number):   # listing parses the content again
                listed.append((page_number, page, page.images.keys()))
        with_images = sum(1 for _, _, keys in listed if keys)
        if with_images > MAX_OCR_PAGES:
            raise too_many_pages(source, f"the PDF has {with_images} pages of images")
        images = sum(len(keys) for _, _, keys in listed)
        if images > MAX_OCR_IMAGES:
            raise too_many_images(source, images)
        objects = sum(_pixels(_image_object(page, key)) for _, page, keys in listed for key in keys)
        pixels = objects + sum(inline)
        if pixels > MAX_OCR_PIXELS:
            raise too_many_pixels(source, pixels)
        for page_number, page, keys in listed:
            for key in keys:
                drawn = _image_object(page, key)
                _refuse_an_image_without_pixels(drawn, key, page_number, source)
                reference = getattr(drawn, "indirect_reference", None)
                shared = None if reference is None else (reference.idnum, reference.generation)
                data = decoded.get(shared) if shared is not None else None
                if data is None:
                    image = page.images[key]
                    data = image.data if image_kind(image.data) else _to_png(image)
                    if shared is not None:
                        decoded[shared] = data
                out.append((page_number, data))
    except (MissingDependency, MalformedInput):
        raise
    except ImportError:
        raise MissingDependency("the Python package Pillow (pypdf needs it to take images out of a PDF)",
                                "pip install 'pillow>=10,<14'") from None
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _damaged_pdf(source, "cannot take the page images out of the PDF", exc) from None
    return out


@contextmanager
def _content_within_pypdf_limits(source: str, page_number: int):
    """Refuses a page whose content is more than pypdf parses or decodes in one stream (more tokens than
    its stream_parsing_work_maximum_count, a longer token, more bytes once decoded): its images are listed
    from its content, and its text read from it, so that is what to say, not a failure to take the images
    out."""
    from pypdf.errors import LimitReachedError  # imported only where a PDF is read

    try:
        yield
    except LimitReachedError as exc:
        raise MalformedInput(source, None, (
            f"the content of page {page_number + 1} is too large to read ({str(exc).rstrip('.')}: the limit "
            "pypdf keeps to read a page safely), so neither its text nor its images can be taken out of it: "
            "export the invoice again as a PDF from the program that made it, read a scan of the printed "
            "invoice instead, or ask the sender for the invoice's XML")) from None


def _image_object(page, key):
    """The image object ``key`` names on ``page``, as pypdf lists a page's images (its name, or the names of the
    forms it is drawn in and its own); ``None`` for an image drawn inline, which is no object of its own."""
    names = [key] if isinstance(key, str) else list(key)
    if names[0].startswith("~"):
        return None
    holder = page
    for name in names:
        holder = holder["/Resources"]["/XObject"][name]
    return holder


def _pixels(image) -> int:
    """How many pixels an image object says it has (its /Width times its /Height), before it is decoded; 0 for an
    inline image (no object of its own: the content's few bytes) or one that gives no numbers there (refused or
    failed on when it is decoded)."""
    if image is None:
        return 0
    sides = [image[side] if side in image else None for side in ("/Width", "/Height")]  # either may be a reference
    sides = [side.get_object() if hasattr(side, "get_object") else side for side in sides]
    if not all(isinstance(side, int) and not isinstance(side, bool) and side > 0 for side in sides):
        return 0
    return sides[0] * sides[1]


# An inline image's dictionary may name its sides in short (BI /W 100 /H 100 ...) or in full
_INLINE_SIDES = {"/Width": ("/W", "/Width"), "/Height": ("/H", "/Height")}


def _inline_image_pixels(page, contents: PageContents) -> list[int]:
    """How many pixels each image a page's content draws inline (``BI`` ... ``ID`` ... ``EI``) says it has, by
    its /W and /H, read from the parsed content before any is decoded (as :func:`_pixels` counts an image
    object's)."""
    stream = contents.of(page)
    if stream is None:
        return []
    return [_pixels({side: next((settings[name] for name in names if name in settings), None)
                     for side, names in _INLINE_SIDES.items()})
            for settings in (operands["settings"] for operands, operator in stream.operations
                             if operator == b"INLINE IMAGE")]


def _refuse_an_image_without_pixels(image, key, page_number: int, source: str) -> None:
    """Refuses an image object whose width or height is 0 or less: pypdf fails on it dividing by zero."""
    if image is None:
        return
    # indexed, not got: either may be a reference to the number
    width, height = (image[side] if side in image else None for side in ("/Width", "/Height"))
    if any(isinstance(side, (int, float)) and side <= 0 for side in (width, height)):
        name = key if isinstance(key, str) else "".join(key)
        raise MalformedInput(source, None, (
            f"the image {name} on page {page_number + 1} is {width} x {height} pixels (its /Width and /Height): an "
            "image with no pixels, the PDF is damaged; ask the sender for the invoice again, or for its XML"))


def _to_png(image) -> bytes:
    try:
        pil = image.image
    except ImportError:
        raise MissingDependency("the Python package Pillow (to decode PDF page images)", "pip install 'pillow>=10,<14'") from None
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return buf.getvalue()


def _results(source: str, method: Literal["text-layer", "ocr"], lines: list[TextLine],
             min_confidence: float) -> list[ScanResult]:
    """One reading per invoice the lines print (:func:`_scan_layout.invoices_in`), each of its own lines."""
    out = []
    for printed in invoices_in(lines):
        fields, invoice, items = extract_fields(printed.lines, min_confidence)
        if printed.numbers_read_otherwise:
            fields["number"] = _number_read_otherwise(fields["number"], printed)
        if printed.copies:
            fields = {"copies": _copies_reading(printed, fields, min_confidence), **fields}
        turned_pages = _turned_reading([*printed.lines, *(line for copy in printed.copies for line in copy.lines)])
        if turned_pages is not None:
            fields = {TURNED: turned_pages, **fields}
        if printed.pages_after:
            fields = {PAGES_AFTER: _pages_after_reading(printed), **fields}
        if invoice is not None:
            invoice = invoice.model_copy(update={"source": source})
        out.append(ScanResult(source=source, method=method, fields=fields, line_items=items, invoice=invoice,
                              pages=printed.pages))
    return out


def _pages_after_reading(printed: InvoiceInFile) -> FieldReading:
    """The note of the pages after the invoice's total with tax, not read into it: a letter or a statement of
    account sent in the same file says nothing of the invoice. Flagged where one prints item rows: the invoice's
    list of goods (销货清单), whose rows were not read, or another document whose rows a person tells apart; and
    where the invoice's remark may go on onto them: what it names there (the invoice a red-letter one offsets, a
    deduction) is not read, and the invoice would read as naming none."""
    after, ends_on = printed.pages_after, pages_text(printed.pages[-1:])
    several = len(after) > 1
    said = (f"{pages_text(after)} after the invoice's total with tax (价税合计, on {ends_on}) "
            f"{'are' if several else 'is'} not read into it")
    if printed.remark_runs_on:
        return FieldReading(value=", ".join(map(str, after)), confidence=0.0, flagged=True, reason=(
            f"{said}, and the invoice's remark (备注) may go on there ("
            + (f"{ends_on} ends in it" if printed.remark_runs_on == "ends" else
               f"{pages_text(after[:1])} begins with one") + "): what it names there (the invoice a red-letter invoice "
            "offsets, the deduction of one taxed on the difference) is not read; check the remark there against "
            "the invoice's reading (original_number, a line's deduction) before it is used"))
    if printed.rows_after:
        return FieldReading(value=", ".join(map(str, after)), confidence=0.0, flagged=True, reason=(
            f"{said}, and {'they print' if several else 'it prints'} item rows: a list of goods (销货清单) of the "
            "invoice, whose rows are not counted in it, or another document; check the rows against the invoice, "
            f"or remove {'those pages' if several else 'the page'} from the file"))
    return FieldReading(value=", ".join(map(str, after)), confidence=1.0, flagged=False, reason=(
        f"{said}: another document sent in the same file (a letter, a statement of account), whose labels would "
        "otherwise give the invoice their values"))


def _with_flag(reading: FieldReading, why: str) -> FieldReading:
    """The reading flagged, ``why`` after any reason it has."""
    return reading.model_copy(update={"flagged": True, "reason": "; ".join(filter(None, (reading.reason, why)))})


def _number_read_otherwise(number: FieldReading, printed: InvoiceInFile) -> FieldReading:
    """The invoice's number flagged where a page of it prints a number one or two characters off its own with no
    title block: read into the invoice as a misreading of its number, which it may not be."""
    said = ", ".join(f"{other.number} on page {other.page}" for other in printed.numbers_read_otherwise)
    why = (f"a page of this invoice prints another number one or two characters off it ({said}), with no title "
           "block: read as a misreading of this one, and the page as this invoice's; check the number on the page: "
           "if it is another invoice's, its rows are counted in this one and the file must be split")
    return _with_flag(number, why)


def _copies_reading(printed: InvoiceInFile, fields: dict[str, FieldReading],
                    min_confidence: float) -> FieldReading:
    """The flag of an invoice the file prints more than once (its title block again after its totals): each
    further copy is read on its own and compared with the first, never added to it."""
    said = []
    for copy in printed.copies:
        copy_fields, _, _ = extract_fields(copy.lines, min_confidence)
        read_otherwise = (_copy_reads_otherwise(name, fields.get(name), copy_fields.get(name))
                          for name in dict.fromkeys([*fields, *copy_fields]))
        differ = [otherwise for otherwise in read_otherwise if otherwise is not None]
        said.append(f"again on {pages_text(copy.pages)}, " + (
            "reading the same" if not differ else
            f"reading otherwise in {', '.join(differ)}: one of the copies is altered or misread"))
    return FieldReading(
        value=", ".join(pages_text(copy.pages) for copy in printed.copies), confidence=0.0, flagged=True,
        reason=f"the file prints invoice {printed.number} on {pages_text(printed.pages)} and "
               f"{'; '.join(said)}: a copy of the same invoice, not read into it (its rows would count twice); "
               f"the fields below are read from {pages_text(printed.pages)} alone: remove the copy from the file")


def _copy_reads_otherwise(name: str, first: FieldReading | None, copy: FieldReading | None) -> str | None:
    """The field ``name`` as a copy reads it otherwise than the first, or ``None`` where the two read it the
    same: another value, or the same value derived in one (not the figure it prints, which was unreadable or
    broke a check the other figures pass: restored from them) and read in the other. Compared by value alone,
    a copy whose total was altered read "the same": its altered figure is restored to the first's value."""
    if not _same_reading(name, getattr(first, "value", None), getattr(copy, "value", None)):
        return name
    first_derived, copy_derived = getattr(first, "derived", None), getattr(copy, "derived", None)
    if first_derived == copy_derived:
        return None
    which, how = ("the copy", copy_derived) if copy_derived else ("the first", first_derived)
    return f"{name} (derived in {which} as {how}, not read as printed)"


def first_of_several(results: list[ScanResult]) -> ScanResult:
    """The first invoice's reading of a file that holds several, with no invoice and the field ``invoices``
    flagged: which invoice the file stands for cannot be told, and one file is read as one invoice."""
    numbers = [result.fields["number"].value for result in results]
    sellers = [result.fields["seller.name"].value for result in results]
    listed = ", ".join(f"{number or 'one whose number was not read'}{f' of {seller}' if seller else ''} on "
                       f"{pages_text(result.pages)}" for number, seller, result in zip(numbers, sellers, results))
    flag = FieldReading(value=", ".join(number or "?" for number in numbers), confidence=0.0, flagged=True,
                        reason=f"the file holds {len(results)} invoices: {listed}; the fields below are the "
                               "first's alone and make no invoice: split the file into one file per invoice "
                               "(or read each with read_scans)")
    first = results[0]
    return first.model_copy(update={"fields": {"invoices": flag, **first.fields}, "invoice": None})


def pages_text(pages: tuple[int, ...]) -> str:
    """``page 2``, ``pages 2-3``, ``pages 1, 3``; ``no page`` for none (a reading of no lines)."""
    if not pages:
        return "no page"
    if len(pages) == 1:
        return f"page {pages[0]}"
    if list(pages) == list(range(pages[0], pages[-1] + 1)):
        return f"pages {pages[0]}-{pages[-1]}"
    return "pages " + ", ".join(map(str, pages))


def field_accuracy(expected: Invoice, result: ScanResult) -> dict[str, bool]:
    """Per header field (and per expected line, all its cells), whether the reading equals the truth."""
    got = result.fields

    def value(name: str) -> str | None:
        f = got.get(name)
        return f.value if f else None

    def fen(name: str) -> int | None:
        try:
            return to_fen(value(name)) if value(name) else None
        except ValueProblem:
            return None

    def day(name: str) -> date | None:
        try:
            return _scan_date(value(name)) if value(name) else None
        except ValueError:
            return None

    out = {
        "number": value("number") == expected.number,
        "issue_date": day("issue_date") == expected.issue_date,
        "buyer.name": value("buyer.name") == expected.buyer.name,
        "buyer.tax_id": value("buyer.tax_id") == expected.buyer.tax_id,
        "seller.name": value("seller.name") == expected.seller.name,
        "seller.tax_id": value("seller.tax_id") == expected.seller.tax_id,
        "total_amount": fen("total_amount") == expected.total_amount_fen,
        "total_tax": fen("total_tax") == expected.total_tax_fen,
        "total_with_tax": fen("total_with_tax") == expected.total_with_tax_fen,
    }
    cells = cell_accuracy(expected, result)
    for i in range(len(expected.lines)):
        out[f"lines[{i}]"] = all(cells[f"lines[{i}].{column}"] for column in COLUMNS)
    return out


def cell_accuracy(expected: Invoice, result: ScanResult) -> dict[str, bool]:
    """Per cell of each expected line (``lines[0].unit``), whether the reading equals the truth."""
    out = {}
    for i, line in enumerate(expected.lines):
        read = result.line_items[i] if i < len(result.line_items) else None
        for column, attribute in zip(COLUMNS, _LINE_ATTRIBUTES):
            out[f"lines[{i}].{column}"] = read is not None and getattr(read, attribute) == getattr(line, attribute)
    return out


_LINE_ATTRIBUTES = ("name", "spec", "unit", "quantity", "unit_price", "amount_fen", "tax_rate", "tax_fen")
