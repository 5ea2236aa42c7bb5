"""Reading a purchase order (采购订单) or goods receipt (入库单/收货单) as the CSV or JSON an ERP exports: its
number, the PO it is for, its currency and its lines, with English or Chinese column names (docs/invoices.md lists
them). A file that cannot be told apart as one document is refused (:class:`MalformedInput`), never guessed at."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from client.shown import shown_value
from client.user_files import UnreadableFile, read_user_bytes, user_text

from ._item_keys import item_key, unit_key
from ._match_models import GoodsReceipt, OrderLine, PurchaseOrder
from ._reading import ValueProblem, as_written, refuse_power_of_ten, to_decimal
from .errors import MalformedInput, UnsupportedFormat
from .parse import _Tree, parse_json, refuse_gzip


# One document's export: an order of thousands of lines is a few hundred KB. Read, a CSV's rows take some 40
# times the file's size in memory (a 22 MB receipt of 400,000 rows held 0.9 GB and took 20 s), so the 1 GiB
# any file a person hands the tools may be (client.user_files) would fill memory before anything is refused.
MAX_EXPORT_BYTES = 8 * 1024 * 1024

_COLUMNS = {
    "po_number": ("po_number", "number", "采购订单号", "订单号"),
    "receipt_number": ("receipt_number", "number", "入库单号", "收货单号"),
    "po_reference": ("po_number", "采购订单号", "订单号"),
    "line": ("line", "line_no", "行号"),
    "item_code": ("item_code", "sku", "物料编码", "商品编码", "存货编码"),
    "item_name": ("item_name", "item", "description", "物料名称", "商品名称", "存货名称", "名称"),
    "unit": ("unit", "单位", "计量单位"),
    # what was ordered (a PO's), or received where a receipt has no column that says it holds what was received
    "quantity": ("quantity", "qty", "数量"),
    "received_quantity": ("quantity_received", "实收数量", "入库数量"),
    # 单价 may be an ERP's price with tax (where it exports 无税单价 beside it); an invoice's unit price is without
    # tax (quantity x unit price = its amount without tax), so a column that says it is without tax comes first
    "unit_price": ("unit_price", "price", "单价"),
    "price_without_tax": ("无税单价", "不含税单价"),
    # per row in a CSV; in JSON the document's own key, a line's, or both
    "currency": ("currency", "币种", "货币"),
}

# names an ERP exports for a currency, by the ISO 4217 code they stand for; any other three letters are taken as
# the code they are (USD, EUR, HKD)
_CURRENCY_NAMES = {"人民币": "CNY", "RMB": "CNY", "美元": "USD"}
_ISO_4217_CODE = re.compile(r"[A-Z]{3}")


def read_purchase_order(path: str | Path) -> PurchaseOrder:
    """Read a purchase order exported as CSV (one row per line) or JSON. Raises MalformedInput."""
    number, _, lines, currency = _read_export(Path(path), "purchase order", "po_number", None, price_required=True)
    return PurchaseOrder(number=number, lines=lines, currency=currency)


def read_goods_receipt(path: str | Path) -> GoodsReceipt:
    """Read a goods receipt exported as CSV or JSON. Raises MalformedInput, also for a file numbered by ``number``
    alone that gives unit prices and names no PO: a purchase order's export, whose number would be taken for a
    receipt's."""
    number, po, lines, currency = _read_export(Path(path), "goods receipt", "receipt_number", "po_reference",
                                               price_required=False)
    return GoodsReceipt(number=number, po_number=po or None, lines=lines, currency=currency)


