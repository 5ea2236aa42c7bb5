"""Where a printed remark (备注) names the invoice a red-letter invoice offsets, read over the lines it is printed on.

A remark wraps where its box is full, inside a naming as anywhere: the naming cut at a line's end is read with the
line after it.
"""

from __future__ import annotations

from ._lines import TextLine
from ._reading import offset_invoices_in, offset_marks_in
from .fingerprint import offset_identity_problem


def wrapped_namings_joined(lines: list[TextLine]) -> list[TextLine]:
    """``lines``, each whose naming of the invoice offset is cut at its end (:func:`_cut_namings`) joined with the
    line after it on the same page where the two read together name it: a remark wrapped after its label, inside its
    figures or between the code and the number. A line whose naming is whole is never run into the next line's
    figures."""
    out: list[TextLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and line.same_page(lines[i + 1]) and (cut := _cut_namings(line.text)):
            joined = _joined(line, lines[i + 1])
            if any(start in cut and end > len(line.text) for *_, (start, end) in offset_invoices_in(joined.text)):
                out.append(joined)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


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


def _joined(first: TextLine, second: TextLine) -> TextLine:
    """Two printed lines read as one, with nothing between them: a wrap may fall inside a figure."""
    return TextLine(text=first.text + second.text, conf=first.conf + second.conf, boxes=first.boxes + second.boxes,
                    starts=first.starts + second.starts, page=first.page, page_number=first.page_number)
