"""A PDF's text layer as lines whose characters know where they are printed.

pypdf extracts a page's text in reading order, and its ``visitor_text`` callback
hands over each piece of that text with the matrices it is drawn with. The pieces
make up the text exactly, so each character gets a box: its piece's origin,
advanced by the widths of the characters before it. The text layer's glyph widths
are not passed on, so a CJK character counts one em and any other 0.6 em; the
error is far smaller than a column of the item table, which is what the boxes are
for: they cut each item row into its cells, spaces inside a name kept, and tell
which column a wrapped item name's next line lies under. Where a piece begins is
kept too: a unit drawn right after a spec that fills its column has a box touching
the spec's, and only the pieces tell the two apart. A page whose pieces do not
make up its text, or whose text is turned, gives lines without boxes (its rows are
then split by a row pattern, which takes a name as one word).

A scanner's "searchable PDF" has a text layer too: the picture of the page, and over it
the text its OCR read, drawn invisible (text render mode 3) or hidden under the picture.
That text is a reading, not the document: :func:`scanned_layer` tells such a layer
from the one invoicing software writes, which may draw a picture of its form (or a
watermark) as the page's background and its text, visible, over it.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
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
        # keyed by the id of the page's /Contents object, kept so that no other object takes its id: the object,
        # its ContentStream, and how many bytes that content has decoded (what parsing it reads)
        self._streams: dict[int, tuple[object, object, int]] = {}
        self._extracted: set[int] = set()  # of those, the ids of the ones text extraction has parsed
        self.unread: str | None = None  # why :func:`text_layer` did not read all the text of some page
        # the steps of work :func:`text_layer` took (:class:`_TextWork`): what the file's cap leaves the scan check
        self.text_work = 0

    def of(self, page):
        """The page's content as a parsed pypdf ``ContentStream`` (its ``operations`` parsed on first use and
        kept), or ``None`` for a page without content."""
        known = self._known(page)
        return known[1] if known is not None else None

    def unparsed_length(self, page) -> int:
        """How many bytes parsing the page's content still has to read: all it has once decoded, or 0 where it has
        none or text extraction (:meth:`in_place`) has parsed it already."""
        known = self._known(page)
        return known[2] if known is not None and id(known[0]) not in self._extracted else 0

    def _known(self, page):
        from pypdf.generic import ArrayObject, ContentStream, StreamObject  # imported only where a PDF is read

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if not isinstance(contents, (ArrayObject, StreamObject)):  # as pypdf's get_contents: no content
            return None
        known = self._streams.get(id(contents))
        if known is None:
            # strings kept as bytes, as pypdf's own text extraction parses a page: its fonts decode them. The
            # ContentStream decodes the content when made, and parses it when its operations are first read
            stream = ContentStream(contents, getattr(page, "pdf", None), "bytes")
            known = self._streams[id(contents)] = (contents, stream, len(stream.get_data()))
        return known

    @contextmanager
    def in_place(self, page):
        """Within the block, the page's ``/Contents`` is its parsed content, which pypdf's text extraction takes
        as it is rather than parsing the page again; the page is as it was after."""
        known = self._known(page)
        if known is None:
            yield
            return
        from pypdf.generic import NameObject

        original = page.raw_get("/Contents")
        page[NameObject("/Contents")] = known[1]
        try:
            yield
            # text extraction parses it whole, unless it stops first (pypdf returns "" for a page without
            # /Resources before it reads the content): only a parse that happened is not charged again. Where
            # pypdf keeps its parsed operations elsewhere, the content counts as unparsed (charged: the safe side)
            if getattr(known[1], "_operations", None):
                self._extracted.add(id(known[0]))
        finally:
            page[NameObject("/Contents")] = original


def text_layer(pages, contents: PageContents | None = None) -> tuple[str, list[TextLine]]:
    """The text of every page, and its lines with confidence 1.0. Each page is placed below the one before, so
    a line of one page never lies within a row of another. ``contents``: the pages' parsed content, to share with
    :func:`scanned_layer`. Extracting a page's text is bounded as the scan check is (:class:`_TextWork`): on a page
    that needs more work than is left, pypdf enters only the forms that fit (none, and the page is not read, where
    its own content does not), and ``contents.unread`` says so, with the figures."""
    contents = contents if contents is not None else PageContents()
    texts: list[str] = []
    lines: list[TextLine] = []
    offset = 0
    work = _TextWork(contents)
    for number, page in enumerate(pages):
        pieces: list[tuple[str, list[float], list[float], float]] = []
        forms = work.forms_within(page, number + 1)
        text = ""
        if forms != -1:
            with contents.in_place(page), _forms_entered(forms):
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
    contents.unread = work.unread()
    contents.text_work += work.spent
    return "\n".join(texts), lines


def _forms_entered(forms: int | None):
    """Within the block, pypdf's text extraction enters at most this many forms a page (``None``: as many as it
    does)."""
    if forms is None:
        return nullcontext()
    from pypdf import apply_configuration  # imported only where a PDF is read

    return apply_configuration(xform_maximum_invocations_per_extraction=forms)


def _placed_lines(pieces, page_height: int, offset: int) -> list[TextLine] | None:
    """The pieces as lines, split and spaced as :func:`text_lines` splits and spaces text; ``None`` when a piece
    is drawn turned or slanted. A word begins (``TextLine.starts``) where a piece does and after a space: where
    the text layer says one piece of text ends, though the characters' boxes touch (a unit drawn right after a
    spec that fills its column). A line is made once its characters are all there, a few hundred thousand of them
    in a long file."""
    lines: list[TextLine] = []
    chars: list[str] = []  # the line's characters so far, one space where there is a gap
    boxes: list[tuple[int, int, int, int] | None] = []
    starts: list[bool] = []
    gap = False
    for text, cm, tm, size in pieces:
        origin = _origin(cm, tm, size)
        if origin is None and text.strip():
            return None
        x, baseline, em = origin or (0.0, 0.0, 0.0)
        top = offset + page_height - baseline - em
        top_px, bottom_px = round(top), round(top + em)  # the piece's characters stand on one line
        placed = True  # after a line break inside a piece, where its text lies is unknown
        begins = True
        for i, char in enumerate(text):
            if char in _LINE_BREAKS:
                if chars:
                    lines.append(_line(chars, boxes, starts))
                chars, boxes, starts, gap, placed, begins = [], [], [], False, False, True
            elif char.isspace():
                gap = True
                x += 0.3 * em if i else 0  # pypdf puts a space before a piece that follows another on its line
            else:
                width = em * (1.0 if unicodedata.east_asian_width(char) in "WF" else _NARROW)
                if gap and chars:
                    chars.append(" ")
                    boxes.append(None)
                    starts.append(True)
                chars.append(char)
                boxes.append((round(x), top_px, round(x + width), bottom_px) if placed else None)
                starts.append(begins or gap)
                gap, begins, x = False, False, x + width
    if chars:
        lines.append(_line(chars, boxes, starts))
    return lines


def _line(chars: list[str], boxes: list, starts: list[bool]) -> TextLine:
    """A text layer's line: every character sure (1.0), a space a word of its own as ``TextLine.add`` makes it."""
    return TextLine("".join(chars), [1.0] * len(chars), boxes, starts)


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
    only with paint of opacity 0, or white (:data:`_PAPER`) over an image drawn before it), or text is drawn before
    an opaque image that covers half the page or more, or before opaque images that together cover half the text
    drawn before them or more, in pieces (a seal or a QR code covers far less), which paint over it, or before
    opaque images, shapes filled or lines stroked in an opaque paint (white too) over half or more of a glyph of a
    number it says, one alone or together (:meth:`_Painting._painted_over_number`), which paint other figures, or
    none, where the text layer says that number.
    Visible text drawn after such images is what the page shows: invoicing software drawing its form or a watermark
    as a background. Where an image lies is where the page's content places it: each ``cm`` within its ``q`` ...
    ``Q``, and each form XObject it is drawn in, by the ``cm`` before the form's ``Do`` and the form's own
    ``/Matrix``, forms inside forms too (:class:`_Painting`); an inline image (``BI`` ... ``ID`` ... ``EI``) alike.
    What it covers is what shows of it within the page, within the ``/BBox`` of each form it is drawn in, which
    clips what the form draws, and within each clipping path the content sets (``W``, ``W*``). The work of
    following is bounded by an allowance per page, what a page leaves of its own carried to the pages after it, and
    a cap for the file (:data:`_WORK_PER_PAGE`, :data:`_WORK_PER_FILE`): pages may share one content stream and
    forms. ``contents``: the pages' content as :func:`text_layer` parsed it, so that it is not parsed again; where
    that did not read some page's text whole (more work than allowed), why, when nothing else is wrong: the text is
    not all the page shows."""
    contents = contents if contents is not None else PageContents()
    painting = _Painting(contents)
    for number, page in enumerate(pages, start=1):
        painting.follow(page)
        if painting.too_deep:
            return (f"forms drawn inside forms more than {_MAX_FORM_DEPTH} deep on page {number} (a form that "
                    "draws itself?): what the page shows cannot be told, so its text is not taken for the invoice's")
        if painting.too_much:
            return _too_much_said(painting, "page 1" if number == 1 else f"pages 1 to {number}",
                                  "to check than the check allows",
                                  "what its pages show is not known, so their text is taken as doubtful")
        if painting.invisible:
            return f"text drawn invisible on page {number}, {painting.invisible}"
        if painting.hidden:
            if painting.number_painted_over:
                under, painter = _painted_over_said(painting.number_painted_by)
                return (f"a number in the text on page {number} drawn under {under} over it: the page shows what "
                        f"{painter} there, not the number the text says")
            if painting.images_over_text > 1:
                return (f"text on page {number} drawn under {painting.images_over_text} images that together cover "
                        "half of it or more, which hide it")
            if painting.page_image:
                return f"text on page {number} drawn under an image of the whole page, which hides it"
            return f"text on page {number} drawn under an image that covers half of it or more, which hides it"
    return contents.unread


# What paints over a number's digits (_Painting._cover_digits), each with what the reason calls one of it, several,
# and the one that paints (_painted_over_said).
_IMAGE, _FILLED_SHAPE, _STROKED_LINE = "image", "filled shape", "stroked line"
_PAINTERS = {_IMAGE: ("an image", "images", "the image"),
             _FILLED_SHAPE: ("a filled shape", "filled shapes", "the shape"),
             _STROKED_LINE: ("a stroked line", "stroked lines", "the line")}


def _painted_over_said(painters: set[str]) -> tuple[str, str]:
    """What the reason says a number is drawn under, and what paints there, by what paints over it: one kind
    (``an image that covers it, which paints``, ``the image paints``) or several (``images and filled shapes that
    cover it, which paint``, ``they paint``)."""
    kinds = [kind for kind in _PAINTERS if kind in painters]
    if len(kinds) == 1:
        one, _, the = _PAINTERS[kinds[0]]
        return f"{one} that covers it, which paints", f"{the} paints"
    several = [_PAINTERS[kind][1] for kind in kinds]
    return f"{', '.join(several[:-1])} and {several[-1]} that cover it, which paint", "they paint"


# A form drawn inside a form drawn inside ... this many deep is one that draws itself (invoicing software nests two
# or three).
_MAX_FORM_DEPTH = 8
# The work of telling what a file's pages show is counted in steps: each drawing operator followed, each form's as
# often as it is drawn (a small file can draw one large form many times over, and many pages can share one content
# stream), the work of clipping (_CUTS_PER_STEP), the bytes of a content stream the check parses itself (a form's; a
# page's where the text layer has not parsed it) counted once before they are parsed (_BYTES_PER_STEP), each object
# the content names read (_STEPS_PER_OBJECT) and each entry of a dictionary of resources read (_STEPS_PER_ENTRY).
# Each page adds its allowance, what it leaves carried to the pages after it; a content stream's first parse may
# go past the allowance of the pages so far by _PARSING_BEYOND_PAGES a page in all; all of it up to the file's cap. Measured (2-core AMD EPYC, pypdf 7.1.1): an invoice page of 120
# text cells each clipped to its cell, a template form of 150 rules, a QR code and a seal takes some 3,100 steps
# (its operators and clips; 2.6 ms a page over 330 such pages) once the text layer has parsed its content, 8,700 in
# 8 ms where the check parses that content too (5,400 steps, 11 KB), a page's allowance 23 times that; the slowest
# operators per step, images drawn with no clip, take up to 1.5 us a step (clips of 64 crossing edges 0.15, images
# under a clip of 16 corners 0.4; 1.9 where pypdf logs a warning for each token it parses): 0.3 s at most for a
# page's allowance. A step of parsing takes 0.6 us for vector art and up to 2.5 us for content of one-digit numbers
# only: a file's cap, which admits some 6,400 such invoice pages, takes 30 s at most at 1.5 us a step, 50 s where
# all of it is parsing such numbers.
_WORK_PER_PAGE = 200_000
_WORK_PER_FILE = 20_000_000
# This many bytes of content parsed count as one step: pypdf parses a content stream at 0.3 us a byte for vector art
# (a logo, a chart: numbers of 7 bytes), 0.45 us for an invoice page's text, and up to 1.27 us for one-digit numbers
# (0 0 m, one token in two bytes), measured.
_BYTES_PER_STEP = 2
# Parsing may go past the allowance of the pages followed so far by this much a page, in all: a letterhead form
# bigger than a page allows is parsed (4 MB of content, some 5 s at most), an export whose pages draw two or three
# such forms too, and a file of a page or two cannot spend the whole file's cap parsing forms its text layer never
# reads.
_PARSING_BEYOND_PAGES = 2_000_000
# Reading an object the content names, the first time (a form, an image, a graphics state, a font: pypdf parses it
# from the file, and a form's content is decoded), counts as this many steps: 30 to 90 us each.
_STEPS_PER_OBJECT = 64
# Reading a dictionary of resources (a page's or a form's /Resources, its /XObject or /ExtGState dictionary) counts
# this many steps an entry, the first time it is read: pypdf parses all of it to give one name, 4.4 us an entry
# measured (an indirect dictionary of 90,000 graphics states: 0.39 s).
_STEPS_PER_ENTRY = 4
# Text extraction (pypdf 7.1.1) builds each font of the resources of what it reads, page or form, anew each time: its
# /ToUnicode CMap parsed, its /W or /Widths and /Encoding /Differences read; without a CMap, a Type1 font's embedded
# font file hashed and the codes read from it added again, a Type3 font's /CharProcs each looked up. A font counts
# _STEPS_PER_OBJECT, its CMap's decoded bytes (or the font file's) _FONT_BYTES_PER_STEP a step, and each entry a
# step: each code the CMap maps as pypdf parses it (a range repeated counts each time) or read from the font file,
# each width it gives, each element of those arrays, each /CharProcs entry (each /DescendantFonts past the first the
# most pypdf takes, _MOST_FONT_ENTRIES). Measured (2-core AMD EPYC): a font whose CMap maps 28,000 codes (400 KB,
# 28,000 widths: 106,600 steps) builds in 0.15 to 0.18 s, 1.4 to 1.7 us a step; CMaps of 90,000 codes one a line
# 3.7 us a code (1.3 us a step with their bytes), of 100,000 codes in ranges 1.4 us a code.
_FONT_BYTES_PER_STEP = 8
# Building fonts may go past the allowance of the pages read so far by this much a page, in all, up to the file's
# cap: an invoice whose fonts are embedded whole (a CJK font of some 28,000 characters, 106,600 steps) builds them
# again for each form whose resources name them, so two such fonts and a dozen small forms (header, footer, seals)
# on a page are some 2,800,000 steps, which pypdf builds in under 2 s, within it.
_FONTS_BEYOND_PAGES = 3_000_000
_MOST_FONT_ENTRIES = 100_000  # pypdf's MAPPING_DICTIONARY_SIZE_LIMIT and MAX_WIDTH_ENTRY_COUNT
# An operator text extraction acts on counts this many steps (one it passes over, a path's, one): pypdf moves the text
# matrices, places the text it shows and hands each piece to the text layer, which places each character. A TJ counts
# this many for each string of its array (each shown as a Tj is) and _STEPS_PER_TJ_MOVE for each other element (a
# number moves the text, and may add a space), a ' two operators (T*, Tj), a " four (Tw, Tc, T*, Tj), a TD two (TL,
# Td). Measured (2-core AMD EPYC, pypdf 7.1.1), each with its bytes' two parses (the count's and extraction's, a step
# each _BYTES_PER_STEP): a Tj of one character 15 us (11 steps), a TJ's string 9.8 us (9 steps) and its number 4.9 us
# (4 steps), a Td 16 us (12 steps), a cm 39 us (15 steps), an n 2.1 us (9 steps): 0.2 to 2.6 us a step.
_STEPS_PER_TEXT_OPERATOR = 8
_STEPS_PER_TJ_MOVE = 2
_TEXT_OPERATORS = {b"BT": 1, b"ET": 1, b"q": 1, b"Q": 1, b"cm": 1, b"Tz": 1, b"Tc": 1, b"Tw": 1, b"TL": 1, b"Tf": 1,
                   b"Td": 1, b"Tm": 1, b"T*": 1, b"Tj": 1, b"TD": 2, b"'": 2, b'"': 4, b"Do": 1}
_NO_ENTRIES: dict = {}
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# A colour each of whose components is this near white or nearer (a tint this near none) shows nothing on white
# paper: text painted in it over a picture drawn before it is a layer laid over that picture, not what it shows.
_PAPER = 0.95
_DEVICE_COLOUR_OPERATORS = {b"g": "gray", b"rg": "rgb", b"k": "cmyk"}  # each with its upper-case form, the stroke's
_SETS_COLOUR = frozenset((b"g", b"G", b"rg", b"RG", b"k", b"K", b"cs", b"CS", b"sc", b"SC", b"scn", b"SCN"))
_UNKNOWN_SPACE = ("other",)
_NO_COLORANT = ("none",)  # a Separation or DeviceN of the colorant /None: what is painted in it lays no paint
_DEVICE_SPACES = {"/DeviceGray": ("gray",), "/DeviceRGB": ("rgb",), "/DeviceCMYK": ("cmyk",),
                  "/Pattern": _UNKNOWN_SPACE}
_CIE_SPACES = {"/CalGray": ("gray",), "/CalRGB": ("rgb",), "/Lab": ("lab",)}
_COMPONENT_SPACES = {1: ("gray",), 3: ("rgb",), 4: ("cmyk",)}  # an ICC-based space by its number of components
_BASE_COMPONENTS = {"gray": 1, "rgb": 3, "cmyk": 4, "tint": 1}  # an indexed space's base, by its table's bytes
# the colour cs sets, before a sc or scn gives one: black, L* 0, or an indexed space's first entry (a tint: 1)
_INITIAL_COLOUR = {"gray": [0.0], "rgb": [0.0, 0.0, 0.0], "cmyk": [0.0, 0.0, 0.0, 1.0], "lab": [0.0, 0.0, 0.0],
                   "indexed": [0.0]}
# An indexed colour space's table holds 256 entries of 4 bytes at most (ISO 32000-1 8.6.6.3): one longer is not read.
_MOST_TABLE_BYTES = 1024
_RENDER_MODES = frozenset(range(8))  # text render modes (Tr): 0 fill, 1 stroke, 2 both, 3 neither; 4-7 and clip
_FILLS = frozenset((0, 2, 4, 6))  # text render modes that fill the glyphs
_STROKES = frozenset((1, 2, 5, 6))  # text render modes that stroke their outlines; 3 and 7 paint nothing
_INLINE_IMAGE = b"INLINE IMAGE"  # pypdf's operator for an inline image, BI ... ID ... EI; its operands a dict
# path construction operators (ISO 32000-1 8.5.2), each with how many numbers it takes
_BUILDS_PATH = {b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4, b"h": 0, b"re": 4}
_CURVES = frozenset((b"c", b"v", b"y"))
# A curve of a path filled or stroked is measured as this many straight pieces, their ends on the curve at equal steps
# of its parameter (_flattened). They lie within 3/4 d / n^2 of it (n pieces; d the largest of its control points'
# second differences, P0 - 2 P1 + P2 and P1 - 2 P2 + P3): a quarter circle's within a 200th of its radius, a third of
# a point for a circle 144 points across, well under a glyph; a circle of four curves has 32 edges, within
# _MAX_CLIP_EDGES. Flattening a curve counts a step a piece.
_CURVE_PIECES = 8
_CLIPS = {b"W": False, b"W*": True}  # whether the clip takes the even-odd rule, rather than the nonzero winding rule
# the operators that paint a path and end it; a W or W* before one sets the clip there (8.5.4)
_PAINTS_PATH = frozenset((b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n"))
# the three kinds together, looked up once for each operator followed (most are none of them)
_PATH_OPERATORS = frozenset(_BUILDS_PATH) | frozenset(_CLIPS) | _PAINTS_PATH
# those that fill the path, each with whether it takes the even-odd rule
_FILLS_PATH = {b"f": False, b"F": False, b"B": False, b"b": False, b"f*": True, b"B*": True, b"b*": True}
# those that stroke it, each with whether it closes the current subpath first (as h does)
_STROKES_PATH = {b"S": False, b"s": True, b"B": False, b"B*": False, b"b": True, b"b*": True}
# Comparing two upright boxes takes four comparisons: this many count as one step of work.
_BOXES_PER_STEP = 16
# The runs of text drawn so far are kept by the bands of the page they lie across, each this many units high, so that
# the runs an image or a filled shape may cover are looked for in the bands its box lies across alone
# (_Painting._nearby): a table's thousands of cells and rules, or a QR code drawn a module at a time, after thousands
# of runs of one glyph each, cost the runs of their own lines each, not all of them. A run or a box across more bands
# than _MOST_BANDS (text set upright, a shape over much of the page) is compared with all of them instead.
_BAND = 8.0
_MOST_BANDS = 16
# A clipping path of more edges than this that are not level (33 upright rectangles) is taken as its bounding box:
# cutting it into pieces takes work that grows with the cube of its edges (_Painting._clip).
_MAX_CLIP_EDGES = 64
# A piece of the clip of more corners than this is taken as its bounding box. Each clip cut across a piece can add a
# corner to it, and measuring an image or a further clip against a piece takes work in its corners: bounded, so is
# the work of one image drawn (_Painting._within). A piece cut by a page, a form's box and a clip or two, turned or
# slanted, has a dozen.
_MAX_PIECE_CORNERS = 16
# Cutting one convex polygon by another (_clipped) takes work in the clip's corners times the corners the polygon
# has as it is cut, at most its own plus the clip's: this many of those (a corner measured against a side) count as
# one step of work, as following one operator does (they take about as long, a microsecond or so).
_CUTS_PER_STEP = 4
# Corners of a clip closer than this share of the page's largest coordinate are taken as one: the side between them
# is rounding's, its direction any (_clipped). A float's rounding is some 1e-16 of the number.
_ROUNDING = 1e-9


class _Paint(NamedTuple):
    """How what is painted shows, per graphics state. Each ``gs`` sets those its state names and keeps the others
    (:func:`_paint_change`); the colour operators set the fill's colour and the stroke's, and the colour space each
    is given in (:meth:`_Painting._colour_space`, :func:`_paper_white`); ``w`` and a state's ``/LW`` set the line
    width."""

    faint: bool = False  # a fill opacity /ca below 1: what lies under an image shows through it
    soft_mask: bool = False  # an /SMask other than /None: likewise
    blend: bool = False  # a blend mode /BM other than Normal: likewise
    no_fill: bool = False  # a fill opacity /ca of 0: a fill paints nothing, text it fills is invisible
    no_stroke: bool = False  # a stroke opacity /CA of 0: a stroke paints nothing
    faint_stroke: bool = False  # a stroke opacity /CA below 1: what lies under a stroke shows through it
    white_fill: bool = False  # the fill colour is the paper's, white: text it fills shows nothing on the page
    white_stroke: bool = False  # the stroke colour is white: likewise
    fill_space: tuple = ("gray",)  # the colour space sc and scn give the fill colour in (DeviceGray at first)
    stroke_space: tuple = ("gray",)  # and SC and SCN the stroke colour
    line_width: float = 1.0  # the width a path is stroked with (w, or a state's /LW), in user space

    def lets_through(self) -> bool:
        """Whether an image painted so lets what lies under it show: how a watermark is stamped over the text."""
        return self.faint or self.soft_mask or self.blend

    def fill_hides(self) -> bool:
        """Whether a path filled so hides what lies under it: not where the fill lets it show
        (:meth:`lets_through`), paints nothing (a fill opacity of 0, the colorant /None) or is in a space not told
        (a pattern, which may leave gaps). White hides too: text on white paper as well as a colour does."""
        return not (self.no_fill or self.lets_through() or self.fill_space in (_UNKNOWN_SPACE, _NO_COLORANT))

    def stroke_hides(self) -> bool:
        """Whether a path stroked so hides what lies under it, by the same rules as a fill (:meth:`fill_hides`), for
        the stroke's opacity (/CA) and colour, and a width other than 0 (the thinnest line a device draws)."""
        return not (self.no_stroke or self.faint_stroke or self.soft_mask or self.blend or self.line_width == 0
                    or self.stroke_space in (_UNKNOWN_SPACE, _NO_COLORANT))

    def hides_text(self, mode: int, over_picture: bool = False) -> str | None:
        """How text drawn in this render mode paints nothing to see (it uses no paint: 3, 7; or each paint it uses,
        fill or stroke, has opacity 0 or, where it is drawn ``over_picture``, is white), or ``None`` where it paints
        something. White text on no picture is a title on a coloured band: it shows there."""
        fills, strokes = mode in _FILLS, mode in _STROKES
        white_fill, white_stroke = self.white_fill and over_picture, self.white_stroke and over_picture
        if ((fills and not (self.no_fill or white_fill))
                or (strokes and not (self.no_stroke or white_stroke))):
            return None
        if not fills and not strokes:
            return "in text render mode 3 or 7"
        white = [paint for paint, used, clear, is_white in (("fill", fills, self.no_fill, white_fill),
                                                             ("stroke", strokes, self.no_stroke, white_stroke))
                 if used and is_white and not clear]
        if white:
            return (f"in text render mode {mode} in white (its {' and '.join(white)} colour) over an image drawn "
                    "before it: a layer of text laid over a picture, not the text the page shows")
        opacities = ["fill opacity /ca"] * fills + ["stroke opacity /CA"] * strokes
        return (f"in text render mode {mode} under a graphics state whose {' and '.join(opacities)} "
                + ("are 0" if len(opacities) > 1 else "is 0"))


