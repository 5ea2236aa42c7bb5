"""Read scanned and PDF invoices into the invoice model, with a confidence per field.

- A PDF with a text layer is read with ``pypdf``; its text is exact, so found
  fields get confidence 1.0.
- An image (PNG, JPEG, TIFF, BMP) or an image-only PDF (its page images are
  taken out with ``pypdf``) is read by the ``tesseract`` binary (OS package
  ``tesseract-ocr`` with ``tesseract-ocr-chi-sim``), languages ``chi_sim+eng``;
  a field's confidence is the lowest word confidence among the words it was
  read from (tesseract's 0-100 scaled to 0-1).

A field is *flagged* for a person when its confidence is below
``min_confidence``, when it is missing, or when it fails a cross-check that an
honest reading passes (a tax id whose check digit fails, totals that do not add
up). A flagged field is never silently trusted: :attr:`ScanResult.ok` is false
and the CLI exits 1 while any field is flagged.

The layout read is the one printed on fully digitalised e-invoices: labelled
fields ``发票号码：`` ``开票日期：`` ``名称：`` (buyer first, then seller)
``统一社会信用代码/纳税人识别号：``, an item table whose rows end in
quantity, unit price, amount, rate and tax, then ``合计`` and ``价税合计（小写）``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from client.user_files import UnreadableFile, read_user_bytes

from ._reading import ValueProblem, line_amount_fen, line_tax_fen, to_decimal, to_fen, to_rate
from .credit_code import check_tax_id
from .errors import MalformedInput, MissingDependency, UnsupportedFormat
from .model import Invoice, InvoiceLine, Party

DEFAULT_MIN_CONFIDENCE = 0.80
OCR_LANGUAGES = "chi_sim+eng"
HEADER_FIELDS = ("number", "issue_date", "buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id",
                 "total_amount", "total_tax", "total_with_tax")


class FieldReading(BaseModel):
    """One field as read: its text, the confidence, and why it is flagged (if it is)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str | None
    confidence: float
    flagged: bool
    reason: str | None = None


