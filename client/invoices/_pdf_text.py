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
from contextlib import contextmanager
from typing import NamedTuple

from ._lines import TextLine, text_lines

_NARROW = 0.6  # the width of a character that is not CJK, in ems: most Latin letters and digits are narrower
_PAGE_IMAGE = 0.5  # an image over this share of its page or more is a picture of the page: a scan
_SHOWS_TEXT = frozenset((b"Tj", b"TJ", b"'", b'"'))
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # where str.splitlines breaks


class PageContents:
    """Each page's content stream of one PDF, parsed once for all that read it: the text layer
    (:func:`text_layer`), then whether it is a scanner's (:func:`scanned_layer`). Parsing is most of the work of
    reading a page's text: pypdf parses a page's content anew each time it is read, and the same content again
    for the operators :func:`scanned_layer` follows. A content stream that several pages share is parsed once."""

    def __init__(self) -> None:
        # keyed by the id of the page's /Contents object, kept so that no other object takes its id
        self._streams: dict[int, tuple[object, object]] = {}

    def of(self, page):
        """The page's content as a parsed pypdf ``ContentStream`` (its ``operations`` parsed on first use and
        kept), or ``None`` for a page without content."""
        from pypdf.generic import ArrayObject, ContentStream, StreamObject  # imported only where a PDF is read

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if not isinstance(contents, (ArrayObject, StreamObject)):  # as pypdf's get_contents: no content
            return None
        known = self._streams.get(id(contents))
        if known is None:
            # strings kept as bytes, as pypdf's own text extraction parses a page: its fonts decode them
            known = self._streams[id(contents)] = (contents, ContentStream(contents, getattr(page, "pdf", None),
                                                                           "bytes"))
        return known[1]

    @contextmanager
    def in_place(self, page):
        """Within the block, the page's ``/Contents`` is its parsed content, which pypdf's text extraction takes
        as it is rather than parsing the page again; the page is as it was after."""
        parsed = self.of(page)
        if parsed is None:
            yield
            return
        from pypdf.generic import NameObject

        original = page.raw_get("/Contents")
        page[NameObject("/Contents")] = parsed
        try:
            yield
        finally:
            page[NameObject("/Contents")] = original


