"""Read structured electronic invoices (XML and JSON) into :class:`Invoice`.

Supported inputs (see docs/invoices.md for the full list of element names):

- the fully digitalised e-invoice (全面数字化的电子发票) XML, root ``EInvoice``
  with ``Header/EIid``, ``EInvoiceData/{SellerInformation, BuyerInformation,
  BasicInformation, IssuItemInformation*}`` and ``TaxSupervisionInfo``;
- the same tree as JSON (``{"EInvoice": {...}}``), as XML-to-JSON converters
  write it (a repeated element becomes a list; identifiers must stay strings);
- recfin's own JSON form (``{"format": "recfin.invoice/1", ...}``), the model
  written out with amounts as yuan strings.

Anything else (an OFD package, a PDF), or any required field missing or unreadable,
raises :class:`MalformedInput` naming the file and the field.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

from chaincode.receivables.model import visible_characters
from client.money import plain_yuan
from client.shown import SHOWN_LENGTH, json_spelled, printable_json, shown_value
from client.user_files import UnreadableFile, read_user_bytes

from ._ocr import image_kind
from ._reading import (ValueProblem, deduction_problem, difference_tax, offset_invoice, plain_digits,
                       to_fen, to_line_tax, to_plain_decimal, to_rate)
from .errors import MalformedInput, UnsupportedFormat
from .fingerprint import code_characters_problem, code_form_problem, offset_identity_problem, paper_identity_problem
from .model import DEFAULT_MIN_CONFIDENCE, Invoice, InvoiceLine, Party, flagged_fields_named

RECFIN_JSON_FORMAT = "recfin.invoice/1"
MAX_BYTES = 5 * 1024 * 1024
# what to do with a file that is damaged, cut short or lacks what every issued invoice has
DOWNLOAD_AGAIN = "check the file, or download it again from where it was issued"
# and with recfin's own form lacking a field: it is written from a reading or by hand, never issued
FILL_IN = "fill it in from the invoice"

# XML allows white space around the '=' of a declaration's attribute: encoding = "GBK"
_DECL = re.compile(rb"^<\?xml[^>]*\sencoding\s*=\s*[\"']([A-Za-z0-9_.\-]+)[\"']")


def read_invoice(path: str | Path) -> Invoice:
    """Read an XML or JSON e-invoice file. Raises :class:`MalformedInput`."""
    p = Path(path)
    try:
        # stops past MAX_BYTES: a 200 MB file read whole before parse_invoice refused it held some 460 MB
        data = read_user_bytes(p, MAX_BYTES)
    except UnreadableFile as exc:
        raise MalformedInput(str(p), None, exc.problem) from None
    return parse_invoice(data, source=str(p))


def parse_invoice(data: bytes, source: str = "<memory>") -> Invoice:
    """Parse invoice bytes, choosing XML or JSON by content."""
    if len(data) > MAX_BYTES:
        raise MalformedInput(source, None, f"larger than {MAX_BYTES} bytes; not an invoice")
    refuse_ofd(data, source)
    refuse_gzip(data, source)
    if data.startswith(b"%PDF"):
        raise UnsupportedFormat(source, None, "a PDF, not an XML or JSON e-invoice: read it with `recfin invoice "
                                              "read` (read_scan), or check the invoice's XML rendition here")
    if (kind := image_kind(data)) is not None:  # else refused as text in no encoding, naming no way forward
        raise UnsupportedFormat(source, None, (
            f"a {kind.upper()} image, not an XML or JSON e-invoice: read it with `recfin invoice read` "
            "(read_scan), or check the invoice's XML rendition here"))
    text = _decode(data, source)
    if not text.strip():
        raise UnsupportedFormat(source, None, "empty file, expected an e-invoice as XML or JSON")
    if text.lstrip().startswith("\ufeff"):  # _decode took the first off; else "neither XML nor JSON"
        raise MalformedInput(source, None, "a second byte order mark (U+FEFF) after the one the file may begin "
                                           "with, which a tool adding its own mark to a file that has one writes: "
                                           "save the file again as UTF-8, or download it again from where it was "
                                           "issued")
    head = text.lstrip()[:1]
    try:
        if head == "<":
            return _from_tree(_xml_tree(text, source), source)
        if head in ("{", "["):
            doc = parse_json(text, source)
            if isinstance(doc, dict) and "EInvoice" in doc:
                return _from_tree(_Tree(doc["EInvoice"], "EInvoice"), source)
            if isinstance(doc, dict) and doc.get("format") == RECFIN_JSON_FORMAT:
                return _from_recfin_json(doc, source)
            raise UnsupportedFormat(source, None, 'JSON that is neither {"EInvoice": ...} nor '
                                                  f'{{"format": "{RECFIN_JSON_FORMAT}"}}')
    except _Repeated as exc:
        raise MalformedInput(source, exc.path, exc.problem) from None
    except RecursionError:
        # the XML and JSON readers take nesting down to where Python's stack ends; a step walking a tree nearly
        # that deep (gathering a remark's texts, writing a field's value into a message) may run out of it, and
        # what cannot be read is a malformed file (exit 2), never a traceback taken for failed findings (exit 1)
        raise MalformedInput(source, None, "nested too deeply to be an e-invoice: elements (or JSON values) inside "
                                           "one another hundreds of levels deep, where an invoice's fields lie a "
                                           f"few levels down; {DOWNLOAD_AGAIN}") from None
    if (scalar := _json_scalar(text)) is not None:
        raise UnsupportedFormat(source, None, f"JSON holding {scalar}, not an invoice object: expected "
                                              f'{{"EInvoice": ...}} or {{"format": "{RECFIN_JSON_FORMAT}", ...}}')
    raise UnsupportedFormat(source, None, "neither XML nor JSON (for a PDF or image use `recfin invoice read`)")


def _json_scalar(text: str) -> str | None:
    """What a JSON document that is one value (null, true, a number, a string) holds, said as a kind, or None when
    the text is no such document: a file holding ``null`` is JSON, and saying it is neither XML nor JSON would send
    its reader looking for the wrong mistake."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return "a number" if isinstance(value, (int, float)) else "a string" if isinstance(value, str) else None


ZIP_SIGNATURE = b"PK\x03\x04"


def refuse_ofd(data: bytes, source: str) -> None:
    """An OFD invoice (a ZIP package of XML files, GB/T 33190) is not read: say so, and what to read instead."""
    if data.startswith(ZIP_SIGNATURE):
        raise UnsupportedFormat(source, None, "a ZIP package, as an OFD invoice is: OFD is not read; download the "
                                              "invoice's XML rendition (check it with `recfin invoice verify`) or "
                                              "its PDF (`recfin invoice read`) from the same place")


# the first two bytes of every gzip member (RFC 1952)
GZIP_SIGNATURE = b"\x1f\x8b"