_OPAQUE_PAINT = _Paint()


class _Work:
    """The work of reading a file's pages, counted in steps against an allowance per page, what a page leaves of its
    own carried to the pages after it, and a cap for the file (:data:`_WORK_PER_PAGE`, :data:`_WORK_PER_FILE`): each
    content stream parsed once, its bytes counted before it is (:meth:`_parsed_once`), and the objects and
    dictionaries of resources the content names counted when first read (:meth:`_named`). The scan check
    (:class:`_Painting`) and the text layer's (:class:`_TextWork`) each count their own."""

    def __init__(self, contents: PageContents) -> None:
        self.pages = 0  # the pages followed so far
        self.allowed = 0  # the steps of work they allow (_WORK_PER_PAGE each, _WORK_PER_FILE at most)
        self.parsing = 0  # the steps of parsing content streams, each the first time it is drawn: besides those
        self.fonts = 0  # the steps of building fonts (the text layer's: _TextWork._take)
        self.budget = 0  # the steps allowed with parsing and fonts: allowed + both, _WORK_PER_FILE at most
        self.steps_left = 0  # of those, the steps not yet taken
        self.too_much = False
        # each keyed by the object's id, and keeping the object so that no other takes its id
        self._contents = contents  # the pages' content streams, each parsed once
        self._parsed: dict[int, tuple[object, list]] = {}  # a content stream (a page's, a form's), its operations
        self._read: dict[int, object] = {}  # the objects the content has named (forms, images, graphics states)
        self._before = contents.text_work  # the work taken reading these pages before: the file's cap is shared

    @property
    def spent(self) -> int:
        """The steps of work taken so far, all pages' together, parsing too."""
        return self.budget - self.steps_left

    def _allow(self, parsing: int = 0) -> None:
        """Allow the pages followed so far their allowance, and the parsing counted so far and ``parsing`` steps
        more: a content stream's first parse draws on the file's cap, not on the allowance of the page that first
        draws it (a letterhead form a page's allowance cannot parse is parsed once for every page that draws it)."""
        spent, cap = self.spent, _WORK_PER_FILE - self._before
        self.allowed = min(self.pages * _WORK_PER_PAGE, cap)
        budget = min(self.allowed + min(self.parsing + parsing, self.pages * _PARSING_BEYOND_PAGES)
                     + self._fonts_beyond(self.fonts), cap)
        if spent + parsing > budget:  # what is left of the file's cap is less
            self.too_much = True
            return
        self.parsing += parsing
        self.budget = budget
        self.steps_left = budget - spent - parsing

    def _fonts_beyond(self, fonts: int) -> int:
        """Of this many steps of building fonts, those that may go past the pages' allowance
        (:data:`_FONTS_BEYOND_PAGES` a page, in all)."""
        return min(fonts, self.pages * _FONTS_BEYOND_PAGES)

    def _spend(self, steps: int) -> None:
        """Count this many steps of work more (none where it is less than one)."""
        self.steps_left -= max(steps, 0)
        if self.steps_left < 0:
            self.too_much = True

    def _parsed_once(self, content, unparsed_length, stream) -> list:
        """The operators of a content stream (a page's, a form's), parsed the first time it is drawn, once the bytes
        parsing it reads (``unparsed_length()``: none for a page's content text extraction has parsed) are counted
        against the file's cap (:meth:`_allow`): none where they are more than is left of it. ``stream()``: the
        content as a pypdf ``ContentStream``, its operations parsed on first use. pypdf hands out one object per
        indirect object, so a form drawn again is the same object."""
        parsed = self._parsed.get(id(content))
        if parsed is None:
            from pypdf.errors import LimitReachedError  # imported only where a PDF is read
            try:
                self._allow(unparsed_length() // _BYTES_PER_STEP)   # decoding it first: pypdf may refuse that too
                if self.too_much:
                    return []
                operations = stream().operations
            except LimitReachedError:   # more bytes or tokens than pypdf takes in one stream: more work than allowed
                self.too_much = True
                return []
            parsed = self._parsed[id(content)] = (content, operations)
        return parsed[1]

    def _named(self, resources, kind: str, name):
        """The object a name stands for among these resources of a kind (``/XObject``, ``/ExtGState``), or ``None``
        where it stands for none (or the work allowed is spent). pypdf reads an object from the file the first time
        it is asked for, and hands out the same object after: the first time, its reading counts as
        :data:`_STEPS_PER_OBJECT` steps. The resources dictionary and its dictionary of the kind are read whole to
        give one name: the first time each is read, each of its entries counts :data:`_STEPS_PER_ENTRY`."""
        try:
            named = self._dictionary(self._dictionary(resources).get(kind))
            found = named.get(name)
            found = found.get_object() if found is not None and not self.too_much else None
        except (AttributeError, TypeError):
            return None
        if found is not None and id(found) not in self._read:
            self._read[id(found)] = found
            self._spend(_STEPS_PER_OBJECT)
        return found

    def _dictionary(self, entries) -> dict:
        """A resources dictionary, or one of its dictionaries of a kind, as read from the file; its entries counted
        the first time it is read. An empty one where there is none, or the work allowed is spent: none is read."""
        if entries is None or self.too_much:
            return _NO_ENTRIES
        entries = entries.get_object()
        if id(entries) not in self._read:
            self._read[id(entries)] = entries
            self._spend(len(entries) * _STEPS_PER_ENTRY)
        return entries


class _TextWork(_Work):
    """The work pypdf's text extraction (7.x, ``PageObject._extract_text``) does on each page, counted before it is
    done (:meth:`forms_within`), against the allowance and cap the scan check has, counted apart from its. It takes
    a page's fonts (each read anew for each page and form, :data:`_STEPS_PER_OBJECT`) and handles each operator of
    its content (a step each; the content parsed once, :class:`PageContents`); at each ``Do`` of a form (an XObject
    whose ``/Subtype`` is not ``/Image``, named in the resources of the content that draws it, and not one that
    draws it, which is skipped as a cycle) it parses the form's content anew however often it is drawn, and so on
    inside it, forms inside forms multiplying: each time, the form's bytes (two a step), its operators and its
    fonts. It returns nothing for content without ``/Resources``, and enters at most
    ``xform_maximum_invocations_per_extraction`` forms a page (5,000)."""

    def __init__(self, contents: PageContents) -> None:
        super().__init__(contents)
        self.stopped: list[int] = []  # the pages (from 1) whose extraction stops short
        self._first = ""  # why, with the figures where it first stops
        # a form: it, its resources, the names it draws, its fonts, the steps of an entry besides its fonts, and of
        # those the bytes it parses (a step each _BYTES_PER_STEP)
        self._forms: dict[int, tuple[object, object, list, list, int, int]] = {}
        self._fonts_read: dict[int, tuple[object, int]] = {}  # a font, the steps of building it (_font_steps)
        self._reparsed: dict[int, object] = {}  # the forms whose content extraction has parsed once
        self._entered = self._limit = 0
        self._cut: int | None = None

    def forms_within(self, page, number: int) -> int | None:
        """How many forms extracting page ``number`` may enter within the work allowed, counted as pypdf enters
        them, in order: ``None`` for all it enters, -1 where the page's content alone is more than allowed (its text
        is not to be extracted)."""
        from pypdf import get_configuration  # imported only where a PDF is read

        self.pages += 1
        self._pdf = getattr(page, "pdf", None)
        self.too_much, self._cut, self._entered = False, None, 0
        self._limit = get_configuration().xform_maximum_invocations_per_extraction
        self._allow()
        resources = _resources(page)
        content = self._contents.of(page)
        if resources is not None and content is not None and not self.too_much:
            operations = self._parsed_once(content, lambda: self._contents.unparsed_length(page), lambda: content)
            if self.too_much or not self._take(_operator_steps(operations), _fonts_of(resources)):
                self._cut = -1
            else:
                self._enter(_drawn(operations), resources, frozenset())
        if self._cut is not None or self.too_much:
            self._cut = -1 if self._cut is None else self._cut
            if not self.stopped:  # the figures where it first stops
                self._first = _too_much_said(self, "page 1" if number == 1 else f"pages 1 to {number}",
                                             "to read its text than reading allows", "")
            self.stopped.append(number)
        return self._cut

    def unread(self) -> str | None:
        """Why the text of some page is not read whole, or ``None`` where every page's is."""
        if not self.stopped:
            return None
        first, later = self.stopped[0], self.stopped[1:]
        also = f" (nor what pages {', '.join(map(str, later))} draw past theirs)" if len(later) > 1 else (
            f" (nor what page {later[0]} draws past its)" if later else "")
        return (f"{self._first}what page {first} draws past that is not read{also}, so the text is taken as "
                "doubtful")

    def _enter(self, names: list, resources, drawing: frozenset) -> None:
        """Count the forms these names draw, as pypdf enters them, inside ``drawing`` (the ids of the forms that
        draw them); stop where one is more work than is left (``_cut``: the forms entered before it)."""
        for name in names:
            if self._cut is not None or self._entered >= self._limit:
                return
            form = self._named(resources, "/XObject", name)
            if self.too_much:
                self._cut = self._entered
                return
            if not isinstance(form, dict) or form.get("/Subtype") in (None, "/Image") or id(form) in drawing:
                continue
            _, own, drawn, fonts, steps, parsing = self._form(form)
            if not self.too_much and id(form) not in self._reparsed:
                # the first time extraction parses the form, the parse draws on what parsing may take past the
                # pages' allowance, as the form's first parse (the count's own) does; it parses it again each time
                self._allow(parsing)
                steps -= parsing
            if self.too_much or not self._take(steps, fonts):
                self._cut = self._entered
                return
            self._reparsed.setdefault(id(form), form)
            self._entered += 1
            if drawn:
                self._enter(drawn, own, drawing | {id(form)})

    def _form(self, form) -> tuple[object, object, list, list, int, int]:
        """A form as extracting its text takes it each time it is drawn: its resources, the names its content
        draws (``Do``), its fonts, and the steps of work besides building them: its bytes parsed and its operators,
        and of those the parsing. pypdf gets nothing from a form without resources; one whose content it cannot
        read it goes on without, once it has built the fonts of its resources. The form's content is parsed here
        once, its bytes counted as parsing (:meth:`_parsed_once`)."""
        known = self._forms.get(id(form))
        if known is None:
            own, drawn, fonts, steps, parsing = _resources(form), [], [], 1, 0
            if own is not None:
                fonts = _fonts_of(own)
                stream = None

                def decoded() -> int:
                    nonlocal stream
                    stream = _content_stream(form, self._pdf)
                    return len(stream.get_data())
                try:
                    operations = self._parsed_once(form, decoded, lambda: stream)
                    if self.too_much:
                        return form, own, [], [], 0, 0
                    drawn = _drawn(operations)
                    parsing = len(stream.get_data()) // _BYTES_PER_STEP
                    steps += parsing + _operator_steps(operations)
                except Exception:  # noqa: BLE001 - pypdf's text extraction skips such a form likewise
                    drawn = []
            known = self._forms[id(form)] = (form, own, drawn, fonts, steps, parsing)
        return known

    def _fonts_steps(self, fonts: list, left: int) -> int:
        """The steps of building these fonts, as extraction does each time it reads content drawn with them: each
        font's counted the first time it is met (:func:`_font_steps`), and none past the first that goes beyond
        ``left`` (more than that is all that tells)."""
        steps = 0
        for font in fonts:
            known = self._fonts_read.get(id(font))
            if known is None:
                cost = _font_steps(font, left - steps)
                if cost is None:  # more than is left, told without building it: not kept, a later page may have more
                    return left + 1
                known = self._fonts_read[id(font)] = (font, cost)
            steps += known[1]
            if steps > left:
                break
        return steps

    def _take(self, steps: int, fonts: list) -> bool:
        """Take this many steps of work and those of building these fonts (:meth:`_fonts_steps`) where they fit:
        building fonts first from what it may take past the pages' allowance (:data:`_FONTS_BEYOND_PAGES`), the
        rest from the steps left; none where they do not fit."""
        room = min(self.pages * _FONTS_BEYOND_PAGES - self._fonts_beyond(self.fonts),
                   _WORK_PER_FILE - self._before - self.budget)
        building = self._fonts_steps(fonts, self.steps_left - steps + room)
        beyond = min(self._fonts_beyond(self.fonts + building) - self._fonts_beyond(self.fonts), room)
        if steps + building - beyond > self.steps_left:
            return False
        self.fonts += building
        self.budget += beyond
        self.steps_left -= steps + building - beyond
        return True


def _too_much_said(work: _Work, pages: str, doing: str, outcome: str) -> str:
    """Why reading the file stopped, with the figures of ``work`` where it did: ``pages``, the pages it was counted
    over; ``doing``, what needs the work, and who allows it; ``outcome``, what is taken of the file for that."""
    fonts = work._fonts_beyond(work.fonts)
    besides = [f"{work.parsing:,} parsing content"] * bool(work.parsing) + [f"{fonts:,} building fonts"] * bool(fonts)
    said = f" besides {' and '.join(besides)}" if besides else ""
    return (f"the file needs more work {doing}: {pages} needed more than {work.budget - work.parsing - fonts:,} "
            f"steps{said}, where a page allows {_WORK_PER_PAGE:,} and a file {_WORK_PER_FILE:,} at most, parsing "
            f"too (a step is about the work of following one drawing operator or of parsing {_BYTES_PER_STEP} bytes "
            f"of content); {outcome}")


def _resources(content):
    """The ``/Resources`` pypdf's text extraction takes for a page or a form (inherited from its parents, as
    ``_get_page_resources``), or ``None`` where there are none: it then extracts nothing from it."""
    resources = content.get_inherited("/Resources", None)
    resources = resources.get_object() if resources is not None else None
    return resources if isinstance(resources, dict) and resources else None


def _fonts_of(resources) -> list:
    """The fonts of these resources, as extraction takes them: each entry of their ``/Font`` dictionary."""
    try:
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else None
        return [font.get_object() for font in fonts.values()] if isinstance(fonts, dict) else []
    except (AttributeError, TypeError):
        return []


def _font_steps(font, left: int) -> int | None:
    """The steps of building a font as extraction does (:data:`_FONT_BYTES_PER_STEP`): its CMap's bytes and each
    code its parse processes (:func:`_cmap_codes`), or, for a Type1 font without one, its embedded font file's bytes
    and each code read from it (:func:`_font_file_steps`); a Type3 font's /CharProcs without one, each entry; and
    the entries of its arrays; all told without building it, and ``None`` where they are more than ``left``. Then it
    is built, as pypdf builds it, and each width it gives counted. One pypdf will not build (past its limits) counts
    the most it builds."""
    steps = _STEPS_PER_OBJECT
    if not isinstance(font, dict):
        return steps
    try:
        to_unicode = font.get("/ToUnicode")
        to_unicode = to_unicode.get_object() if to_unicode is not None else None
        if hasattr(to_unicode, "get_data"):
            steps += len(to_unicode.get_data()) // _FONT_BYTES_PER_STEP + _cmap_codes(font)
        elif to_unicode is None and font.get("/Subtype") == "/Type1":
            steps += _font_file_steps(font)
        elif to_unicode is None and font.get("/Subtype") == "/Type3":
            procs = font.get("/CharProcs")
            procs = procs.get_object() if procs is not None else None
            steps += len(procs) if isinstance(procs, (dict, list)) else 0
        encoding = font.get("/Encoding")
        encoding = encoding.get_object() if encoding is not None else None
        arrays = [font.get("/Widths"), encoding.get("/Differences") if isinstance(encoding, dict) else None]
        descendants = font.get("/DescendantFonts")
        descendants = descendants.get_object() if descendants is not None else None
        if isinstance(descendants, list):
            steps += max(len(descendants) - 1, 0) * _MOST_FONT_ENTRIES
            for descendant in descendants:
                descendant = descendant.get_object()
                arrays.append(descendant.get("/W") if isinstance(descendant, dict) else None)
        for array in arrays:
            array = array.get_object() if array is not None else None
            steps += len(array) if isinstance(array, list) else 0
        if steps > left:
            return None
        from pypdf.generic._font import Font  # imported only where a PDF is read; extraction builds fonts so

        return steps + len(Font.from_font_resource(font).character_widths)
    except (AttributeError, TypeError):  # extraction passes over such a font
        return steps
    except Exception:  # noqa: BLE001 - past pypdf's limits, or malformed: building it stops somewhere short
        return steps + 2 * _MOST_FONT_ENTRIES


def _cmap_codes(font) -> int:
    """How many codes pypdf's parse of the font's /ToUnicode CMap maps, one by one: each pair of a ``bfchar`` line,
    each code of a ``bfrange`` line's range or each string of its array, repeats too (a CMap repeating one range
    maps its codes again each time). Sized from the lines as pypdf prepares and splits them, each counted in full
    where pypdf may stop short of it; past :data:`_MOST_FONT_ENTRIES` pypdf stops: one more than that at most."""
    from pypdf._cmap import prepare_cm  # imported only where a PDF is read

    codes, ranges, pairs, in_array = 0, False, False, False
    for line in prepare_cm(font).split(b"\n"):
        line = line.strip(b" \t")
        if codes > _MOST_FONT_ENTRIES:
            break
        if not line or line[0] == ord("%"):
            continue
        if b"beginbfrange" in line or b"endbfrange" in line:
            ranges = b"begin" in line
        elif b"beginbfchar" in line or b"endbfchar" in line:
            pairs = b"begin" in line
        elif ranges:
            tokens = line.replace(b"\t", b" ").split()
            if in_array or tokens[2:3] == [b"["]:
                strings = tokens if in_array else tokens[3:]
                in_array = b"]" not in strings
                codes += len(strings) if in_array else strings.index(b"]")
            elif len(tokens) > 2:
                try:
                    codes += max(int(tokens[1], 16) - int(tokens[0], 16) + 1, 0)
                except ValueError:  # pypdf passes over such a line
                    pass
        elif pairs:
            codes += len(line.split()) // 2
    return min(codes, _MOST_FONT_ENTRIES + 1)


def _font_file_steps(font) -> int:
    """The steps of reading the codes of a Type1 font without /ToUnicode from its embedded font file, as pypdf does
    at each build (a ``/FontFile``, or a ``/FontFile3`` of ``/Subtype /Type1C``): it hashes the decoded file (its
    bytes, :data:`_FONT_BYTES_PER_STEP` a step) and adds each code read from it to the font's map and encoding (a
    step each: a ``dup`` of its encoding, at most 256 for a CFF file). None for a font without such a file."""
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else None
    if not isinstance(descriptor, dict):
        return 0
    for key in ("/FontFile", "/FontFile3"):
        file = descriptor.get(key)
        file = file.get_object() if file is not None else None
        if hasattr(file, "get_data") and (key == "/FontFile" or file.get("/Subtype") == "/Type1C"):
            data = file.get_data()
            return len(data) // _FONT_BYTES_PER_STEP + (data.count(b"dup") if key == "/FontFile" else 256)
    return 0


def _operator_steps(operations: list) -> int:
    """The steps of extraction handling these operators: :data:`_STEPS_PER_TEXT_OPERATOR` for each pypdf acts on
    (:data:`_TEXT_OPERATORS`, a TJ for each element of its array), one for each other."""
    steps = 0
    for operands, operator in operations:
        if operator == b"TJ":
            array = operands[0] if operands and isinstance(operands[0], list) else []
            shown = sum(isinstance(element, (str, bytes)) for element in array)  # the rest moves, or is passed over
            steps += max(_STEPS_PER_TEXT_OPERATOR * shown + _STEPS_PER_TJ_MOVE * (len(array) - shown), 1)
        else:
            steps += _STEPS_PER_TEXT_OPERATOR * _TEXT_OPERATORS.get(operator, 0) or 1
    return steps


def _drawn(operations: list) -> list:
    """The names content draws with ``Do``, in order."""
    return [operands[0] for operands, operator in operations if operator == b"Do" and operands]


_MOVES_TEXT = frozenset((b"BT", b"Tm", b"Td", b"TD", b"T*", b"TL", b"Tf", b"Tz", b"Tc", b"Tw"))
_DESCENT = 0.2  # how far below the baseline a run of text is taken to reach, in ems
# the least a glyph is taken to reach along its run, in ems, however little it advances the text: a font whose /Widths
# give its digits no width, the text laid out by the character spacing instead, still draws each digit where it is
_NARROWEST_GLYPH = 0.5
_WHITE_SPACE = b" \t\r\n\f\x00"
_SIMPLE_FONTS = frozenset(("/Type1", "/MMType1", "/TrueType", "/Type3"))  # one byte a code, widths in /Widths
_GLYPH_UNIT = 0.001  # /Widths, /MissingWidth, /W and /DW are in thousandths of an em (ISO 32000-1 9.2.4)
_CID_DEFAULT_WIDTH = 1000  # a CIDFont's width for a CID its /W leaves out, without a /DW (9.7.4.3)


class _FontWidths(NamedTuple):
    """How far a font's codes advance the text, in ems (text space units at a font size of 1): each code is
    ``code_bytes`` bytes of a string, its width the one ``widths`` gives it, else ``missing``."""

    code_bytes: int
    widths: dict[int, float]
    missing: float

    def codes(self, data: bytes) -> list[tuple[bytes, float]]:
        """The codes a string's bytes give, each with its width in ems. A byte left over after the last whole code
        counts as a code of its own."""
        step = self.code_bytes
        return [(data[i:i + step], self.widths.get(int.from_bytes(data[i:i + step], "big"), self.missing))
                for i in range(0, len(data), step)]


# The width a font that gives none is taken at: _NARROW of an em a byte. A standard font (Helvetica ...) drawn without
# /Widths, a CIDFont whose codes a CMap other than Identity-H maps to CIDs, a font that is no dictionary, and one whose
# widths pypdf will not read are all measured so: a two-byte CJK character is then 1.2 ems, wider than it is.
_ESTIMATED_WIDTHS = _FontWidths(1, {}, _NARROW)


def _font_widths(font) -> _FontWidths | None:
    """The widths a font gives its codes, read as pypdf's text extraction reads them: a simple font's ``/Widths``
    from its ``/FirstChar``, a code they leave out the ``/MissingWidth`` of its descriptor (0 without one); a Type0
    font encoded ``/Identity-H`` (two bytes a code, each its CID) its descendant CIDFont's ``/W``, a CID it leaves
    out ``/DW`` (1000 without one). A Type3 font's widths are in its glyph space, scaled by its ``/FontMatrix``.
    ``None`` where the font gives none, or pypdf cannot read them: the run is then estimated
    (:data:`_ESTIMATED_WIDTHS`)."""
    from pypdf.errors import PyPdfError  # imported only where a PDF is read
    from pypdf.generic._font import Font

    read: dict[str, float] = {}
    try:
        subtype = font.get("/Subtype")
        if subtype in _SIMPLE_FONTS and "/Widths" in font:
            unit = _GLYPH_UNIT
            if subtype == "/Type3":
                matrix = _matrix(font.get("/FontMatrix"))
                if matrix is None:
                    return None
                unit = matrix[0]
            Font._collect_tt_t1_character_widths(font, {}, {}, read)
            if not read:  # a /Widths pypdf passes over (no array, a /FirstChar below 0): the font gives none
                return None
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else None
            missing = _number(descriptor.get("/MissingWidth")) if isinstance(descriptor, dict) else None
            code_bytes, default = 1, missing or 0.0
        elif subtype == "/Type0" and font.get("/Encoding") == "/Identity-H":
            descendant = font["/DescendantFonts"].get_object()[0].get_object()
            Font._collect_cid_character_widths(descendant, read)
            default = _number(descendant.get("/DW"))
            unit, code_bytes, default = _GLYPH_UNIT, 2, _CID_DEFAULT_WIDTH if default is None else default
        else:
            return None
        widths = {ord(code): float(width) * unit for code, width in read.items()}
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, PyPdfError):  # past pypdf's limits too
        return None
    return _FontWidths(code_bytes, widths, default * unit)


