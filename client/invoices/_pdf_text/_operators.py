"""Content-stream operators and the graphics state the scan check keeps of them: how what is painted shows
(:class:`_Paint`: opacity, soft masks, blend modes, colours and their spaces, the line width), and the operands
read as numbers and matrices."""

from __future__ import annotations

from typing import NamedTuple


_SHOWS_TEXT = frozenset((b"Tj", b"TJ", b"'", b'"'))
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
_LINE_CAPS = frozenset(range(3))  # line caps (J, /LC): 0 butt, 1 round, 2 projecting square
_RENDER_MODES = frozenset(range(8))  # text render modes (Tr): 0 fill, 1 stroke, 2 both, 3 neither; 4-7 and clip
_FILLS = frozenset((0, 2, 4, 6))  # text render modes that fill the glyphs
_STROKES = frozenset((1, 2, 5, 6))  # text render modes that stroke their outlines; 3 and 7 paint nothing
_INLINE_IMAGE = b"INLINE IMAGE"  # pypdf's operator for an inline image, BI ... ID ... EI; its operands a dict
# path construction operators (ISO 32000-1 8.5.2), each with how many numbers it takes
_BUILDS_PATH = {b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4, b"h": 0, b"re": 4}
_CURVES = frozenset((b"c", b"v", b"y"))
_CLIPS = {b"W": False, b"W*": True}  # whether the clip takes the even-odd rule, rather than the nonzero winding rule
# the operators that paint a path and end it; a W or W* before one sets the clip there (8.5.4)
_PAINTS_PATH = frozenset((b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n"))
# the three kinds together, looked up once for each operator followed (most are none of them)
_PATH_OPERATORS = frozenset(_BUILDS_PATH) | frozenset(_CLIPS) | _PAINTS_PATH
# those that fill the path, each with whether it takes the even-odd rule
_FILLS_PATH = {b"f": False, b"F": False, b"B": False, b"b": False, b"f*": True, b"B*": True, b"b*": True}
# those that stroke it, each with whether it closes the current subpath first (as h does)
_STROKES_PATH = {b"S": False, b"s": True, b"B": False, b"B*": False, b"b": True, b"b*": True}


class _Paint(NamedTuple):
    """How what is painted shows, per graphics state. Each ``gs`` sets those its state names and keeps the others
    (:func:`_paint_change`); the colour operators set the fill's colour and the stroke's, and the colour space each
    is given in (:meth:`_Painting._colour_space`, :func:`_paper_white`); ``w`` and a state's ``/LW`` set the line
    width, ``J`` and a state's ``/LC`` the line cap, ``d`` and a state's ``/D`` the dash pattern."""

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
    line_cap: int = 0  # how an open subpath's ends are stroked (J, or a state's /LC): butt, round or square
    # the dash pattern (d, or a state's /D), its lengths on and off in turn and where along them it starts: none, solid
    line_dash: tuple = ((), 0.0)

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


_MOVES_TEXT = frozenset((b"BT", b"Tm", b"Td", b"TD", b"T*", b"TL", b"Tf", b"Tz", b"Tc", b"Tw"))


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


def _given_number(value) -> float | None:
    """A number given as one (an integer or a real, as pypdf parses them), or ``None``: a string that spells one
    (``(8) w``), a name or an array is no number, and what it sets holds as it was."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _dash_pattern(lengths, phase) -> tuple[tuple[float, ...], float] | None:
    """A dash pattern (``d``'s operands, a graphics state's ``/D``) as its lengths, on and off in turn (an array of
    odd length repeated, so that it is), and where along them it starts: ``((), 0.0)`` for solid (an empty array, or
    one all zeros, which ISO 32000-1 8.4.3.6 does not allow and viewers stroke solid); ``None`` for one that is
    malformed: no array, a length or phase that is no number, a negative length. A negative phase counts back from
    the pattern's end."""
    if not isinstance(lengths, list) or _given_number(phase) is None:
        return None
    if not all(_given_number(length) is not None and length >= 0 for length in lengths):
        return None
    pattern = tuple(float(length) for length in lengths)
    if not any(pattern):
        return (), 0.0
    if len(pattern) % 2:
        pattern += pattern
    return pattern, float(phase) % sum(pattern)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _paint_change(state) -> dict[str, bool | float]:
    """How a graphics state changes how what is painted shows, by field of :class:`_Paint`: a fill opacity
    (``/ca``) below 1 or not and 0 or not, a stroke opacity (``/CA``) likewise, a soft mask or ``/None``, a blend
    mode other than Normal or not, the line width (``/LW``), cap (``/LC``) and dash pattern (``/D``, an array of the
    lengths and the phase: a malformed one changes nothing, :func:`_dash_pattern`). A state sets only the fields it
    names: one with ``/ca 1`` alone ends a faint fill, not a soft mask set before it. A state that is no dictionary
    changes nothing."""
    change: dict[str, bool | float] = {}
    try:
        fill = _number(state["/ca"]) if "/ca" in state else None
        if fill is not None:
            change["faint"], change["no_fill"] = fill < 1, fill <= 0
        stroke = _number(state["/CA"]) if "/CA" in state else None
        if stroke is not None:
            change["faint_stroke"], change["no_stroke"] = stroke < 1, stroke <= 0
        width = _given_number(state["/LW"]) if "/LW" in state else None
        if width is not None:
            change["line_width"] = width
        cap = _given_number(state["/LC"]) if "/LC" in state else None
        if cap in _LINE_CAPS:
            change["line_cap"] = int(cap)
        dash = state["/D"] if "/D" in state else None
        dash = _dash_pattern(*dash) if isinstance(dash, list) and len(dash) == 2 else None
        if dash is not None:
            change["line_dash"] = dash
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