class ScanResult(BaseModel):
    """What was read from a scan: the fields, and the invoice when every required field was found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    method: Literal["text-layer", "ocr"]
    fields: dict[str, FieldReading]
    line_items: tuple[InvoiceLine | None, ...] = ()
    invoice: Invoice | None

    @property
    def flagged(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.flagged]

    @property
    def ok(self) -> bool:
        return self.invoice is not None and not self.flagged


# --- text with per-character confidence ---------------------------------------

@dataclass
class _Line:
    """A line of text and the confidence of each character (0-1)."""

    text: str = ""
    conf: list[float] = field(default_factory=list)

    def add(self, text: str, confidence: float, gap: bool) -> None:
        if gap and self.text:
            self.text += " "
            self.conf.append(1.0)
        self.text += text
        self.conf.extend([confidence] * len(text))

    def span_conf(self, start: int, end: int) -> float:
        return min(self.conf[start:end], default=0.0)


def _text_lines(text: str, confidence: float = 1.0) -> list[_Line]:
    out = []
    for raw in text.splitlines():
        line = _Line()
        for i, token in enumerate(raw.split()):
            line.add(token, confidence, gap=i > 0)
        if line.text:
            out.append(line)
    return out


def _tsv_lines(tsv: str) -> list[_Line]:
    """Group tesseract TSV words into lines; a space only where the gap is wide (CJK has none)."""
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    grouped: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in rows:
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        grouped.setdefault(key, []).append(row)
    out = []
    for words in grouped.values():
        words.sort(key=lambda w: int(w["left"]))
        height = max(int(w["height"]) for w in words) or 1
        line = _Line()
        previous_right = None
        for w in words:
            left = int(w["left"])
            gap = previous_right is not None and left - previous_right > 0.6 * height
            line.add(w["text"].strip(), max(0.0, float(w["conf"])) / 100, gap)
            previous_right = left + int(w["width"])
        out.append(line)
    return out


# --- field extraction -----------------------------------------------------------

_COLON = r"\s*[:：]\s*"
_MONEY = r"-?\d[\d,]*\.\d{2}"
_NUMBER = re.compile(r"发票号码" + _COLON + r"(\d{8,20})")
_DATE = re.compile(r"开票日期" + _COLON + r"((\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|\d{4}-\d{2}-\d{2})")
_NAME = re.compile(r"(?<![项目])名\s*称" + _COLON + r"(\S+)")
_TAX_ID = re.compile(r"(?:纳税人识别号|统一社会信用代码)[^:：]*" + _COLON + r"([0-9A-Z]{15,20})")
_TOTALS = re.compile(r"^合\s*计\s+[^\d\s-]?\s*(" + _MONEY + r")\s+[^\d\s-]?\s*(" + _MONEY + r")\s*$")
_WITH_TAX = re.compile(r"价税合计.*?(" + _MONEY + r")\s*$")
_ROW = re.compile(
    r"^(?P<name>\S+)(?P<mid>(?:\s+\S+){0,2}?)\s+(?P<qty>\d+(?:\.\d+)?)\s+(?P<price>\d+(?:\.\d+)?)\s+"
    r"(?P<amount>" + _MONEY + r")\s+(?P<rate>\d{1,2}\s*%|免税|不征税)\s+(?P<tax>" + _MONEY + r"|\*{3})\s*$"
)


@dataclass
class _Found:
    value: str
    confidence: float


def _search(lines: list[_Line], pattern: re.Pattern[str], group: int = 1) -> list[_Found]:
    found = []
    for line in lines:
        for m in pattern.finditer(line.text):
            found.append(_Found(m.group(group), line.span_conf(*m.span(group))))
    return found


def extract_fields(lines: list[_Line], min_confidence: float
                   ) -> tuple[dict[str, FieldReading], Invoice | None, tuple[InvoiceLine | None, ...]]:
    """Fields, the invoice when complete, and each item row as read (``None`` where unreadable)."""
    raw: dict[str, _Found | None] = {name: None for name in HEADER_FIELDS}
    for key, pattern in (("number", _NUMBER), ("issue_date", _DATE)):
        hits = _search(lines, pattern)
        raw[key] = hits[0] if hits else None
    for key, pattern in (("name", _NAME), ("tax_id", _TAX_ID)):
        hits = _search(lines, pattern)
        raw[f"buyer.{key}"] = hits[0] if len(hits) > 0 else None
        raw[f"seller.{key}"] = hits[1] if len(hits) > 1 else None
    for line in lines:
        m = _TOTALS.match(line.text)
        if m:
            raw["total_amount"] = _Found(m.group(1), line.span_conf(*m.span(1)))
            raw["total_tax"] = _Found(m.group(2), line.span_conf(*m.span(2)))
    hits = _search(lines, _WITH_TAX)
    raw["total_with_tax"] = hits[0] if hits else None

    fields: dict[str, FieldReading] = {}
    problems: dict[str, str] = {}
    values: dict[str, object] = {}

    def convert(name: str, fn) -> None:
        found = raw[name]
        if found is None:
            problems[name] = "not found"
            return
        try:
            values[name] = fn(found.value)
        except (ValueProblem, ValueError) as exc:
            problems[name] = f"unreadable: {exc}"

    convert("number", str)
    convert("issue_date", _scan_date)
    for side in ("buyer", "seller"):
        convert(f"{side}.name", str)
        convert(f"{side}.tax_id", str)
        tid = values.get(f"{side}.tax_id")
        if isinstance(tid, str) and len(tid) == 18 and not check_tax_id(tid).valid:
            # I, O, S, V, Z are not in the credit-code set because they pass for 1, 0, 5, U, 2:
            # read them back as what they must be, and let the check digit confirm it
            fixed = tid.translate(_LOOKALIKE)
            if check_tax_id(fixed).valid:
                values[f"{side}.tax_id"] = fixed
                found = raw[f"{side}.tax_id"]
                raw[f"{side}.tax_id"] = _Found(fixed, found.confidence)
                tid = fixed
        if isinstance(tid, str) and not check_tax_id(tid).valid:
            problems[f"{side}.tax_id"] = "check digit fails: probably misread"
    for name in ("total_amount", "total_tax", "total_with_tax"):
        convert(name, to_fen)

    rows: list[tuple[InvoiceLine | None, float, str, str | None]] = []
    in_table = False
    for line in lines:
        text = _clean_row(line.text)
        if "项目名称" in text.replace(" ", ""):
            in_table = True
            continue
        if _TOTALS.match(line.text) or text.replace(" ", "").startswith(("合计", "价税合计")):
            in_table = False
            continue
        m = _ROW.match(text)
        if not m:
            if in_table:  # a row of the item table that cannot be read: flag it, never drop it
                rows.append((None, line.span_conf(0, len(line.text)), line.text, "unreadable item row"))
            continue
        conf = line.span_conf(0, len(line.text))
        try:
            mid = m.group("mid").split()
            rows.append((InvoiceLine(
                name=m.group("name"), spec=mid[0] if len(mid) == 2 else None, unit=mid[-1] if mid else None,
                quantity=to_decimal(m.group("qty")), unit_price=to_decimal(m.group("price")),
                amount_fen=to_fen(m.group("amount")), tax_rate=to_rate(m.group("rate").replace(" ", "")),
                tax_fen=0 if m.group("tax") == "***" else to_fen(m.group("tax")),
            ), conf, line.text, None))
            row = rows[-1][0]
            if line_amount_fen(row.quantity, row.unit_price) != row.amount_fen \
                    or abs(line_tax_fen(row.amount_fen, row.tax_rate) - row.tax_fen) > 1:
                rows[-1] = (row, conf, line.text, "quantity x price or amount x rate disagrees: probably misread")
        except (ValueProblem, ValidationError) as exc:
            rows.append((None, conf, line.text, f"unreadable: {exc}"))
    if not rows:
        problems["lines"] = "no item rows found"

    # cross-checks an honest reading passes
    ta, tt, tw = values.get("total_amount"), values.get("total_tax"), values.get("total_with_tax")
    if isinstance(ta, int) and isinstance(tt, int) and isinstance(tw, int) and ta + tt != tw:
        for name in ("total_amount", "total_tax", "total_with_tax"):
            problems.setdefault(name, "amount + tax != total with tax: one of them is probably misread")
    good_rows = [r[0] for r in rows if r[0] is not None]
    rows_disagree = isinstance(ta, int) and good_rows and sum(r.amount_fen for r in good_rows) != ta

    for name in HEADER_FIELDS:
        found = raw[name]
        conf = found.confidence if found else 0.0
        reason = problems.get(name)
        if reason is None and conf < min_confidence:
            reason = f"low confidence {conf:.3f} < {min_confidence:.3f}"
        fields[name] = FieldReading(value=found.value if found else None, confidence=round(conf, 3),
                                    flagged=reason is not None, reason=reason)
    for i, (row, conf, text, problem) in enumerate(rows):
        reason = problem
        if reason is None and rows_disagree:
            reason = "line amounts do not add up to the total amount"
        if reason is None and conf < min_confidence:
            reason = f"low confidence {conf:.3f} < {min_confidence:.3f}"
        fields[f"lines[{i}]"] = FieldReading(value=text, confidence=round(conf, 3), flagged=reason is not None,
                                             reason=reason)
    if "lines" in problems:
        fields["lines"] = FieldReading(value=None, confidence=0.0, flagged=True, reason=problems["lines"])

    invoice = None
    required = set(HEADER_FIELDS)
    if required <= values.keys() and good_rows and len(good_rows) == len(rows):
        try:
            invoice = Invoice(
                number=values["number"], issue_date=values["issue_date"],
                seller=Party(name=values["seller.name"], tax_id=values["seller.tax_id"]),
                buyer=Party(name=values["buyer.name"], tax_id=values["buyer.tax_id"]),
                lines=tuple(good_rows), total_amount_fen=values["total_amount"], total_tax_fen=values["total_tax"],
                total_with_tax_fen=values["total_with_tax"],
            )
        except ValidationError:
            invoice = None
    return fields, invoice, tuple(r[0] for r in rows)


_LOOKALIKE = str.maketrans("IOSZ", "1052")
_STRAY = str.maketrans("", "", "“”‘’\"'|")


def _clean_row(text: str) -> str:
    """Undo OCR noise that no invoice row contains: stray quotes and bars, ``#`` or ``+`` stuck to ``*``."""
    text = text.translate(_STRAY)
    return re.sub(r"\*[#+]+|[#+]+\*", "*", text)