class _TextState:
    """Where the text a content stream shows lies: the text matrix and the line matrix (``BT`` sets both again,
    ``Tm``, ``Td``, ``TD``, ``T*``, ``'`` and ``"`` move them), the font and its size, the leading, the character
    and word spacing and the horizontal scaling. A run is as wide as its glyphs advance the text (ISO 32000-1
    9.4.4): each code's width in the font (:func:`_font_widths`, :data:`_ESTIMATED_WIDTHS` for a font that gives
    none) times the font size, plus the character spacing, plus the word spacing for a one-byte code 32, less a
    ``TJ`` number's thousandths of the font size, all times the horizontal scaling. It reaches from
    :data:`_DESCENT` below its baseline to an em above it, and the next run starts where its advance ends."""

    def __init__(self) -> None:
        self.matrix = self.line = _IDENTITY
        self.size, self.leading, self.scale = 0.0, 0.0, 1.0
        self.char_spacing = self.word_spacing = 0.0
        self.font = _ESTIMATED_WIDTHS
        self.font_object = None  # the font Tf names, read for what its codes say only where that is asked
        self.shown: _Shown | None = None  # what the last text-showing operator showed, as it laid it out

    def move(self, operator: bytes, operands) -> None:
        if operator == b"BT":
            self.matrix = self.line = _IDENTITY
        elif operator == b"Tm":
            self.matrix = self.line = _matrix(operands) or self.line
        elif operator in (b"Td", b"TD"):
            offset = _numbers(operands, 2)
            if offset is not None:
                if operator == b"TD":
                    self.leading = -offset[1]
                self._next_line(*offset)
        elif operator == b"T*":
            self._next_line(0.0, -self.leading)
        elif operator == b"Tf":
            size = _number(operands[1]) if len(operands) > 1 else None
            self.size = size if size is not None else self.size
        else:  # TL, Tz, Tc, Tw
            number = _number(operands[0]) if operands else None
            if number is not None and operator == b"TL":
                self.leading = number
            elif number is not None and operator == b"Tc":
                self.char_spacing = number
            elif number is not None and operator == b"Tw":
                self.word_spacing = number
            elif number is not None:
                self.scale = number / 100

    def show(self, operator: bytes, operands) -> tuple[list[_Point] | None, tuple[float, ...]]:
        """The box of the run a text-showing operator draws, in text space (``None`` for white space or nothing),
        and the text matrix that places it; the text matrix then moves past it. A ``"`` sets the word and the
        character spacing before it shows its string."""
        if operator == b'"':
            spacing = _numbers(operands[:2], 2)
            if spacing is not None:
                self.word_spacing, self.char_spacing = spacing
        if operator in (b"'", b'"'):
            self._next_line(0.0, -self.leading)
        shown = operands[0] if operator in (b"Tj", b"'", b"TJ") and operands else (
            operands[2] if operator == b'"' and len(operands) > 2 else b"")
        self.shown = _Shown(shown if isinstance(shown, list) else [shown], self.font, self.size, self.char_spacing,
                            self.word_spacing, self.scale)
        glyphs, width = self.shown.laid_out()
        placing = self.matrix
        self.matrix = _compose((1.0, 0.0, 0.0, 1.0, width, 0.0), self.matrix)
        if not b"".join(code for code, _, _ in glyphs).strip(_WHITE_SPACE):
            return None, placing
        if width == 0:  # glyphs that advance nothing are drawn over one another, where they start: they lie there
            return self.shown.box(min(start for _, start, _ in glyphs), max(end for _, _, end in glyphs)), placing
        return self.shown.box(0.0, width), placing

    def _next_line(self, x: float, y: float) -> None:
        self.matrix = self.line = _compose((1.0, 0.0, 0.0, 1.0, x, y), self.line)


