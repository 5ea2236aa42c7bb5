"""A PDF's text layer as lines whose characters know where they are printed (:func:`text_layer`), each page's
content parsed once for all that read it (:class:`PageContents`)."""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager, nullcontext

from .._lines import TextLine, text_lines
from ._geometry import _compose
from ._fonts import _NARROW
from ._work import _TextWork


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
        texts.append(_unpaired_surrogates_replaced(text))
        height = round(float(page.mediabox.height))
        placed = _placed_lines(pieces, height, offset) if "".join(p[0] for p in pieces) == text else None
        page_lines = placed if placed is not None else text_lines(text)
        for line in page_lines:
            line.page_number = number
            _unpaired_surrogates_unsure(line)
        lines.extend(page_lines)
        offset += height
    contents.unread = work.unread()
    contents.text_work += work.spent
    return "\n".join(texts), lines


# A font's ToUnicode CMap may map a glyph to half of a UTF-16 surrogate pair (<D800>), which pypdf passes on as it is:
# no character, which neither a terminal nor a UTF-8 file can take
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


def _unpaired_surrogates_replaced(text: str) -> str:
    return _UNPAIRED_SURROGATE.sub("\ufffd", text)


def _unpaired_surrogates_unsure(line: TextLine) -> None:
    """Each unpaired surrogate of the line as U+FFFD, the character Unicode has for one it cannot name, read with no
    confidence: the field holding it is flagged for a person, who reads the character off the page."""
    for found in _UNPAIRED_SURROGATE.finditer(line.text):
        line.conf[found.start()] = 0.0
    line.text = _unpaired_surrogates_replaced(line.text)


def _forms_entered(forms: int | None):
    """Within the block, pypdf's text extraction enters at most this many forms a page (``None``: as many as it
    does)."""
    if forms is None:
        return nullcontext()
    from pypdf import apply_configuration  # imported only where a PDF is read

    return apply_configuration(xform_maximum_invocations_per_extraction=forms)


def _placed_lines(pieces, page_height: int, offset: int) -> list[TextLine] | None:
    """The pieces as lines, split and spaced as :func:`text_lines` splits and spaces text; ``None`` when a
    piece is drawn turned or slanted. A word begins (``TextLine.starts``) where a piece does and after a
    space: where the text layer says one piece of text ends, though the characters' boxes touch (a unit drawn
    right after a spec that fills its column). The lines are put in the order they are printed, top to bottom,
    and a line's pieces left to right (:func:`_in_reading_order`, :func:`_line`): pypdf joins them in the
    order the content draws them. A line is made once its characters are all there, a few hundred thousand of
    them in a long file."""
    drawn: list[_DrawnLine] = []
    chars: list[str] = []  # the line's characters so far, one space where there is a gap
    boxes: list[tuple[int, int, int, int] | None] = []
    starts: list[bool] = []
    drawn_in: list[int] = []  # for each character, which piece drew it (a space: the piece it stands before)
    gap = False
    for piece, (text, cm, tm, size) in enumerate(pieces):
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
                    drawn.append((chars, boxes, starts, drawn_in))
                chars, boxes, starts, drawn_in, gap, placed, begins = [], [], [], [], False, False, True
            elif char.isspace():
                gap = True
                x += 0.3 * em if i else 0  # pypdf puts a space before a piece that follows another on its line
            else:
                width = em * (1.0 if unicodedata.east_asian_width(char) in "WF" else _NARROW)
                if gap and chars:
                    chars.append(" ")
                    boxes.append(None)
                    starts.append(True)
                    drawn_in.append(piece)
                chars.append(char)
                boxes.append((round(x), top_px, round(x + width), bottom_px) if placed else None)
                starts.append(begins or gap)
                drawn_in.append(piece)
                gap, begins, x = False, False, x + width
    if chars:
        drawn.append((chars, boxes, starts, drawn_in))
    return _in_reading_order(drawn)


# A line as pypdf breaks the text drawn: its characters (one space where there is a gap), each one's box
# (``None`` after a line break inside a piece, where it lies is unknown), whether each begins a word, and
# which piece drew each
_DrawnLine = tuple[list[str], list, list[bool], list[int]]

# Two lines whose baselines are less than this many ems apart (of the smaller type) are one printed line: a
# value set a little off its label's baseline, or in another size, is on the label's line, while the next line
# of a wrapped name stands well over an em below (a line's pitch is an em and more)
_SAME_LINE_EMS = 0.5