def _scan_date(text: str) -> date:
    m = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return date.fromisoformat(text)


# --- inputs -------------------------------------------------------------------

_IMAGE_MAGIC = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff", b"BM": "bmp"}


def _image_kind(data: bytes) -> str | None:
    for magic, kind in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    return None


def tesseract_path() -> str | None:
    """The ``tesseract`` binary on PATH, or ``None``."""
    return shutil.which("tesseract")


def _require_tesseract() -> str:
    exe = tesseract_path()
    if exe is None:
        raise MissingDependency("the tesseract OCR binary",
                                "install the OS packages tesseract-ocr and tesseract-ocr-chi-sim (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    return exe


def ocr_image(image: bytes | Path, source: str, languages: str = OCR_LANGUAGES) -> list[_Line]:
    """Run tesseract on one image; returns its lines with per-character confidence."""
    exe = _require_tesseract()
    with tempfile.TemporaryDirectory(prefix="recfin-ocr-") as tmp:
        if isinstance(image, Path):
            path = image
        else:
            path = Path(tmp) / f"page.{_image_kind(image) or 'png'}"
            path.write_bytes(image)
        proc = subprocess.run([exe, str(path), "stdout", "-l", languages, "--psm", "6", "tsv"],
                              capture_output=True, timeout=300)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {proc.returncode}"
        if "Failed loading language" in proc.stderr.decode("utf-8", "replace"):
            raise MissingDependency(f"tesseract language data {languages}",
                                    "install the OS packages tesseract-ocr-chi-sim and tesseract-ocr-eng")
        raise MalformedInput(source, None, f"tesseract could not read the image: {detail}")
    return _tsv_lines(proc.stdout.decode("utf-8", "replace"))


def _pdf_reader(data: bytes, source: str):
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise MissingDependency("the Python package pypdf", "pip install 'pypdf>=5,<8'") from None
    try:
        return PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, OSError) as exc:
        raise MalformedInput(source, None, f"not a readable PDF: {exc}") from None