class _Shown(NamedTuple):
    """What one text-showing operator shows (its strings, and a ``TJ``'s numbers between them) and the state it lays
    it out by: kept with its run, so that where each glyph lies is worked out again only for a run an image
    covers, or one of its word (:meth:`_Painting._glyphs`)."""

    elements: list
    font: _FontWidths
    size: float
    char_spacing: float
    word_spacing: float
    scale: float

    def laid_out(self) -> tuple[list[tuple[bytes, float, float]], float]:
        """Each code shown, with where its glyph starts and ends along the run in text space, and how far the run
        advances the text: each code's width times the font size, then the character spacing, and the word spacing
        after a one-byte code 32 (a code of two bytes never takes it, 9.3.3), less a ``TJ`` number's thousandths of
        the font size, all times the horizontal scaling. A glyph reaches from where it is drawn to where the next one
        starts (its width, the character spacing and the word spacing), but no less than :data:`_NARROWEST_GLYPH`
        of an em and no more than an em or its width, whichever is wider: a font may give its glyphs no width and
        the spacing lay them out, and letter-spaced text leaves the gap after each glyph bare."""
        glyphs: list[tuple[bytes, float, float]] = []
        advance = 0.0  # in text space, before the horizontal scaling
        way = -1.0 if self.size < 0 else 1.0  # a negative font size lays the glyphs out the other way
        em = abs(self.size)
        for element in self.elements:
            if isinstance(element, (str, bytes)):
                data = bytes(getattr(element, "original_bytes", None) or (
                    element.encode("utf-8") if isinstance(element, str) else element))
                for code, ems in self.font.codes(data):
                    glyph = ems * self.size
                    step = glyph + self.char_spacing + (
                        self.word_spacing if code == b" " and self.font.code_bytes == 1 else 0.0)
                    reach = way * min(max(way * step, _NARROWEST_GLYPH * em), max(em, way * glyph))
                    glyphs.append((code, advance * self.scale, (advance + reach) * self.scale))
                    advance += step
            else:
                number = _number(element)  # a TJ's number moves the next glyph back by its thousandths of an em
                advance -= (number or 0.0) / 1000 * self.size
        return glyphs, advance * self.scale

    def box(self, start: float, end: float) -> list[_Point]:
        """The box of what is shown from ``start`` to ``end`` along the run, in text space: from :data:`_DESCENT`
        below the baseline to an em above it."""
        low, high = -_DESCENT * self.size, self.size
        return [(start, low), (end, low), (end, high), (start, high)]


