"""A printed remark (备注) read over the lines it is printed on: what it says of the invoice, the invoice a
red-letter invoice offsets (对应蓝字发票号码：...) and the deduction of one taxed on the difference (差额征税：...),
read whole where the remark wraps inside it.

A remark wraps where its box is full, inside a naming or a deduction as anywhere: the one cut at the end of its
text is read with the remark's next line. The remark shares its printed lines with other blocks of the page (the
drawer 开票人 to its right, an older invoice's seller block to its left), which OCR reads into the same line; so
the remark's own text ends at a column gap, and its continuation is the text below it that begins where the
remark's text begins, not whatever the next line holds first.
"""

from __future__ import annotations

import re

from ._lines import TextLine
from ._reading import REMARK_LABEL, cut_deductions_in, offset_invoices_in, offset_marks_in, printed_deductions_in
from ._scan_layout import COLUMN_GAP
from .fingerprint import offset_identity_problem

_LABEL = re.compile(REMARK_LABEL)
# How far below a remark line its next line may begin, in character heights: a wrapped line follows closely, and
# text further down is another block
_WRAP_REACH = 2


def remark_wraps_joined(lines: list[TextLine]) -> list[TextLine]:
    """``lines``, each whose naming of the invoice offset (:func:`_cut_namings`) or deduction after 差额征税
    (:func:`~client.invoices._reading.cut_deductions_in`) is cut at the end of its block joined with its
    continuation below (:func:`_continuation`) where the two read together give it whole: a naming wrapped after
    its label, inside its figures or between the code and the number, a deduction after its mark or inside its
    figure (the deduction then as invoicing software prints it, with its fen). What stands right of the cut block,
    and what the line below holds beside the continuation, are read on as lines of their own. A line whose naming
    or deduction is whole is never run into the next line's figures."""
    pending, out = list(lines), []
    i = 0
    while i < len(pending):
        line = pending[i]
        joined = _joined_wrap(line, pending[i + 1:])
        if joined is None:
            out.append(line)
            i += 1
            continue
        whole, end, below, (start, stop) = joined
        out.append(whole)
        below += i + 1
        other = pending[below]
        pending[below:below + 1] = [part for part in (_part(other, 0, start), _part(other, stop, len(other.text)))
                                    if part.text.strip()]
        if line.text[end:].strip():
            pending[i] = _part(line, end, len(line.text))
        else:
            i += 1
    return out


def _joined_wrap(line: TextLine, after: list[TextLine]) -> tuple[TextLine, int, int, tuple[int, int]] | None:
    """The line up to the end of the first block whose naming or deduction is cut, joined with its continuation,
    where the two read together give it whole; with where the block ends, which of ``after`` the continuation is
    on and its span there. ``None`` where nothing of the line is cut, or nothing is whole once joined."""
    for start, end in _blocks(line):
        text = line.text[:end]
        cut = {at for at in (*_cut_namings(text), *cut_deductions_in(text)) if at >= start}
        if not cut or (below := _continuation(line, start, min(cut), end, after)) is None:
            continue
        index, span = below
        joined = _joined(_part(line, 0, end), _part(after[index], *span))
        whole = [found for *_, found in offset_invoices_in(joined.text)] + printed_deductions_in(joined.text)
        if any(at in cut and stop > end for at, stop in whole):
            return joined, end, index, span
    return None


def _continuation(line: TextLine, start: int, cut: int, end: int, after: list[TextLine]
                  ) -> tuple[int, tuple[int, int]] | None:
    """Where the remark text of ``line`` between ``start`` and ``end`` (cut at ``cut``) goes on: on the nearest
    line below it on its page (within :data:`_WRAP_REACH` character heights), the block that begins where the
    remark's text begins (:func:`_text_edges`, the first edge that one begins at); as which of ``after`` and the
    span there. Where the characters have no places (a text layer that gives none) it is the whole next line, on
    the same page."""
    edges = _text_edges(line, start, cut, end)
    if not edges or line.box is None:
        if after and after[0].same_page(line) and after[0].text.strip():
            return 0, (0, len(after[0].text))
        return None
    height = _height(line, start, end)
    top, bottom = line.box[1], line.box[3]
    below = [(other.box[1], index) for index, other in enumerate(after) if other.same_page(line)
             and other.box is not None and top + height / 2 < other.box[1] <= bottom + _WRAP_REACH * height]
    for edge in edges:
        for _, index in sorted(below):
            other = after[index]
            begins = next((k for k, box in enumerate(other.boxes)
                           if other.starts[k] and box is not None and abs(box[0] - edge) <= height), None)
            if begins is not None:
                return index, (begins, next(stop for at, stop in _blocks(other) if at <= begins < stop))
    return None


def _text_edges(line: TextLine, start: int, cut: int, end: int) -> list[float]:
    """Where the remark's text may begin on the page, left to right: right after its label standing before what is
    cut in the block (the label 备注 prints left of the text, and a wrapped line begins under the text), and at
    the block's start (a label in a column of its own, or none)."""
    labels = list(_LABEL.finditer(line.text, start, cut))
    at = [labels[-1].end()] if labels else []
    edges = []
    for first in (*at, start):
        box = next((b for b in line.boxes[first:end] if b is not None), None)
        if box is not None:
            edges.append(box[0])
    return edges


def _height(line: TextLine, start: int, end: int) -> int:
    """The height of the tallest character between ``start`` and ``end``: a Han character's, where there is one."""
    return max((box[3] - box[1] for box in line.boxes[start:end] if box is not None), default=1) or 1


def _blocks(line: TextLine) -> list[tuple[int, int]]:
    """The line's text cut at column gaps (gaps wider than :data:`COLUMN_GAP` character heights, where the
    characters have places), each block as (start, end) without the spaces at its edges. Blocks of other fields
    that OCR read onto one line are so told apart."""
    cuts, previous = [0], None
    for i, box in enumerate(line.boxes):
        if box is None:
            continue
        if previous is not None and box[0] - previous[2] > COLUMN_GAP * max(1, box[3] - box[1]):
            cuts.append(i)
        previous = box
    cuts.append(len(line.text))
    blocks = []
    for begin, stop in zip(cuts, cuts[1:]):
        text = line.text[begin:stop]
        first, last = begin + len(text) - len(text.lstrip()), begin + len(text.rstrip())
        if first < last:
            blocks.append((first, last))
    return blocks


def _cut_namings(text: str) -> set[int]:
    """Where in ``text`` a naming of the invoice offset begins that the line does not hold whole: its mark without
    the figures after it, or figures running to the line's end that are no invoice's identity."""
    whole = {start: (code, number, end) for code, number, (start, end) in offset_invoices_in(text)}
    cut = set()
    for start in offset_marks_in(text):
        if start not in whole:
            cut.add(start)
            continue
        code, number, end = whole[start]
        if end >= len(text.rstrip()) and offset_identity_problem(code, number, "", "") is not None:
            cut.add(start)
    return cut


def _part(line: TextLine, start: int, end: int) -> TextLine:
    """The characters of ``line`` from ``start`` to ``end``, as a line of the same page."""
    return TextLine(text=line.text[start:end], conf=line.conf[start:end], boxes=line.boxes[start:end],
                    starts=line.starts[start:end], page=line.page, page_number=line.page_number)


def _joined(first: TextLine, second: TextLine) -> TextLine:
    """Two printed lines read as one, with nothing between them: a wrap may fall inside a figure."""
    return TextLine(text=first.text + second.text, conf=first.conf + second.conf, boxes=first.boxes + second.boxes,
                    starts=first.starts + second.starts, page=first.page, page_number=first.page_number)