def read_scan(path: str | Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> ScanResult:
    """Read a PDF or image invoice. Raises MalformedInput, UnsupportedFormat, MissingDependency."""
    p = Path(path)
    source = str(p)
    try:
        data = read_user_bytes(p)
    except UnreadableFile as exc:
        raise MalformedInput(source, None, exc.problem) from None
    if data.startswith(b"%PDF"):
        reader = _pdf_reader(data, source)
        try:
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as exc:  # pypdf raises many types on damaged files
            raise MalformedInput(source, None, f"cannot read the PDF's pages: {exc}") from None
        if "发票号码" in text or "价税合计" in text:
            return _result(source, "text-layer", _text_lines(text), min_confidence)
        images = _pdf_images(reader, source)
        if not images:
            raise MalformedInput(source, None, "a PDF with neither an invoice text layer nor page images")
        lines: list[_Line] = []
        for image in images:
            lines.extend(ocr_image(image, source))
        return _result(source, "ocr", lines, min_confidence)
    if _image_kind(data):
        return _result(source, "ocr", ocr_image(p, source), min_confidence)
    if not data.strip():
        raise UnsupportedFormat(source, None, "empty file, expected a PDF or a PNG/JPEG/TIFF/BMP image")
    if data.lstrip().startswith((b"<", b"{", b"\xef\xbb\xbf")):
        raise UnsupportedFormat(source, None, "an XML or JSON file, not a scan: check it with `recfin invoice verify`")
    raise UnsupportedFormat(source, None, "neither a PDF nor a PNG/JPEG/TIFF/BMP image")


def _pdf_images(reader, source: str) -> list[bytes]:
    out = []
    try:
        for page in reader.pages:
            for image in page.images:
                out.append(image.data if _image_kind(image.data) else _to_png(image))
    except MissingDependency:
        raise
    except ImportError:
        raise MissingDependency("the Python package Pillow (pypdf needs it to take images out of a PDF)",
                                "pip install 'pillow>=10,<14'") from None
    except Exception as exc:  # pypdf raises many types on damaged files
        raise MalformedInput(source, None, f"cannot take the page images out of the PDF: {exc}") from None
    return out


def _to_png(image) -> bytes:
    try:
        pil = image.image
    except ImportError:
        raise MissingDependency("the Python package Pillow (to decode PDF page images)", "pip install 'pillow>=10,<14'") from None
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return buf.getvalue()


def _result(source: str, method: Literal["text-layer", "ocr"], lines: list[_Line], min_confidence: float) -> ScanResult:
    fields, invoice, items = extract_fields(lines, min_confidence)
    if invoice is not None:
        invoice = invoice.model_copy(update={"source": source})
    return ScanResult(source=source, method=method, fields=fields, line_items=items, invoice=invoice)


def field_accuracy(expected: Invoice, result: ScanResult) -> dict[str, bool]:
    """Per header field (and per expected line), whether the reading equals the truth."""
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
    read_lines = result.line_items
    for i, line in enumerate(expected.lines):
        r = read_lines[i] if i < len(read_lines) else None
        out[f"lines[{i}]"] = r is not None and (
            r.name, r.spec, r.unit, r.quantity, r.unit_price, r.amount_fen, r.tax_rate, r.tax_fen
        ) == (line.name, line.spec, line.unit, line.quantity, line.unit_price, line.amount_fen, line.tax_rate, line.tax_fen)
    return out

