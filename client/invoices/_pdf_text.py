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

A scanner's "searchable PDF" has a text layer too: the picture of the page, and over it
the text its OCR read, drawn invisible (text render mode 3) or hidden under the picture.
That text is a reading, not the document: :func:`scanned_layer` tells such a layer
from the one invoicing software writes, which may draw a picture of its form (or a
watermark) as the page's background and its text, visible, over it.
"""

from __future__ import annotations

import unicodedata

from ._lines import TextLine, text_lines

_NARROW = 0.6  # the width of a character that is not CJK, in ems: most Latin letters and digits are narrower
_INVISIBLE = frozenset((3, 7))  # text render modes that paint nothing: 3 invisible, 7 a clipping path only
_PAGE_IMAGE = 0.5  # an image over this share of its page or more is a picture of the page: a scan
_SHOWS_TEXT = frozenset((b"Tj", b"TJ", b"'", b'"'))
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # where str.splitlines breaks


def text_layer(pages) -> tuple[str, list[TextLine]]:
    """The text of every page, and its lines with confidence 1.0. Each page is placed below the one before, so
    a line of one page never lies within a row of another."""
    texts: list[str] = []
    lines: list[TextLine] = []
    offset = 0
    for number, page in enumerate(pages):
        pieces: list[tuple[str, list[float], list[float], float]] = []
        text = page.extract_text(visitor_text=lambda t, cm, tm, font, size: pieces.append((t, cm, tm, size))) or ""
        texts.append(text)
        height = round(float(page.mediabox.height))
        placed = _placed_lines(pieces, height, offset) if "".join(p[0] for p in pieces) == text else None
        page_lines = placed if placed is not None else text_lines(text)
        for line in page_lines:
            line.page_number = number
        lines.extend(page_lines)
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


def scanned_layer(pages) -> str | None:
    """Why the text layer is a scanner's reading of its page images rather than the text the invoice was made of,
    or ``None`` where it is not: on some page text is drawn invisible, or text is drawn before an opaque image that
    covers half the page or more (a seal or a QR code is far smaller), which paints over it. Visible text drawn
    after such an image is what the page shows: invoicing software drawing its form or a watermark as a
    background."""
    for number, page in enumerate(pages, start=1):
        invisible, shown_text, hidden = False, False, False
        opaque_images = _opaque_image_names(page.get("/Resources"))
        see_through_states = _see_through_states(page.get("/Resources"))
        area = float(page.mediabox.width) * float(page.mediabox.height)
        # whether what is painted now lets what lies under it show (a graphics state with a fill opacity below
        # 1, a soft mask or a blend: how a watermark is stamped over the text), kept per q ... Q
        see_through = [False]

        def visit(operator, operands, cm, tm) -> None:
            nonlocal invisible, shown_text, hidden
            if operator == b"q":
                see_through.append(see_through[-1])
            elif operator == b"Q" and len(see_through) > 1:
                see_through.pop()
            elif operator == b"gs" and operands and operands[0] in see_through_states:
                see_through[-1] = True
            elif operator == b"Tr" and operands and _number(operands[0]) in _INVISIBLE:
                invisible = True
            elif operator in _SHOWS_TEXT:
                shown_text = True
            elif (operator == b"Do" and shown_text and not see_through[-1] and operands
                  and operands[0] in opaque_images and area > 0):
                hidden = hidden or _covered(cm, page.mediabox) >= _PAGE_IMAGE * area

        page.extract_text(visitor_operand_before=visit)
        if invisible:
            return f"text drawn invisible on page {number}, in text render mode 3 or 7"
        if hidden:
            return f"text on page {number} drawn under an image of the whole page, which hides it"
    return None


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _opaque_image_names(resources) -> set[str]:
    """The names of the opaque image XObjects a page (or a form XObject it draws) can draw: an image with a mask,
    a soft mask or a stencil (``/ImageMask``, painting its set pixels only) lets what lies under it show. A name
    that any of those resource dictionaries binds to something else (a see-through image, a form) is left out:
    the dictionaries are not told apart here, and an image wrongly thought opaque would discard exact text."""
    opaque, other = _image_names(resources)
    return opaque - other


def _image_names(resources, depth: int = 0) -> tuple[set[str], set[str]]:
    opaque: set[str] = set()
    other: set[str] = set()
    try:
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return opaque, other
        for name, ref in xobjects.get_object().items():
            xobject = ref.get_object()
            masked = any(key in xobject for key in ("/SMask", "/Mask")) or bool(xobject.get("/ImageMask")) \
                or bool(xobject.get("/SMaskInData"))
            if xobject.get("/Subtype") == "/Image" and not masked:
                opaque.add(name)
            else:
                other.add(name)
            if xobject.get("/Subtype") == "/Form" and depth < 4:
                inner_opaque, inner_other = _image_names(xobject.get("/Resources"), depth + 1)
                opaque |= inner_opaque
                other |= inner_other
    except (AttributeError, TypeError):
        return opaque, other
    return opaque, other


def _see_through_states(resources) -> set[str]:
    """The names of the page's graphics states that let what lies under a painting show: a fill opacity (``/ca``)
    below 1, a soft mask, or a blend mode other than Normal."""
    names: set[str] = set()
    try:
        states = resources.get_object().get("/ExtGState") if resources is not None else None
        if states is None:
            return names
        for name, ref in states.get_object().items():
            state = ref.get_object()
            opacity = _number(state.get("/ca", 1))
            blend = state.get("/BM", "/Normal")
            soft_mask = state.get("/SMask", "/None")
            if (opacity is not None and opacity < 1) or str(soft_mask) != "/None" \
                    or str(blend) not in ("/Normal", "/Compatible"):
                names.add(name)
    except (AttributeError, TypeError):
        return names
    return names


def _covered(cm: list[float], box) -> float:
    """The area of the page that an image drawn with the transformation ``cm`` covers (its unit square's bounding
    box, within the page)."""
    corners = [(cm[0] * u + cm[2] * v + cm[4], cm[1] * u + cm[3] * v + cm[5])
               for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    left, right = max(min(x for x, _ in corners), float(box.left)), min(max(x for x, _ in corners), float(box.right))
    bottom, top = max(min(y for _, y in corners), float(box.bottom)), min(max(y for _, y in corners), float(box.top))
    return max(0.0, right - left) * max(0.0, top - bottom)