def refuse_gzip(data: bytes, source: str) -> None:
    """A gzip-compressed file (an invoice or an ERP export sent as .gz) is refused as one: read as text, its
    bytes are valid in no encoding, and the advice for such a file, to save it as UTF-8 (iconv -f GBK), does
    not help."""
    if data.startswith(GZIP_SIGNATURE):
        raise UnsupportedFormat(source, None, "a gzip-compressed file: decompress it first (gunzip)")


def parse_json(text: str, source: str, document: str = "invoice") -> Any:
    """JSON with numbers as exact decimals; every problem, nesting too deep included, as MalformedInput. A key
    given twice in one object is read when both copies say the same, and refused when they differ, as a repeated
    XML element is (:class:`_Repeated`): which one the ``document`` (invoice, purchase order, goods receipt) means
    cannot be told, and the last is no better a guess than the first. A copy holding such a key is refused too,
    naming the key inside it, whatever the other copies say. ``NaN``, ``Infinity`` and ``-Infinity``, which JSON
    does not have but Python's decoder reads, are refused naming where they stand."""
    try:
        doc = json.loads(text, parse_float=_JsonNumber, parse_constant=_Constant,
                         object_pairs_hook=_object_keeping_repeats)
    except json.JSONDecodeError as exc:
        raise MalformedInput(source, None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise MalformedInput(source, None, "JSON nested too deeply to be a document") from None
    except ValueError:
        # the only other ValueError: an integer longer than Python converts (sys.get_int_max_str_digits())
        raise MalformedInput(source, None, f"a JSON number of more than {sys.get_int_max_str_digits()} digits: "
                                           "no field of an invoice, an order or a receipt holds one; check the "
                                           "file") from None
    except TypeError as exc:
        # no value the decoder makes should raise one; should one all the same, the file is named, not a traceback
        raise MalformedInput(source, None, f"JSON this reader cannot take apart ({exc}): check the file, or save "
                                           "it again from the program that made it") from None
    refused = _refusal_in(doc)
    if refused is not None:
        path, refusal = refused
        if isinstance(refusal, _Constant):
            raise MalformedInput(source, path or None, refusal.problem(document))
        raise MalformedInput(source, path, _Repeated(path, refusal, document).problem)
    # an escape such as "\ud800" alone decodes to half of a surrogate pair, no character: read, it would fail only
    # where the text is written out as UTF-8 (a fingerprint, an evidence digest, the terminal), as a traceback. A
    # document with none of these escapes (nor such a character) is not walked
    if "\\u" in text or _SURROGATE.search(text):
        unpaired = unpaired_surrogate_in(doc)
        if unpaired is not None:
            raise MalformedInput(source, unpaired or None, UNPAIRED_SURROGATE)
    return doc


class _JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent, exactly, whose text is the one the file wrote: ``0.0000001``
    stays that, not Decimal's ``1E-7``, so that a reader refusing a figure written with a power of ten (``1e3``)
    refuses only one the file wrote so, and a message shows the figure as written."""

    def __new__(cls, written: str) -> "_JsonNumber":
        number = super().__new__(cls, written)
        number.written = written
        return number

    def __str__(self) -> str:
        return self.written


_SURROGATE = re.compile("[\ud800-\udfff]")
UNPAIRED_SURROGATE = ("holds an unpaired UTF-16 surrogate (such as \\ud800), which is not a Unicode character: write "
                      "the character itself, or both halves of its surrogate pair")


def unpaired_surrogate_in(doc: Any) -> str | None:
    """Where the first string or key holding an unpaired surrogate lies in a decoded JSON document (a key is named
    by its path with the key written escaped), or ``None``. Walked without recursion, as :func:`_refusal_in` is."""
    pending: list[tuple[str, Any]] = [("", doc)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return path
        elif isinstance(node, dict):
            for key in node:
                if _SURROGATE.search(key):
                    return _join(path, (key,))
            pending.extend((_join(path, (key,)), value) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            pending.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(node))))
    return None


class _Constant:
    """``NaN``, ``Infinity`` or ``-Infinity`` as the decoder met it (its ``parse_constant``). Kept in the document
    rather than raised, so that :func:`parse_json` can name the field it stands in: read as a float, a quantity of
    NaN would pass for no quantity at all, and a check that needs one would be skipped instead of failing."""

    def __init__(self, text: str) -> None:
        self.text = text

    def problem(self, document: str) -> str:
        return (f"{self.text}, which is no JSON number (JSON has none for NaN or Infinity): the program that wrote "
                f"the file put it where a figure was missing or could not be computed; check the file against the "
                f"{document}")


class _RefusedObject(dict):
    """A JSON object that holds something refused: a key given more than once with different values, a NaN or an
    Infinity, in itself or in any copy of any value in it, however deep. ``refused`` holds the path from this
    object to it and what it is, for :func:`parse_json` to name; an object holding a refused one is refused in turn,
    so that a copy with a refusal inside never passes for a clean copy of the same key."""

    refused: tuple[str, list[Any] | _Constant]


def _object_keeping_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    copies: dict[str, list[Any]] = {}
    for key, value in pairs:
        copies.setdefault(key, []).append(value)
        obj[key] = value
    refused = _first_refusal(copies)
    if refused is None:
        return obj
    marked = _RefusedObject(obj)
    marked.refused = refused
    return marked


def _first_refusal(copies: dict[str, list[Any]]) -> tuple[str, list[Any] | _Constant] | None:
    """The first thing refused in an object whose keys have these copies, in the order the keys are written: one
    inside a copy (every copy, not only the one kept: the one dropped may be the one that is wrong), else copies
    that differ."""
    for key, values in copies.items():
        for value in values:
            inside = _refusal_in(value, key)
            if inside is not None:
                return inside
        if any(not _same_json_value(value, values[0]) for value in values[1:]):
            return key, values
    return None


def _refusal_in(value: Any, path: str = "") -> tuple[str, list[Any] | _Constant] | None:
    """Where the first thing refused in a decoded JSON value lies (``lines[0]/amount``, starting from ``path``,
    where the value itself lies), and what it is. Only lists are walked into: an object holding anything refused
    is a :class:`_RefusedObject`, which says where. Walked without recursion, as lists nested as deep as the
    decoder allows would exceed it."""
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, _RefusedObject):
            inner, refusal = node.refused
            return _join(path, (inner,)), refusal
        if isinstance(node, _Constant):
            return path, node
        if isinstance(node, list):
            pending.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(node))))
    return None


def _same_json_value(a: Any, b: Any) -> bool:
    """Whether two copies of a JSON value say the same: the same kind of value (Python holds ``True == 1``,
    which JSON tells apart, as it does the number ``1.5`` and the string ``"1.5"``), and equal. Numbers are
    equal by their exact value (``1.5`` and ``1.50``, ``100`` and ``1E+2`` are one number: ``Decimal.__eq__``
    does not round, and a Decimal is never turned into text or a float), as the readers read them; strings by
    their characters; objects key by key, in any order. Walked without recursion: copies that differ hundreds of
    levels down (as deep as the XML and JSON readers allow) would exceed it."""
    pending: list[tuple[Any, Any]] = [(a, b)]
    while pending:
        first, second = pending.pop()
        kind = _json_kind(first)
        if kind != _json_kind(second):
            return False
        if kind == "object":
            if first.keys() != second.keys():
                return False
            pending.extend((first[key], second[key]) for key in first)
        elif kind == "array":
            if len(first) != len(second):
                return False
            pending.extend(zip(first, second))
        elif kind == "other":
            if repr(first) != repr(second):
                return False
        elif first != second:
            return False
    return True


def _json_kind(value: Any) -> str:
    """The kind of a decoded JSON value, as :func:`_same_json_value` tells kinds apart."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "other"


def invoice_to_json(invoice: Invoice) -> dict[str, Any]:
    """The recfin JSON form of an invoice (what :func:`parse_invoice` reads back). A scan's invoice with fields
    flagged and not yet checked (:attr:`Invoice.unreviewed`) is written with them in ``unreviewed``, each field and
    why, which :func:`parse_invoice` refuses until a person checks them and deletes the entry; its ``min_confidence``
    (the confidence its fields were flagged below) is written after the format, and one below the default is
    refused the same way."""
    return {
        "format": RECFIN_JSON_FORMAT,
        **({"min_confidence": invoice.min_confidence} if invoice.min_confidence is not None else {}),
        **({"unreviewed": [{"field": u.field, "reason": u.reason} for u in invoice.unreviewed]}
           if invoice.unreviewed else {}),
        "number": invoice.number,
        **({"code": invoice.code} if invoice.code else {}),
        # written only when set, so that the evidence hash of every other invoice stays what it was
        **({"paper_code": invoice.paper_code, "paper_number": invoice.paper_number} if invoice.paper_code else {}),
        **({"original_number": invoice.original_number} if invoice.original_number else {}),
        **({"original_code": invoice.original_code} if invoice.original_code else {}),
        "issue_date": invoice.issue_date.isoformat(),
        "kind": invoice.kind,
        "currency": invoice.currency,
        "seller": {"name": invoice.seller.name, "tax_id": invoice.seller.tax_id},
        "buyer": {"name": invoice.buyer.name, "tax_id": invoice.buyer.tax_id},
        "lines": [
            {
                "name": line.name,
                "spec": line.spec,
                "unit": line.unit,
                "quantity": None if line.quantity is None else plain_digits(line.quantity),
                "unit_price": None if line.unit_price is None else plain_digits(line.unit_price),
                "amount": plain_yuan(line.amount_fen),
                "tax_rate": str(line.tax_rate),
                "tax": plain_yuan(line.tax_fen),
                # written only when set, so that the evidence hash of every other invoice stays what it was
                **({"deduction": plain_yuan(line.deduction_fen)} if line.deduction_fen is not None else {}),
            }
            for line in invoice.lines
        ],
        **({"taxed_on_difference": True} if invoice.taxed_on_difference else {}),
        "total_amount": plain_yuan(invoice.total_amount_fen),
        "total_tax": plain_yuan(invoice.total_tax_fen),
        "total_with_tax": plain_yuan(invoice.total_with_tax_fen),
        # written only when given, so that every other invoice's file stays what it was
        **({"total_in_words": invoice.total_in_words} if invoice.total_in_words is not None else {}),
    }


# --- decoding -----------------------------------------------------------------

# The encodings an e-invoice's XML is found in, by the codec's own name (so "UTF8", "utf_8" and "cp936" are read
# as their codec): UTF-8, UTF-16 (its BOM says so; the declaration may name it too) and the GB family, GBK and
# GB2312 being read as GB18030, which holds both. Any other codec Python knows is refused, not tried: some turn
# text into other text (unicode_escape expands \x escapes, rot13 rotates letters, UTF-7 reads "+..." runs), so the
# values read would not be the ones a viewer of the file shows
XML_ENCODINGS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk", "gb2312")
_READ_AS = {"gbk": "gb18030", "gb2312": "gb18030"}
_ENCODING_ADVICE = 'save the file as UTF-8, or name its encoding in the XML declaration (e.g. encoding="GBK")'
_JSON_ENCODING_ADVICE = ("save the file as UTF-8 (JSON has no declaration to name another encoding; a GBK file "
                         "converts with iconv -f GBK -t UTF-8)")


# Byte order marks and the codec each says the file is in. GB18030 has one too (U+FEFF in its four-byte form):
# Windows tools write it on saving as GB18030, and the codec reads it as a character, so it is cut off before
# decoding, as utf-8-sig and utf-16 cut theirs
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", 0), (codecs.BOM_UTF16_LE, "utf-16", 0), (codecs.BOM_UTF16_BE, "utf-16", 0),
         (b"\x84\x31\x95\x33", "gb18030", 4))


