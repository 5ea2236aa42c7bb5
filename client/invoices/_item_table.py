"""The item table of an invoice, cut into cells by its columns.

The header row (项目名称 规格型号 单位 数量 单价 金额 税率 税额) gives each column's
horizontal extent. Every row between the header and 合计 is cut where its ink has a
wide blank gap, and each piece goes to the column it lies under (one under two
labels that no blank cuts is doubted, so flagged). On a scan a cell can then be
read again on its own, in the mode its column needs, and a row whose words ran
together on the page (a unit and a quantity read as one word) still comes apart.
A text layer's row is cut the same way, its characters' boxes standing for the
ink, so a name or spec with spaces inside it stays one cell; where the boxes touch,
the one place inside a piece under two labels where the text layer begins a new
piece of text cuts it as a blank would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._lines import TextLine
from ._ocr import Box, column_ink, dark_spans, merge_spans, solid_runs
from ._page import WordGap
from ._scan_fields import is_dash, is_negative_figure

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
    doubt: str | None = None  # a blank inside it that may or may not be a space
    characters: tuple[float, ...] = ()  # the confidence of each character of page_text but its spaces, where known
    choices: tuple[str, ...] = ()  # the characters OCR weighed at each of those characters ("" where it does not say)


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


def cut_row(page, line: TextLine, columns: dict[str, tuple[int, int]],
            word_gap: WordGap | None = None) -> dict[str, Cell]:
    """The row's cells by column; a column with no ink in this row has no cell, nor one a discount line leaves
    empty with a dash (:func:`without_empty_marks`). Inside a cell a space is kept
    where the page pass began a new word and the blank before it is as wide as ``word_gap`` says a space is
    (``None``: no space is kept); a blank near that width doubts the cell."""
    box = line.box
    if box is None:
        return {}
    top, bottom = box[1], box[3]
    height = bottom - top
    pad = max(2, height // 6)
    band = height + 2 * pad
    ink = column_ink(page, top - pad, bottom + pad)
    spans = dark_spans(ink)
    runs = solid_runs(ink, merge_spans(spans, round(_CELL_GAP * height)), band)
    cells = {}
    # a line put together from others' pieces may not say what was weighed at its characters
    weighed = line.choices if len(line.choices) == len(line.text) else [""] * len(line.text)
    for column, (left, right), chars, straddled in _cut(line, spans, runs, band / 4, columns):
        inside = [s for s in spans if left <= s[0] and s[1] <= right]
        text, doubt = _scan_text(line, chars, inside, word_gap)
        if straddled:
            doubt = "; ".join(filter(None, (_straddle_doubt(straddled, "ink", _narrow_blanks(inside, band / 4),
                                                            "scan"), doubt)))
        confidence = min((line.conf[i] for i in chars), default=0.0)
        cells[column] = Cell(column, (left - pad, top - pad, right + pad, bottom + pad), text, confidence, doubt,
                             tuple(line.conf[i] for i in chars if not line.text[i].isspace()),
                             tuple(weighed[i] for i in chars if not line.text[i].isspace()))
    return without_empty_marks(cells)


# The cells a discount line (折扣行) leaves empty and prints a dash in. Never the amount, rate or tax: every row fills
# them, and a dash there is a figure the reading lost, derived from the others and flagged.
_EMPTY_ON_A_DISCOUNT = ("spec", "unit", "quantity", "unit_price")


def without_empty_marks(cells: dict[str, Cell]) -> dict[str, Cell]:
    """The row's cells, less those a discount line prints a dash alone in to leave them empty. A discount line
    leaves both its quantity and its unit price empty: a row is one where its quantity and unit price are both a
    dash, or where its amount is negative and neither holds a figure (each absent, or no digit in it as read: a dash,
    一, a speck read as ``|``). There a spec, unit, quantity or unit price that is a dash alone, or 一 as chi_sim
    reads a printed dash, is no cell (a speck stays, and is flagged as unreadable: it may be a figure lost). On
    any other row such a cell is kept as read: a quantity or price of a dash or 一 is a misread figure (1 read as 一),
    read as unreadable and flagged, and a spec or unit 一 may be printed so. A negative amount alone says no
    discount: every row of a red-letter invoice is negative, and its quantity read as 一 beside a price is a figure
    lost, which taken for an empty cell would leave quantity x price = amount unchecked."""
    def dash(column: str) -> bool:
        return column in cells and is_dash(cells[column].page_text)

    def no_figure(column: str) -> bool:
        # a speck in an empty cell reads as | or . as its dash reads as 一: a cell without a digit holds no figure
        return column not in cells or not any(char.isdigit() for char in cells[column].page_text)

    amount = cells.get("amount")
    negative = amount is not None and is_negative_figure(amount.page_text)
    discount = (dash("quantity") and dash("unit_price")
                or negative and no_figure("quantity") and no_figure("unit_price"))
    if not discount:
        return cells
    return {column: cell for column, cell in cells.items()
            if not (column in _EMPTY_ON_A_DISCOUNT and is_dash(cell.page_text, as_read=True))}


def _straddle_doubt(straddled: list[str], what: str, why: str, source: str) -> str:
    """Why a cell whose ``what`` (a scan's ink, a text layer's text) lies under two column labels, with nothing to
    cut it at, is doubted: part of it may be the next column's (a unit printed close after a spec as wide as its
    column, ``304不锈钢`` ``根``), and nothing tells where one ends, so neither cell can be placed."""
    return (f"its {what} runs from under {' to under '.join(_LABELS[c][-1] for c in straddled)} with no blank to "
            f"cut it at ({why}): part of it may be the next column's, check both against the {source}")


def _narrow_blanks(spans: list[tuple[int, int]], min_split: float) -> str:
    """A scanned cell's widest blank, too narrow to cut it at."""
    widest = max((b[0] - a[1] for a, b in zip(spans, spans[1:])), default=0)
    return (f"the widest is {widest} px, narrower than the {min_split:.0f} px a cut needs, as the blank between two "
            "characters of one word is")


