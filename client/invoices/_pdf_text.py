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
    a, b, c, d, x, y = _compose(tm, cm)
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    return x, y, size * d


def scanned_layer(pages) -> str | None:
    """Why the text layer is a scanner's reading of its page images rather than the text the invoice was made of,
    or ``None`` where it is not: on some page text is drawn invisible, or text is drawn before an opaque image that
    covers half the page or more (a seal or a QR code is far smaller), which paints over it. Visible text drawn
    after such an image is what the page shows: invoicing software drawing its form or a watermark as a
    background. Where an image lies is where the page's content places it: each ``cm`` within its ``q`` ... ``Q``,
    and each form XObject it is drawn in, by the ``cm`` before the form's ``Do`` and the form's own ``/Matrix``,
    forms inside forms too (:class:`_Painting`); an inline image (``BI`` ... ``ID`` ... ``EI``) alike."""
    for number, page in enumerate(pages, start=1):
        painting = _Painting(page)
        if painting.too_deep:
            return (f"forms drawn inside forms more than {_MAX_FORM_DEPTH} deep on page {number} (a form that "
                    "draws itself?): what the page shows cannot be told, so its text is not taken for the invoice's")
        if painting.too_much:
            return (f"more than {_MAX_OPERATORS:,} drawing operators to follow on page {number}, each form's "
                    "counted as often as it is drawn (a file made to keep a reader busy?): what the page shows "
                    "cannot be told, so its text is not taken for the invoice's")
        if painting.invisible:
            return f"text drawn invisible on page {number}, in text render mode 3 or 7"
        if painting.hidden:
            return f"text on page {number} drawn under an image of the whole page, which hides it"
    return None


# A form drawn inside a form drawn inside ... this many deep is one that draws itself (invoicing software nests two
# or three). The work of telling what a page shows is bounded by the operators followed, each form's as often as it
# is drawn: a small file can draw one large form many times over. An invoice page has a few thousand (a form
# of its vector art drawn a few times: some ten thousand); following this many takes a fraction of a second.
_MAX_FORM_DEPTH = 8
_MAX_OPERATORS = 1_000_000
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# How what is painted lets what lies under it show, per graphics state: (a fill opacity /ca below 1, a soft mask
# /SMask, a blend mode /BM other than Normal). Each ``gs`` sets those its state names and keeps the others.
_OPAQUE_PAINT = (False, False, False)
_INLINE_IMAGE = b"INLINE IMAGE"  # pypdf's operator for an inline image, BI ... ID ... EI; its operands a dict


class _Painting:
    """What a page paints, in order: whether it draws text invisible, whether an opaque image covering half the
    page or more is painted over text drawn before it, and whether its forms nest too deep or draw too much to
    tell. The current transformation matrix and whether what is painted lets what lies under it show (a graphics
    state with a fill opacity below 1, a soft mask or a blend: how a watermark is stamped over the text) are kept
    per ``q`` ... ``Q`` and per form, and composed into each form drawn; an XObject's or graphics state's name is
    looked up in the resources of the content that draws it (a form's own, else those of what draws the form).
    Each form's content is parsed once, however often it is drawn."""

    def __init__(self, page) -> None:
        self.box = page.mediabox
        self.area = float(self.box.width) * float(self.box.height)
        self.invisible = self.shown_text = self.hidden = self.too_deep = self.too_much = False
        self.operators_left = _MAX_OPERATORS
        self._pdf = getattr(page, "pdf", None)
        # each keyed by the object's id, and keeping the object so that no other takes its id
        self._parsed: dict[int, tuple[object, list]] = {}  # a form, its operations
        self._changes: dict[int, tuple[object, dict[object, dict[int, bool]]]] = {}  # resources, _paint_changes
        content = page.get_contents()
        if content is not None:
            self._paint(content.operations, page.get("/Resources"), _IDENTITY, _OPAQUE_PAINT, 0)

    def _paint(self, operations: list, resources, ctm: tuple[float, ...], paint: tuple[bool, ...],
               depth: int) -> None:
        states = [(ctm, paint)]  # per q ... Q
        for operands, operator in operations:
            self.operators_left -= 1
            if self.operators_left < 0:
                self.too_much = True
                return
            ctm, paint = states[-1]
            if operator == b"q":
                states.append(states[-1])
            elif operator == b"Q" and len(states) > 1:
                states.pop()
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    states[-1] = (_compose(matrix, ctm), paint)
            elif operator == b"gs" and operands:
                change = self._paint_changes(resources).get(operands[0])
                if change:
                    states[-1] = (ctm, tuple(change.get(i, was) for i, was in enumerate(paint)))
            elif operator == b"Tr" and operands and _number(operands[0]) in _INVISIBLE:
                self.invisible = True
            elif operator in _SHOWS_TEXT:
                self.shown_text = True
            elif operator == _INLINE_IMAGE and isinstance(operands, dict):
                self._image(operands.get("settings") or {}, ctm, paint)
            elif operator == b"Do" and operands:
                self._draw(_xobject(resources, operands[0]), resources, ctm, paint, depth)
            if self.too_deep or self.too_much:
                return

    def _image(self, image, ctm: tuple[float, ...], paint: tuple[bool, ...]) -> None:
        """An image painted with ``ctm`` over its unit square: whether it hides the text drawn before it."""
        if self.shown_text and not any(paint) and _opaque(image) and self.area > 0:
            self.hidden = self.hidden or _covered(ctm, self.box) >= _PAGE_IMAGE * self.area

    def _draw(self, xobject, resources, ctm: tuple[float, ...], paint: tuple[bool, ...], depth: int) -> None:
        if xobject is None:
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self._image(xobject, ctm, paint)
        elif subtype == "/Form":
            if depth >= _MAX_FORM_DEPTH:
                self.too_deep = True
                return
            placed = _compose(_matrix(xobject.get("/Matrix", _IDENTITY)) or _IDENTITY, ctm)
            own = xobject.get("/Resources")
            self._paint(self._operations(xobject), own if own is not None else resources, placed, paint, depth + 1)

    def _operations(self, form) -> list:
        """A form's operators, parsed the first time it is drawn (pypdf hands out one object per indirect object,
        so a form drawn again is the same object)."""
        parsed = self._parsed.get(id(form))
        if parsed is None:
            from pypdf.generic import ContentStream

            parsed = self._parsed[id(form)] = (form, ContentStream(form, self._pdf).operations)
        return parsed[1]

    def _paint_changes(self, resources) -> dict[object, dict[int, bool]]:
        """:func:`_paint_changes` of these resources, read once however often a form using them is drawn."""
        known = self._changes.get(id(resources))
        if known is None:
            known = self._changes[id(resources)] = (resources, _paint_changes(resources))
        return known[1]