def _read_export(p: Path, what: str, number_field: str, reference_field: str | None,
                 price_required: bool) -> tuple[str, str, tuple[OrderLine, ...], str | None]:
    source = str(p)
    try:
        data = read_user_bytes(p, MAX_EXPORT_BYTES)
        refuse_gzip(data, source)
        text = user_text(p, data)
    except UnreadableFile as exc:
        raise MalformedInput(source, None, exc.problem) from None
    stripped = text.lstrip()
    if stripped.startswith(_BYTE_ORDER_MARK):
        raise MalformedInput(source, None, f"the file begins with a second byte order mark (U+FEFF) after the one a "
                                           f"UTF-8 file may begin with, which would be read as part of its first "
                                           f"value; {_SAVE_AGAIN_AS_UTF8}")
    is_json = stripped.startswith(("{", "[")) or (p.suffix.lower() == ".json" and not _csv_header_first(stripped))
    if not stripped:
        raise UnsupportedFormat(source, None, f"empty file, expected a {what} as CSV or JSON")
    if is_json:
        doc = parse_json(text, source, what)
        if not isinstance(doc, dict):
            raise MalformedInput(source, None, f"JSON that is not an object: expected a {what} as "
                                               '{"number": ..., "lines": [...]}')
        rows = doc.get("lines")
        if not isinstance(rows, list) or not all(isinstance(x, dict) for x in rows):
            raise MalformedInput(source, "lines", "missing or not a list of objects")
        _refuse_nuls([("", {k: v for k, v in doc.items() if k != "lines"}),
                      *((f"lines[{i}]", row) for i, row in enumerate(rows))], source)
        references = (reference_field,) if reference_field else ()
        _refuse_shapes(doc, (number_field, *references), source, "", identifiers=True)
        for i, row in enumerate(rows):
            _refuse_shapes(row, _LINE_TEXT_FIELDS, source, f"lines[{i}]")
            _refuse_shapes(row, references, source, f"lines[{i}]", identifiers=True)
        number = _cell(doc, number_field)
        places = [f"lines[{i}]" for i in range(len(rows))]
        holders = [("", doc), *zip(places, rows)]
        _refuse_twin_numbers(holders, number_field, reference_field, source)
        # the PO a receipt is for, from the document's key and its lines', as its currency is: a line naming
        # another PO is a receipt for that one, as a CSV row naming it is
        reference = _one(holders, reference_field, source) if reference_field else ""
        numbered = [doc]
    else:
        places, rows = _csv_rows(text, source)
        holders = list(zip(places, rows))
        _refuse_nuls(holders, source)
        _refuse_twin_numbers(holders, number_field, reference_field, source)
        number = _one(holders, number_field, source)
        reference = _one(holders, reference_field, source) if reference_field else ""
        numbered = rows
    _refuse_twin_columns(list(zip(places, rows)), _LINE_TWIN_FIELDS, source)
    currency = _currency(holders, what, source)
    _refuse_rows_given_twice(places, rows, what, source)
    lines = []
    for i, (where, row) in enumerate(zip(places, rows)):
        name = _cell(row, "item_name")
        if not name:
            named = tuple(k for k in _COLUMNS["item_name"] if k in row)
            raise MalformedInput(source, f"{where}: item_name",
                                 _missing(where, named, _COLUMNS["item_name"], "item name", what))
        quantity_columns, price_columns = _quantity_columns(row, what, source, where), _price_columns(row)
        quantity = _figure(row, quantity_columns, source, where)
        if quantity is None:
            raise MalformedInput(source, f"{where}: {' or '.join(quantity_columns.names) or 'quantity'}",
                                 _missing(where, quantity_columns.names, _COLUMNS["quantity"], "quantity", what))
        unit_price = _figure(row, price_columns, source, where)
        if price_required and unit_price is None:
            raise MalformedInput(source, f"{where}: {' or '.join(price_columns.names) or 'unit_price'}",
                                 _missing_price(row, where, price_columns, what))
        lines.append(OrderLine(line=_cell(row, "line") or str(i + 1), item_code=_cell(row, "item_code") or None,
                               item_name=name, quantity=quantity, unit_price=unit_price,
                               unit=_unit(row, source, where)))
    if not lines:
        raise MalformedInput(source, "lines", f"a {what} with no lines")
    if not number:
        raise MalformedInput(source, f"{number_field} (one of {', '.join(_COLUMNS[number_field])})",
                             f"missing: give the {what}'s number under one of these names")
    if reference_field and not reference and _numbered_as_number_only(numbered, number_field) \
            and any(l.unit_price is not None for l in lines):
        raise MalformedInput(source, "number", (
            f"a file numbered by `number` alone ({number}), with unit prices and no PO it is for, is a purchase "
            f"order's export, not a {what}'s: give the {what}'s export instead, with its number under "
            f"{_one_of(_own_number_columns(number_field))}, or naming the PO it receives "
            f"({_one_of(_COLUMNS[reference_field])})"))
    if what == "purchase order":
        _refuse_receipt_number(holders, number, source)
    return number, reference, tuple(lines), currency


def _refuse_rows_given_twice(places: list[str], rows: list[dict[str, Any]], what: str, source: str) -> None:
    """Refuse a row (a JSON line) that gives an earlier one's line number and says the same in every other cell: a
    row exported twice, whose quantity would count twice (a receipt of 200 read as 400 received backs an invoice
    for 400, on an order of 400). Rows that share a line number but differ (two batches received under one PO
    line) are read, and so are like rows that give no line number, which nothing tells apart from two deliveries."""
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for where, row in zip(places, rows):
        if not (number := _cell(row, "line")):
            continue
        cells = tuple(sorted((str(k), text) for k, v in row.items() if k is not None and (text := _filled(v))))
        if (first := seen.setdefault(cells, where)) != where:
            column = next(k for k in _COLUMNS["line"] if _filled(row.get(k)) == number)
            raise MalformedInput(source, f"{where}: {column}", (
                f"line {number} is given twice, on {first} and {where}, alike in every cell: a row exported twice "
                f"would count its quantity twice; delete the copy from the {what}'s export, or, where the goods "
                "were received or ordered twice, give each row its own line number"))


# What each field read from two or more column names means, as a refusal of two that disagree names it, and what
# its values are called there.
_TWIN_MEANT = {"po_number": ("the purchase order's number", "numbers"),
               "receipt_number": ("the goods receipt's number", "numbers"),
               "po_reference": ("the PO it is for", "numbers"), "line": ("the line's number", "numbers"),
               "item_code": ("the item's code", "codes"), "item_name": ("the item's name", "names")}

