"""A PDF's text layer as lines whose characters know where they are printed.

pypdf extracts a page's text in reading order, and its ``visitor_text`` callback
hands over each piece of that text with the matrices it is drawn with. The pieces
make up the text exactly, so each character gets a box: its piece's origin,
advanced by the widths of the characters before it. The text layer's glyph widths
are not passed on, so a CJK character counts one em and any other 0.6 em; the
error is far smaller than a column of the item table, which is what the boxes are
for: they cut each item row into its cells, spaces inside a name kept, and tell
which column a wrapped item name's next line lies under. A page whose pieces do not
make up its text, or whose text is turned, gives lines without boxes (its rows are
then split by a row pattern, which takes a name as one word).
"""

from __future__ import annotations

import unicodedata

from ._lines import TextLine, text_lines

_NARROW = 0.6  # the width of a character that is not CJK, in ems: most Latin letters and digits are narrower
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # where str.splitlines breaks


def text_layer(pages) -> tuple[str, list[TextLine]]:
    """The text of every page, and its lines with confidence 1.0. Each page is placed below the one before, so
    a line of one page never lies within a row of another."""
    texts: list[str] = []
    lines: list[TextLine] = []
    offset = 0
    for page in pages:
        pieces: list[tuple[str, list[float], list[float], float]] = []
        text = page.extract_text(visitor_text=lambda t, cm, tm, font, size: pieces.append((t, cm, tm, size))) or ""
        texts.append(text)
        height = round(float(page.mediabox.height))
        placed = _placed_lines(pieces, height, offset) if "".join(p[0] for p in pieces) == text else None
        lines.extend(placed if placed is not None else text_lines(text))
        offset += height
    return "\n".join(texts), lines


def _placed_lines(pieces, page_height: int, offset: int) -> list[TextLine] | None:
    """The pieces as lines, split and spaced as :func:`text_lines` splits and spaces text; ``None`` when a piece
    is drawn turned or slanted."""
    lines: list[TextLine] = []
    line, gap = TextLine(), False
    for text, cm, tm, size in pieces:
        origin = _origin(cm, tm, size)
        if origin is None and text.strip():
            return None
        x, baseline, em = origin or (0.0, 0.0, 0.0)
        placed = True  # after a line break inside a piece, where its text lies is unknown
        for i, char in enumerate(text):
            if char in _LINE_BREAKS:
                if line.text:
                    lines.append(line)
                line, gap, placed = TextLine(), False, False
            elif char.isspace():
                gap = True
                x += 0.3 * em if i else 0  # pypdf puts a space before a piece that follows another on its line
            else:
                width = em * (1.0 if unicodedata.east_asian_width(char) in "WF" else _NARROW)
                top = offset + page_height - baseline - em
                box = (round(x), round(top), round(x + width), round(top + em)) if placed else None
                line.add(char, 1.0, gap, box)
                gap, x = False, x + width
    if line.text:
        lines.append(line)
    return lines


def _origin(cm: list[float], tm: list[float], size: float) -> tuple[float, float, float] | None:
    """Where a piece starts (x, baseline, from the page's bottom left) and its em, from the text matrix ``tm``
    and the transformation ``cm`` (``tm`` x ``cm``); ``None`` for text that is not upright."""
    a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
    c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    return x, y, size * d
