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
from typing import NamedTuple

from ._lines import TextLine, text_lines

_NARROW = 0.6  # the width of a character that is not CJK, in ems: most Latin letters and digits are narrower
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
    or ``None`` where it is not: on some page text is drawn invisible (in a render mode that paints nothing, or
    only with paint of opacity 0), or text is drawn before an opaque image that covers half the page or more (a
    seal or a QR code is far smaller), which paints over it. Visible text drawn after such an image is what the
    page shows: invoicing software drawing its form or a watermark as a background. Where an image lies is where
    the page's content places it: each ``cm`` within its ``q`` ... ``Q``, and each form XObject it is drawn in, by
    the ``cm`` before the form's ``Do`` and the form's own ``/Matrix``, forms inside forms too (:class:`_Painting`);
    an inline image (``BI`` ... ``ID`` ... ``EI``) alike. The operators followed are bounded for the file, not per
    page: its pages may share one content stream and its forms."""
    painting = _Painting()
    for number, page in enumerate(pages, start=1):
        painting.follow(page)
        if painting.too_deep:
            return (f"forms drawn inside forms more than {_MAX_FORM_DEPTH} deep on page {number} (a form that "
                    "draws itself?): what the page shows cannot be told, so its text is not taken for the invoice's")
        if painting.too_much:
            pages_followed = "on page 1" if number == 1 else f"on pages 1 to {number} together"
            return (f"more than {_MAX_OPERATORS:,} drawing operators to follow {pages_followed}, each form's "
                    "counted as often as it is drawn (a file made to keep a reader busy?): what its pages show "
                    "cannot be told, so its text is not taken for the invoice's")
        if painting.invisible:
            return f"text drawn invisible on page {number}, {painting.invisible}"
        if painting.hidden:
            return f"text on page {number} drawn under an image of the whole page, which hides it"
    return None


# A form drawn inside a form drawn inside ... this many deep is one that draws itself (invoicing software nests two
# or three). The work of telling what a file's pages show is bounded by the operators followed, each form's as often
# as it is drawn, all pages' together: a small file can draw one large form many times over, and so can many pages
# sharing one content stream. An invoice page has a few thousand (a form of its vector art drawn a few times: some
# ten thousand); following this many takes a fraction of a second.
_MAX_FORM_DEPTH = 8
_MAX_OPERATORS = 1_000_000
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_RENDER_MODES = frozenset(range(8))  # text render modes (Tr): 0 fill, 1 stroke, 2 both, 3 neither; 4-7 and clip
_FILLS = frozenset((0, 2, 4, 6))  # text render modes that fill the glyphs
_STROKES = frozenset((1, 2, 5, 6))  # text render modes that stroke their outlines; 3 and 7 paint nothing
_INLINE_IMAGE = b"INLINE IMAGE"  # pypdf's operator for an inline image, BI ... ID ... EI; its operands a dict


class _Paint(NamedTuple):
    """How what is painted shows, per graphics state. Each ``gs`` sets those its state names and keeps the others
    (:func:`_paint_changes`)."""

    faint: bool = False  # a fill opacity /ca below 1: what lies under an image shows through it
    soft_mask: bool = False  # an /SMask other than /None: likewise
    blend: bool = False  # a blend mode /BM other than Normal: likewise
    no_fill: bool = False  # a fill opacity /ca of 0: a fill paints nothing, text it fills is invisible
    no_stroke: bool = False  # a stroke opacity /CA of 0: a stroke paints nothing

    def lets_through(self) -> bool:
        """Whether an image painted so lets what lies under it show: how a watermark is stamped over the text."""
        return self.faint or self.soft_mask or self.blend

    def hides_text(self, mode: int) -> str | None:
        """How text drawn in this render mode paints nothing (it uses no paint: 3, 7; or each paint it uses, fill
        or stroke, has opacity 0), or ``None`` where it paints something."""
        fills, strokes = mode in _FILLS, mode in _STROKES
        if (fills and not self.no_fill) or (strokes and not self.no_stroke):
            return None
        if not fills and not strokes:
            return "in text render mode 3 or 7"
        opacities = ["fill opacity /ca"] * fills + ["stroke opacity /CA"] * strokes
        return (f"in text render mode {mode} under a graphics state whose {' and '.join(opacities)} "
                + ("are 0" if len(opacities) > 1 else "is 0"))


_OPAQUE_PAINT = _Paint()


class _Painting:
    """What a file's pages paint, in order, page by page (:meth:`follow`): whether a page draws text invisible,
    whether an opaque image covering half the page or more is painted over text drawn before it, and whether its
    forms nest too deep, or the pages so far draw too much, to tell. The current transformation matrix, the text
    render mode and how what is painted shows (:class:`_Paint`) are kept per ``q`` ... ``Q`` and per form, and
    carried into each form drawn; an XObject's or graphics state's name is looked up in the resources of the content
    that draws it (a form's own, else those of what draws the form). One budget of operators and one cache of parsed
    content serve all the pages: a content stream (a page's, shared by other pages, or a form's) is parsed once,
    however often it is drawn."""

    def __init__(self) -> None:
        self.operators_left = _MAX_OPERATORS
        self.too_much = False
        self.invisible: str | None = None  # how a page's text is drawn invisible
        self.shown_text = self.hidden = self.too_deep = False
        # each keyed by the object's id, and keeping the object so that no other takes its id
        self._parsed: dict[int, tuple[object, list]] = {}  # a content stream or array of them, its operations
        self._changes: dict[int, tuple[object, dict[object, dict[str, bool]]]] = {}  # resources, _paint_changes

    def follow(self, page) -> None:
        """What this page paints, in place of what the page before painted; the operators followed add up."""
        self.box = page.mediabox
        self.area = float(self.box.width) * float(self.box.height)
        self.invisible = None
        self.shown_text = self.hidden = self.too_deep = False
        self._pdf = getattr(page, "pdf", None)
        contents = page["/Contents"] if "/Contents" in page else None  # resolved: the one object pages share
        if contents is None:
            return
        operations = self._parsed_once(contents, lambda: _page_operations(page))
        self._paint(operations, page.get("/Resources"), _IDENTITY, _OPAQUE_PAINT, 0, 0)

    def _paint(self, operations: list, resources, ctm: tuple[float, ...], paint: _Paint, mode: int,
               depth: int) -> None:
        states = [(ctm, paint, mode)]  # per q ... Q; the text render mode is part of the graphics state
        for operands, operator in operations:
            self.operators_left -= 1
            if self.operators_left < 0:
                self.too_much = True
                return
            ctm, paint, mode = states[-1]
            if operator == b"q":
                states.append(states[-1])
            elif operator == b"Q" and len(states) > 1:
                states.pop()
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    states[-1] = (_compose(matrix, ctm), paint, mode)
            elif operator == b"gs" and operands:
                change = self._paint_changes(resources).get(operands[0])
                if change:
                    states[-1] = (ctm, paint._replace(**change), mode)
            elif operator == b"Tr" and operands:
                number = _number(operands[0])
                if number in _RENDER_MODES:  # another is no mode a viewer draws by: the one before holds
                    states[-1] = (ctm, paint, int(number))
            elif operator in _SHOWS_TEXT:
                self.shown_text = True
                if not self.invisible:
                    self.invisible = paint.hides_text(mode)
            elif operator == _INLINE_IMAGE and isinstance(operands, dict):
                self._image(operands.get("settings") or {}, ctm, paint)
            elif operator == b"Do" and operands:
                self._draw(_xobject(resources, operands[0]), resources, ctm, paint, mode, depth)
            if self.too_deep or self.too_much:
                return

    def _image(self, image, ctm: tuple[float, ...], paint: _Paint) -> None:
        """An image painted with ``ctm`` over its unit square: whether it hides the text drawn before it."""
        if self.shown_text and not paint.lets_through() and _opaque(image) and self.area > 0:
            self.hidden = self.hidden or _covered(ctm, self.box) >= _PAGE_IMAGE * self.area

    def _draw(self, xobject, resources, ctm: tuple[float, ...], paint: _Paint, mode: int, depth: int) -> None:
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
            operations = self._parsed_once(xobject, lambda: _content_stream(xobject, self._pdf).operations)
            self._paint(operations, own if own is not None else resources, placed, paint, mode, depth + 1)

    def _parsed_once(self, content, parse) -> list:
        """The operators of a content stream (or array of them), parsed the first time it is drawn: pypdf hands out
        one object per indirect object, so a form drawn again, or a page's content another page shares, is the same
        object."""
        parsed = self._parsed.get(id(content))
        if parsed is None:
            parsed = self._parsed[id(content)] = (content, parse())
        return parsed[1]

    def _paint_changes(self, resources) -> dict[object, dict[str, bool]]:
        """:func:`_paint_changes` of these resources, read once however often the pages and forms using them are
        drawn."""
        resources = resources.get_object() if resources is not None else None
        known = self._changes.get(id(resources))
        if known is None:
            known = self._changes[id(resources)] = (resources, _paint_changes(resources))
        return known[1]


def _page_operations(page) -> list:
    """A page's operators: its content stream, or its array of them joined."""
    content = page.get_contents()
    return content.operations if content is not None else []


def _content_stream(stream, pdf):
    """A form's content, to be parsed; pypdf is imported only where a PDF is read."""
    from pypdf.generic import ContentStream

    return ContentStream(stream, pdf)


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
    return not (any(key in image for key in ("/SMask", "/Mask")) or _true(image.get("/ImageMask"))
                or _true(image.get("/IM")) or bool(image.get("/SMaskInData")))


def _true(value) -> bool:
    """Whether a PDF boolean is true: pypdf's ``BooleanObject(False)`` is truthy, as any object is, so its value is
    what tells."""
    return getattr(value, "value", value) is True


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


def _paint_changes(resources) -> dict[object, dict[str, bool]]:
    """Per graphics state in these resources (a page's, a form's), how it changes how what is painted shows, by
    field of :class:`_Paint`: a fill opacity (``/ca``) below 1 or not and 0 or not, a stroke opacity (``/CA``) 0 or
    not, a soft mask or ``/None``, a blend mode other than Normal or not. A state sets only the fields it names:
    one with ``/ca 1`` alone ends a faint fill, not a soft mask set before it."""
    changes: dict[object, dict[str, bool]] = {}
    try:
        states = resources.get_object().get("/ExtGState") if resources is not None else None
        if states is None:
            return changes
        for name, ref in states.get_object().items():
            state = ref.get_object()
            change: dict[str, bool] = {}
            fill = _number(state["/ca"]) if "/ca" in state else None
            if fill is not None:
                change["faint"], change["no_fill"] = fill < 1, fill <= 0
            stroke = _number(state["/CA"]) if "/CA" in state else None
            if stroke is not None:
                change["no_stroke"] = stroke <= 0
            if "/SMask" in state:
                change["soft_mask"] = str(state["/SMask"]) != "/None"
            if "/BM" in state:
                change["blend"] = _blends(state["/BM"])
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