@dataclass
class _Covered:
    """Something drawn on the page, where it lies (its corners) and its area, with how much of it the opaque images
    drawn after it cover, added up (two images drawn apart over one part of it count it twice: more, never less)."""

    corners: list[_Point]
    area: float
    covered: float = 0.0


@dataclass
class _TextRun(_Covered):
    """A run of text (one Tj, TJ, ' or "), as :meth:`_Painting._run` places it: with the box it lies in, the font it
    is drawn in and what it shows (:class:`_Shown`), the matrix that places it, where along its baseline it starts
    and ends and its font size (in text space), the word it is part of (:class:`_Word`), and what each of its glyphs
    says, with where a digit lies, read the first time it is asked for (:meth:`_Painting._glyphs`)."""

    extent: tuple[float, ...] = ()
    shown: tuple = (None, None)
    placing: tuple[float, ...] = ()
    span: tuple[float, float, float] = (0.0, 0.0, 0.0)
    word: _Word | None = None
    glyphs: list[tuple[str, _Covered | None]] | None = None


@dataclass
class _Word:
    """Runs of text that pypdf's text extraction reads as one word, with no space or line between them: each drawn
    on from the one before (:func:`_continues`), as software that places every glyph draws a number, one Tj a digit.
    The numbers the text says are read off a word's text, not a run's (:meth:`_Painting._painted_over_number`).
    ``painted_by``: what has covered part of a digit of it, opaque images (:data:`_IMAGE`), opaque filled shapes
    (:data:`_FILLED_SHAPE`), opaque stroked lines (:data:`_STROKED_LINE`), or several of them."""

    runs: list[_TextRun]
    painted_by: set[str] = field(default_factory=set)