def text_layer(pages, contents: PageContents | None = None) -> tuple[str, list[TextLine]]:
    """The text of every page, and its lines with confidence 1.0. Each page is placed below the one before, so
    a line of one page never lies within a row of another. ``contents``: the pages' parsed content, to share with
    :func:`scanned_layer`."""
    contents = contents if contents is not None else PageContents()
    texts: list[str] = []
    lines: list[TextLine] = []
    offset = 0
    for number, page in enumerate(pages):
        pieces: list[tuple[str, list[float], list[float], float]] = []
        with contents.in_place(page):
            text = page.extract_text(visitor_text=lambda t, cm, tm, font, size: pieces.append((t, cm, tm, size)))
        text = text or ""
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
    is drawn turned or slanted. Each character is a word of its own (``TextLine.starts``), as it was read one by
    one; a line is made once its characters are all there, a few hundred thousand of them in a long file."""
    lines: list[TextLine] = []
    chars: list[str] = []  # the line's characters so far, one space where there is a gap
    boxes: list[tuple[int, int, int, int] | None] = []
    gap = False
    for text, cm, tm, size in pieces:
        origin = _origin(cm, tm, size)
        if origin is None and text.strip():
            return None
        x, baseline, em = origin or (0.0, 0.0, 0.0)
        top = offset + page_height - baseline - em
        top_px, bottom_px = round(top), round(top + em)  # the piece's characters stand on one line
        placed = True  # after a line break inside a piece, where its text lies is unknown
        for i, char in enumerate(text):
            if char in _LINE_BREAKS:
                if chars:
                    lines.append(_line(chars, boxes))
                chars, boxes, gap, placed = [], [], False, False
            elif char.isspace():
                gap = True
                x += 0.3 * em if i else 0  # pypdf puts a space before a piece that follows another on its line
            else:
                width = em * (1.0 if unicodedata.east_asian_width(char) in "WF" else _NARROW)
                if gap and chars:
                    chars.append(" ")
                    boxes.append(None)
                chars.append(char)
                boxes.append((round(x), top_px, round(x + width), bottom_px) if placed else None)
                gap, x = False, x + width
    if chars:
        lines.append(_line(chars, boxes))
    return lines


def _line(chars: list[str], boxes: list) -> TextLine:
    """A text layer's line: every character sure (1.0) and a word of its own, as ``TextLine.add`` makes it added
    one character at a time."""
    return TextLine("".join(chars), [1.0] * len(chars), boxes, [True] * len(chars))


def _origin(cm: list[float], tm: list[float], size: float) -> tuple[float, float, float] | None:
    """Where a piece starts (x, baseline, from the page's bottom left) and its em, from the text matrix ``tm``
    and the transformation ``cm`` (``tm`` x ``cm``); ``None`` for text that is not upright."""
    a, b, c, d, x, y = _compose(tm, cm)
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    return x, y, size * d


def scanned_layer(pages, contents: PageContents | None = None) -> str | None:
    """Why the text layer is a scanner's reading of its page images rather than the text the invoice was made of,
    or ``None`` where it is not: on some page text is drawn invisible (in a render mode that paints nothing, or
    only with paint of opacity 0), or text is drawn before an opaque image that covers half the page or more (a
    seal or a QR code is far smaller), which paints over it. Visible text drawn after such an image is what the
    page shows: invoicing software drawing its form or a watermark as a background. Where an image lies is where
    the page's content places it: each ``cm`` within its ``q`` ... ``Q``, and each form XObject it is drawn in, by
    the ``cm`` before the form's ``Do`` and the form's own ``/Matrix``, forms inside forms too (:class:`_Painting`);
    an inline image (``BI`` ... ``ID`` ... ``EI``) alike. What it covers is what shows of it within the page and
    within the ``/BBox`` of each form it is drawn in, which clips what the form draws. The operators followed are
    bounded for the file, not per page: its pages may share one content stream and its forms. ``contents``: the
    pages' content as :func:`text_layer` parsed it, so that it is not parsed again."""
    painting = _Painting(contents if contents is not None else PageContents())
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
    forms nest too deep, or the pages so far draw too much, to tell. What an image covers is what is left of it
    within the page and within the ``/BBox`` of each form it is drawn in: ISO 32000-1 8.10.1 has ``Do`` clip what a
    form draws to its box, mapped to the page by the form's ``/Matrix`` and the matrix current at the ``Do``, inside
    any clip already in force (a clipping path the content sets, ``W``, is not followed). The current
    transformation matrix, the text render mode and how what is painted shows (:class:`_Paint`) are kept per
    ``q`` ... ``Q`` and per form, and carried into each form drawn; an XObject's or graphics state's name is looked
    up in the resources of the content that draws it (a form's own, else those of what draws the form). One budget
    of operators and one cache of parsed content serve all the pages: a content stream (a page's, shared by other
    pages, through :class:`PageContents`, or a form's) is parsed once, however often it is drawn."""

    def __init__(self, contents: PageContents) -> None:
        self.operators_left = _MAX_OPERATORS
        self.too_much = False
        self.invisible: str | None = None  # how a page's text is drawn invisible
        self.shown_text = self.hidden = self.too_deep = False
        # each keyed by the object's id, and keeping the object so that no other takes its id
        self._contents = contents  # the pages' content streams, each parsed once
        self._parsed: dict[int, tuple[object, list]] = {}  # a form's content stream, its operations
        self._changes: dict[int, tuple[object, dict[object, dict[str, bool]]]] = {}  # resources, _paint_changes

    def follow(self, page) -> None:
        """What this page paints, in place of what the page before painted; the operators followed add up."""
        box = page.mediabox
        # the corners put in order first: a box written with its corners swapped ([600 0 0 800]) is the same page,
        # and its width times its height, negative, would turn the check off
        self.page_clip = _rectangle((box.left, box.bottom, box.right, box.top))
        self.area = _area(self.page_clip)
        self.invisible = None
        self.shown_text = self.hidden = self.too_deep = False
        self._pdf = getattr(page, "pdf", None)
        contents = self._contents.of(page)  # the one object pages sharing a content stream share
        if contents is None:
            return
        operations = contents.operations
        self._paint(operations, page.get("/Resources"), _IDENTITY, _OPAQUE_PAINT, 0, 0, self.page_clip)

    def _paint(self, operations: list, resources, ctm: tuple[float, ...], paint: _Paint, mode: int,
               depth: int, clip: list[_Point]) -> None:
        """Follow content drawn with these resources, starting from this matrix, paint and render mode, inside
        ``clip`` (the page, less what the boxes of the forms it is drawn in leave out)."""
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
                self._image(operands.get("settings") or {}, ctm, paint, clip)
            elif operator == b"Do" and operands:
                self._draw(_xobject(resources, operands[0]), resources, ctm, paint, mode, depth, clip)
            if self.too_deep or self.too_much:
                return

    def _image(self, image, ctm: tuple[float, ...], paint: _Paint, clip: list[_Point]) -> None:
        """An image painted with ``ctm`` over its unit square, of which what lies inside ``clip`` shows: whether it
        hides the text drawn before it."""
        if self.shown_text and not paint.lets_through() and _opaque(image) and self.area > 0:
            square = _placed(_UNIT_SQUARE, ctm)
            # placed beyond what any page measures, it is taken to cover the page: where it lies cannot be told
            covered = self.area if square is None else _area(_clipped(square, clip))
            self.hidden = self.hidden or covered >= _PAGE_IMAGE * self.area

    def _draw(self, xobject, resources, ctm: tuple[float, ...], paint: _Paint, mode: int, depth: int,
              clip: list[_Point]) -> None:
        if xobject is None:
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self._image(xobject, ctm, paint, clip)
        elif subtype == "/Form":
            if depth >= _MAX_FORM_DEPTH:
                self.too_deep = True
                return
            placed = _compose(_matrix(xobject.get("/Matrix", _IDENTITY)) or _IDENTITY, ctm)
            # a box that is no rectangle of four numbers, or placed beyond what any page measures, clips nothing:
            # the image is taken to cover what its matrix places it over, the side on which a page is doubted
            box = _numbers(xobject.get("/BBox"), 4)
            corners = _placed(_rectangle(box), placed) if box is not None else None
            if corners is not None:
                clip = _clipped(corners, clip)
            own = xobject.get("/Resources")
            operations = self._parsed_once(xobject, lambda: _content_stream(xobject, self._pdf).operations)
            self._paint(operations, own if own is not None else resources, placed, paint, mode, depth + 1, clip)

    def _parsed_once(self, content, parse) -> list:
        """The operators of a form's content stream, parsed the first time it is drawn: pypdf hands out one object
        per indirect object, so a form drawn again is the same object."""
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
    return _numbers(values, 6)


def _numbers(values, count: int) -> tuple[float, ...] | None:
    """``count`` numbers (a matrix's six, a rectangle's four), or ``None`` where the values are not."""
    try:
        numbers = tuple(float(value) for value in values)
    except (TypeError, ValueError):
        return None
    return numbers if len(numbers) == count else None


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


_Point = tuple[float, float]
_UNIT_SQUARE: list[_Point] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]  # an image's place before its matrix
# No page measures nearly this many units (ISO 32000-1 C.2 puts a page at 14,400 at most). Coordinates within it keep
# the clipping's products far inside a float's range; beyond it, or infinite, they could overflow into a wrong answer.
_FARTHEST = 1e12


def _rectangle(edges) -> list[_Point]:
    """A PDF rectangle (``/MediaBox``, ``/BBox``: two opposite corners, in either order) as its four corners, turning
    one way round."""
    x1, y1, x2, y2 = (float(edge) for edge in edges)
    left, right, bottom, top = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return [(left, bottom), (right, bottom), (right, top), (left, top)]


def _placed(polygon: list[_Point], matrix) -> list[_Point] | None:
    """A polygon's corners mapped by a matrix (``a b c d e f``: x' = a x + c y + e, y' = b x + d y + f), or ``None``
    where one lies farther than :data:`_FARTHEST` (or is no number: infinite, or infinite less infinite)."""
    a, b, c, d, e, f = matrix
    corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in polygon]
    return corners if all(abs(x) <= _FARTHEST and abs(y) <= _FARTHEST for x, y in corners) else None


def _clipped(subject: list[_Point], clip: list[_Point]) -> list[_Point]:
    """What of a convex polygon lies inside another (Sutherland-Hodgman): the corners of their overlap, none where
    they do not overlap. A page, a form's box and an image's square, each mapped by a matrix, are parallelograms, and
    so convex; so is what is left of one clipped by the others. A clip of no area (a matrix that squashes the box
    flat) leaves nothing."""
    turning = _signed_area(clip)
    if not subject or turning == 0:
        return []
    side = 1.0 if turning > 0 else -1.0
    for (ax, ay), (bx, by) in zip(clip, clip[1:] + clip[:1]):
        def inside(point: _Point) -> float:  # how far inside this edge (0 on it, negative outside), times its length
            return side * ((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax))

        kept: list[_Point] = []
        for start, end in zip(subject[-1:] + subject[:-1], subject):
            start_in, end_in = inside(start), inside(end)
            if (start_in >= 0) != (end_in >= 0):  # the side crosses the edge: keep where
                t = start_in / (start_in - end_in)
                kept.append((start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])))
            if end_in >= 0:
                kept.append(end)
        subject = kept
        if not subject:
            break
    return subject


def _signed_area(polygon: list[_Point]) -> float:
    """The area of a polygon, positive where its corners turn anticlockwise (the shoelace formula)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1])) / 2


def _area(polygon: list[_Point]) -> float:
    return abs(_signed_area(polygon))