# UTF-32's marks, looked for before UTF-16's: the little-endian one begins with UTF-16's (FF FE), and read as UTF-16
# the file is text of NUL characters, refused as neither XML nor JSON
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


# The first two bytes of UTF-16 text without a byte order mark, by its byte order: an XML file's first character is
# "<" (or a space, a tab or a line break before it), written with a NUL beside it (XML 1.0, Appendix F: 3C 00 3F 00
# is UTF-16LE's "<?"). No UTF-8 or GB text holds a NUL, so the file is UTF-16, as some tools save it without the
# mark ("Unicode" without a preamble); read as UTF-8 it was refused as no UTF-8, told to name its encoding in the
# declaration that already named UTF-16.
# Each as _BOMS gives a mark: the bytes, the codec, and how many bytes to cut (none: they are the text's).
_XML_FIRST_CHARACTERS = (b"<", b" ", b"\t", b"\r", b"\n")
_UTF16_WITHOUT_MARK = tuple((first + b"\x00", "utf-16-le", 0) for first in _XML_FIRST_CHARACTERS) \
    + tuple((b"\x00" + first, "utf-16-be", 0) for first in _XML_FIRST_CHARACTERS)


def _decode(data: bytes, source: str) -> str:
    if data.startswith(_UTF32_BOMS):
        raise MalformedInput(source, None, "UTF-32 text (its byte order mark says so), which e-invoices are not "
                                           "written in: save the file as UTF-8 (iconv -f UTF-32 -t UTF-8)")
    for bom, enc, cut in _BOMS + _UTF16_WITHOUT_MARK:
        if data.startswith(bom):
            encoding, data = enc, data[cut:]
            break
    else:
        m = _DECL.match(data.lstrip())
        encoding = _declared_encoding(m.group(0), m.group(1).decode("ascii"), source) if m else "utf-8"
        if m:
            _refuse_mislabelled(data, m.group(1).decode("ascii"), encoding, source)
    # a JSON file has no declaration to name its encoding in: saving it as UTF-8 is the one way
    advice = _JSON_ENCODING_ADVICE if data.lstrip()[:1] in (b"{", b"[") else _ENCODING_ADVICE
    if encoding.startswith("utf-16"):
        # its mark, or the NUL beside its first character, shows it is UTF-16: naming an encoding, as the advice
        # above says, changes nothing; an odd byte at its end or half a surrogate pair is a file cut short or damaged
        advice = DOWNLOAD_AGAIN
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise MalformedInput(source, None, f"not valid {encoding} text: {advice}") from None
    try:
        # no encoding read above yields half of a surrogate pair (their decoders refuse one); should one, it is no
        # character, and the file is refused here rather than failing where the text is written out as UTF-8
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedInput(source, None, f"{encoding} text holding an unpaired UTF-16 surrogate, which is not a "
                                           f"Unicode character: {advice}") from None
    return text


