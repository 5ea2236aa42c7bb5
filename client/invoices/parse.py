"""Read structured electronic invoices (XML and JSON) into :class:`Invoice`.

Supported inputs (see docs/invoices.md for the full list of element names):

- the fully digitalised e-invoice (全面数字化的电子发票) XML, root ``EInvoice``
  with ``Header/EIid``, ``EInvoiceData/{SellerInformation, BuyerInformation,
  BasicInformation, IssuItemInformation*}`` and ``TaxSupervisionInfo``;
- the same tree as JSON (``{"EInvoice": {...}}``), as XML-to-JSON converters
  write it (a repeated element becomes a list);
- recfin's own JSON form (``{"format": "recfin.invoice/1", ...}``), the model
  written out with amounts as yuan strings.

Anything else, or any required field missing or unreadable, raises
:class:`MalformedInput` naming the file and the field.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from client.money import plain_yuan
from client.user_files import UnreadableFile, read_user_bytes

from ._reading import ValueProblem, to_decimal, to_fen, to_rate
from .errors import MalformedInput, UnsupportedFormat
from .model import Invoice, InvoiceLine, Party

RECFIN_JSON_FORMAT = "recfin.invoice/1"
MAX_BYTES = 5 * 1024 * 1024

# XML allows white space around the '=' of a declaration's attribute: encoding = "GBK"
_DECL = re.compile(rb"^<\?xml[^>]*\sencoding\s*=\s*[\"']([A-Za-z0-9_.\-]+)[\"']")


def read_invoice(path: str | Path) -> Invoice:
    """Read an XML or JSON e-invoice file. Raises :class:`MalformedInput`."""
    p = Path(path)
    try:
        data = read_user_bytes(p)
    except UnreadableFile as exc:
        raise MalformedInput(str(p), None, exc.problem) from None
    return parse_invoice(data, source=str(p))


def parse_invoice(data: bytes, source: str = "<memory>") -> Invoice:
    """Parse invoice bytes, choosing XML or JSON by content."""
    if len(data) > MAX_BYTES:
        raise MalformedInput(source, None, f"larger than {MAX_BYTES} bytes; not an invoice")
    text = _decode(data, source)
    if not text.strip():
        raise UnsupportedFormat(source, None, "empty file, expected an e-invoice as XML or JSON")
    head = text.lstrip()[:1]
    if head == "<":
        return _from_tree(_xml_tree(text, source), source)
    if head in ("{", "["):
        doc = parse_json(text, source)
        if isinstance(doc, dict) and "EInvoice" in doc:
            return _from_tree(_Tree(doc["EInvoice"], "EInvoice"), source)
        if isinstance(doc, dict) and doc.get("format") == RECFIN_JSON_FORMAT:
            return _from_recfin_json(doc, source)
        raise UnsupportedFormat(source, None, f'JSON that is neither {{"EInvoice": ...}} nor {{"format": "{RECFIN_JSON_FORMAT}"}}')
    raise UnsupportedFormat(source, None, "neither XML nor JSON (for a PDF or image use `recfin invoice read`)")


def parse_json(text: str, source: str) -> Any:
    """JSON with numbers as exact decimals; every problem, nesting too deep included, as MalformedInput."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise MalformedInput(source, None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise MalformedInput(source, None, "JSON nested too deeply to be a document") from None
    except ValueError:
        # the only other ValueError: an integer longer than Python converts (sys.get_int_max_str_digits())
        raise MalformedInput(source, None, f"a JSON number of more than {sys.get_int_max_str_digits()} digits: "
                                           "no field of an invoice, an order or a receipt holds one; check the "
                                           "file") from None


def invoice_to_json(invoice: Invoice) -> dict[str, Any]:
    """The recfin JSON form of an invoice (what :func:`parse_invoice` reads back)."""
    return {
        "format": RECFIN_JSON_FORMAT,
        "number": invoice.number,
        **({"code": invoice.code} if invoice.code else {}),
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
                "quantity": None if line.quantity is None else str(line.quantity),
                "unit_price": None if line.unit_price is None else str(line.unit_price),
                "amount": plain_yuan(line.amount_fen),
                "tax_rate": str(line.tax_rate),
                "tax": plain_yuan(line.tax_fen),
            }
            for line in invoice.lines
        ],
        "total_amount": plain_yuan(invoice.total_amount_fen),
        "total_tax": plain_yuan(invoice.total_tax_fen),
        "total_with_tax": plain_yuan(invoice.total_with_tax_fen),
    }


# --- decoding -----------------------------------------------------------------