def _in_reading_order(drawn: list[_DrawnLine]) -> list[TextLine]:
    """A page's lines as a reader sees them: top to bottom (PDF's y grows upward; a box's is measured down
    from the top), lines on one baseline (within :data:`_SAME_LINE_EMS`) joined into one, its pieces left to
    right (:func:`_line`). A producer may draw its totals before its header, or a form's labels before the
    values that fill it: in the order drawn, a field's label and value are lines apart, or a block is read
    before the one above it. A page where some line has no place (it begins after a line break inside a piece)
    is kept in the order drawn."""
    places = [boxes[0] for _, boxes, _, _ in drawn]  # a line's first character is placed where any of it is
    if None in places:
        return [_line(*line) for line in drawn]
    rows: list[list[int]] = []
    for index in sorted(range(len(drawn)), key=lambda i: places[i][3]):  # by baseline; stable: one as drawn
        if rows:
            first = places[rows[-1][0]]
            em = min(first[3] - first[1], places[index][3] - places[index][1])
            if places[index][3] - first[3] < _SAME_LINE_EMS * em:
                rows[-1].append(index)
                continue
        rows.append([index])
    # a row of several lines is their characters one after another, each part gathered once: a list copied
    # again for each line joined would be quadratic in a row that pypdf broke into thousands of lines
    return [_line(*drawn[row[0]]) if len(row) == 1 else
            _line(*([item for i in row for item in drawn[i][part]] for part in range(4)), joined=True)
            for row in rows]


# A gap between two pieces this many ems wide or more is a space, where the pieces are put in printed order: about
# a space's width (pypdf spaces the pieces it joins in drawn order itself)
_SPACE_EMS = 0.3


def _line(chars: list[str], boxes: list, starts: list[bool], drawn_in: list[int],
          joined: bool = False) -> TextLine:
    """A text layer's line: every character sure (1.0), a space a word of its own as ``TextLine.add`` makes
    it. Its pieces are put in the order they are printed, by where each begins, left to right: the content may
    draw an invoice number's groups (2644, 2000, 000012345678) in any order, and pypdf joins them in the order
    drawn, which read as is would be another number, the same on every reading. Where the pieces are put in
    another order, or the line is ``joined`` of lines pypdf broke apart (:func:`_in_reading_order`), a space
    stands between two of them where a gap is between them on the page. A line where some piece has no place
    (after a line break inside a piece) is kept as drawn."""
    pieces: list[list[int]] = []  # each piece's characters, by their index on the line
    for i, piece in enumerate(drawn_in):
        if pieces and drawn_in[pieces[-1][0]] == piece:
            pieces[-1].append(i)
        else:
            pieces.append([i])
    # a space the text layer put inside a piece stays; the one it put before a piece told of the gap from the piece
    # drawn before it, which may not be the one printed before it. Every piece has a character other than a space
    printed = [indexes[1:] if chars[indexes[0]] == " " else indexes for indexes in pieces]
    lefts = [boxes[indexes[0]][0] if boxes[indexes[0]] is not None else None for indexes in printed]
    if None in lefts or (lefts == sorted(lefts) and not joined):
        return TextLine("".join(chars), [1.0] * len(chars), boxes, starts)
    ordered = sorted(printed, key=lambda indexes: boxes[indexes[0]][0])  # stable: pieces begun at one place as drawn
    line = TextLine()
    right = None
    for indexes in ordered:
        first, last = boxes[indexes[0]], boxes[indexes[-1]]
        em = first[3] - first[1]
        if right is not None and first[0] - right >= _SPACE_EMS * em:
            line.add_space()
        line.text += "".join(chars[i] for i in indexes)
        line.conf.extend(1.0 for _ in indexes)
        line.boxes.extend(boxes[i] for i in indexes)
        line.starts.extend([True] + [starts[i] for i in indexes[1:]])
        right = last[2] if last is not None else right
    return line


def _origin(cm: list[float], tm: list[float], size: float) -> tuple[float, float, float] | None:
    """Where a piece starts (x, baseline, from the page's bottom left) and its em, from the text matrix ``tm``
    and the transformation ``cm`` (``tm`` x ``cm``); ``None`` for text that is not upright."""
    a, b, c, d, x, y = _compose(tm, cm)
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    return x, y, size * d