def _refuse_mislabelled(data: bytes, declared: str, encoding: str, source: str) -> None:
    """Refuse a file whose declaration, readable one byte a character, names an encoding the file is not in. A
    UTF-16 file writes its declaration two bytes a character (or begins with a byte order mark, read before the
    declaration), so a UTF-16 declaration so read is never true. A file of text that is UTF-8 declaring GBK (as
    converting it with iconv leaves it) would read as GBK into other characters, 深圳 as 娣卞湷, without an error;
    GBK text of a few Chinese characters is not valid UTF-8, so a file holding some that is, is UTF-8."""
    utf8 = _is_utf8(data)
    if encoding.startswith("utf-16"):
        what = "UTF-8" if utf8 else "not in UTF-16"
        why = "UTF-16 writes the declaration two bytes to a character"
        fix = 'change the declaration to encoding="UTF-8"' if utf8 else \
            'save the file as UTF-8 and declare encoding="UTF-8"'
    elif encoding == "gb18030" and not data.isascii() and utf8:
        what, why = "UTF-8", f"read as {declared}, its Chinese would be other characters"
        fix = f'change the declaration to encoding="UTF-8", or save the file as {declared}'
    else:
        return
    raise MalformedInput(source, None, f'the XML declaration says encoding="{declared}", but the file is {what} '
                                       f"({why}): {fix}")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _declared_encoding(declaration: bytes, name: str, source: str) -> str:
    """The codec to read a file whose XML declaration (up to its ``encoding``) names ``name``; refused with
    MalformedInput when it is none an e-invoice is in (:data:`XML_ENCODINGS`), saying so, or no encoding of text at
    all: a name no codec has, a codec of bytes to bytes (hex) or text to text (rot13), or one that fails on the
    declaration's ASCII otherwise than as text it cannot decode (punycode, "undefined")."""
    try:
        codec = codecs.lookup(name).name
        if codec in XML_ENCODINGS:
            return _READ_AS.get(codec, codec)
        declaration.decode(codec)
    except UnicodeDecodeError:
        pass   # an encoding of text (UTF-32) the declaration is not written in: refused below, by name
    except (UnicodeError, LookupError):
        # UnicodeError, not only UnicodeDecodeError: a codec no text is stored in ("undefined") raises it
        raise MalformedInput(source, None, f'encoding="{name}" is not an encoding of text: {_ENCODING_ADVICE}') \
            from None
    raise MalformedInput(source, None, f'encoding="{name}" is not an encoding e-invoice XML is written in (UTF-8, '
                                       "UTF-16, GB18030, GBK or GB2312): save the file as UTF-8, or, if it is in one "
                                       "of those, name that one in the XML declaration")


