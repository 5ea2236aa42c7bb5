"""The item table of a scanned invoice, cut into cells by its columns.

The header row (项目名称 规格型号 单位 数量 单价 金额 税率 税额) gives each column's
horizontal extent. Every row between the header and 合计 is cut where its ink has a
wide blank gap, and each piece goes to the column it lies under. A cell can then
be read again on its own, in the mode its column needs, and a row whose words ran
together on the page (a unit and a quantity read as one word) still comes apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._lines import TextLine
from ._ocr import Box, column_ink, ink_runs

COLUMNS = ("name", "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax")
# The labels each column goes by on the fully digitalised invoice and on older ones, longest first.
_LABELS = {
    "name": ("货物或应税劳务、服务名称", "货物或应税劳务名称", "项目名称"),
    "spec": ("规格型号",),
    "unit": ("单位",),
    "quantity": ("数量",),
    "unit_price": ("单价",),
    "amount": ("金额",),
    "tax_rate": ("税率/征收率", "征收率", "税率"),
    "tax": ("税额",),
}
REQUIRED = ("name", "amount", "tax_rate", "tax")  # every row has them; the rest may be blank
# a gap this many text heights wide separates two cells; the blanks inside a name or a number are far narrower
_CELL_GAP = 0.6


@dataclass
class Cell:
    """One cell of a row: its column, its box on the page, and what the page pass read there."""

    column: str
    box: Box
    page_text: str
    page_confidence: float


def is_header(line: TextLine) -> bool:
    return "项目名称" in line.text.replace(" ", "") or len(column_labels(line)) >= 5


def column_labels(line: TextLine) -> dict[str, Box]:
    """Each column label found on a header line, with its box (empty where the line has no boxes)."""
    found: dict[str, Box] = {}
    taken: set[int] = set()
    for column, labels in _LABELS.items():
        for label in labels:
            start = _find_free(line.text, label, taken)
            if start is None:
                continue
            box = line.span_box(start, start + len(label))
            if box is not None:
                found[column] = box
            taken.update(range(start, start + len(label)))
            break
    return found


def _find_free(text: str, label: str, taken: set[int]) -> int | None:
    start = text.find(label)
    while start >= 0:
        if not taken.intersection(range(start, start + len(label))):
            return start
        start = text.find(label, start + 1)
    return None


def column_extents(header: TextLine) -> dict[str, tuple[int, int]] | None:
    """The horizontal extent of each labelled column, or ``None`` when the header lacks a column the rows need."""
    labels = column_labels(header)
    if not set(REQUIRED) <= labels.keys():
        return None
    return {column: (box[0], box[2]) for column, box in sorted(labels.items(), key=lambda kv: kv[1][0])}


def cut_row(page, line: TextLine, columns: dict[str, tuple[int, int]]) -> dict[str, Cell]:
    """The row's cells by column; a column with no ink in this row has no cell."""
    box = line.box
    if box is None:
        return {}
    top, bottom = box[1], box[3]
    height = bottom - top
    pad = max(2, height // 6)
    pieces: dict[str, list[tuple[int, int]]] = {}
    for run in ink_runs(page, top - pad, bottom + pad, round(_CELL_GAP * height)):
        for left, right in _split_across_columns(page, run, top - pad, bottom + pad, columns):
            pieces.setdefault(_column_of(left, right, columns), []).append((left, right))
    cells = {}
    for column, runs in pieces.items():
        left, right = min(r[0] for r in runs), max(r[1] for r in runs)
        chars = [i for i, b in enumerate(line.boxes) if b is not None and left <= (b[0] + b[2]) / 2 < right]
        text = "".join(line.text[i] for i in chars)
        confidence = min((line.conf[i] for i in chars), default=0.0)
        cells[column] = Cell(column, (left - pad, top - pad, right + pad, bottom + pad), text, confidence)
    return cells


def columns_under(line: TextLine, columns: dict[str, tuple[int, int]]) -> set[str] | None:
    """The columns a line's words lie under, by their boxes (a text layer's: a scan's rows are cut by their ink
    instead); ``None`` when a character of the line has no box, so where it lies is unknown."""
    found: set[str] = set()
    word: list[Box] = []
    for char, box in zip(line.text + " ", line.boxes + [None]):
        if box is not None:
            word.append(box)
        elif not char.isspace():
            return None
        elif word:  # a space ends a word
            found.add(_column_of(min(b[0] for b in word), max(b[2] for b in word), columns))
            word = []
    return found


def _split_across_columns(page, run: tuple[int, int], top: int, bottom: int,
                          columns: dict[str, tuple[int, int]]) -> list[tuple[int, int]]:
    """A run of ink that lies under two column labels, cut at its widest blank gap (a long amount can come
    within a cell gap of the rate beside it); a run with no gap a quarter of a text height wide stays whole."""
    left, right = run
    under = [c for c, (a, b) in columns.items() if min(right, b) - max(left, a) > 0]
    if len(under) < 2:
        return [run]
    ink = column_ink(page, top, bottom)
    best, best_width, x = None, 0, left
    while x < right:
        if ink[x] < 0.5:
            start = x
            while x < right and ink[x] < 0.5:
                x += 1
            if x - start > best_width:
                best, best_width = (start, x), x - start
        x += 1
    if best is None or best_width < (bottom - top) / 4:
        return [run]
    return (_split_across_columns(page, (left, best[0]), top, bottom, columns)
            + _split_across_columns(page, (best[1], right), top, bottom, columns))


def _column_of(left: int, right: int, columns: dict[str, tuple[int, int]]) -> str:
    """The column a piece of ink lies under: most overlap with a label, else the nearest label."""
    def overlap(extent: tuple[int, int]) -> int:
        return min(right, extent[1]) - max(left, extent[0])

    def distance(extent: tuple[int, int]) -> int:
        return max(extent[0] - right, left - extent[1], 0)

    best = max(columns, key=lambda c: overlap(columns[c]))
    if overlap(columns[best]) > 0:
        return best
    return min(columns, key=lambda c: distance(columns[c]))