# A line's fields read by the first of their names that is filled in (_cell), whose other names must then agree.
# `description` is left out of the item name's: an export may give it beside the name with more than the name
# (a spec, a longer text), and the name read first stands.
_LINE_TWIN_FIELDS = (("line", _COLUMNS["line"]), ("item_code", _COLUMNS["item_code"]),
                     ("item_name", tuple(k for k in _COLUMNS["item_name"] if k != "description")))


def _refuse_twin_numbers(holders: list[tuple[str, dict[str, Any]]], number_field: str,
                         reference_field: str | None, source: str) -> None:
    """Refuse a row (a JSON document or line) that gives a document number under two of its names with two
    values (``receipt_number`` GR-1 beside ``number`` GR-2, 采购订单号 beside ``po_number``), by
    :func:`_refuse_twin_columns`. A purchase order's bare ``number`` beside its PO number is left to
    :func:`_refuse_number_beside_po_number`, which tells a receipt's export so numbered by it."""
    fields = [(number_field, tuple(k for k in _COLUMNS[number_field]
                                   if not (number_field == "po_number" and k == "number")))]
    if reference_field:
        fields.append((reference_field, _COLUMNS[reference_field]))
    _refuse_twin_columns(holders, fields, source)


def _twin_key(field: str, text: str) -> str:
    """A value as it is used: an item's code and name as lines are paired by them (item_key: C0805 is c0805), a
    number as it is written."""
    return item_key(text) if field in ("item_code", "item_name") else text


def _refuse_twin_columns(holders: list[tuple[str, dict[str, Any]]],
                         fields: Iterable[tuple[str, tuple[str, ...]]], source: str) -> None:
    """Refuse a row (a JSON document or line; ``holders``: where each is, and its cells) that gives one of
    ``fields`` (``(field, its column names)``) under two of its names with two values (``item_code`` C0805 beside
    物料编码 C0603, ``line`` 1 beside 行号 2): the first name listed would be read and the other passed over, and
    which the export means cannot be told (an item code decides which lines are paired)."""
    for where, cells in holders:
        for field, columns in fields:
            given = {k: text for k in columns if (text := _filled(cells.get(k)))}
            if len({_twin_key(field, text) for text in given.values()}) < 2:
                continue
            shown = ", ".join(f"{k} {v}" for k, v in given.items())
            named = ", ".join(given)
            what, kind = _TWIN_MEANT[field]
            raise MalformedInput(source, f"{where}: {named}" if where else named, (
                f"{shown}: columns that each name {what} give different {kind}, and which one is meant "
                f"cannot be told; keep the one that holds {what}, and rename (to a name the reader does not "
                "read) or delete the others"))


def _own_number_columns(number_field: str) -> tuple[str, ...]:
    """The names of a document's number column that only its own kind of export uses: not the bare ``number``,
    which a purchase order and a goods receipt are both numbered by."""
    return tuple(k for k in _COLUMNS[number_field] if k != "number")


def _refuse_receipt_number(holders: list[tuple[str, dict[str, Any]]], number: str, source: str) -> None:
    """Refuse a purchase order's file that gives a goods receipt's number (``receipt_number``, 入库单号, 收货单号):
    it is a receipt's export, whose received quantities (at prices it may carry) would be read as what was ordered
    and match the receipt against itself, the order's half of a three-way match never made."""
    own = _own_number_columns("receipt_number")
    for where, cells in holders:
        column = next((k for k in own if _filled(cells.get(k))), None)
        if column is not None:
            field = f"{where}: {column}" if where else column
            raise MalformedInput(source, field, (
                f"a file giving a receipt number ({column} {_filled(cells[column])}) is a goods receipt's "
                f"export, not a purchase order's (read as PO {number}): give the purchase order's export instead, "
                f"its number under {_one_of(_COLUMNS['po_number'])}, giving no receipt number ({_one_of(own)})"))
    _refuse_number_beside_po_number(holders, source)


def _refuse_number_beside_po_number(holders: list[tuple[str, dict[str, Any]]], source: str) -> None:
    """Refuse a purchase order's file whose bare ``number`` differs from the PO number beside it (``po_number``,
    采购订单号, 订单号): a file numbered by ``number`` that names the PO it is for is a goods receipt's export (its
    own number under ``number``, as a receipt may be numbered), and read as the order by its PO column it would
    match the receipt against itself. An order's own number given under both names says one number."""
    named = tuple(k for k in _COLUMNS["po_number"] if k != "number")
    for where, cells in holders:
        own = _filled(cells.get("number"))
        column = next((k for k in named if _filled(cells.get(k)) not in ("", own)), None)
        if own and column is not None:
            field = f"{where}: number" if where else "number"
            raise MalformedInput(source, field, (
                f"a file numbered {own} under `number` that names {_filled(cells[column])} under {column} is a "
                "goods receipt's export naming the PO it receives, not a purchase order's: give the purchase "
                f"order's export instead, its number under {_one_of(_COLUMNS['po_number'])} (under two of them, the "
                "same number)"))