def _xml_tree(text: str, source: str) -> "_Tree":
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise MalformedInput(source, None, "XML with a DOCTYPE or ENTITY declaration is refused (entity expansion): an "
                                           f"e-invoice as issued has none; {DOWNLOAD_AGAIN}")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        root = ET.fromstring(text)
        return _Tree(_element_to_obj(root, _namespace(root.tag)), _local(root.tag))
    except ET.ParseError as exc:
        raise MalformedInput(source, None, f"invalid XML: {exc}; {DOWNLOAD_AGAIN}") from None
    except RecursionError:
        raise MalformedInput(source, None, f"XML nested too deeply to be an e-invoice; {DOWNLOAD_AGAIN}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    """The namespace URI of an element's tag as ElementTree gives it (``{urn:x}Name``), "" for none."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


class _Elements(dict):
    """An XML element's child elements of the e-invoice's own namespace, by name: told apart from a JSON object
    only to name it so when it stands where a value belongs. ``foreign`` names those of another namespace it held
    (``Name (urn:x)``), which are not read: an XML signature or a vendor's extension is no field of the invoice,
    and an ``<x:TotalTax-includedAmount xmlns:x="urn:other">`` is not its total, even under that name."""

    def __init__(self) -> None:
        super().__init__()
        self.foreign: list[str] = []

    def names(self) -> str:
        """The elements it held, its own and then the foreign ones, for a message."""
        return ", ".join([*self, *self.foreign])


class _MixedContent(_Elements):
    """An XML element holding text beside its child elements (``<Quantity>200<b/></Quantity>``): its text is
    no value of the field, and the elements are none either. Kept for :meth:`_Tree.shape` to name, so that the
    field is refused rather than read as missing."""


def _element_to_obj(el: ET.Element, namespace: str) -> Any:
    """An element's value: its text, or its child elements of ``namespace`` (the root's: the e-invoice's own) or
    of none by name, those of another namespace named in ``foreign`` and not read."""
    children = list(el)
    if not children:
        return (el.text or "").strip()
    has_text = bool((el.text or "").strip()) or any((child.tail or "").strip() for child in children)
    obj: _Elements = _MixedContent() if has_text else _Elements()
    for child in children:
        key = _local(child.tag)
        # no namespace is the invoice's own too: a schema's local elements are unqualified unless it says
        # otherwise (elementFormDefault), so a root of a namespace holds its fields in none
        if (uri := _namespace(child.tag)) not in (namespace, ""):
            obj.foreign.append(f"{key} ({uri})")
            continue
        value = _element_to_obj(child, namespace)
        if key in obj:
            if not isinstance(obj[key], list):
                obj[key] = [obj[key]]
            obj[key].append(value)
        else:
            obj[key] = value
    return obj


def _holds_nothing(value: Any) -> bool:
    """An element left empty (null, ``""``, ``{}``, ``[]``: as XML-to-JSON converters variously write
    ``<Quantity/>``); not one holding elements of another namespace alone, which is no value either, and is
    refused as such rather than read as left out."""
    return value in (None, "", {}, []) and not (isinstance(value, _Elements) and value.foreign)


class _Repeated(Exception):
    """An element read as one, given several times with different values."""

    def __init__(self, path: str, copies: list[Any], document: str = "invoice") -> None:
        self.path = path
        scalars = all(c is None or isinstance(c, (str, int, Decimal)) for c in copies)
        # a string quoted, a number not, true, false and null as JSON writes them: the string "1.5" and the
        # number 1.5 are two values, and are shown so. Only plain values are written out, the only ones shown:
        # a whole block, nested perhaps hundreds deep, would be written as text for nothing
        values = list(dict.fromkeys(shown_value(c) for c in copies)) if scalars else []
        # the values that differ, where they are few and short (40 characters, a string's quotes aside):
        # identifiers or figures, not whole blocks
        shown = (f" ({', '.join(values)})" if scalars and len(values) <= 3
                 and all(len(v) <= 42 for v in values) else "")
        self.problem = (f"given {len(copies)} times with different values{shown}: which one the {document} means "
                        f"cannot be told; check the file against the {document}")
        super().__init__(path, self.problem)


class _Tree:
    """A read-only view of an XML-shaped tree (from XML or its JSON twin)."""

    def __init__(self, obj: Any, path: str) -> None:
        self.obj = obj
        self.path = path

    def child(self, name: str) -> "_Tree | None":
        """The one element of that name; ``None`` where it is absent or empty (null, ``""``, ``{}``, ``[]``: an
        empty element as XML-to-JSON converters variously write ``<Quantity/>``). One given several times (an XML
        element repeated, a JSON list) is read when every copy is the same, and refused
        (:class:`_Repeated`) when they differ: which one the invoice means cannot be told, and the first is no
        better a guess than the last."""
        if isinstance(self.obj, dict) and name in self.obj and not _holds_nothing(self.obj[name]):
            value = self.obj[name]
            if isinstance(value, list):
                if any(not _same_json_value(copy, value[0]) for copy in value[1:]):
                    raise _Repeated(_join(self.path, (name,)), value)
                value = value[0]
            return _Tree(value, _join(self.path, (name,)))
        return None

    def children(self, name: str) -> list["_Tree"]:
        if not isinstance(self.obj, dict) or name not in self.obj:
            return []
        value = self.obj[name]
        items = value if isinstance(value, list) else [value]
        return [_Tree(v, f"{_join(self.path, (name,))}[{i + 1}]") for i, v in enumerate(items)]

    def find(self, *path: str) -> "_Tree | None":
        node: _Tree | None = self
        for name in path:
            node = node.child(name) if node else None
        return node

    def text(self) -> str | None:
        """The value as text; ``None`` where it is blank or no plain value (:meth:`shape` says which). Blank is
        what a reader sees as empty: spaces, or invisible format characters alone (a zero-width space or a byte
        order mark pasted into a field, which ``str.strip`` keeps), so that every reader (XML, the XML's tree as
        JSON, recfin's JSON) takes such a field as left out, as it takes one of spaces."""
        if self.is_plain():
            text = str(self.obj).strip()
            return text if visible_characters(text) else None
        return None

    def is_plain(self) -> bool:
        """Text or a number: what a field of an invoice holds."""
        return isinstance(self.obj, (str, int, Decimal)) and not isinstance(self.obj, bool)

    def shape(self) -> str:
        """What a value that is no plain one is, for a message: mixed content, elements, an object, a list, a
        boolean, with the value itself where it is short enough to show."""
        if isinstance(self.obj, _MixedContent):
            return f"mixed content (text beside the element(s) {self.obj.names()} inside it)"
        if isinstance(self.obj, _Elements):
            return f"element(s) {self.obj.names()} inside it"
        kind = ("an object" if isinstance(self.obj, dict) else "a list" if isinstance(self.obj, list)
                else "a boolean" if isinstance(self.obj, bool) else type(self.obj).__name__)
        shown = printable_json(json_spelled(self.obj, SHOWN_LENGTH))
        described = f"{kind} ({shown})" if len(shown) <= SHOWN_LENGTH else kind
        if isinstance(self.obj, dict) and any(key.startswith(("@", "#")) for key in self.obj):
            described += ", as an XML-to-JSON converter writes an element with attributes"
        return described


class _Reader:
    """Takes fields out of a tree, turning every problem into MalformedInput."""

    def __init__(self, root: _Tree, source: str, missing_advice: str = DOWNLOAD_AGAIN) -> None:
        self.root = root
        self.source = source
        self.missing_advice = missing_advice   # what to do about a required field missing or empty

    def fail(self, field: str, problem: str) -> MalformedInput:
        return MalformedInput(self.source, field, problem)

    def text(self, node: _Tree | None, *paths: tuple[str, ...], required: bool = True) -> str | None:
        base = node or self.root
        for path in paths:
            found = base.find(*path)
            if found is not None and found.text() is not None:
                return found.text()
            if found is not None and not found.is_plain():
                # read as none, it would pass for a field left out, and a check that needs it would be skipped
                # instead of failing (999 x 1.50 is not 300.00), as a NaN would (parse_json)
                raise self.fail(_join(base.path, path), f"{found.shape()}, not a value (text or a number): write "
                                                        "the value alone, or check the file against the invoice")
        if required:
            shown = " or ".join(_join(base.path, p) for p in paths)
            raise self.fail(shown, f"missing or empty{_foreign_namesakes(base, paths)}; {self.missing_advice}")
        return None

    def identifier(self, node: _Tree | None, *paths: tuple[str, ...], required: bool = True) -> str | None:
        """An invoice number, invoice code or tax id: text, never a JSON number.

        A converter that reads digit strings as numbers has already changed the value before this reader sees
        it: a 20-digit invoice number passes through a double and comes back as another number (and another
        fingerprint), and a leading zero is dropped. No number can be trusted, even one that looks whole.
        """
        base = node or self.root
        for path in paths:
            found = base.find(*path)
            if found is not None and found.text() is not None:
                if not isinstance(found.obj, str):
                    raise self.fail(_join(base.path, path), (
                        f"a JSON number ({found.obj}), not a string: an identifier written as a number has lost "
                        "digits on its way through a floating-point conversion (a 20-digit invoice number comes "
                        "back as another number) or its leading zeros; write it as a JSON string (convert the XML "
                        "with number parsing off), or check the XML file itself"))
                return found.text()
        return self.text(node, *paths, required=required)

    def value(self, node: _Tree | None, path: tuple[str, ...], convert: Callable[[str], Any], required: bool = True) -> Any:
        raw = self.text(node, path, required=required)
        if raw is None:
            return None
        try:
            return convert(raw)
        except ValueProblem as exc:
            raise self.fail(_join((node or self.root).path, path), str(exc)) from None


def _foreign_namesakes(base: _Tree, paths: tuple[tuple[str, ...], ...]) -> str:
    """For a field found missing: the elements of its name in another namespace, not read, where there are some
    (``<x:TotalTax-includedAmount xmlns:x="urn:other">``), so that the file is not taken to lack it unseen."""
    found = []
    for path in paths:
        parent = base.find(*path[:-1]) if len(path) > 1 else base
        if parent is not None and isinstance(parent.obj, _Elements):
            found += [name for name in parent.obj.foreign if name.startswith(f"{path[-1]} (")]
    return (f" (an element of its name of another namespace is not the invoice's own, and is not read: "
            f"{', '.join(dict.fromkeys(found))})") if found else ""


def _identified(invoice: Invoice, r: _Reader, fields: dict[str, str]) -> Invoice:
    """The invoice, once the fields its fingerprint joins with '|' are known not to hold one."""
    values = {"number": invoice.number, "code": invoice.code, "seller": invoice.seller.tax_id}
    for key, field in fields.items():
        if "|" in values[key]:
            raise r.fail(field, f"{values[key]!r}: '|' cannot appear in an invoice number, invoice code or tax id")
    return invoice


def _join(base: str, path: tuple[str, ...]) -> str:
    """A field's path from ``base`` down through ``path``; every path in a message is built here. A JSON key holding
    an unpaired surrogate (``"\\ud800"``) is written escaped, as the surrogate could not be written out as UTF-8 (the
    terminal, a log); escaping an escaped path again leaves it as it is."""
    return "/".join(([base] if base else []) + [part.encode("utf-8", "backslashreplace").decode("utf-8")
                                                for part in path])


# The forms an issue date is read in, each matched whole before strptime reads it: strptime alone takes a month or
# a day of one digit anywhere, so the compact 2026111 would be read as 2026-11-01 where 2026-01-11 is as likely.
# Where separators stand between them, a part of one digit is unambiguous (2026-9-1, 9:05:00) and is read
DATE_FORMS = {
    re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"): "%Y-%m-%d",
    re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}"): "%Y-%m-%d %H:%M:%S",
    re.compile(r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}"): "%Y/%m/%d",
    re.compile(r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日"): "%Y年%m月%d日",
    re.compile(r"[0-9]{8}"): "%Y%m%d",
    re.compile(r"[0-9]{14}"): "%Y%m%d%H%M%S",
}
DATE_FORMS_SHOWN = ("2026-09-01 (or 2026-9-1), 2026-09-01 10:11:12, 2026/09/01, 2026年09月01日, 20260901 or "
                    "20260901101112")


def _parse_date(text: str) -> date:
    text = text.strip()
    fmt = next((fmt for form, fmt in DATE_FORMS.items() if form.fullmatch(text)), None)
    if fmt is None:
        compact = (" (a date written without separators has 8 digits: 2026111 could be 2026-01-11 or 2026-11-01)"
                   if re.fullmatch("[0-9]+", text) else "")
        raise ValueProblem(f"not a date in a form read here: {text!r}; write it as one of {DATE_FORMS_SHOWN}"
                           f"{compact}")
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        raise ValueProblem(f"not a date: {text!r} (no such day or time); write it as one of {DATE_FORMS_SHOWN}") \
            from None


# The element (XML, its JSON twin) or key (recfin JSON) of each field of an item line; None: that form has none
_XML_LINE = {"name": "ItemName", "spec": "SpecMod", "unit": "MeaUnits", "quantity": "Quantity",
             "unit_price": "UnPrice", "amount": "Amount", "tax_rate": "TaxRate", "tax": "ComTaxAm",
             "deduction": None}
_RECFIN_LINE = {"name": "name", "spec": "spec", "unit": "unit", "quantity": "quantity", "unit_price": "unit_price",
                "amount": "amount", "tax_rate": "tax_rate", "tax": "tax", "deduction": "deduction"}


def _line(r: _Reader, node: _Tree, names: dict[str, str | None]) -> InvoiceLine:
    """One item line. Its tax may be ``***`` or absent only where its rate says it carries none (免税, 不征税,
    ``***``): as the PDF prints an exempt line, and as some files leave the element out."""
    rate_text = r.text(node, (names["tax_rate"],))
    tax_text = r.text(node, (names["tax"],), required=False)
    try:
        tax_fen = to_line_tax(tax_text, rate_text)
    except ValueProblem as exc:
        raise r.fail(_join(node.path, (names["tax"],)), str(exc)) from None
    amount_fen = r.value(node, (names["amount"],), to_fen)
    deduction = None
    if names["deduction"] is not None:
        deduction = r.value(node, (names["deduction"],), to_fen, required=False)
        problem = None if deduction is None else deduction_problem(deduction, amount_fen)
        if problem is not None:
            raise r.fail(_join(node.path, (names["deduction"],)), problem)
    return InvoiceLine(
        name=r.text(node, (names["name"],)),
        spec=r.text(node, (names["spec"],), required=False),
        unit=r.text(node, (names["unit"],), required=False),
        quantity=r.value(node, (names["quantity"],), to_plain_decimal, required=False),
        unit_price=r.value(node, (names["unit_price"],), to_plain_decimal, required=False),
        amount_fen=amount_fen,
        tax_rate=r.value(node, (names["tax_rate"],), to_rate),
        tax_fen=tax_fen,
        deduction_fen=deduction,
    )


def _texts(obj: Any) -> Iterator[str]:
    """Every text in a tree (XML or its JSON twin), depth first."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _texts(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _texts(value)


def _texts_of(obj: Any, name: str) -> list[str]:
    """Every text of the elements named ``name`` anywhere in a tree (each copy of a repeated one)."""
    found: list[str] = []
    pending = [obj]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == name:
                    found.extend(_texts(value))
                else:
                    pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return found


_REMARK = "EInvoice/EInvoiceData/AdditionalInformation/Remark"


def _difference_tax_said(r: _Reader, root: _Tree, data: _Tree,
                         lines: list[InvoiceLine]) -> tuple[bool, int | None]:
    """Whether the invoice marks itself taxed on the difference (差额征税): its remark (备注,
    ``AdditionalInformation/Remark``) or a label of its header (``Header/.../LabelName``) beginning so
    (:func:`difference_tax`), and the deduction (扣除额) the remark gives (``差额征税：80000.00。``, as invoicing
    software prints it), if any: refused when it cannot be taken off the lines' amount (:func:`deduction_problem`).
    No other text is read: a seller, an address or a remark that merely names 差额征税 marks nothing."""
    texts = [*_texts_of(root.obj.get("Header"), "LabelName"),
             *_texts_of(data.obj.get("AdditionalInformation"), "Remark")]
    try:
        said, deduction = difference_tax(texts)
    except ValueProblem as exc:
        raise r.fail(_REMARK, f"the deduction after 差额征税: {exc}") from None
    problem = None if deduction is None else deduction_problem(deduction, sum(l.amount_fen for l in lines))
    if problem is not None:
        raise r.fail(_REMARK, problem)
    return said, deduction


def _original_said(r: _Reader, data: _Tree, number: str) -> tuple[str, str]:
    """The code and number of the invoice a red-letter invoice's remark (``AdditionalInformation/Remark``) says it
    offsets (``被红冲蓝字数电发票号码：...``, as the platform writes it; :func:`offset_invoice`), or two empty
    strings where it names none; an identity that is no invoice's (:func:`offset_identity_problem`), or two that
    differ, are refused naming the remark."""
    try:
        original = offset_invoice(_texts_of(data.obj.get("AdditionalInformation"), "Remark"))
    except ValueProblem as exc:
        raise r.fail(_REMARK, f"the remark {exc}") from None
    if original is None:
        return "", ""
    if (problem := offset_identity_problem(*original, "", number)) is not None:
        raise r.fail(_REMARK, problem)
    return original


def _from_tree(root: _Tree, source: str) -> Invoice:
    if root.path != "EInvoice":
        raise UnsupportedFormat(source, None, f"root element is {root.path!r}, expected 'EInvoice': give the fully "
                                              "digitalised e-invoice's XML (its root element is EInvoice), or check "
                                              "that this is the invoice's file")
    r = _Reader(root, source)
    data = root.child("EInvoiceData")
    if data is None:
        raise r.fail("EInvoice/EInvoiceData",
                     f"missing{_foreign_namesakes(root, (('EInvoiceData',),))}; {DOWNLOAD_AGAIN}")
    seller = data.child("SellerInformation")
    buyer = data.child("BuyerInformation")
    basic = data.child("BasicInformation")
    for name, node in (("SellerInformation", seller), ("BuyerInformation", buyer), ("BasicInformation", basic)):
        if node is None:
            raise r.fail(f"EInvoice/EInvoiceData/{name}",
                         f"missing{_foreign_namesakes(data, ((name,),))}; {DOWNLOAD_AGAIN}")
    number = _number(r)
    issue_date = _issue_date(r, basic)
    items = data.children("IssuItemInformation")
    if not items:
        raise r.fail("EInvoice/EInvoiceData/IssuItemInformation", f"no item lines; {DOWNLOAD_AGAIN}")
    lines = [_line(r, item, _XML_LINE) for item in items]
    taxed_on_difference, deduction = _difference_tax_said(r, root, data, lines)
    original_code, original_number = _original_said(r, data, number)
    if deduction is not None and len(lines) == 1:
        # invoicing software lets a 差额征税 invoice have one item line, which the remark's deduction is of
        lines = [lines[0].model_copy(update={"deduction_fen": deduction})]
    label = root.find("Header", "InherentLabel")
    kind = None
    if label is not None:
        kind = r.text(label, ("GeneralOrSpecialVAT", "LabelName"), ("EInvoiceType", "LabelName"), required=False)
    return _identified(Invoice(
        number=number,
        original_number=original_number,
        original_code=original_code,
        issue_date=issue_date,
        seller=Party(name=r.text(seller, ("SellerName",)), tax_id=r.identifier(seller, ("SellerIdNum",))),
        # a natural person (个人) buying has no tax id: read as none, the buyer checks then fail by name
        buyer=Party(name=r.text(buyer, ("BuyerName",)), tax_id=r.identifier(buyer, ("BuyerIdNum",), required=False)
                    or ""),
        lines=tuple(lines),
        total_amount_fen=r.value(basic, ("TotalAmWithoutTax",), to_fen),
        total_tax_fen=r.value(basic, ("TotalTaxAm",), to_fen),
        total_with_tax_fen=r.value(basic, ("TotalTax-includedAmount",), to_fen),
        # checked against the figures by totals.in_words, not here: words that disagree are a finding to show
        total_in_words=r.text(basic, ("TotalTax-includedAmountInChinese",), required=False),
        kind=kind,
        taxed_on_difference=taxed_on_difference,
        source=source,
    ), r, {"number": "EInvoice/TaxSupervisionInfo/InvoiceNumber", "seller": f"{seller.path}/SellerIdNum"})


def _issue_date(r: _Reader, basic: _Tree) -> date:
    """The issue date: ``TaxSupervisionInfo/IssueTime``, else ``BasicInformation/RequestTime``. Where the file gives
    both, each is read, and a request dated after the issue, or more than a day before it, is refused, as two
    invoice numbers are (:func:`_number`): which day the invoice was issued on cannot be told, and the date checks
    and the fingerprint's record go by it. A request of the same day, or of the day before, is no disagreement: the
    request is made moments before the invoice is issued, and one made just before midnight is issued the next
    day."""
    given = [(field, text) for field, text in (
        ("EInvoice/TaxSupervisionInfo/IssueTime", r.text(None, ("TaxSupervisionInfo", "IssueTime"), required=False)),
        (f"{basic.path}/RequestTime", r.text(basic, ("RequestTime",), required=False))) if text is not None]
    if not given:
        r.text(basic, ("RequestTime",))  # refused as missing, naming the element read last
    dates = []
    for field, text in given:
        try:
            dates.append(_parse_date(text))
        except ValueProblem as exc:
            raise r.fail(field, str(exc)) from None
    if len(dates) == 2 and not timedelta(0) <= dates[0] - dates[1] <= timedelta(days=1):
        (field, issued), (other, requested) = given
        raise r.fail(field, f"{issued!r}, but {other} is {requested!r}: two issue dates that differ ({dates[0]} and "
                            f"{dates[1]}; a request comes on the day of the issue or the day before), and which day "
                            "the invoice was issued on cannot be told; check the file against the invoice, or "
                            "download it again from where it was issued")
    return dates[0]


def _number(r: _Reader) -> str:
    """The invoice number: ``TaxSupervisionInfo/InvoiceNumber``, else ``Header/EIid``. Where the file gives both
    and they differ it is refused: which one the invoice is cannot be told, and the number is what its fingerprint
    (and so the ledger's duplicate check) is of."""
    paths = (("TaxSupervisionInfo", "InvoiceNumber"), ("Header", "EIid"))
    given = [r.identifier(None, path, required=False) for path in paths]
    if None not in given and given[0] != given[1]:
        raise r.fail(_join(r.root.path, paths[0]),
                     f"{given[0]!r}, but {_join(r.root.path, paths[1])} is {given[1]!r}: two invoice numbers that "
                     "differ, and which one the invoice is cannot be told; check the file against the invoice, or "
                     "download it again from where it was issued")
    return r.identifier(None, *paths)


def _from_recfin_json(doc: dict[str, Any], source: str) -> Invoice:
    root = _Tree(doc, "")
    r = _Reader(root, source, FILL_IN)
    _refuse_unreviewed(r, doc.get("unreviewed"))
    _refuse_read_below_the_default_confidence(r, doc.get("min_confidence"))

    def party(name: str) -> Party:
        node = root.child(name)
        if node is None or not isinstance(node.obj, dict):
            raise r.fail(name, 'missing or not an object: give it as {"name": ..., "tax_id": ...}')
        return Party(name=r.text(node, ("name",)), tax_id=r.identifier(node, ("tax_id",)))

    raw_lines = doc.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise r.fail("lines", "missing, empty or not a list: give the item lines as a list of objects, one a line")
    lines = []
    for i, item in enumerate(raw_lines):
        node = _Tree(item, f"lines[{i}]")
        if not isinstance(item, dict):
            raise r.fail(node.path, 'not an object: give each line as {"name": ..., "amount": ..., ...}')
        lines.append(_line(r, node, _RECFIN_LINE))
    said = doc.get("taxed_on_difference")
    if said is not None and not isinstance(said, bool):
        raise r.fail("taxed_on_difference", f"{shown_value(said)}: true or false (or absent, for false)")
    deducted = [i for i, line in enumerate(lines) if line.deduction_fen is not None]
    if said is False and deducted:
        # a deduction is what taxing on the difference takes off: a line with one on an invoice said not to be so
        # taxed is a contradiction, not a choice between the two
        raise r.fail(f"lines[{deducted[0]}]/deduction", "a deduction on an invoice whose taxed_on_difference is "
                     "false: remove the deduction, or set taxed_on_difference to true")
    currency = r.text(None, ("currency",), required=False) or "CNY"
    if currency != "CNY":
        raise r.fail("currency", f"only CNY invoices are supported, got {currency!r}")
    number, code = r.identifier(None, ("number",)), r.identifier(None, ("code",), required=False) or ""
    paper_code, paper_number = _paper_identity(r, code, number)
    original_code, original_number = _original_identity(r, code, number, paper_code, paper_number)
    return _identified(Invoice(
        number=number,
        code=code,
        paper_code=paper_code,
        paper_number=paper_number,
        original_number=original_number,
        original_code=original_code,
        issue_date=r.value(None, ("issue_date",), _parse_date),
        seller=party("seller"),
        buyer=party("buyer"),
        lines=tuple(lines),
        total_amount_fen=r.value(None, ("total_amount",), to_fen),
        total_tax_fen=r.value(None, ("total_tax",), to_fen),
        total_with_tax_fen=r.value(None, ("total_with_tax",), to_fen),
        total_in_words=r.text(None, ("total_in_words",), required=False),
        kind=r.text(None, ("kind",), required=False),
        taxed_on_difference=bool(said or deducted),
        source=source,
    ), r, {"number": "number", "code": "code", "seller": "seller/tax_id"})


def _paper_identity(r: _Reader, code: str, number: str) -> tuple[str, str]:
    """The paper form's 发票代码 and 8-digit 发票号码 of a fully digitalised e-invoice delivered on paper
    (``paper_code``, ``paper_number``), or two empty strings where the file gives neither; one given without the
    other, beside an invoice that is not fully digitalised, or not of a code's and an 8-digit number's form, is
    refused naming the field."""
    paper_code = r.identifier(None, ("paper_code",), required=False) or ""
    paper_number = r.identifier(None, ("paper_number",), required=False) or ""
    if (problem := paper_identity_problem(code, number, paper_code, paper_number)) is not None:
        raise r.fail(*problem)
    return paper_code, paper_number


def _original_identity(r: _Reader, code: str, number: str, paper_code: str, paper_number: str) -> tuple[str, str]:
    """The code and number of the invoice a red-letter invoice offsets (``original_code``, ``original_number``), or
    two empty strings where the file gives none; a code without a number, or an identity that is no invoice's
    (:func:`offset_identity_problem`), is refused naming the field."""
    original_code = r.identifier(None, ("original_code",), required=False) or ""
    original_number = r.identifier(None, ("original_number",), required=False) or ""
    if original_code and not original_number:
        raise r.fail("original_number", "missing beside original_code: give the number of the invoice this "
                                        "red-letter invoice offsets too")
    if original_number and (problem := offset_identity_problem(original_code, original_number, code, number,
                                                                paper_code, paper_number)) is not None:
        # the code is named where it is no code by itself; otherwise the number, or the pair, is what is wrong
        code_at_fault = bool(original_code) and (code_characters_problem(original_code)
                                                 or code_form_problem(original_code)) is not None
        raise r.fail("original_code" if code_at_fault else "original_number", problem)
    return original_code, original_number


UNREVIEWED_ADVICE = ('check them against the scan, correct the values in this file, then delete the "unreviewed" '
                     "entry")


LOW_CONFIDENCE_ADVICE = ("check every field against the scan (or read it again without --min-confidence), correct "
                         'the values in this file, then delete the "min_confidence" entry')


def _refuse_read_below_the_default_confidence(r: _Reader, threshold: Any) -> None:
    """A file written from a scan's reading records the confidence below which a field was flagged
    (``min_confidence``, ``recfin invoice read --invoice-out``). One below the default flagged none of the fields read
    with less than the default, so they are listed nowhere as unreviewed: it is refused, as an unreviewed list is,
    until a person has checked every field and deleted the entry."""
    if threshold is None:
        return
    # a JSON number is read as a Decimal (or an int)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, Decimal)) or not 0 <= threshold <= 1:
        raise r.fail("min_confidence", f"{shown_value(threshold)} is no confidence from 0 to 1: it records the confidence below "
                                       "which the scan's fields were flagged; read the scan again with --invoice-out")
    if threshold < Decimal(str(DEFAULT_MIN_CONFIDENCE)):
        raise r.fail("min_confidence", f"the scan was read with --min-confidence {threshold:g}, below the default "
                                       f"{DEFAULT_MIN_CONFIDENCE:.2f}, so no field read with less confidence than "
                                       f"{DEFAULT_MIN_CONFIDENCE:.2f} was flagged for a person; {LOW_CONFIDENCE_ADVICE}")


def _refuse_unreviewed(r: _Reader, listed: Any) -> None:
    """A file written from a scan's reading with fields flagged (``unreviewed``, :func:`invoice_to_json`) is not an
    invoice to trust until a person has checked them: refused, naming each field and why it was flagged."""
    if listed is None or listed == []:
        return
    if not isinstance(listed, list) or not all(isinstance(u, dict) for u in listed):
        raise r.fail("unreviewed", "not a list of flagged fields: it lists the fields of a scan's reading that a "
                                   f"person must check; {UNREVIEWED_ADVICE}")
    named = flagged_fields_named([(u.get("field", "?"), u.get("reason", "flagged")) for u in listed])
    raise r.fail("unreviewed", f"{len(listed)} field(s) flagged when the scan was read, not yet checked: {named}; "
                               f"{UNREVIEWED_ADVICE}")