def _xobject(resources, name):
    """The XObject a name stands for in these resources, or ``None`` where it stands for none."""
    try:
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        found = xobjects.get_object().get(name) if xobjects is not None else None
        return found.get_object() if found is not None else None
    except (AttributeError, TypeError):
        return None


def _opaque(image) -> bool:
    """An image lets what lies under it show where it has a mask, a soft mask, or is a stencil (``/ImageMask``,
    painting its set pixels only; ``/IM`` in an inline image's abbreviations)."""
    return not (any(key in image for key in ("/SMask", "/Mask")) or bool(image.get("/ImageMask"))
                or bool(image.get("/IM")) or bool(image.get("/SMaskInData")))


def _matrix(values) -> tuple[float, ...] | None:
    """Six numbers as a matrix (``a b c d e f``), or ``None`` where they are not."""
    try:
        numbers = tuple(float(value) for value in values)
    except (TypeError, ValueError):
        return None
    return numbers if len(numbers) == 6 else None


def _compose(first, then) -> tuple[float, ...]:
    """The matrix ``first`` x ``then`` (PDF's row-vector order): ``first`` applied, then ``then``. A ``cm``
    composes as ``cm`` x the current matrix; a form's ``/Matrix`` as ``/Matrix`` x the matrix it is drawn with."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _paint_changes(resources) -> dict[object, dict[int, bool]]:
    """Per graphics state in these resources (a page's, a form's), how it changes whether what is painted lets
    what lies under it show, by place in :data:`_OPAQUE_PAINT`: a fill opacity (``/ca``) below 1 or not, a soft
    mask or ``/None``, a blend mode other than Normal or not. A state sets only the entries it names: one with
    ``/ca 1`` alone ends a faint fill, not a soft mask set before it."""
    changes: dict[object, dict[int, bool]] = {}
    try:
        states = resources.get_object().get("/ExtGState") if resources is not None else None
        if states is None:
            return changes
        for name, ref in states.get_object().items():
            state = ref.get_object()
            change: dict[int, bool] = {}
            opacity = _number(state.get("/ca")) if "/ca" in state else None
            if opacity is not None:
                change[0] = opacity < 1
            if "/SMask" in state:
                change[1] = str(state["/SMask"]) != "/None"
            if "/BM" in state:
                change[2] = _blends(state["/BM"])
            changes[name] = change
    except (AttributeError, TypeError):
        return changes
    return changes


def _blends(mode) -> bool:
    """Whether a blend mode (a name, or an array whose first known name is used) mixes paint with what lies under
    it: any but Normal (Compatible is its old name)."""
    first = mode[0] if isinstance(mode, list) and mode else mode
    return str(first) not in ("/Normal", "/Compatible")


def _covered(cm: list[float], box) -> float:
    """The area of the page that an image drawn with the transformation ``cm`` covers (its unit square's bounding
    box, within the page)."""
    corners = [(cm[0] * u + cm[2] * v + cm[4], cm[1] * u + cm[3] * v + cm[5])
               for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    left, right = max(min(x for x, _ in corners), float(box.left)), min(max(x for x, _ in corners), float(box.right))
    bottom, top = max(min(y for _, y in corners), float(box.bottom)), min(max(y for _, y in corners), float(box.top))
    return max(0.0, right - left) * max(0.0, top - bottom)
