"""Where each field is on an invoice's lines, and the second reading of it.

The labelled header fields are found by their labels (发票号码：, 名称：, ...); the item
rows between the table's header and 合计 are cut into cells by the header's columns
on a scan (``_item_table``), or split by a row pattern where there are no columns (a
PDF's text layer). :func:`read_again` then reads every field that has a place on a
scanned page a second time, in its kind's mode, and reconciles the two readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import _item_table
from ._lines import TextLine
from ._scan_fields import KINDS, MONEY, STRAY, Found, reconcile

HEADER_FIELDS = ("number", "issue_date", "buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id",
                 "total_amount", "total_tax", "total_with_tax")
HEADER_KINDS = {"number": "number", "issue_date": "date", "buyer.name": "party", "seller.name": "party",
                "buyer.tax_id": "tax_id", "seller.tax_id": "tax_id", "total_amount": "money",
                "total_tax": "money", "total_with_tax": "money"}

_COLON = r"\s*[:：]\s*"
# A value is taken loosely after its label, up to a space: a misread value still marks a place on the page that
# the second pass reads again, and what stays malformed is flagged.
_NUMBER = re.compile(r"发票号码" + _COLON + r"(\S+)")
_DATE = re.compile(r"开票日期" + _COLON + r"(\S+)")
# a name runs on across gaps (OCR splits 广州 南方纺织品... at a wide one) up to the next label, if any
_NAME = re.compile(r"(?<![项目])名\s*称" + _COLON + r"(\S+(?:\s+(?!\S*名\s*称)\S+)*)")
_TAX_ID = re.compile(r"(?:纳税人识别号|统一社会信用代码)[^:：]*" + _COLON + r"([0-9A-Za-z]{15,22})")
# chi_sim has no ¥: the page pass reads it as one or two other characters (半, Y, 闻)
TOTALS = re.compile(r"^合\s*计\s+[^\d\s-]{0,2}\s*(" + MONEY + r")\s+[^\d\s-]{0,2}\s*(" + MONEY + r")\s*$")
_WITH_TAX = re.compile(r"价税合计.*?(" + MONEY + r")\s*$")
_ROW = re.compile(
    r"^(?P<name>\S+)(?P<mid>(?:\s+\S+){0,2}?)\s+(?P<quantity>\d+(?:\.\d+)?)\s+(?P<unit_price>\d+(?:\.\d+)?)\s+"
    r"(?P<amount>" + MONEY + r")\s+(?P<tax_rate>\d{1,2}\s*%|免税|不征税)\s+(?P<tax>" + MONEY + r"|\*{3})\s*$"
)


@dataclass
class Row:
    """An item row: the text the page pass read, its cells by column (a blank column has none), and why it
    could not be read, if it could not."""

    text: str
    confidence: float
    cells: dict[str, Found] = field(default_factory=dict)
    problem: str | None = None


def _found(line: TextLine, span: tuple[int, int]) -> Found:
    box = line.span_box(*span)
    if line.page is not None and box is not None:
        box = line.page.value_region(box)
    return Found(line.text[span[0]:span[1]], line.span_conf(*span), box, line.page)


def _search(lines: list[TextLine], pattern: re.Pattern[str]) -> list[Found]:
    return [_found(line, m.span(1)) for line in lines for m in pattern.finditer(line.text)]


def header_readings(lines: list[TextLine]) -> dict[str, Found | None]:
    """Each header field as the page (or text layer) has it; ``None`` where its label was not found."""
    raw: dict[str, Found | None] = dict.fromkeys(HEADER_FIELDS)
    for key, pattern in (("number", _NUMBER), ("issue_date", _DATE)):
        hits = _search(lines, pattern)
        raw[key] = hits[0] if hits else None
    for key, pattern in (("name", _NAME), ("tax_id", _TAX_ID)):  # the buyer is printed first
        hits = _search(lines, pattern)
        raw[f"buyer.{key}"] = hits[0] if len(hits) > 0 else None
        raw[f"seller.{key}"] = hits[1] if len(hits) > 1 else None
    for line in lines:
        m = TOTALS.match(line.text)
        if m:
            raw["total_amount"], raw["total_tax"] = _found(line, m.span(1)), _found(line, m.span(2))
    hits = _search(lines, _WITH_TAX)
    raw["total_with_tax"] = hits[0] if hits else None
    return raw


def item_rows(lines: list[TextLine]) -> list[Row]:
    """The item table's rows. A row of the table that cannot be read is kept, with its problem: never dropped."""
    rows: list[Row] = []
    in_table = False
    columns = None
    for line in lines:
        if _item_table.is_header(line):
            in_table = True
            columns = _item_table.column_extents(line) if line.page is not None else None
            continue
        if TOTALS.match(line.text) or line.text.replace(" ", "").startswith(("合计", "价税合计")):
            in_table = False
            continue
        confidence = line.span_conf(0, len(line.text))
        split = _ROW.match(_clean_row(line.text))
        if in_table and columns is not None:
            cells = {c.column: Found(c.page_text, c.page_confidence, c.box, line.page)
                     for c in _item_table.cut_row(line.page.image, line, columns).values()}
            missing = [c for c in _item_table.REQUIRED if c not in cells]
            if not missing:
                rows.append(Row(line.text, confidence, cells))
            elif split:  # the columns did not come apart (a long amount ran into the rate) but the words did
                rows.append(Row(line.text, confidence, _split_cells(split, confidence)))
            else:
                rows.append(Row(line.text, confidence, problem=f"unreadable item row: nothing under "
                                                               f"{', '.join(missing)}"))
        elif split:
            rows.append(Row(line.text, confidence, _split_cells(split, confidence)))
        elif in_table:
            rows.append(Row(line.text, confidence, problem="unreadable item row"))
    return rows


def _split_cells(m: re.Match[str], confidence: float) -> dict[str, Found]:
    """A row split by the row pattern; each cell has the line's confidence (cleaning moved the characters)."""
    cells = {name: Found(m.group(name), confidence)
             for name in ("name", "quantity", "unit_price", "amount", "tax_rate", "tax")}
    mid = m.group("mid").split()
    if len(mid) == 2:
        cells["spec"] = Found(mid[0], confidence)
    if mid:
        cells["unit"] = Found(mid[-1], confidence)
    return cells


def _clean_row(text: str) -> str:
    """Undo OCR noise that no invoice row contains: stray quotes and bars, ``#`` or ``+`` stuck to ``*``."""
    return re.sub(r"\*[#+]+|[#+]+\*", "*", text.translate(STRAY))


def read_again(header: dict[str, Found | None], rows: list[Row]) -> None:
    """The second pass, in place: each field that has a place on a scanned page is read there again in its
    kind's mode and the two readings reconciled; a field without one (from a text layer) is only cleaned."""
    fields = [(header, name, HEADER_KINDS[name]) for name in HEADER_FIELDS]
    fields += [(row.cells, column, column) for row in rows for column in row.cells]
    wanted: dict[object, list[int]] = {}
    for i, (holder, name, _) in enumerate(fields):
        found = holder[name]
        if found is not None and found.page is not None and found.box is not None:
            wanted.setdefault(found.page, []).append(i)
    second = {}
    for page, indexes in wanted.items():
        regions = [(fields[i][0][fields[i][1]].box, KINDS[fields[i][2]].mode) for i in indexes]
        second.update(zip(indexes, page.read_again(regions)))
    for i, (holder, name, kind) in enumerate(fields):
        holder[name] = reconcile(holder[name], second.get(i), KINDS[kind])