def _numbered_as_number_only(holders: list[dict[str, Any]], number_field: str) -> bool:
    """Whether a document's number is given under the bare ``number`` key (or column) alone, which a purchase
    order's export is numbered by as well, and none of the names only ``number_field`` has."""
    own = _own_number_columns(number_field)
    return not any(_cell({k: h.get(k) for k in own}, number_field) for h in holders)


# the fields of a JSON export's line read as text (_cell): a quantity or price that is no number, and a currency
# that is no text, are refused as such where they are read
_LINE_TEXT_FIELDS = ("line", "item_code", "item_name", "unit")


def _refuse_shapes(holder: dict[str, Any], fields: tuple[str, ...], source: str, where: str,
                   identifiers: bool = False) -> None:
    """The value each of ``fields`` is read from (the one _cell takes) that is an object, a list or a boolean, as the
    invoice reader refuses it: read as text it would be a number or a line like ``{'id': 'GR-1'}`` or ``True``, sent
    to the ledger as such. A key the reader does not read (a description beside the item name) holds what it will.
    With ``identifiers`` (a PO or receipt number), a JSON number is refused too, as the invoice reader refuses an
    invoice number written as one: it may have lost leading zeros or digits on its way through a conversion."""
    for field in fields:
        key = next((k for k in _COLUMNS[field] if holder.get(k) is not None and str(holder[k]).strip()), None)
        if key is None:
            continue
        named = f"{where}: {key}" if where else key
        _refuse_shape(holder[key], named, source)
        if identifiers and not isinstance(holder[key], str):
            raise MalformedInput(source, named, (
                f"a JSON number ({holder[key]}), not a string: a document number written as a number may have lost "
                "its leading zeros or digits on its way through a conversion; write it as a JSON string, as the "
                "export's document gives it"))


def _refuse_shape(value: Any, named: str, source: str) -> None:
    """Refuse a JSON value that is an object, a list or a boolean where a cell's text or number belongs, shown as
    the file wrote it (:meth:`_Tree.shape`)."""
    if not (node := _Tree(value, named)).is_plain():
        raise MalformedInput(source, named, f"{node.shape()}, not a value (text or a number): write the value alone")


