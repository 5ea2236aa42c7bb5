"""Three-way matching: invoice against purchase order (采购订单) and goods receipt (入库单/收货单).

Purchase orders and goods receipts come as the CSV or JSON an ERP exports; see
docs/invoices.md for the columns (English or Chinese headers). Lines pair up by
item code when both sides have one, otherwise by item name after removing the
``*category*`` prefix that Chinese invoices put before the name.

A line is
- ``matched`` when it has a PO line and a receipt line, its quantity equals the
  received quantity and does not exceed the ordered one, and its unit price
  equals the PO's, each within tolerance;
- ``partial`` when it has a PO line but something is outside tolerance or it was
  not received;
- ``unmatched`` when no PO line has its item.
The whole match is ``matched`` only when every line is and the invoice amount
(without tax) equals the PO price x invoiced quantity summed, within the total
tolerance.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from client.money import plain_yuan, round_half_up
from client.user_files import UnreadableFile, read_user_text

from ._reading import ValueProblem, to_decimal
from .errors import MalformedInput, UnsupportedFormat
from .model import Invoice
from .parse import invoice_to_json, parse_json


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderLine(_Frozen):
    line: str
    item_code: str | None = None
    item_name: str
    quantity: Decimal
    unit_price: Decimal | None = None


class PurchaseOrder(_Frozen):
    number: str
    lines: tuple[OrderLine, ...]


class GoodsReceipt(_Frozen):
    number: str
    po_number: str | None = None
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class Tolerances:
    """How far apart is still equal. Relative tolerances are fractions (0.01 = 1%)."""

    quantity_rel: Decimal = Decimal("0")
    price_rel: Decimal = Decimal("0.005")
    total_fen: int = 100


LineStatus = Literal["matched", "partial", "unmatched"]


class LineMatch(_Frozen):
    invoice_line: int
    item: str
    status: LineStatus
    po_line: str | None = None
    receipt_line: str | None = None
    problems: tuple[str, ...] = ()


class MatchResult(_Frozen):
    status: LineStatus
    invoice_number: str
    po_number: str
    receipt_number: str
    lines: tuple[LineMatch, ...]
    not_invoiced_po_lines: tuple[str, ...]
    expected_amount_fen: int
    invoice_amount_fen: int
    problems: tuple[str, ...] = Field(default=(), description="document-level problems (totals, references)")

    @property
    def ok(self) -> bool:
        return self.status == "matched"


# --- reading ERP exports --------------------------------------------------------

_COLUMNS = {
    "po_number": ("po_number", "number", "采购订单号", "订单号"),
    "receipt_number": ("receipt_number", "number", "入库单号", "收货单号"),
    "po_reference": ("po_number", "采购订单号", "订单号"),
    "line": ("line", "line_no", "行号"),
    "item_code": ("item_code", "sku", "物料编码", "商品编码", "存货编码"),
    "item_name": ("item_name", "item", "description", "物料名称", "商品名称", "存货名称", "名称"),
    "quantity": ("quantity", "qty", "quantity_received", "数量", "实收数量", "入库数量"),
    "unit_price": ("unit_price", "price", "单价", "无税单价"),
}


def read_purchase_order(path: str | Path) -> PurchaseOrder:
    """Read a purchase order exported as CSV (one row per line) or JSON. Raises MalformedInput."""
    number, _, lines = _read_export(Path(path), "purchase order", "po_number", None, price_required=True)
    return PurchaseOrder(number=number, lines=lines)


def read_goods_receipt(path: str | Path) -> GoodsReceipt:
    """Read a goods receipt exported as CSV or JSON. Raises MalformedInput."""
    number, po, lines = _read_export(Path(path), "goods receipt", "receipt_number", "po_reference", price_required=False)
    return GoodsReceipt(number=number, po_number=po or None, lines=lines)


def _read_export(p: Path, what: str, number_field: str, reference_field: str | None,
                 price_required: bool) -> tuple[str, str, tuple[OrderLine, ...]]:
    source = str(p)
    try:
        text = read_user_text(p)
    except UnreadableFile as exc:
        raise MalformedInput(source, None, exc.problem) from None
    stripped = text.lstrip()
    is_json = stripped.startswith(("{", "["))
    if not stripped:
        raise UnsupportedFormat(source, None, f"empty file, expected a {what} as CSV or JSON")
    if is_json:
        doc = parse_json(text, source)
        if not isinstance(doc, dict):
            raise MalformedInput(source, None, f"JSON that is not an object: expected a {what} as "
                                               '{"number": ..., "lines": [...]}')
        rows = doc.get("lines")
        if not isinstance(rows, list) or not all(isinstance(x, dict) for x in rows):
            raise MalformedInput(source, "lines", "missing or not a list of objects")
        number = _cell(doc, number_field)
        reference = _cell(doc, reference_field) if reference_field else ""
    else:
        reader = csv.DictReader(io.StringIO(text))
        headers = [h.strip() for h in reader.fieldnames or []]
        if not any(h in _COLUMNS["item_name"] for h in headers):
            raise MalformedInput(source, "header", f"no item name column (one of {', '.join(_COLUMNS['item_name'])})")
        try:
            rows = [_csv_row(row, reader.line_num, len(headers), source) for row in reader]
        except csv.Error as exc:
            raise MalformedInput(source, None, f"invalid CSV: {exc}") from None
        number = _one(rows, number_field, source)
        reference = _one(rows, reference_field, source) if reference_field else ""
    lines = []
    for i, row in enumerate(rows):
        where = f"lines[{i}]" if is_json else f"row {i + 2}"
        name = _cell(row, "item_name")
        qty = _cell(row, "quantity")
        price = _cell(row, "unit_price")
        if not name:
            raise MalformedInput(source, f"{where}: item_name", "missing")
        if not qty:
            raise MalformedInput(source, f"{where}: quantity", "missing")
        if price_required and not price:
            raise MalformedInput(source, f"{where}: unit_price", "missing")
        quantity = _not_negative(qty, source, f"{where}: quantity")
        unit_price = _not_negative(price, source, f"{where}: unit_price") if price else None
        lines.append(OrderLine(line=_cell(row, "line") or str(i + 1), item_code=_cell(row, "item_code") or None,
                               item_name=name, quantity=quantity, unit_price=unit_price))
    if not lines:
        raise MalformedInput(source, "lines", f"a {what} with no lines")
    if not number:
        raise MalformedInput(source, f"{number_field} (one of {', '.join(_COLUMNS[number_field])})", "missing")
    return number, reference, tuple(lines)


def _csv_row(row: dict[str | None, Any], line: int, columns: int, source: str) -> dict[str, Any]:
    # csv.DictReader files surplus cells under None: a row wider than the header has shifted columns
    if None in row:
        raise MalformedInput(source, f"row {line}", f"{columns + len(row[None])} cells, but the header names "
                                                     f"{columns} columns (quote a cell that holds a comma)")
    return {k.strip(): v for k, v in row.items()}


def _not_negative(text: str, source: str, field: str) -> Decimal:
    try:
        number = to_decimal(text)
    except ValueProblem as exc:
        raise MalformedInput(source, field, str(exc)) from None
    if number < 0:
        raise MalformedInput(source, field, f"{text!r} is negative; an order or a receipt lists what was ordered "
                                            "or received")
    return number


def _cell(row: dict[str, Any], field: str) -> str:
    for key in _COLUMNS[field]:
        value = row.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _one(rows: list[dict[str, Any]], field: str, source: str) -> str:
    values = {_cell(r, field) for r in rows} - {""}
    if len(values) > 1:
        raise MalformedInput(source, field, f"rows from more than one document: {', '.join(sorted(values))}")
    return values.pop() if values else ""


# --- matching -------------------------------------------------------------------

_CATEGORY = re.compile(r"^\*[^*]*\*")


def item_key(name: str) -> str:
    """A name as lines are paired by it: no ``*category*`` prefix, NFKC, no spaces, lower case."""
    name = unicodedata.normalize("NFKC", name)
    return "".join(_CATEGORY.sub("", name.strip()).split()).lower()


def _within(a: Decimal, b: Decimal, rel: Decimal) -> bool:
    # exact: Decimal arithmetic rounds at 28 digits
    return abs(Fraction(a) - Fraction(b)) <= abs(Fraction(b)) * Fraction(rel)


def _find(lines: tuple[OrderLine, ...], name: str, spec: str | None, used: set[str]) -> OrderLine | None:
    keys = {item_key(name)}
    if spec:
        keys.add(item_key(spec))
    for line in lines:
        if line.line in used:
            continue
        if (line.item_code and item_key(line.item_code) in keys) or item_key(line.item_name) in keys:
            return line
    return None


def match_invoice(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt,
                  tolerances: Tolerances | None = None) -> MatchResult:
    """Match every invoice line against the PO and the receipt."""
    tol = tolerances or Tolerances()
    results: list[LineMatch] = []
    used_po: set[str] = set()
    used_gr: set[str] = set()
    expected = Fraction(0)
    doc_problems: list[str] = []
    if receipt.po_number and receipt.po_number != po.number:
        doc_problems.append(f"the receipt {receipt.number} is for PO {receipt.po_number}, not {po.number}")
    for i, line in enumerate(invoice.lines, start=1):
        order = _find(po.lines, line.name, line.spec, used_po)
        if order is None:
            results.append(LineMatch(invoice_line=i, item=line.name, status="unmatched",
                                     problems=("no purchase order line for this item",)))
            continue
        used_po.add(order.line)
        got = _find(receipt.lines, order.item_code or order.item_name, order.item_name, used_gr)
        if got is not None:
            used_gr.add(got.line)
        problems: list[str] = []
        qty = line.quantity
        price = line.unit_price
        if qty is None or price is None:
            problems.append("the invoice line has no quantity or unit price")
        else:
            if got is None:
                problems.append("not received: no goods receipt line for this item")
            elif not _within(qty, got.quantity, tol.quantity_rel):
                problems.append(f"invoiced quantity {qty} is not the received {got.quantity}")
            if Fraction(qty) > Fraction(order.quantity) * (1 + Fraction(tol.quantity_rel)):
                problems.append(f"invoiced quantity {qty} exceeds the ordered {order.quantity}")
            if order.unit_price is not None and not _within(price, order.unit_price, tol.price_rel):
                problems.append(f"unit price {price} is not the PO price {order.unit_price}")
            expected += Fraction(qty) * Fraction(order.unit_price if order.unit_price is not None else price)
        results.append(LineMatch(invoice_line=i, item=line.name, status="partial" if problems else "matched",
                                 po_line=order.line, receipt_line=got.line if got else None, problems=tuple(problems)))
    expected_fen = round_half_up(expected * 100)
    if abs(expected_fen - invoice.total_amount_fen) > tol.total_fen:
        doc_problems.append(f"invoice amount {plain_yuan(invoice.total_amount_fen)} is not the PO value of the "
                            f"invoiced quantities {plain_yuan(expected_fen)} (tolerance {plain_yuan(tol.total_fen)})")
    statuses = {r.status for r in results}
    if statuses == {"matched"} and not doc_problems:
        status: LineStatus = "matched"
    elif statuses == {"unmatched"}:
        status = "unmatched"
    else:
        status = "partial"
    return MatchResult(
        status=status, invoice_number=invoice.number, po_number=po.number, receipt_number=receipt.number,
        lines=tuple(results), not_invoiced_po_lines=tuple(l.line for l in po.lines if l.line not in used_po),
        expected_amount_fen=expected_fen, invoice_amount_fen=invoice.total_amount_fen, problems=tuple(doc_problems),
    )


# --- evidence -------------------------------------------------------------------

def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def evidence_hash(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt) -> str:
    """SHA-256 (hex) of the canonical JSON of the three documents as read.

    Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, decimals as
    their strings. It depends on the documents' content, not on their file format.
    """
    bundle = {
        "invoice": invoice_to_json(invoice),
        "purchase_order": po.model_dump(mode="json"),
        "goods_receipt": receipt.model_dump(mode="json"),
    }
    return hashlib.sha256(_canonical_json(bundle)).hexdigest()