class _Painting(_Work):
    """What a file's pages paint, in order, page by page (:meth:`follow`): whether a page draws text invisible (white
    too, over an image), whether an opaque image covering half the page or more, or opaque images covering half the
    text drawn before them or more together (:meth:`_image`, :class:`_TextState`), are painted over that text,
    and whether its forms nest too deep, or the pages so far draw too much, to tell. What an image covers is what
    is left of it within the page, within the ``/BBox`` of each form it is drawn in and within each clipping path
    the content sets. ISO 32000-1 8.10.1 has ``Do`` clip what a form draws to its box, mapped to the page by the form's
    ``/Matrix`` and the matrix current at the ``Do``, inside any clip already in force; 8.5.4 has ``W`` (nonzero
    winding rule) or ``W*`` (even-odd rule) before the operator that paints a path (``n``, ``f``, ``S`` ...)
    intersect the clip with that path, placed by the matrix in force while it is built (one built while the matrix
    changes sets no clip: :meth:`_clip`). The clip is the page's area cut into convex pieces that do not overlap, so
    that the convex clipping of :func:`_clipped` intersects and measures it whatever the shape of a path. The current
    transformation matrix, the text render mode, how what is painted shows (:class:`_Paint`) and the clip are kept
    per ``q`` ... ``Q`` and per form, and carried into each form drawn; an XObject's or graphics state's name is
    looked up in the resources of the content that draws it (a form's own, else those of what draws the form), and
    a graphics state read when a ``gs`` first names it. One budget of work and one cache of parsed content serve
    all the pages: a content stream (a page's, shared by other pages, through :class:`PageContents`, or a form's)
    is parsed once, however often it is drawn, its bytes counted before it is (none of a page's content that
    :func:`text_layer` parsed)."""

    def __init__(self, contents: PageContents) -> None:
        super().__init__(contents)
        self.invisible: str | None = None  # how a page's text is drawn invisible
        self.shown_text = self.hidden = self.too_deep = False
        self.images_over_text = 0  # how many opaque images drawn over text, until they hide it (one, where it does)
        self.number_painted_over = False  # whether one hides a number the text says (_painted_over_number)
        self.number_painted_by: set[str] = set()  # what paints over that number: images, shapes, lines
        self.page_image = False  # whether the one that hides the text alone covers half the page or more
        self._shown_over_text: set[tuple] = set()  # what each of those images shows of itself, its pieces' corners
        self._runs: list[_TextRun] = []  # the text drawn so far, run by run (each Tj, TJ, ' or ")
        self._runs_extent: tuple[float, ...] | None = None  # the box all of them lie in
        self._banded: dict[int, list[_TextRun]] = {}  # those of them across few bands, by each band (_nearby)
        self._unbanded: list[_TextRun] = []  # and those across many
        self._word: _Word | None = None  # the word of the last of them, which the next may be read on from
        self._painted_words: list[_Word] = []  # the words an opaque image or filled shape covers part of a digit of
        # what white text drawn now would lie on, in the order it is painted (:meth:`_on_picture`): each opaque
        # image, and each shape filled in a colour after the first, as what of it shows (its pieces), the box those
        # lie in, and whether it is an image
        self._painted_under: list[tuple] = []
        self._changes: dict[int, tuple[object, dict[str, bool | float]]] = {}  # a graphics state, its _paint_change
        self._spaces: dict[int, tuple[object, tuple]] = {}  # a colour space the content names, its _colour_space
        self._fonts: dict[int, tuple[object, _FontWidths]] = {}  # a font the content names, its widths
        self._readings: dict[int, tuple[object, object]] = {}  # a font, as pypdf reads text by it (_reading)

    def follow(self, page) -> None:
        """What this page paints, in place of what the page before painted; the work of following it adds to the
        pages' before, and its allowance to theirs."""
        self.pages += 1
        self._allow()
        box = page.mediabox
        # the corners put in order first: a box written with its corners swapped ([600 0 0 800]) is the same page,
        # and its width times its height, negative, would turn the check off
        page_clip = _rectangle((box.left, box.bottom, box.right, box.top))
        self.area = _area(page_clip)
        # how far rounding may move a corner on this page (_clipped)
        self.shortest = _ROUNDING * max(max(abs(x), abs(y)) for x, y in page_clip)
        self.invisible = None
        self.shown_text = self.hidden = self.too_deep = False
        self.images_over_text, self.page_image, self.number_painted_over = 0, False, False
        self.number_painted_by = set()
        self._shown_over_text, self._runs, self._runs_extent, self._painted_under = set(), [], None, []
        self._word, self._painted_words = None, []
        self._banded, self._unbanded = {}, []
        self._page_clip = page_clip
        self._pdf = getattr(page, "pdf", None)
        contents = self._contents.of(page)  # the one object pages sharing a content stream share
        if contents is None:
            return
        operations = self._parsed_once(contents, lambda: self._contents.unparsed_length(page), lambda: contents)
        if not self.too_much:
            self._paint(operations, page.get("/Resources"), _IDENTITY, _OPAQUE_PAINT, 0, 0, (page_clip,))
        # the numbers told once all the text is drawn: a number drawn a glyph at a time may be drawn on after an
        # image over its first digits, which was then over no number
        if not (self.hidden or self.too_deep or self.too_much):
            self.number_painted_by = self._painted_over_number()
            self.hidden = self.number_painted_over = bool(self.number_painted_by)

    def _paint(self, operations: list, resources, ctm: tuple[float, ...], paint: _Paint, mode: int,
               depth: int, clip: tuple[list[_Point], ...]) -> None:
        """Follow content drawn with these resources, starting from this matrix, paint and render mode, inside
        ``clip`` (the page, less what the boxes of the forms it is drawn in and the clipping paths set before leave
        out, as convex pieces that do not overlap)."""
        states = [(ctm, paint, mode, clip)]  # per q ... Q; the render mode and the clip are in the graphics state
        path: list = []  # the current path's construction operators, each with the matrix in force where it is
        clipping = None  # the rule of a W (False) or W* (True) given for the current path
        text = _TextState()  # where the next text is drawn: kept per content stream, as BT starts it again
        for operands, operator in operations:
            self.steps_left -= 1
            if self.steps_left < 0:
                self.too_much = True
                return
            ctm, paint, mode, clip = states[-1]
            if operator in _PATH_OPERATORS:
                if operator in _BUILDS_PATH:
                    path.append((operator, operands, ctm))
                elif operator in _CLIPS:
                    clipping = _CLIPS[operator]
                else:
                    if operator in _FILLS_PATH and (self._painted_under or self._runs):  # before the clip is set
                        self._fill(path, _FILLS_PATH[operator], ctm, paint, clip)
                    if operator in _STROKES_PATH and self._runs and not self.hidden:  # after the fill (8.5.3)
                        self._stroke(path, _STROKES_PATH[operator], ctm, paint, clip)
                    # the clip is set once the path is painted (8.5.4). Between a W and that operator nothing else
                    # may come; where something does, the W waits for it (as MuPDF keeps it), and an image drawn in
                    # between is drawn before the clip is set: it is taken at all it covers, not under the clip
                    if clipping is not None:
                        states[-1] = (ctm, paint, mode, self._clip(clip, path, clipping, ctm))
                    path, clipping = [], None
            elif operator == b"q":
                states.append(states[-1])
            elif operator == b"Q" and len(states) > 1:
                states.pop()
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    states[-1] = (_compose(matrix, ctm), paint, mode, clip)
            elif operator == b"w" and operands:
                width = _number(operands[0])
                if width is not None:
                    states[-1] = (ctm, paint._replace(line_width=width), mode, clip)
            elif operator == b"gs" and operands:
                change = self._paint_change(resources, operands[0])
                if change:
                    states[-1] = (ctm, paint._replace(**change), mode, clip)
            elif operator in _SETS_COLOUR:
                states[-1] = (ctm, self._coloured(paint, operator, operands, resources), mode, clip)
            elif operator == b"Tr" and operands:
                number = _number(operands[0])
                if number in _RENDER_MODES:  # another is no mode a viewer draws by: the one before holds
                    states[-1] = (ctm, paint, int(number), clip)
            elif operator in _MOVES_TEXT:
                text.move(operator, operands)
                if operator == b"Tf" and operands:
                    text.font_object, text.font = self._font(resources, operands[0])
            elif operator in _SHOWS_TEXT:
                self.shown_text = True
                run = self._run(*text.show(operator, operands), ctm, (text.font_object, text.shown))
                if run and not self.invisible:
                    hidden_over_picture = paint.hides_text(mode, over_picture=True)  # white: is a picture under it?
                    self.invisible = paint.hides_text(mode) or (
                        hidden_over_picture if hidden_over_picture and self._on_picture(run) else None)
            elif operator == _INLINE_IMAGE and isinstance(operands, dict):
                self._image(operands.get("settings") or {}, ctm, paint, clip)
            elif operator == b"Do" and operands:
                self._draw(self._named(resources, "/XObject", operands[0]), resources, ctm, paint, mode, depth, clip)
            if self.too_deep or self.too_much:
                return
        # a path never painted, with its W, ends with its content stream: the clip it would have set is not set

    def _image(self, image, ctm: tuple[float, ...], paint: _Paint, clip: tuple[list[_Point], ...]) -> None:
        """An image painted with ``ctm`` over its unit square, of which what lies inside ``clip`` shows: whether it
        hides the text drawn before it, and where white text drawn after it would hide what it shows."""
        if self.area <= 0:
            return
        square = _placed(_UNIT_SQUARE, ctm)
        # placed beyond what any page measures, it is taken to cover the page: where it lies cannot be told
        if square is None:
            shown = (tuple(self._page_clip),)
        else:
            # the work of cutting the square by each piece; the operator that draws the image counts one
            self._spend(sum(_cuts(len(square), len(piece)) for piece in clip) // _CUTS_PER_STEP - 1)
            if self.too_much:
                return
            shown = tuple(tuple(piece) for piece in (_clipped(square, piece, self.shortest) for piece in clip)
                          if piece)
        if not shown:
            return
        opaque = not paint.lets_through() and _opaque(image)
        if opaque:  # one that lets what lies under it show is no picture white text can be laid over
            self._painted_under.append((shown, _extent([point for piece in shown for point in piece]), True))
        if not self.shown_text or self.hidden or not opaque:
            return
        if sum(_area(list(piece)) for piece in shown) >= _PAGE_IMAGE * self.area:  # a picture of the page
            self.hidden = self.page_image = True
            self.images_over_text = 1
            return
        # a picture drawn in strips or tiles hides what it is drawn over as one drawn whole: what the images cover
        # of each run of text drawn before them is added up. An image drawn again where one already is adds
        # nothing; what two images drawn apart share is counted twice (more, never less: the side on which a page
        # is doubted; what invoicing software draws over its text, a seal or a QR code, is small beside all of it)
        if not self._runs or shown in self._shown_over_text:
            return
        self._shown_over_text.add(shown)
        # the runs it may cover found by their boxes first: an image beside the text (a thumbnail, a logo beside
        # thousands of runs of one glyph each) costs the work of measuring it over none of them
        under = self._under(shown)
        alone = 0.0
        for run, over in under:
            run.covered += over
            alone += over
        if alone == 0:  # beside the text, not over it: product photos below the lines
            return
        text_area = sum(run.area for run in self._runs)
        self.images_over_text += 1
        if alone >= _PAGE_IMAGE * text_area:  # one image hides the text: that one is named
            self.images_over_text = 1
        self.hidden = sum(min(run.covered, run.area) for run in self._runs) >= _PAGE_IMAGE * text_area
        # an image over a few glyphs hides no share of the text worth the name, but where they are a number's
        # (the invoice's, a tax id, its total) it paints other figures where the text layer says that one
        if not self.hidden:
            for run, _ in under:
                self._cover_digits(run, shown, _IMAGE)

    def _under(self, shown: tuple) -> list[tuple[_TextRun, float]]:
        """The runs of text drawn so far that what shows of an image or a filled shape (its pieces) lies over, each
        with the area it covers of it. The runs it may cover are found by their boxes first: one beside the text (a
        thumbnail, a logo, a table's rules beside thousands of runs of one glyph each) costs the work of measuring
        it over none of them."""
        extent = _extent([point for piece in shown for point in piece])
        if not _meet(extent, self._runs_extent):
            return []
        met = [run for run in self._nearby(extent) if _meet(extent, run.extent)]
        self._spend(len(met) * _shown_cuts(shown, 4) // _CUTS_PER_STEP)
        if self.too_much:
            return []
        covering = ((run, self._area_over(shown, run.corners)) for run in met)
        return [(run, over) for run, over in covering if over > 0]

    def _area_over(self, shown: tuple, corners: list[_Point], overlapping: bool = False) -> float:
        """The area of the polygon ``corners`` that the pieces of what shows of an image or a filled shape cover.
        ``overlapping``: the pieces may overlap (a stroked line's segments, :meth:`_stroke`), and what they cover is
        their union within it, what they share counted once: the pieces within it, each turned anticlockwise, cut
        by the nonzero winding rule as a clipping path is (:func:`_filled`), the work of it counted as there. Where
        they have more than :data:`_MAX_CLIP_EDGES` edges that are not level, their areas are added up instead."""
        if not overlapping:
            return sum(_area(_clipped(list(piece), corners, self.shortest)) for piece in shown)
        parts = [part for part in (_clipped(list(piece), corners, self.shortest) for piece in shown) if _area(part) > 0]
        edges = _edges([part if _signed_area(part) > 0 else part[::-1] for part in parts]) if len(parts) > 1 else []
        if not edges or len(edges) > _MAX_CLIP_EDGES:
            return sum(_area(part) for part in parts)
        levels = _levels(edges)
        self._spend(len(edges) * (len(edges) // 2 + len(levels)))
        return sum(_area(piece) for piece in _filled(edges, levels, even_odd=False))

    def _near_text(self, extent: tuple[float, ...]) -> bool:
        """Whether a box meets the box of some run of text drawn so far (:meth:`_nearby`)."""
        return _meet(extent, self._runs_extent) and any(_meet(extent, run.extent) for run in self._nearby(extent))

    def _nearby(self, extent: tuple[float, ...]) -> list[_TextRun]:
        """The runs drawn so far whose boxes may meet this box: those kept in the bands it lies across, each once,
        and those across too many bands to be kept by them (:data:`_BAND`); all of them, where the box lies across
        too many itself. Each run looked at, and each band, counts as a box compared."""
        bands = _bands(extent)
        if bands is None:
            self._spend(len(self._runs) // _BOXES_PER_STEP)
            return self._runs
        kept = [self._banded.get(band, []) for band in bands]
        self._spend((len(self._unbanded) + sum(len(runs) for runs in kept) + len(bands)) // _BOXES_PER_STEP)
        # a run kept in several bands is taken in the first of them the box lies across
        return self._unbanded + [run for band, runs in zip(bands, kept) for run in runs
                                 if band == max(bands.start, _band(run.extent[1]))]

    def _cover_digits(self, run: _TextRun, shown: tuple, painter: str) -> None:
        """Add what this image, filled shape or stroked line (``painter``: :data:`_IMAGE`, :data:`_FILLED_SHAPE`,
        :data:`_STROKED_LINE`, whose pieces may overlap) covers of each digit of the run (:meth:`_glyphs`) to what
        the images, shapes and lines drawn over it before covered: two over a half of a digit each, or strips across
        it, hide it as one would, an image, a shape and a line alike. The run's word
        is then among those whose numbers are told once the page is followed (:meth:`_painted_over_number`)."""
        cuts = _shown_cuts(shown, 4)   # a glyph's box has four corners, as a run's
        extent = _extent([point for piece in shown for point in piece])
        glyphs = self._glyphs(run)
        self._spend(len(glyphs) // _BOXES_PER_STEP)
        for _, glyph in glyphs:
            # a digit whose box it does not meet (a cell's border touching the run's last glyph) is not cut by it
            if glyph is None or not _meet(extent, _extent(glyph.corners)):
                continue
            self._spend(cuts // _CUTS_PER_STEP)
            if self.too_much:
                return
            over = self._area_over(shown, glyph.corners, overlapping=painter == _STROKED_LINE)
            glyph.covered += over
            if over > 0 and run.word is not None:
                if not run.word.painted_by:
                    self._painted_words.append(run.word)
                run.word.painted_by.add(painter)

    def _painted_over_number(self) -> set[str]:
        """What paints over a number the page's text says (:data:`_NUMBER`: what an invoice is read by, its number,
        a tax id, an amount), images, filled shapes, stroked lines or several (what covers any digit of its word),
        where the opaque images, filled shapes and stroked lines drawn over the text, each over what was drawn before
        it, cover half or more of a glyph of one; none where they do not. The page shows what they paint there, and
        the text layer a number the page does not. The numbers are read off each word one covers a digit of
        (:class:`_Word`), each word once: a number drawn one Tj a digit is one number, as the text layer reads it."""
        for word in self._painted_words:
            glyphs = [glyph for run in word.runs for glyph in self._glyphs(run)]
            if self.too_much:
                return set()
            text = "".join(character for character, _ in glyphs)
            glyph_at = [index for index, (character, _) in enumerate(glyphs) for _ in character]
            for number in _NUMBER.finditer(text):
                for at in range(number.start(), number.end()):
                    glyph = glyphs[glyph_at[at]][1]
                    if text[at].isdigit() and glyph is not None and glyph.covered >= _PAGE_IMAGE * glyph.area:
                        return word.painted_by
        return set()

    def _glyphs(self, run: _TextRun) -> list[tuple[str, _Covered | None]]:
        """What each glyph of a run says, read as text extraction reads it (:meth:`_reading`), with, for one that
        says a digit, where it lies (:meth:`_Shown.laid_out`), its area and how much of it the opaque images and
        filled shapes drawn after it cover, added up; read the first time it is asked for and kept with the run."""
        if run.glyphs is not None:
            return run.glyphs
        run.glyphs = []
        font, said = run.shown
        if said is None:
            return run.glyphs
        glyphs, _ = said.laid_out()
        reading = self._reading(font)
        self._spend(len(glyphs))
        if self.too_much:
            return run.glyphs
        for code, start, end in glyphs:
            character = _said(reading, code)
            box = _placed(said.box(start, end), run.placing) if any(c.isdigit() for c in character) else None
            run.glyphs.append((character, _Covered(box, _area(box)) if box is not None and _area(box) > 0 else None))
        return run.glyphs

    def _run(self, corners: list[_Point] | None, matrix: tuple[float, ...], ctm: tuple[float, ...],
             shown: tuple = (None, None)) -> list[_Point] | None:
        """Where a run of text lies on the page (its box in text space, placed by the text ``matrix`` and ``ctm``:
        :class:`_TextState`), kept among the page's runs; ``None`` for a run of white space or none, and no corners
        for one beyond the page, which show nothing. Only what lies within the page counts (text beyond it would
        make the text that shows seem less covered than it is); one placed beyond what any page measures is taken
        to lie over all the page: where it lies cannot be told. ``shown``: the font the run is drawn in and what it
        shows (:class:`_Shown`), kept with it to read a number off it (:meth:`_painted_over_number`)."""
        if corners is None:
            self._word = None  # pypdf reads a space there
            return None
        placing = _compose(matrix, ctm)
        placed = _placed(corners, placing)
        run = _clipped(placed, self._page_clip, self.shortest) if placed is not None else self._page_clip
        if _area(run) > 0:
            extent = _extent(run)
            kept = _TextRun(run, _area(run), extent=extent, shown=shown, placing=placing,
                            span=(corners[0][0], corners[1][0], corners[2][1]))
            continued = placed is not None and self._word is not None and _continues(self._word.runs[-1], kept)
            kept.word = self._word if continued else _Word([])
            kept.word.runs.append(kept)
            self._word = kept.word if placed is not None else None  # where it lies is not known: nothing follows it
            self._runs.append(kept)
            bands = _bands(extent)
            for band in bands if bands is not None else ():
                self._banded.setdefault(band, []).append(kept)
            if bands is None:
                self._unbanded.append(kept)
            self._runs_extent = extent if self._runs_extent is None else _extent(
                _rectangle(self._runs_extent) + _rectangle(extent))
        else:
            self._word = None
        return run

    def _on_picture(self, run: list[_Point]) -> bool:
        """Whether what lies under half or more of this run of text, the last painted there, is an opaque image
        drawn before it. Walking back from what was painted last, the images and the filled shapes each add what
        they cover of the run to their kind's share, until one kind's is half the run: white text on a band drawn
        over a background picture shows, as does white text over a picture only a sliver of its box (taken wider
        than the text may be) lies over."""
        self._spend(len(self._painted_under) // _BOXES_PER_STEP)
        extent = _extent(run)
        covered = {True: 0.0, False: 0.0}
        for shown, painted_extent, picture in reversed(self._painted_under):
            if not _meet(extent, painted_extent):
                continue
            self._spend(_shown_cuts(shown, len(run)) // _CUTS_PER_STEP)
            if self.too_much:
                return False
            covered[picture] += self._area_over(shown, run)
            if covered[picture] >= _PAGE_IMAGE * _area(run):
                return picture
        return False

    def _fill(self, path: list, even_odd: bool, ctm: tuple[float, ...], paint: _Paint,
              clip: tuple[list[_Point], ...]) -> None:
        """A path filled over what was painted before, in a paint that hides what lies under it: where it shows,
        kept among what white text drawn after it would lie on (:meth:`_on_picture`) unless it is white, and
        covering the digits of the text drawn before it that it lies over as an opaque image does
        (:meth:`_cover_digits`), white too (white paint hides text on white paper as well as a colour does). Its
        curves are measured as straight pieces (:data:`_CURVE_PIECES`). One that lets what lies under it show,
        paints nothing (a fill opacity of 0, the colorant /None), or is in a space not told (a pattern, which may
        leave gaps: :meth:`_Paint.fill_hides`), or whose region is not told (more than :data:`_MAX_CLIP_EDGES`
        edges, curves flattened: :meth:`_region`), counts for neither: white text over it and a picture counts as
        over the picture."""
        if not paint.fill_hides():
            return
        on_picture = bool(self._painted_under) and not paint.white_fill
        over_text = bool(self._runs) and not self.hidden
        if not (on_picture or over_text):
            return
        if len(path) == 1 and path[0][0] == b"re" and path[0][2] == ctm:  # a band: one rectangle, no cutting up
            numbers = _numbers(path[0][1], 4)
            corners = _placed(_rectangle((numbers[0], numbers[1], numbers[0] + numbers[2], numbers[1] + numbers[3])),
                              ctm) if numbers is not None else None
            region = [corners] if corners is not None else None
        else:
            region = self._region(path, even_odd, ctm, exact=True)
        if not region:
            return
        shown = self._within(clip, region)
        if not shown or self.too_much:
            return
        if on_picture:
            self._painted_under.append((shown, _extent([point for piece in shown for point in piece]), False))
        if over_text:  # a shape over a digit of a number paints another figure, or a blank, where the text says it
            for run, _ in self._under(shown):
                self._cover_digits(run, shown, _FILLED_SHAPE)

    def _stroke(self, path: list, closes: bool, ctm: tuple[float, ...], paint: _Paint,
                clip: tuple[list[_Point], ...]) -> None:
        """A path stroked over the text drawn before it, in a paint that hides what lies under it
        (:meth:`_Paint.stroke_hides`): what shows of it within the clip covers the digits it lies over as a filled
        shape does (:meth:`_cover_digits`), white too. Each straight segment (a curve's flattened pieces,
        :data:`_CURVE_PIECES`; the closing one of a subpath ``h``, ``re``, ``s`` or ``b`` closes) covers the
        rectangle of its length and the line width, placed by the matrix (so a width in user space is scaled as the
        path is). Caps and joins are left out: they only add to the line (a butt cap adds nothing, a round or
        square one half the width beyond each end, a join the wedge outside each corner), and the segments of one
        line are taken together over a digit, what they share counted once (:meth:`_area_over`), so what is
        measured is less than what the line paints, never more ("more, never less" holds for images, not here), but
        for three things that may count more: a curve's pieces, which stray from it by up to the error of
        :data:`_CURVE_PIECES`; a dashed line (``d``, not followed), measured as solid; and a digit with more than
        :data:`_MAX_CLIP_EDGES` edges of segments over it, whose areas are added up instead. A stroke in no
        straight segment of any length (a dot: a cap alone), with a point no number or placed beyond what any page
        measures, or built while the matrix changes, counts for nothing, as such a fill does. It is not among what
        white text drawn after it lies on (:meth:`_on_picture`): a line under white text leaves the text counted as
        over the picture under it."""
        if not paint.stroke_hides() or any(given != ctm for _, _, given in path):
            return
        self._spend(_flattening_steps(path))
        if self.too_much:
            return
        subpaths, _ = _subpaths(path, flatten=True)
        half = abs(paint.line_width) / 2  # a negative width, which no writer means, taken at its size
        rectangles = []
        for index, (points, closed) in enumerate(subpaths):
            segments = list(zip(points, points[1:]))
            if (closed or (closes and index == len(subpaths) - 1)) and len(points) > 1:
                segments.append((points[-1], points[0]))
            for (x1, y1), (x2, y2) in segments:
                length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
                if not length > 0:  # a segment of no length, or infinite: it has no direction to stroke across
                    continue
                across_x, across_y = (y1 - y2) / length * half, (x2 - x1) / length * half
                corners = _placed([(x1 + across_x, y1 + across_y), (x2 + across_x, y2 + across_y),
                                   (x2 - across_x, y2 - across_y), (x1 - across_x, y1 - across_y)], ctm)
                if corners is None:
                    return
                rectangles.append(corners)
        # a rule or a checkbox beside the text (thousands on a page, a form's drawn over and over) costs the work of
        # finding no run near it, not of cutting it by the clip
        rectangles = [rectangle for rectangle in rectangles if self._near_text(_extent(rectangle))]
        if not rectangles or self.too_much:
            return
        shown = self._within(clip, rectangles)
        # each piece looked for among the runs of its own lines (a long line, a chart's, lies across many); the
        # pieces over a run then measured together over each of its digits
        over: dict[int, tuple[_TextRun, list]] = {}
        for piece in shown:
            for run, _ in self._under((piece,)):
                over.setdefault(id(run), (run, []))[1].append(piece)
            if self.too_much:
                return
        for run, pieces in over.values():
            self._cover_digits(run, tuple(pieces), _STROKED_LINE)

    def _clip(self, clip: tuple[list[_Point], ...], path: list, even_odd: bool,
              ctm: tuple[float, ...]) -> tuple[list[_Point], ...]:
        """The clip intersected with the region a path encloses, by the nonzero winding or the even-odd rule: the
        path's straight edges cut into trapezoids (:func:`_filled`), each a convex piece. Where what the path
        encloses cannot be told exactly it is taken larger, never smaller, so that an image under it is taken to
        cover at least what shows of it, the side on which a page is doubted (as a box that is no rectangle clips
        nothing). A path with a curve (``c``, ``v``, ``y``), or of more than :data:`_MAX_CLIP_EDGES` edges, is
        taken as the bounding box of all its points, control points too, rather than the hull of each curve's
        control points: a Bezier curve lies within the hull of its control points, so the box holds every curve
        whatever the rule, while a hull taken for a curved subpath that cuts a hole (inside another, under the
        even-odd rule or drawn the other way round) would make the hole larger than it is, and the image's coverage
        smaller. A path with a point no number or placed beyond what any page measures, or with no points (a ``W n``
        alone), clips nothing. So does a path built while the matrix changes, or painted under another matrix than
        it was built under (a ``cm``, or a ``Q`` setting an earlier matrix back, inside the path object: ISO 32000-1
        8.2 allows neither): MuPDF and poppler place all of such a path by the matrix in force at the operator that
        paints it, while a renderer that places each point by the matrix in force where it is given, as PostScript
        does, puts it elsewhere. ``ctm``: the matrix in force at the operator that paints the path. The work of
        cutting and of intersecting the pieces counts against the operators to follow."""
        region = self._region(path, even_odd, ctm)
        return clip if region is None else self._within(clip, region)

    def _region(self, path: list, even_odd: bool, ctm: tuple[float, ...],
                exact: bool = False) -> list[list[_Point]] | None:
        """The region a path encloses, as convex pieces (:meth:`_clip`), or ``None`` where it cannot be told. One
        with a curve or too many edges is taken as its bounding box, larger, unless it is wanted ``exact``: a
        filled shape's curves are then flattened (:data:`_CURVE_PIECES`), and one of too many edges counts
        their pieces and is not told."""
        if any(given != ctm for _, _, given in path):
            return None
        if exact:
            self._spend(_flattening_steps(path))
            if self.too_much:
                return None
        built, curved = _subpaths(path, flatten=exact)
        subpaths = [_placed(points, ctm) for points, _ in built]
        if not subpaths or None in subpaths:
            return None
        edges = _edges(subpaths)
        if (curved and not exact) or len(edges) > _MAX_CLIP_EDGES:
            return None if exact else [_bounding_box([point for points in subpaths for point in points])]
        levels = _levels(edges)
        # each pair of edges compared for where they cross, and each edge in each band between two levels
        self._spend(len(edges) * (len(edges) // 2 + len(levels)))
        if self.too_much:
            return None
        return _filled(edges, levels, even_odd)

    def _within(self, clip: tuple[list[_Point], ...], region: list[list[_Point]]) -> tuple[list[_Point], ...]:
        """What of each piece of the clip lies within each convex piece of a region: the pieces of the clip that
        is both. Pieces that do not overlap leave pieces that do not overlap; a piece of more than
        :data:`_MAX_PIECE_CORNERS` corners is taken as its bounding box, larger, so that an image under it is taken
        to cover at least what shows of it (boxes may then overlap, and count what they share twice: more, never
        less)."""
        corners = sum(len(piece) for piece in clip)
        self._spend(sum(_cuts(corners, len(within), len(clip)) for within in region) // _CUTS_PER_STEP
                    - 1)  # as for an image: the operator that clips counts one
        if self.too_much:
            return clip
        pieces = (_clipped(piece, within, self.shortest) for piece in clip for within in region)
        return tuple(piece if len(piece) <= _MAX_PIECE_CORNERS else _bounding_box(piece)
                     for piece in pieces if _area(piece) > 0)

    def _draw(self, xobject, resources, ctm: tuple[float, ...], paint: _Paint, mode: int, depth: int,
              clip: tuple[list[_Point], ...]) -> None:
        if not isinstance(xobject, dict):   # none, or a number or name where an object was due (pypdf dicts are dicts)
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
                clip = self._within(clip, [corners])
            own = xobject.get("/Resources")
            stream = None

            def decoded() -> int:
                nonlocal stream
                stream = _content_stream(xobject, self._pdf)  # decodes the form's content, but parses none of it
                return len(stream.get_data())

            operations = self._parsed_once(xobject, decoded, lambda: stream)
            if not self.too_much:
                self._paint(operations, own if own is not None else resources, placed, paint, mode, depth + 1, clip)

    def _coloured(self, paint: _Paint, operator: bytes, operands, resources) -> _Paint:
        """The paint after a colour operator: ``g``, ``rg``, ``k`` (their upper-case forms for the stroke) set the
        colour in DeviceGray, DeviceRGB, DeviceCMYK, and that colour space; ``cs`` sets the colour space a
        ``sc`` or ``scn`` then gives the colour in, and its initial colour (black, or a full tint, but for an
        indexed space's first entry). Whether the colour is white is what is kept (:func:`_paper_white`)."""
        stroke = operator.isupper()
        space_field, white_field = ("stroke_space", "white_stroke") if stroke else ("fill_space", "white_fill")
        kind = operator.lower()
        if kind in _DEVICE_COLOUR_OPERATORS:
            space = (_DEVICE_COLOUR_OPERATORS[kind],)
            return paint._replace(**{space_field: space, white_field: _paper_white(space, operands)})
        if kind == b"cs":
            space = self._colour_space(resources, operands[0]) if operands else _UNKNOWN_SPACE
            return paint._replace(**{space_field: space,
                                     white_field: _paper_white(space, _INITIAL_COLOUR.get(space[0], [1.0]))})
        return paint._replace(**{white_field: _paper_white(getattr(paint, space_field), operands)})

    def _colour_space(self, resources, name) -> tuple:
        """The colour space a ``cs`` names (:meth:`_space_of`): a device space by its own name, any other by the
        name it has in the resources of the content. Each is read once, however often it is named."""
        if str(name) in _DEVICE_SPACES:
            return _DEVICE_SPACES[str(name)]
        named = self._named(resources, "/ColorSpace", name)
        if named is None:
            return _UNKNOWN_SPACE
        known = self._spaces.get(id(named))
        if known is None:
            known = self._spaces[id(named)] = (named, self._space_of(named))
        return known[1]

    def _space_of(self, space, depth: int = 0) -> tuple:
        """A colour space as what tells whether a colour in it is white: ``("gray",)``, ``("rgb",)``,
        ``("cmyk",)`` (a device space, or a CIE-based or ICC-based one of as many components), ``("lab",)``,
        ``("tint",)`` (Separation, DeviceN: a tint of 0 lays no ink), ``("none",)`` (a Separation or DeviceN of
        the colorant /None, which paints nothing), ``("indexed", base, components, table)``, or ``("other",)``
        (a pattern, or one not understood: its colours are not taken as white)."""
        try:
            space = space.get_object()
            if not isinstance(space, list):
                return _DEVICE_SPACES.get(str(space), _UNKNOWN_SPACE)
            family = str(space[0]) if space else ""
            if family == "/ICCBased":
                components = _number(space[1].get_object().get("/N"))
                return _COMPONENT_SPACES.get(components, _UNKNOWN_SPACE)
            if family in _CIE_SPACES:
                return _CIE_SPACES[family]
            if family in ("/Separation", "/DeviceN"):
                colorants = space[1].get_object()
                colorants = colorants if isinstance(colorants, list) else [colorants]
                return _NO_COLORANT if colorants and all(str(c) == "/None" for c in colorants) else ("tint",)
            if family == "/Indexed" and depth == 0:  # its base is no indexed space
                base = self._space_of(space[1], depth + 1)
                components = _BASE_COMPONENTS.get(base[0])
                table = space[3].get_object()
                if components is None or table is None:
                    return _UNKNOWN_SPACE
                if hasattr(table, "get_data"):  # a stream: its decoded bytes counted as a content stream's are
                    length = _number(table.get("/Length"))
                    if length is None or length > _MOST_TABLE_BYTES:
                        return _UNKNOWN_SPACE
                    table = table.get_data()
                    self._spend(len(table) // _BYTES_PER_STEP)
                table = bytes(getattr(table, "original_bytes", table))[:_MOST_TABLE_BYTES]
                return ("indexed", base, components, table)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            pass
        return _UNKNOWN_SPACE

    def _font(self, resources, name) -> tuple[object, _FontWidths]:
        """The font a ``Tf`` names in these resources (``None`` where it names none) and its widths
        (:func:`_font_widths`), or the estimate where it names none or the font gives none. A font is read once,
        however often it is named: each width it gives counts a step, as building it for the text layer does
        (:func:`_font_steps`)."""
        font = self._named(resources, "/Font", name)
        if font is None:
            return None, _ESTIMATED_WIDTHS
        known = self._fonts.get(id(font))
        if known is None:
            widths = _font_widths(font) if isinstance(font, dict) else None
            self._spend(len(widths.widths) if widths is not None else 0)
            known = self._fonts[id(font)] = (font, widths or _ESTIMATED_WIDTHS)
        return known

    def _reading(self, font):
        """The font pypdf's text extraction reads a run's codes by (its encoding and its ``/ToUnicode`` CMap), built
        the first time a run of it is asked what it says; its building counts as the text layer's does
        (:func:`_font_steps`). ``None`` for no font, one pypdf cannot build, or where the work allowed is spent."""
        if not isinstance(font, dict):
            return None
        known = self._readings.get(id(font))
        if known is None:
            from pypdf.generic._font import Font  # imported only where a PDF is read

            steps = _font_steps(font, self.steps_left)
            self._spend(self.steps_left + 1 if steps is None else steps)
            try:
                built = None if self.too_much else Font.from_font_resource(font)
            except Exception:  # noqa: BLE001 - past pypdf's limits, or malformed: extraction reads it as bytes too
                built = None
            known = self._readings[id(font)] = (font, built)
        return known[1]

    def _paint_change(self, resources, name) -> dict[str, bool | float] | None:
        """How the graphics state a name stands for in these resources changes how what is painted shows
        (:func:`_paint_change`), or ``None`` where the name stands for none. A state is read when first named,
        once however often it is named and by whichever resources: only those the content sets count as work."""
        state = self._named(resources, "/ExtGState", name)
        if state is None:
            return None
        known = self._changes.get(id(state))
        if known is None:
            known = self._changes[id(state)] = (state, _paint_change(state))
        return known[1]


# A number an invoice is read by: four digits or more in a row (its number, a tax id, a date, an amount in whole
# yuan), or an amount with its fen (1,234.56, 0.80), in ASCII or full-width digits.
_NUMBER = re.compile(r"[0-9０-９]{4,}|[0-9０-９]+(?:[,，][0-9０-９]{3})*[.．][0-9０-９]{2}(?![0-9０-９])")


# Runs of text pypdf's text extraction (7.1.1, crlf_space_check) reads as one word (_continues): one starting this
# many ems of the run before it past where that run ends, or more, is read after a space (pypdf's gap is half the
# font's space: a seventh of an em in Helvetica, half an em only in a font whose space is an em wide); one whose
# baseline lies this many of the smaller em of the two off the other's, or more, is read on another line (pypdf's
# 0.8). Taken as wide as pypdf's, never narrower: a number the text layer reads whole is checked whole.
_NO_SPACE = 0.5
_SAME_LINE = 0.8
# Two runs whose baselines' directions differ by more than this cosine's angle (some 8 degrees) run different ways.
_SAME_WAY = 0.99


def _continues(previous: _TextRun, run: _TextRun) -> bool:
    """Whether pypdf's text extraction reads ``run`` on from ``previous``, the run drawn just before it, with no space
    or line between them (:data:`_NO_SPACE`, :data:`_SAME_LINE`): it starts on the baseline of ``previous``, the two
    running the same way, less than a space past where ``previous`` ends, or anywhere back along it (pypdf reads text
    in the order it is drawn, one run after the other, wherever each lies on the line), whatever its font size.
    Compared with the run before it alone, each run costs the same work however many the page has."""
    (start, _, _), (_, end, _) = run.span, previous.span
    way, run_way = _baseline_way(previous), _baseline_way(run)
    if way is None or run_way is None or way[0] * run_way[0] + way[1] * run_way[1] < _SAME_WAY:
        return False
    (end_x, end_y), (start_x, start_y) = _on_baseline(previous, end), _on_baseline(run, start)
    along = (start_x - end_x) * way[0] + (start_y - end_y) * way[1]
    across = abs((start_x - end_x) * way[1] - (start_y - end_y) * way[0])
    em = _page_em(previous)
    return along < _NO_SPACE * em and across < _SAME_LINE * min(em, _page_em(run))


def _baseline_way(run: _TextRun) -> tuple[float, float] | None:
    """The way a run's glyphs follow one another on the page, a unit vector (``None`` where the matrix that places
    it squeezes its baseline to a point)."""
    a, b = run.placing[0], run.placing[1]
    length = (a * a + b * b) ** 0.5
    if length == 0:
        return None
    start, end, _ = run.span
    way = -1.0 if end < start else 1.0  # a negative font size or horizontal scaling lays the glyphs out backwards
    return way * a / length, way * b / length


def _on_baseline(run: _TextRun, along: float) -> _Point:
    """Where on the page a point of a run's baseline lies, ``along`` it in text space."""
    a, b, _, _, e, f = run.placing
    return a * along + e, b * along + f


def _page_em(run: _TextRun) -> float:
    """A run's font size on the page: its em, upright to its baseline."""
    _, _, size = run.span
    c, d = run.placing[2], run.placing[3]
    return abs(size) * (c * c + d * d) ** 0.5


def _said(reading, code: bytes) -> str:
    """What a code says, as pypdf's text extraction reads it by the font (``reading``: its encoding, then its
    ``/ToUnicode`` CMap); without a font, its bytes as Latin-1."""
    if reading is None:
        return code.decode("latin-1")
    if isinstance(reading.encoding, str):
        text = code.decode(reading.encoding, "replace")
    else:
        text = "".join(reading.encoding.get(byte, chr(byte)) for byte in code)
    return "".join(reading.character_map.get(character, character) for character in text)


def _content_stream(stream, pdf):
    """A form's content, decoded, to be parsed; pypdf is imported only where a PDF is read."""
    from pypdf.generic import ContentStream

    return ContentStream(stream, pdf)


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


def _paint_change(state) -> dict[str, bool | float]:
    """How a graphics state changes how what is painted shows, by field of :class:`_Paint`: a fill opacity
    (``/ca``) below 1 or not and 0 or not, a stroke opacity (``/CA``) likewise, a soft mask or ``/None``, a blend
    mode other than Normal or not, and the line width (``/LW``). A state sets only the fields it names: one with
    ``/ca 1`` alone ends a faint fill, not a soft mask set before it. A state that is no dictionary changes
    nothing."""
    change: dict[str, bool | float] = {}
    try:
        fill = _number(state["/ca"]) if "/ca" in state else None
        if fill is not None:
            change["faint"], change["no_fill"] = fill < 1, fill <= 0
        stroke = _number(state["/CA"]) if "/CA" in state else None
        if stroke is not None:
            change["faint_stroke"], change["no_stroke"] = stroke < 1, stroke <= 0
        width = _number(state["/LW"]) if "/LW" in state else None
        if width is not None:
            change["line_width"] = width
        if "/SMask" in state:
            change["soft_mask"] = str(state["/SMask"]) != "/None"
        if "/BM" in state:
            change["blend"] = _blends(state["/BM"])
    except (AttributeError, TypeError):
        return {}
    return change


def _paper_white(space: tuple, operands) -> bool:
    """Whether a colour given by these operands in a colour space (:meth:`_Painting._space_of`) is white, or so
    near it (:data:`_PAPER`) that text painted in it shows nothing on white paper; one given in a space not
    understood, or as a pattern, is not."""
    values = [_number(value) for value in operands]
    kind = space[0]
    if kind == "none":
        return True
    if not values or any(value is None for value in values):
        return False
    if kind == "indexed":
        _, base, components, table = space
        index = int(values[0]) if len(values) == 1 and 0 <= values[0] < len(table) // components else None
        return index is not None and _paper_white(base, [byte / 255 for byte in
                                                         table[index * components:(index + 1) * components]])
    if kind == "lab":
        return len(values) == 3 and values[0] >= 100 * _PAPER
    if kind in ("gray", "rgb", "cmyk") and len(values) != _BASE_COMPONENTS[kind]:
        return False
    if kind in ("gray", "rgb"):  # light as they are high
        return min(values) >= _PAPER
    if kind in ("cmyk", "tint"):  # ink laid as they are high (a DeviceN's tints as many as its colorants)
        return max(values) <= 1 - _PAPER
    return False


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


def _subpaths(path: list, flatten: bool = False) -> tuple[list[tuple[list[_Point], bool]], bool]:
    """A path's subpaths as it is built, in user space (the path is placed by one matrix: :meth:`_Painting._region`),
    each the list of its points and whether ``h`` or ``re`` closed it, and whether it has a curve: none where a point
    is no number. A curve gives its control points and its end, or, ``flatten``, the ends of its straight pieces
    (:func:`_flattened`). ``re`` is a closed subpath of its own, its corners in the order it draws them (its
    direction counts for the nonzero rule); after ``h`` or ``re`` a segment starts a new subpath where the closed one
    started. A filled or clipping path closes every subpath (:func:`_edges`)."""
    subpaths: list[tuple[list[_Point], bool]] = []
    curved = False
    for operator, operands, _ in path:
        numbers = _numbers(operands, _BUILDS_PATH[operator])
        if numbers is None:
            return [], False
        if operator == b"h":
            if subpaths:
                subpaths[-1] = (subpaths[-1][0], True)
                subpaths.append((subpaths[-1][0][:1], False))
            continue
        if operator == b"re":
            x, y, width, height = numbers
            numbers = (x, y, x + width, y, x + width, y + height, x, y + height)
        points = list(zip(numbers[::2], numbers[1::2]))
        if operator in _CURVES and flatten:
            start = subpaths[-1][0][-1] if subpaths else points[0]
            if operator == b"v":  # its first control point is where it starts
                points = [start] + points
            elif operator == b"y":  # its second is where it ends
                points = points + points[-1:]
            points = _flattened(start, *points)
        if operator in (b"m", b"re") or not subpaths:
            subpaths.append((points, operator == b"re"))
        else:
            subpaths[-1][0].extend(points)
        if operator == b"re":
            subpaths.append((points[:1], False))
        curved = curved or operator in _CURVES
    return subpaths, curved


def _flattened(start: _Point, first: _Point, second: _Point, end: _Point) -> list[_Point]:
    """The ends of the :data:`_CURVE_PIECES` straight pieces a Bezier curve from ``start`` (by its control points
    ``first`` and ``second`` to ``end``) is measured as, after ``start``: its points at equal steps of its
    parameter."""
    points = []
    for step in range(1, _CURVE_PIECES + 1):
        t = step / _CURVE_PIECES
        weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3)
        points.append((sum(w * x for w, (x, _) in zip(weights, (start, first, second, end))),
                       sum(w * y for w, (_, y) in zip(weights, (start, first, second, end)))))
    return points


def _flattening_steps(path: list) -> int:
    """The steps of work flattening a path's curves takes (:func:`_flattened`): one a piece."""
    return sum(_CURVE_PIECES for operator, _, _ in path if operator in _CURVES)


def _edges(subpaths: list[list[_Point]]) -> list[tuple[_Point, _Point, int]]:
    """The edges of closed subpaths that are not level, each from its lower end to its upper, and +1 where the path
    runs up it, -1 where down: summed over the edges to the left of a point, its winding number (turned negative
    for a path drawn anticlockwise, which neither rule minds)."""
    edges = []
    for points in subpaths:
        for start, end in zip(points, points[1:] + points[:1]):
            if start[1] < end[1]:
                edges.append((start, end, 1))
            elif start[1] > end[1]:
                edges.append((end, start, -1))
    return edges


def _x_at(edge: tuple[_Point, _Point, int], y: float) -> float:
    (x1, y1), (x2, y2), _ = edge
    return x1 + (x2 - x1) * (y - y1) / (y2 - y1)


def _levels(edges: list[tuple[_Point, _Point, int]]) -> list[float]:
    """The heights at which edges start, end or cross one another, in order: between two of them the edges that
    span the band do not cross, so the band is cut by them into trapezoids."""
    levels = {point[1] for low, high, _ in edges for point in (low, high)}
    for i, edge in enumerate(edges):
        for other in edges[i + 1:]:
            bottom, top = max(edge[0][1], other[0][1]), min(edge[1][1], other[1][1])
            if bottom < top:
                below, above = _x_at(edge, bottom) - _x_at(other, bottom), _x_at(edge, top) - _x_at(other, top)
                if below * above < 0:
                    levels.add(bottom + (top - bottom) * below / (below - above))
    return sorted(levels)


def _filled(edges: list[tuple[_Point, _Point, int]], levels: list[float], even_odd: bool) -> list[list[_Point]]:
    """The region the edges enclose, by the even-odd or the nonzero winding rule, as trapezoids that do not overlap:
    in each band between two levels, left to right, the space between one edge and the next is inside where the
    winding number there (the sum of the edges' directions to its left) is odd, or not 0."""
    pieces = []
    for bottom, top in zip(levels, levels[1:]):
        middle = (bottom + top) / 2
        across = sorted((edge for edge in edges if edge[0][1] <= bottom and edge[1][1] >= top),
                        key=lambda edge: _x_at(edge, middle))
        winding = 0
        for left, right in zip(across, across[1:]):
            winding += left[2]
            if winding % 2 if even_odd else winding:
                # where the two edges meet (a corner of the path, or where they cross), rounding may put the right
                # one a hair left of the left one: the piece is then a hair wider, not turned inside out, and a
                # corner it repeats is left out (_clipped would take the side between the two as one of its sides)
                left_bottom, left_top = _x_at(left, bottom), _x_at(left, top)
                right_bottom, right_top = max(_x_at(right, bottom), left_bottom), max(_x_at(right, top), left_top)
                piece = [(left_bottom, bottom)] + [(right_bottom, bottom)] * (right_bottom > left_bottom)
                piece += [(right_top, top)] + [(left_top, top)] * (right_top > left_top)
                if len(piece) > 2:
                    pieces.append(piece)
    return pieces


def _rectangle(edges) -> list[_Point]:
    """A PDF rectangle (``/MediaBox``, ``/BBox``: two opposite corners, in either order) as its four corners, turning
    one way round."""
    x1, y1, x2, y2 = (float(edge) for edge in edges)
    left, right, bottom, top = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return [(left, bottom), (right, bottom), (right, top), (left, top)]


def _bounding_box(points: list[_Point]) -> list[_Point]:
    """The smallest upright rectangle holding the points, as its four corners."""
    return _rectangle(_extent(points))


def _extent(points: list[_Point]) -> tuple[float, float, float, float]:
    """The smallest upright rectangle holding the points, as its left, bottom, right and top."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _meet(box: tuple[float, ...], other: tuple[float, ...] | None) -> bool:
    """Whether two upright boxes (left, bottom, right, top) share some of the page; none meets no box."""
    return other is not None and box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3] \
        and other[1] <= box[3]


def _band(y: float) -> int:
    """The band of the page (:data:`_BAND`) a height lies in."""
    return int(y // _BAND)


def _bands(extent: tuple[float, ...]) -> range | None:
    """The bands of the page an upright box (left, bottom, right, top) lies across, ``None`` for more than
    :data:`_MOST_BANDS` (or for one beyond what any page measures: :data:`_FARTHEST`)."""
    if not (abs(extent[1]) <= _FARTHEST and abs(extent[3]) <= _FARTHEST):
        return None
    first, last = _band(extent[1]), _band(extent[3])
    return range(first, last + 1) if last - first < _MOST_BANDS else None


def _cuts(subject_corners: int, clip_corners: int, subjects: int = 1) -> int:
    """How many corners :func:`_clipped` measures against a side, at most, to cut ``subjects`` polygons of this many
    corners in all by a clip of ``clip_corners``: for each side of the clip, each corner a polygon has by then, its
    own and at most one more per side of the clip cut across it. (A clip with a side of rounding's left out is cut by
    its box's four sides as well, not counted here: that is rare, and adds a few.)"""
    return clip_corners * (subject_corners + subjects * clip_corners)


def _shown_cuts(shown: tuple, clip_corners: int) -> int:
    """:func:`_cuts` of cutting each piece of what shows of an image or a filled shape by a clip of this many
    corners."""
    return sum(_cuts(len(piece), clip_corners) for piece in shown)


def _placed(polygon: list[_Point], matrix) -> list[_Point] | None:
    """A polygon's corners mapped by a matrix (``a b c d e f``: x' = a x + c y + e, y' = b x + d y + f), or ``None``
    where one lies farther than :data:`_FARTHEST` (or is no number: infinite, or infinite less infinite)."""
    a, b, c, d, e, f = matrix
    corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in polygon]
    return corners if all(abs(x) <= _FARTHEST and abs(y) <= _FARTHEST for x, y in corners) else None


def _clipped(subject: list[_Point], clip: list[_Point], shortest: float) -> list[_Point]:
    """What of a convex polygon lies inside another (Sutherland-Hodgman): the corners of their overlap, none where
    they do not overlap. A page, a form's box and an image's square, each mapped by a matrix, are parallelograms, and
    so convex, as are the trapezoids a clipping path is cut into (:func:`_filled`); so is what is left of one clipped
    by the others. A clip of no area (a matrix that squashes the box flat) leaves nothing. A side of the clip no longer
    than ``shortest`` across and up (rounding's on the page: where a cut ends a hair from a corner) is left out: its
    direction, any, could cut away all but a sliver. The subject is then cut by the sides left and by the clip's
    bounding box, whose sides run level and upright whatever rounding does: each holds the clip, so what they keep
    is the clip taken larger, never smaller, however few sides are left (a sliver's two long sides and its box keep
    the sliver; a speck's box, the speck). ``shortest`` is measured against the page, not the clip: a clip reaching
    far beyond the page (a band a unit high and a billion long) has sides short beside its far corners that are no
    rounding's."""
    turning = _signed_area(clip)
    if not subject or turning == 0:
        return []
    side = 1.0 if turning > 0 else -1.0
    sides = [((ax, ay), (bx, by)) for (ax, ay), (bx, by) in zip(clip, clip[1:] + clip[:1])
             if abs(bx - ax) > shortest or abs(by - ay) > shortest]
    if len(sides) < len(clip):
        box = _bounding_box(clip)[::1 if turning > 0 else -1]  # turning the clip's way round
        sides += zip(box, box[1:] + box[:1])
    for (ax, ay), (bx, by) in sides:
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