def _decode(data: bytes, source: str) -> str:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            encoding = enc
            break
    else:
        m = _DECL.match(data.lstrip())
        encoding = m.group(1).decode("ascii").lower() if m else "utf-8"
        if encoding in ("gbk", "gb2312"):
            encoding = "gb18030"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise MalformedInput(source, None, f"not valid {encoding} text: save the file as UTF-8, or name its "
                                           f"encoding in the XML declaration (e.g. encoding=\"GBK\")") from None


def _xml_tree(text: str, source: str) -> "_Tree":
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise MalformedInput(source, None, "XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        root = ET.fromstring(text)
        return _Tree(_element_to_obj(root), _local(root.tag))
    except ET.ParseError as exc:
        raise MalformedInput(source, None, f"invalid XML: {exc}") from None
    except RecursionError:
        raise MalformedInput(source, None, "XML nested too deeply to be an e-invoice") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_to_obj(el: ET.Element) -> Any:
    children = list(el)
    if not children:
        return (el.text or "").strip()
    obj: dict[str, Any] = {}
    for child in children:
        key = _local(child.tag)
        value = _element_to_obj(child)
        if key in obj:
            if not isinstance(obj[key], list):
                obj[key] = [obj[key]]
            obj[key].append(value)
        else:
            obj[key] = value
    return obj


class _Tree:
    """A read-only view of an XML-shaped tree (from XML or its JSON twin)."""

    def __init__(self, obj: Any, path: str) -> None:
        self.obj = obj
        self.path = path

    def child(self, name: str) -> "_Tree | None":
        if isinstance(self.obj, dict) and name in self.obj and self.obj[name] not in (None, "", {}):
            value = self.obj[name]
            if isinstance(value, list):
                value = value[0]
            return _Tree(value, f"{self.path}/{name}")
        return None

    def children(self, name: str) -> list["_Tree"]:
        if not isinstance(self.obj, dict) or name not in self.obj:
            return []
        value = self.obj[name]
        items = value if isinstance(value, list) else [value]
        return [_Tree(v, f"{self.path}/{name}[{i + 1}]") for i, v in enumerate(items)]

    def find(self, *path: str) -> "_Tree | None":
        node: _Tree | None = self
        for name in path:
            node = node.child(name) if node else None
        return node

    def text(self) -> str | None:
        if isinstance(self.obj, (str, int, Decimal)) and not isinstance(self.obj, bool):
            text = str(self.obj).strip()
            return text or None
        return None


class _Reader:
    """Takes fields out of a tree, turning every problem into MalformedInput."""

    def __init__(self, root: _Tree, source: str) -> None:
        self.root = root
        self.source = source

    def fail(self, field: str, problem: str) -> MalformedInput:
        return MalformedInput(self.source, field, problem)

    def text(self, node: _Tree | None, *paths: tuple[str, ...], required: bool = True) -> str | None:
        base = node or self.root
        for path in paths:
            found = base.find(*path)
            if found is not None and found.text() is not None:
                return found.text()
        if required:
            shown = " or ".join(_join(base.path, p) for p in paths)
            raise self.fail(shown, "missing or empty")
        return None

    def value(self, node: _Tree | None, path: tuple[str, ...], convert: Callable[[str], Any], required: bool = True) -> Any:
        raw = self.text(node, path, required=required)
        if raw is None:
            return None
        try:
            return convert(raw)
        except ValueProblem as exc:
            raise self.fail(_join((node or self.root).path, path), str(exc)) from None


def _identified(invoice: Invoice, r: _Reader, fields: dict[str, str]) -> Invoice:
    """The invoice, once the fields its fingerprint joins with '|' are known not to hold one."""
    values = {"number": invoice.number, "code": invoice.code, "seller": invoice.seller.tax_id}
    for key, field in fields.items():
        if "|" in values[key]:
            raise r.fail(field, f"{values[key]!r}: '|' cannot appear in an invoice number, invoice code or tax id")
    return invoice


def _join(base: str, path: tuple[str, ...]) -> str:
    return "/".join(([base] if base else []) + list(path))


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y%m%d", "%Y%m%d%H%M%S", "%Y年%m月%d日", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueProblem(f"not a date: {text!r} (expected e.g. 2026-09-01 or 2026年09月01日)")


def _from_tree(root: _Tree, source: str) -> Invoice:
    if root.path != "EInvoice":
        raise UnsupportedFormat(source, None, f"root element is {root.path!r}, expected 'EInvoice'")
    r = _Reader(root, source)
    data = root.child("EInvoiceData")
    if data is None:
        raise r.fail("EInvoice/EInvoiceData", "missing")
    seller = data.child("SellerInformation")
    buyer = data.child("BuyerInformation")
    basic = data.child("BasicInformation")
    for name, node in (("SellerInformation", seller), ("BuyerInformation", buyer), ("BasicInformation", basic)):
        if node is None:
            raise r.fail(f"EInvoice/EInvoiceData/{name}", "missing")
    number = r.text(None, ("TaxSupervisionInfo", "InvoiceNumber"), ("Header", "EIid"))
    issued = r.text(None, ("TaxSupervisionInfo", "IssueTime"), required=False)
    if issued is None:
        issued = r.text(basic, ("RequestTime",))
        date_field = f"{basic.path}/RequestTime"
    else:
        date_field = "EInvoice/TaxSupervisionInfo/IssueTime"
    try:
        issue_date = _parse_date(issued)
    except ValueProblem as exc:
        raise r.fail(date_field, str(exc)) from None
    items = data.children("IssuItemInformation")
    if not items:
        raise r.fail("EInvoice/EInvoiceData/IssuItemInformation", "no item lines")
    lines = []
    for item in items:
        lines.append(
            InvoiceLine(
                name=r.text(item, ("ItemName",)),
                spec=r.text(item, ("SpecMod",), required=False),
                unit=r.text(item, ("MeaUnits",), required=False),
                quantity=r.value(item, ("Quantity",), to_decimal, required=False),
                unit_price=r.value(item, ("UnPrice",), to_decimal, required=False),
                amount_fen=r.value(item, ("Amount",), to_fen),
                tax_rate=r.value(item, ("TaxRate",), to_rate),
                tax_fen=r.value(item, ("ComTaxAm",), to_fen),
            )
        )
    label = root.find("Header", "InherentLabel")
    kind = None
    if label is not None:
        kind = r.text(label, ("GeneralOrSpecialVAT", "LabelName"), ("EInvoiceType", "LabelName"), required=False)
    return _identified(Invoice(
        number=number,
        issue_date=issue_date,
        seller=Party(name=r.text(seller, ("SellerName",)), tax_id=r.text(seller, ("SellerIdNum",))),
        buyer=Party(name=r.text(buyer, ("BuyerName",)), tax_id=r.text(buyer, ("BuyerIdNum",))),
        lines=tuple(lines),
        total_amount_fen=r.value(basic, ("TotalAmWithoutTax",), to_fen),
        total_tax_fen=r.value(basic, ("TotalTaxAm",), to_fen),
        total_with_tax_fen=r.value(basic, ("TotalTax-includedAmount",), to_fen),
        kind=kind,
        source=source,
    ), r, {"number": "EInvoice/TaxSupervisionInfo/InvoiceNumber", "seller": f"{seller.path}/SellerIdNum"})


def _from_recfin_json(doc: dict[str, Any], source: str) -> Invoice:
    root = _Tree(doc, "")
    r = _Reader(root, source)

    def party(name: str) -> Party:
        node = root.child(name)
        if node is None or not isinstance(node.obj, dict):
            raise r.fail(name, "missing or not an object")
        return Party(name=r.text(node, ("name",)), tax_id=r.text(node, ("tax_id",)))

    raw_lines = doc.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise r.fail("lines", "missing, empty or not a list")
    lines = []
    for i, item in enumerate(raw_lines):
        node = _Tree(item, f"lines[{i}]")
        if not isinstance(item, dict):
            raise r.fail(node.path, "not an object")
        lines.append(
            InvoiceLine(
                name=r.text(node, ("name",)),
                spec=r.text(node, ("spec",), required=False),
                unit=r.text(node, ("unit",), required=False),
                quantity=r.value(node, ("quantity",), to_decimal, required=False),
                unit_price=r.value(node, ("unit_price",), to_decimal, required=False),
                amount_fen=r.value(node, ("amount",), to_fen),
                tax_rate=r.value(node, ("tax_rate",), to_rate),
                tax_fen=r.value(node, ("tax",), to_fen),
            )
        )
    currency = r.text(None, ("currency",), required=False) or "CNY"
    if currency != "CNY":
        raise r.fail("currency", f"only CNY invoices are supported, got {currency!r}")
    return _identified(Invoice(
        number=r.text(None, ("number",)),
        code=r.text(None, ("code",), required=False) or "",
        issue_date=r.value(None, ("issue_date",), _parse_date),
        seller=party("seller"),
        buyer=party("buyer"),
        lines=tuple(lines),
        total_amount_fen=r.value(None, ("total_amount",), to_fen),
        total_tax_fen=r.value(None, ("total_tax",), to_fen),
        total_with_tax_fen=r.value(None, ("total_with_tax",), to_fen),
        kind=r.text(None, ("kind",), required=False),
        source=source,
    ), r, {"number": "number", "code": "code", "seller": "seller/tax_id"})