def _csv_rows(text: str, source: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The rows of a CSV export, each by its header's column names (stripped), and where each is (``row 2``
    the first after the header). A row whose cells are all blank is passed over: a spreadsheet exports the
    rows below the data it once formatted as ``,,,,`` ("ghost" rows), which hold no line. The header is read
    inside the same ``try`` as the rows: a cell past the csv module's field limit may stand in either, and is
    refused alike. Rows are numbered as a spreadsheet shows them: an empty line is a row (csv.DictReader skips
    it unnumbered, naming every row below it by the one above), and a cell holding a line break one row (the
    file's line number would name the rows below it by the one after). A row may end in CR LF, LF, or CR alone
    (an old Mac export): the text is read with ``newline=""``, as the csv module asks a file to be opened, so
    that a bare CR ends a row rather than failing the file as "new-line character seen in unquoted field".
    Quotes are read strictly (:func:`_quote_problem`): a quoted cell left open would take every row after it
    into itself, unseen, and the rows read before it would pass for the whole document."""
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_row = 0  # the number of the last row read whole: a quote csv cannot read is in the row after it
    try:
        fieldnames = next(records, [])
        last_row = 1
        given = [h.strip() for h in fieldnames]
        _refuse_stray_byte_order_mark(given, source)
        headers = [_column_read_as(h) for h in given]
        read_as = dict(zip(given, headers))
        if not any(h in _COLUMNS["item_name"] for h in headers):
            raise MalformedInput(source, "header", _separator_problem(text, headers) or
                                 f"no item name column (one of {', '.join(_COLUMNS['item_name'])})")
        _refuse_repeated_columns(headers, source)
        places, rows = [], []
        # numbered among all the rows, blank and empty ones too, so that a row is named where the file has it
        for number, cells in enumerate(records, start=2):
            last_row = number
            row = _as_dict_row(fieldnames, cells)
            if not _all_blank(row):
                places.append(f"row {number}")
                cells_read = _csv_row(row, number, len(headers), source)
                rows.append({read_as.get(k, k): v for k, v in cells_read.items()})
        return places, rows
    except csv.Error as exc:
        if (problem := _quote_problem(str(exc))) is not None:
            raise MalformedInput(source, f"row {last_row + 1}", problem) from None
        raise MalformedInput(source, None, f"invalid CSV: {exc}") from None


_BYTE_ORDER_MARK = "\ufeff"
_SAVE_AGAIN_AS_UTF8 = ("a tool that adds its own mark to a file that has one writes it so; save the file "
                       "again as UTF-8 (Excel: Save As, CSV UTF-8 (Comma delimited)), and send that")


def _refuse_stray_byte_order_mark(headers: list[str], source: str) -> None:
    """Refuse a header cell holding a byte order mark (U+FEFF) past the one a UTF-8 file may begin with (and that
    :func:`user_text` takes off): unseen, it makes ``\ufeffpo_number`` another column's name than ``po_number``,
    and the file was refused as lacking the PO number that its first column gives."""
    for number, name in enumerate(headers, start=1):
        if _BYTE_ORDER_MARK in name:
            raise MalformedInput(source, f"header: column {number}", (
                f"{shown_value(name)} holds a byte order mark (U+FEFF), which no column's name does: read, it makes "
                f"the column another than {shown_value(name.replace(_BYTE_ORDER_MARK, ''))}; "
                f"{_SAVE_AGAIN_AS_UTF8}"))


_QUOTING_ADVICE = ("a cell holding a quote is written in quotes with the quote twice "
                   "(\"3 \"\"A\"\" cartons\"), as a spreadsheet exports it: export the file again, "
                   "or correct the quotes")


def _quote_problem(error: str) -> str | None:
    """What a strict csv reader's error says of a quote in a row, for a person; ``None`` for any other error.
    Read leniently, a quoted cell never closed takes the rest of the file into itself (a note column's
    ``"3 cartons damaged``, and the receipt's rows below it are gone without a word), and text after a closing
    quote (``"3" cartons``) is joined to the cell silently."""
    if "end of data" in error:
        return (f"a quoted cell (one beginning with \") is never closed, so every row after it would be read "
                f"into that cell; {_QUOTING_ADVICE}")
    if "expected after" in error:
        return (f"a quoted cell has text after its closing quote, so where the cell ends cannot be told; "
                f"{_QUOTING_ADVICE}")
    return None


def _as_dict_row(fieldnames: list[str], cells: list[str]) -> dict[str | None, Any]:
    """A row's cells by the header's names, as csv.DictReader files them: cells past the header's columns
    under ``None``, the columns a short row lacks as ``None``."""
    row: dict[str | None, Any] = dict(zip(fieldnames, cells))
    for name in fieldnames[len(cells):]:
        row.setdefault(name, None)
    if len(cells) > len(fieldnames):
        row[None] = cells[len(fieldnames):]
    return row


_SEPARATOR_NAMES = {";": "semicolons", "\t": "tabs"}
_COMMA_SEPARATED = "export it comma-separated, as UTF-8 (Excel: Save As, CSV UTF-8 (Comma delimited))"


def _separator_problem(text: str, headers: list[str]) -> str | None:
    """Why a CSV export with no item name column in its header may be read as one row of nothing: a first line
    that is Excel's ``sep=`` line (naming the separator, ahead of the header), or a header read as one cell that
    holds semicolons or tabs (saved where the decimal mark is a comma, or as tab-delimited text). ``None`` where
    neither shows, and the header just lacks the column."""
    first = re.split(r"\r\n?|\n", text, maxsplit=1)[0].lstrip()  # a row's ends, as csv reads them
    if first[:4].lower() == "sep=":
        declared = first[4:].strip(" ")   # not tabs: sep=<tab> declares one
        other = f", and the file is separated by {_SEPARATOR_NAMES.get(declared, repr(declared))}, not commas" \
            if declared not in ("", ",") else ""
        return (f"the first line {first!r} is a spreadsheet's separator line, not the header row{other}: "
                f"{_COMMA_SEPARATED}, its first row the header")
    if len(headers) != 1:
        return None
    found = next((name for mark, name in _SEPARATOR_NAMES.items() if mark in headers[0]), None)
    return f"the header is one cell holding {found}: the file is separated by {found}, not commas; " \
           f"{_COMMA_SEPARATED}" if found else None


def _all_blank(row: dict[str | None, Any]) -> bool:
    """Whether every cell of a row is empty or spaces, those past the header's columns (filed under ``None``) too;
    a row shorter than the header has ``None`` for the cells it lacks."""
    cells = [v for k, value in row.items() for v in (value if k is None else [value])]
    return all(cell is None or not cell.strip() for cell in cells)


# every column name an export is read by
_READ_COLUMNS = frozenset(name for names in _COLUMNS.values() for name in names)
_READ_COLUMN_FOLDED = {unicodedata.normalize("NFKC", name).casefold(): name for name in _READ_COLUMNS}


def _csv_header_first(text: str) -> bool:
    """Whether an export's first line is a CSV header, naming a column the reader reads (in any case or width, with
    commas, semicolons or tabs between), or Excel's ``sep=`` line. An export is told by its content, and a .json
    file beginning with neither ``{`` nor ``[`` by its name (null, a number, or a comment first is refused as the
    JSON it is meant to be, not for a CSV header it lacks), except one that begins so: some ERPs name their CSV
    export .json."""
    first = re.split(r"\r\n?|\n", text, maxsplit=1)[0]
    if first[:4].lower() == "sep=":
        return True
    cells = re.split(f"[,{''.join(_SEPARATOR_NAMES)}]", first)
    return any(_column_read_as(cell.strip().strip('"').strip()) in _READ_COLUMNS for cell in cells)


def _column_read_as(header: str) -> str:
    """The column name a CSV header cell is read as: one the reader reads in any case or width (``Currency``,
    ``QTY``, ``ｕｎｉｔ``), as a spreadsheet's header is often capitalised; else the cell as it is. Read by its
    exact name only, a ``Currency`` column of USD would be passed over and the order taken to be in the
    invoice's currency, a ``Unit`` column's units never compared."""
    return _READ_COLUMN_FOLDED.get(unicodedata.normalize("NFKC", header).casefold(), header)


def _refuse_repeated_columns(headers: list[str], source: str) -> None:
    """Refuse a header naming a column that is read twice (``数量,数量``; ``quantity,quantity `` once stripped): the
    csv module keeps the last cell of a name, and stripping merges the two, so which one a row's figure comes from
    would be an accident of column order, and the other cell, whatever it says, unseen. (A two-row ERP header, 应收|数量
    and 实收|数量, flattens so.) Columns that are not read may repeat (blank ones at the end of a spreadsheet row do)."""
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(headers, start=1):
        if name in _READ_COLUMNS:
            positions.setdefault(name, []).append(number)
    for name, numbers in positions.items():
        if len(numbers) > 1:
            raise MalformedInput(source, f"header: {name}", (
                f"the column {name!r} is given {len(numbers)} times (columns {', '.join(map(str, numbers))}), and "
                f"which one a row's value is read from cannot be told; {_renaming_advice(name)}"))


def _renaming_advice(name: str) -> str:
    """What to do with a column name given twice, by the figure it is read as: a quantity or a unit price has a
    name for each of the two an ERP exports side by side (what was received beside what was ordered; the price
    without tax beside the one with it), anything else one column meant and others to rename or delete."""
    if name in _COLUMNS["quantity"] or name in _COLUMNS["received_quantity"]:
        return ("rename the columns so that each name is given once (the received quantity as quantity_received or "
                "实收数量, the ordered one as quantity or 数量), or delete the ones not meant")
    if name in _COLUMNS["unit_price"] or name in _COLUMNS["price_without_tax"]:
        return ("rename the columns so that each name is given once (the unit price without tax, which the "
                f"invoice's is compared with, as {_one_of(_COLUMNS['price_without_tax'])}, one with tax as "
                f"{_one_of(_COLUMNS['unit_price'])}), or delete the ones not meant")
    return "keep the name on the column meant, and rename the others (to a name the reader does not read) or " \
           "delete them"


def _one_of(names: tuple[str, ...]) -> str:
    """``a, b or c``."""
    return " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))


def _csv_row(row: dict[str | None, Any], line: int, columns: int, source: str) -> dict[str, Any]:
    # csv.DictReader files surplus cells under None: a row wider than the header has shifted columns
    if None in row:
        raise MalformedInput(source, f"row {line}", f"{columns + len(row[None])} cells, but the header names "
                                                     f"{columns} columns (quote a cell that holds a comma)")
    return {k.strip(): v for k, v in row.items()}


@dataclass(frozen=True)
class _Columns:
    """The columns a figure of a row is read from (any one that holds it: several that do must agree), and what
    to say when they disagree."""

    names: tuple[str, ...]
    disagreeing: str


def _quantity_columns(row: dict[str, Any], what: str, source: str, where: str) -> _Columns:
    """Where a row's quantity is: a receipt's in its received-quantity column when it has one (an ERP exports the
    quantity expected beside it: reading that one would match goods never delivered), else in its quantity column;
    a purchase order's in its quantity column, the quantity ordered."""
    ordered = tuple(c for c in _COLUMNS["quantity"] if c in row)
    received = tuple(c for c in _COLUMNS["received_quantity"] if c in row)
    if what == "goods receipt" and received:
        return _Columns(received, "received quantities that differ: keep the column that holds what was received")
    if what == "goods receipt":
        _refuse_unread_quantity(row, source, where)
        return _Columns(ordered, "quantities that differ, and none is known as the received quantity (a column "
                                 f"named {', '.join(_COLUMNS['received_quantity'])}): name the received one so, or "
                                 "keep only it")
    if not ordered and received:
        raise MalformedInput(source, f"{where}: {', '.join(received)}", (
            "the quantity of a purchase order is what was ordered, in a column named "
            f"{', '.join(_COLUMNS['quantity'])}; this one holds what was received (a goods receipt's): give the "
            "ordered quantity"))
    return _Columns(ordered, "quantities that differ: keep the column that holds what was ordered")


def _unread_quantity_column(name: str) -> bool:
    """Whether a column the reader does not read is named as a quantity (应收数量, 收货数量, ``ordered_qty``)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return name not in _READ_COLUMNS and ("数量" in folded or "qty" in folded or "quantity" in folded)


def _refuse_unread_quantity(row: dict[str, Any], source: str, where: str) -> None:
    """Refuse a receipt's row, read by its quantity column for want of a received-quantity one, that gives a
    number in another quantity column the reader does not read (数量 beside 收货数量 or 应收数量): which of the two
    holds what was received cannot be told, and reading the quantity expected would match goods never
    delivered. A column so named holding no number (数量单位, a unit) says no quantity."""
    for name, value in row.items():
        if value is None or not _unread_quantity_column(name) or not str(value).strip():
            continue
        try:
            to_decimal(str(value))
        except ValueProblem:
            continue
        raise MalformedInput(source, f"{where}: {name}", (
            f"{name} is a quantity the reader does not read, in a goods receipt with no received-quantity "
            f"column ({_one_of(_COLUMNS['received_quantity'])}), whose quantity would be read from "
            f"{_one_of(_COLUMNS['quantity'])}: which column holds what was received cannot be told; name "
            f"that one {_one_of(_COLUMNS['received_quantity'])}, or delete the others"))


def _price_columns(row: dict[str, Any]) -> _Columns:
    """Where a row's unit price is: in its price-without-tax column when it has one, else in its price column. An
    invoice's unit price is without tax, and the PO price it is compared with must be too."""
    without_tax = tuple(c for c in _COLUMNS["price_without_tax"] if c in row)
    if without_tax:
        return _Columns(without_tax, "prices without tax that differ: keep the one of the order")
    return _Columns(tuple(c for c in _COLUMNS["unit_price"] if c in row), (
        "unit prices that differ, and none is known as the price without tax (a column named "
        f"{', '.join(_COLUMNS['price_without_tax'])}), which an invoice's unit price is compared with: name that one "
        "so, or keep only it"))


def _unread_price_column(name: str) -> bool:
    """Whether a column the reader does not read is named as a unit price: 含税单价, 单价(含税), 含税价,
    ``unit_price_with_tax`` (a price with tax, which an ERP may export alone)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return name not in _READ_COLUMNS and any(word in folded for word in ("单价", "含税价", "price"))


def _missing(where: str, given: tuple[str, ...], names: tuple[str, ...], thing: str, what: str) -> str:
    """Why a row (a JSON line) has no ``thing``: the columns (keys) ``given`` for it are blank, to be filled in, or
    it has none of them, and one of ``names`` is to be added."""
    if given:
        return f"missing: the row's {_one_of(given)} is blank; fill in the {thing} from the {what}"
    holder = "key" if where.startswith("lines") else "column"
    return f"missing: no {holder} gives the {thing}; add one named {_one_of(names)}"


_PRICE_NAMES = (*_COLUMNS["price_without_tax"], *_COLUMNS["unit_price"])


def _missing_price(row: dict[str, Any], where: str, columns: _Columns, what: str) -> str:
    """Why a purchase order's row has no unit price: none of the columns read holds one, or it has none of
    them and gives a price only under a name the reader does not read (含税单价, the price with tax): said as
    ``missing`` alone, that would send one looking for a column the file has."""
    unread = [name for name, value in row.items()
              if name is not None and _unread_price_column(name) and _filled(value)]
    if columns.names or not unread:
        return _missing(where, columns.names, _PRICE_NAMES, "unit price", what)
    shown = ", ".join(f"{name} {_filled(row[name])}" for name in unread)
    return (f"missing: the row gives {shown}, under a name the reader does not read; an invoice's unit price "
            "is without tax, and is compared with the order's price without tax, read from a column named "
            f"{_one_of(_COLUMNS['price_without_tax'])} (or {_one_of(_COLUMNS['unit_price'])}); a price "
            "with tax (含税) is not converted to it: add that column, or rename this one where it holds the "
            "price without tax")


def _figure(row: dict[str, Any], columns: _Columns, source: str, where: str) -> Decimal | None:
    """A quantity or price from the columns that may hold it; ``None`` where none does. Columns that hold it
    twice must say the same: which one the row means cannot be told otherwise."""
    for c in columns.names:
        if row.get(c) is not None:
            _refuse_shape(row[c], f"{where}: {c}", source)
    given = {c: str(row[c]).strip() for c in columns.names if row.get(c) is not None and str(row[c]).strip()}
    figures = {c: _not_negative(text, source, f"{where}: {c}") for c, text in given.items()}
    if len(set(figures.values())) > 1:
        shown = ", ".join(f"{c} {given[c]}" for c in figures)
        raise MalformedInput(source, f"{where}: {', '.join(figures)}", f"{shown}: {columns.disagreeing}")
    return next(iter(figures.values()), None)


def _unit(row: dict[str, Any], source: str, where: str) -> str | None:
    """The unit of a row's quantity, ``None`` where none is given. Columns that each may hold it (单位 and 计量单位)
    must say the same unit: which one the quantity is in cannot be told otherwise."""
    given = {c: str(row[c]).strip() for c in _COLUMNS["unit"] if row.get(c) is not None and str(row[c]).strip()}
    if len({unit_key(u) for u in given.values()}) > 1:
        shown = ", ".join(f"{c} {u}" for c, u in given.items())
        raise MalformedInput(source, f"{where}: {', '.join(given)}", f"{shown}: units that differ; keep the column "
                                                                     "that holds the unit the quantity is in")
    return next(iter(given.values()), None)


def currency_code(given: str) -> str | None:
    """The ISO 4217 code a currency cell names (人民币, RMB and CNY are CNY; 美元 is USD; three letters, in any case
    or width, are the code they spell), or ``None`` where it names none."""
    text = unicodedata.normalize("NFKC", given).strip().upper()
    code = _CURRENCY_NAMES.get(text, text)
    return code if _ISO_4217_CODE.fullmatch(code) else None


def _currency(holders: list[tuple[str, dict[str, Any]]], what: str, source: str) -> str | None:
    """The one currency a document's prices are in, from every currency cell it has (``holders``: where each row,
    line or the document itself is, and its cells); ``None`` where none gives one. A cell that names no currency
    is refused, and so is a document in more than one: its prices could not be compared with one invoice's."""
    found: dict[str, str] = {}   # code: where it is first given
    for where, cells in holders:
        for column in _COLUMNS["currency"]:
            value = cells.get(column)
            if value is None or not str(value).strip():
                continue
            field = f"{where}: {column}" if where else column
            code = currency_code(value) if isinstance(value, str) else None
            if code is None:
                raise MalformedInput(source, field, f"{shown_value(value)} is no currency: give its ISO 4217 code "
                                                    "(CNY, USD), or 人民币 / 美元")
            found.setdefault(code, field)
    if len(found) > 1:
        shown = ", ".join(f"{code} ({field})" for code, field in found.items())
        raise MalformedInput(source, "currency", (
            f"{shown}: a {what} in more than one currency, whose prices cannot all be compared with one invoice's; "
            "export the lines of the invoice's currency alone"))
    return next(iter(found), None)


def _not_negative(text: str, source: str, field: str) -> Decimal:
    try:
        number = to_decimal(text)
        # read as 1000, 1E3 would back an invoice for a quantity nobody counted
        refuse_power_of_ten(text, "send the export with the figure in plain digits (format the column as a number "
                                  "with its decimals, or as text, before exporting), e.g. 1000 or 1.50")
    except ValueProblem as exc:
        raise MalformedInput(source, field, str(exc)) from None
    if number < 0:
        raise MalformedInput(source, field, f"{text!r} is negative; an order or a receipt lists what was ordered "
                                            "or received")
    return number


def _refuse_nuls(holders: list[tuple[str, dict[str, Any]]], source: str) -> None:
    """Refuse a row (a JSON document or line; ``holders``: where each is, and its cells) with a NUL character in a
    column's name or a cell, nested ones too: no text of an order or a receipt holds one. The export is damaged,
    or is UTF-16 read as another encoding; read, a PO number with a NUL is another number, and a name with one
    pairs with nothing."""
    for where, cells in holders:
        for key, value in cells.items():
            if "\0" in str(key) or _holds_nul(value):
                column = shown_value(key) if "\0" in str(key) else key
                raise MalformedInput(source, f"{where}: {column}" if where else column, (
                    "a NUL character (\\0), which no text of an order or a receipt holds: the export is damaged, "
                    "or was saved as UTF-16 or another encoding than UTF-8; export it again as UTF-8 (Excel: Save "
                    "As, CSV UTF-8 (Comma delimited)), or as JSON, and send that"))


def _holds_nul(value: Any) -> bool:
    """Whether a value, or any key or value nested in it, holds a NUL; walked without recursion, as a value may
    be nested deeper than Python recurses (a quantity of 900 nested lists is refused as no number, not here)."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str) and "\0" in node:
            return True
        if isinstance(node, dict):
            pending.extend(str(k) for k in node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def _filled(value: Any) -> str:
    """A cell's text without surrounding spaces, ``""`` where it is empty or absent; a JSON value that is no text
    as JSON spells it (``true``, not Python's ``True``), as a message naming it shows it."""
    return "" if value is None else as_written(value).strip()


def _cell(row: dict[str, Any], field: str) -> str:
    for key in _COLUMNS[field]:
        if value := _filled(row.get(key)):
            return value
    return ""


def _one(holders: list[tuple[str, dict[str, Any]]], field: str, source: str) -> str:
    """The one value of ``field`` the rows (or a JSON document and its lines, ``holders``: where each is, and its
    cells) give, ``""`` where none does. Rows giving two are refused naming the first that differs from those
    above it, and the column it gives it in, so that the row exported from another document can be found."""
    first: tuple[str, str] | None = None   # the value, and where it is first given
    for where, cells in holders:
        value = _cell(cells, field)
        if not value or (first is not None and value == first[0]):
            continue
        if first is None:
            first = value, where or "the document"
            continue
        values = sorted({_cell(c, field) for _, c in holders} - {""})
        column = next(k for k in _COLUMNS[field] if _filled(cells.get(k)) == value)
        raise MalformedInput(source, f"{where}: {column}" if where else column, (
            f"rows from more than one document: {', '.join(values)}; {where} gives {value}, where {first[1]} "
            f"gives {first[0]}: export one document's rows alone"))
    return first[0] if first is not None else ""
