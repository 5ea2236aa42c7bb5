"""Fonts and widths: how far a font's codes advance the text (:func:`_font_widths`), where the text a content
stream shows lies (:class:`_TextState`, :class:`_Shown`), and what a code says (:func:`_said`)."""

from __future__ import annotations

from typing import NamedTuple

from ._operators import _matrix, _number, _numbers
from ._geometry import _IDENTITY, _Point, _compose


_NARROW = 0.6  # the width of a character that is not CJK, in ems: most Latin letters and digits are narrower
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