# Why a text layer's cell under two labels was not cut: its characters stand as close as a word's, and the pieces of
# text it is drawn in do not say where one column's text ends (one piece; or many, such as one a character)
_ONE_PIECE = ("its characters stand as close as those of one word, and it is drawn as one piece of text, or as "
              "several with no single place where the next column's could begin")


def cut_text_row(line: TextLine, columns: dict[str, tuple[int, int]]) -> dict[str, Cell] | None:
    """A text layer's row cut into cells as :func:`cut_row` cuts a scan's, its characters' boxes standing for
    ink (a discount line's dash is no cell, as there); a cell keeps the spaces the text has inside it. A piece
    under two labels is also cut where the text layer begins a new piece of text (``TextLine.starts``), when
    that is the one place inside it where one begins: the boxes of a unit drawn right after a spec that fills
    its column touch the spec's. One that still lies under two labels is doubted, as on a scan.
    ``None`` when a character has no box, so where it lies is unknown."""
    box = line.box
    if box is None or any(b is None and not c.isspace() for c, b in zip(line.text, line.boxes)):
        return None
    height = box[3] - box[1]
    spans = merge_spans(sorted((b[0], b[2]) for b in line.boxes if b is not None), 0)
    runs = merge_spans(spans, round(_CELL_GAP * height))
    begins = [b[0] for b, start in zip(line.boxes, line.starts) if start and b is not None]
    cells = {}
    for column, (left, right), chars, straddled in _cut(line, spans, runs, height / 4, columns, begins):
        doubt = _straddle_doubt(straddled, "text", _ONE_PIECE, "page") if straddled else None
        confidence = min((line.conf[i] for i in chars), default=0.0)
        cells[column] = Cell(column, (left, box[1], right, box[3]), _layer_text(line, chars), confidence, doubt)
    return without_empty_marks(cells)


def _cut(line: TextLine, spans: list[tuple[int, int]], runs: list[tuple[int, int]], min_split: float,
         columns: dict[str, tuple[int, int]], begins: Sequence[int] = ()
         ) -> list[tuple[str, tuple[int, int], list[int], list[str]]]:
    """Each column's cell: its extent, the line's characters in it, and the columns whose labels a piece of it
    lies under when that is more than one (empty where each piece lies under one label or none). ``spans`` are
    where the row's ink is, ``runs`` the ink cut at cell gaps, ``begins`` where a text layer begins a new piece of
    text; a run under two labels is cut further (:func:`_split_across_columns`), and a piece that still is could
    not be cut: it goes to the label it lies under most, and the caller is told."""
    pieces: dict[str, list[tuple[int, int]]] = {}
    straddled: dict[str, list[str]] = {}
    for run in runs:
        for left, right in _split_across_columns(spans, run, min_split, columns, begins):
            column = _column_of(left, right, columns)
            pieces.setdefault(column, []).append((left, right))
            under = _under(left, right, columns)
            if len(under) > 1:
                straddled[column] = under
    out = []
    for column, found in pieces.items():
        left, right = min(r[0] for r in found), max(r[1] for r in found)
        chars = [i for i, b in enumerate(line.boxes) if b is not None and left <= (b[0] + b[2]) / 2 < right]
        out.append((column, (left, right), chars, straddled.get(column, [])))
    return out


def _under(left: int, right: int, columns: dict[str, tuple[int, int]]) -> list[str]:
    """The columns whose labels the ink from ``left`` to ``right`` lies under, left to right."""
    return [c for c, (a, b) in columns.items() if min(right, b) - max(left, a) > 0]


def _scan_text(line: TextLine, chars: list[int], spans: list[tuple[int, int]],
               word_gap: WordGap | None) -> tuple[str, str | None]:
    """A scanned cell's characters, with a space before each word of the page pass that stands as far from the
    word before it as a space does; and the doubt, when a blank was near that width, or as wide as a space
    where the page pass saw no new word (it read ``GB 70.1`` as one word ``GB70.1``)."""
    text, doubts, measured = "", [], set()
    for n, i in enumerate(chars):
        if n and word_gap is not None and line.starts[i]:
            blank = _blank_between(spans, line.boxes[chars[n - 1]], line.boxes[i])
            width = blank[1] - blank[0] if blank else 0
            measured.add(blank)
            space = width >= word_gap.width
            if abs(width - word_gap.width) < word_gap.margin:
                doubts.append(f"a blank of {width} px before {line.text[i]!r}, near the {word_gap.width:.1f} px a "
                              f"space takes on this page: read {'as a space' if space else 'as none'}")
            text += " " if space else ""
        text += line.text[i]
    if word_gap is not None:
        doubts += _blanks_inside_words(line, chars, spans, measured, word_gap.width - word_gap.margin)
    return text, "; ".join(doubts) or None


def _blanks_inside_words(line: TextLine, chars: list[int], spans: list[tuple[int, int]],
                         between_words: set[tuple[int, int] | None], min_width: float) -> list[str]:
    """The blanks of a cell that may be a space but lie inside what the page pass read as one word."""
    out = []
    for left, right in zip((a[1] for a in spans), (b[0] for b in spans[1:])):
        if right - left > min_width and (left, right) not in between_words:
            after = [line.text[i] for i in chars if (line.boxes[i][0] + line.boxes[i][2]) / 2 > left]
            out.append(f"a blank of {right - left} px, as wide as a space, inside a word"
                       + (f" near {after[0]!r}" if after else ""))
    return out


def _blank_between(spans: list[tuple[int, int]], before: Box, after: Box) -> tuple[int, int] | None:
    """The widest blank in the ink between where one word's box ends and the next one's begins (tesseract's
    boxes of CJK words can end short of their ink, so the blank is looked for across both edges)."""
    low, high = sorted((before[2], after[0]))
    blanks = [(a[1], b[0]) for a, b in zip(spans, spans[1:]) if a[1] <= high and b[0] >= low]
    return max(blanks, key=lambda blank: blank[1] - blank[0], default=None)


def _layer_text(line: TextLine, chars: list[int]) -> str:
    """A text layer's cell: its characters, one space wherever the text has anything else between two of them."""
    text = ""
    for n, i in enumerate(chars):
        if n and i != chars[n - 1] + 1:
            text += " "
        text += line.text[i]
    return text


def _split_across_columns(spans: list[tuple[int, int]], run: tuple[int, int], min_split: float,
                          columns: dict[str, tuple[int, int]], begins: Sequence[int] = ()) -> list[tuple[int, int]]:
    """A run of ink that lies under two column labels, cut at its widest blank gap (a long amount can come
    within a cell gap of the rate beside it); a run with no gap ``min_split`` wide (a quarter of a text height)
    is cut where a text layer begins a new piece of text inside it (``begins``), when there is one such place
    only and it is where a column's label begins: a piece of text per character, which some PDFs draw, does not
    tell where a cell ends, nor does a spec or name drawn as two pieces (a font change inside it), whose second
    piece begins inside its own column. Else it stays whole."""
    left, right = run
    if len(_under(left, right, columns)) < 2:
        return [run]
    inside = [s for s in spans if left <= s[0] and s[1] <= right]
    best, best_width = None, 0
    for a, b in zip(inside, inside[1:]):
        if b[0] - a[1] > best_width:
            best, best_width = (a[1], b[0]), b[0] - a[1]
    if best is None or best_width < min_split:
        new_piece = sorted({x for x in begins if left < x < right})
        if len(new_piece) != 1 or not any(abs(new_piece[0] - start) <= min_split for start, _ in columns.values()):
            return [run]
        best = (new_piece[0], new_piece[0])
    return (_split_across_columns(spans, (left, best[0]), min_split, columns, begins)
            + _split_across_columns(spans, (best[1], right), min_split, columns, begins))


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
