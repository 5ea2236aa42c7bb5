"""What a file's pages paint, in order (:class:`_Painting`): the runs of text drawn, and the images, filled
shapes and stroked lines drawn over them, measured against the runs and the digits of the numbers they say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._operators import (_BASE_COMPONENTS, _BUILDS_PATH, _CIE_SPACES, _CLIPS, _COMPONENT_SPACES,
                         _DEVICE_COLOUR_OPERATORS, _DEVICE_SPACES, _FILLS_PATH, _INITIAL_COLOUR, _INLINE_IMAGE,
                         _LINE_CAPS, _MOST_TABLE_BYTES, _MOVES_TEXT, _NO_COLORANT, _OPAQUE_PAINT, _PATH_OPERATORS,
                         _RENDER_MODES, _SETS_COLOUR, _SHOWS_TEXT, _STROKES_PATH, _UNKNOWN_SPACE, _Paint, _dash_pattern,
                         _given_number,
                         _matrix, _number, _numbers, _opaque, _paint_change, _paper_white)
from ._geometry import (_IDENTITY, _MAX_CLIP_EDGES, _MAX_PIECE_CORNERS, _ROUNDING, _UNIT_SQUARE, _Point, _area, _band,
                        _bands, _bounding_box, _clipped, _compose, _cuts, _edges, _extent, _filled, _flattening_steps,
                        _levels, _meet, _path_extent, _placed, _rectangle, _shown_cuts, _signed_area, _SQUARE, _stroked,
                        _subpaths)
from ._fonts import _ESTIMATED_WIDTHS, _FontWidths, _TextState, _font_widths, _said
from ._rows import _ManyEdges, _Rows, _dashed
from ._work import (_BOXES_PER_STEP, _BYTES_PER_STEP, _CUTS_PER_STEP, _STROKED_NEAR_STEPS, _STROKED_PIECE_STEPS,
                    _Work, _content_stream, _font_steps)
from ._text_layer import PageContents


_PAGE_IMAGE = 0.5  # an image over this share of its page or more is a picture of the page: a scan


# What paints over a number's digits (_Painting._cover_digits; the reason names them: _verdict._painted_over_said).
_IMAGE, _FILLED_SHAPE, _STROKED_LINE = "image", "filled shape", "stroked line"
# what an annotation's appearance is taken for, over the page's content: an opaque image over its /Rect
_ANNOTATION = "annotation"
# an annotation's flags (/F) that keep its appearance off the screen: Hidden (bit 2) and NoView (bit 6)
_NOT_SHOWN_FLAGS = 2 | 32


# A form drawn inside a form drawn inside ... this many deep is one that draws itself (invoicing software nests two
# or three).
_MAX_FORM_DEPTH = 8


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
    order: int = 0  # how many runs the page drew before it


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
        # what the images drawn on the page show of it, added up, wherever they lie and whatever lies over them: a
        # page they cover half of or more carries a picture that may print another invoice than its text (pictured)
        self.pictured_area = 0.0
        self.hidden_by = _IMAGE  # what hides the text, where it is hidden: images, or an annotation's appearance
        # whether something not white has been painted on the page that is not among what white text may lie on
        # (_painted_under): a shape filled before the first image, a line, a shading, an image that lets through
        self._untracked_paint = False
        # each image, shape and line piece drawn over the text (what it shows, its pieces' corners): the runs drawn
        # before it
        self._redrawn: dict[tuple, int] = {}
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
        page_clip = _rectangle(_shown_box(page))
        self.area = _area(page_clip)
        # how far rounding may move a corner on this page (_clipped)
        self.shortest = _ROUNDING * max(max(abs(x), abs(y)) for x, y in page_clip)
        self.invisible = None
        self.shown_text = self.hidden = self.too_deep = False
        self.images_over_text, self.page_image, self.number_painted_over = 0, False, False
        self.pictured_area = 0.0
        self.number_painted_by = set()
        self.hidden_by, self._untracked_paint = _IMAGE, False
        self._redrawn, self._runs, self._runs_extent, self._painted_under = {}, [], None, []
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
        if not (self.too_much or self.too_deep or self.hidden or self.invisible):
            self._annotations(page.get("/Annots"))
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
                    # what white text drawn later may lie on that is not kept for it (:meth:`_unseen`): a shape
                    # filled before any image (after one, a shape is kept in _painted_under), or a line
                    if (operator in _FILLS_PATH and not (paint.white_fill or paint.no_fill or self._painted_under)) \
                            or (operator in _STROKES_PATH and not (paint.white_stroke or paint.no_stroke)):
                        self._untracked_paint = True
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
            elif operator == b"J" and operands:
                cap = _given_number(operands[0])
                if cap in _LINE_CAPS:  # another is no cap a viewer draws: the one before holds
                    states[-1] = (ctm, paint._replace(line_cap=int(cap)), mode, clip)
            elif operator == b"d" and len(operands) == 2:
                self._spend(len(operands[0]) // _BOXES_PER_STEP if isinstance(operands[0], list) else 0)
                dash = _dash_pattern(*operands)
                if dash is not None:  # a malformed pattern leaves the one before
                    states[-1] = (ctm, paint._replace(line_dash=dash), mode, clip)
            elif operator == b"w" and operands:
                width = _given_number(operands[0])
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
                corners, matrix = text.show(operator, operands)
                run = self._run(corners, matrix, ctm, (text.font_object, text.shown))
                if not self.invisible:
                    self.invisible = self._unseen(corners, _compose(matrix, ctm), run, paint, mode, clip)
            elif operator == b"sh":  # a shading paints the clip, in colours not followed: not bare paper
                self._untracked_paint = True
            elif operator == _INLINE_IMAGE and isinstance(operands, dict):
                self._image(operands.get("settings") or {}, ctm, paint, clip)
            elif operator == b"Do" and operands:
                self._draw(self._named(resources, "/XObject", operands[0]), resources, ctm, paint, mode, depth, clip)
            if self.too_deep or self.too_much:
                return
        # a path never painted, with its W, ends with its content stream: the clip it would have set is not set

    def _unseen(self, corners, placing: tuple[float, ...], run, paint: _Paint, mode: int,
                clip: tuple[list[_Point], ...]) -> str | None:
        """How a run of text just drawn shows nothing a person sees, or ``None``: drawn in a mode or paint that
        paints nothing (:meth:`_Paint.hides_text`), white over a picture, or white on the bare page (nothing but
        white painted on it before), half of it or more beyond the page's visible box (its MediaBox, within its
        CropBox), or outside the clipping path in force. White over a shape painted before it (a title on a coloured
        band) is taken to show, and so is white on a page where something was painted that is not kept for white
        text to lie on (a shape filled before any image, a line, a shading): what lies under it is not known."""
        if corners is None:  # white space
            return None
        placed = _placed(corners, placing)
        if placed is not None and _area(placed) > 0 and (not run or _area(run) < _PAGE_IMAGE * _area(placed)):
            return ("beyond the page's visible box (its MediaBox and CropBox), half of it or more: a viewer shows "
                    "none of that")
        if not run:
            return None
        unseen = paint.hides_text(mode)
        if unseen:
            return unseen
        hidden_over_picture = paint.hides_text(mode, over_picture=True)  # white: is a picture under it?
        if hidden_over_picture:
            if self._on_picture(run):
                return hidden_over_picture
            if not self._untracked_paint and not self._on_paint(run):
                return (f"in text render mode {mode} in white on the bare page, nothing painted under it: it shows "
                        "nothing on white paper")
        if len(clip) == 1 and clip[0] is self._page_clip:  # no clip set: all of the page shows
            return None
        # the common case, a cell's upright rectangle round its text, told without cutting anything
        extent = _extent(run)
        for piece in clip:
            box = _extent(piece)
            if box[0] <= extent[0] and box[1] <= extent[1] and extent[2] <= box[2] and extent[3] <= box[3] \
                    and _area(piece) >= (box[2] - box[0]) * (box[3] - box[1]) * (1 - _ROUNDING):
                return None
        self._spend(_shown_cuts(clip, len(run)) // _CUTS_PER_STEP)
        if not self.too_much and self._area_over(clip, run) < _PAGE_IMAGE * _area(run):
            return ("outside the clipping path set around it, half of it or more: a viewer shows none of that")
        return None

    def _annotations(self, annotations) -> None:
        """Each annotation a viewer shows with an appearance (``/AP``; not flagged Hidden nor NoView), taken for an
        opaque image over its ``/Rect``, painted over all the page's content, as viewers draw it: a stamp or a form
        field as large as the page hides the text under it as a picture of the page does. What it draws is not
        followed: a transparent appearance is taken as opaque, the side on which a page is doubted."""
        annotations = annotations.get_object() if annotations is not None else None
        if not isinstance(annotations, list):
            return
        for annotation in annotations:
            self._spend(1)
            if self.too_much or self.hidden:
                return
            annotation = annotation.get_object() if annotation is not None else None
            if not isinstance(annotation, dict):
                continue
            flags, appearance = _number(annotation.get("/F")), annotation.get("/AP")
            appearance = appearance.get_object() if appearance is not None else None
            if (flags is not None and int(flags) & _NOT_SHOWN_FLAGS) or not isinstance(appearance, dict) \
                    or appearance.get("/N") is None:
                continue
            rect = annotation.get("/Rect")
            rect = rect.get_object() if rect is not None else None
            numbers = _numbers(rect, 4) if isinstance(rect, list) else None
            if numbers is None:
                continue
            left, bottom = min(numbers[0], numbers[2]), min(numbers[1], numbers[3])
            width, height = abs(numbers[2] - numbers[0]), abs(numbers[3] - numbers[1])
            self._image({}, (width, 0.0, 0.0, height, left, bottom), _OPAQUE_PAINT, (self._page_clip,), _ANNOTATION)

    def _image(self, image, ctm: tuple[float, ...], paint: _Paint, clip: tuple[list[_Point], ...],
               painter: str = _IMAGE) -> None:
        """An image painted with ``ctm`` over its unit square, of which what lies inside ``clip`` shows: whether it
        hides the text drawn before it, and where white text drawn after it would hide what it shows. ``painter``:
        what it is, an image or an annotation's appearance taken for one."""
        if not (not paint.lets_through() and _opaque(image)):
            self._untracked_paint = True
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
        if painter == _IMAGE:  # a mask or a see-through paint may hide nothing of what the picture prints
            self.pictured_area += sum(_area(list(piece)) for piece in shown)
        opaque = not paint.lets_through() and _opaque(image)
        if opaque:  # one that lets what lies under it show is no picture white text can be laid over
            self._painted_under.append((shown, _extent([point for piece in shown for point in piece]), True))
        if not self.shown_text or self.hidden or not opaque:
            return
        if sum(_area(list(piece)) for piece in shown) >= _PAGE_IMAGE * self.area:  # a picture of the page
            self.hidden = self.page_image = True
            self.images_over_text, self.hidden_by = 1, painter
            return
        # a picture drawn in strips or tiles hides what it is drawn over as one drawn whole: what the images cover
        # of each run of text drawn before them is added up. An image drawn again where one already is adds
        # nothing over the text drawn before the first (_drawn_before); what two images drawn apart share is
        # counted twice (more, never less: the side on which a page is doubted; what invoicing software draws over
        # its text, a seal or a QR code, is small beside all of it)
        if not self._runs:
            return
        since = self._drawn_before(painter, shown)
        # the runs it may cover found by their boxes first: an image beside the text (a thumbnail, a logo beside
        # thousands of runs of one glyph each) costs the work of measuring it over none of them
        under = [(run, over) for run, over in self._under(shown) if run.order >= since]
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
        if self.hidden:
            self.hidden_by = painter
        # an image over a few glyphs hides no share of the text worth the name, but where they are a number's
        # (the invoice's, a tax id, its total) it paints other figures where the text layer says that one
        if not self.hidden:
            for run, _ in under:
                self._cover_digits(run, shown, painter)

    @property
    def pictured(self) -> bool:
        """Whether the images drawn on the page followed last cover half of it or more, together (what two of
        them share counted twice): a picture of a page, which may print other figures than the page's text says."""
        return self.area > 0 and self.pictured_area >= _PAGE_IMAGE * self.area

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

    def _drawn_before(self, painter: str, shown: tuple) -> int:
        """How many of the runs drawn so far an image, a shape filled or a piece of a line stroked, showing just
        these pieces (their corners to a millionth of a unit, in any order: a cell's border stroked again as its
        neighbour's side, the other way along it), was drawn over before; 0 the first time. Drawn again in place it
        covers nothing more of those runs (a line stroked four times over a digit is the one line, so is a shape
        filled or an image drawn twice), but it covers the runs drawn since."""
        return self._redrawn_since(
            (painter, tuple(sorted(tuple(sorted((round(x, 6), round(y, 6)) for x, y in piece)) for piece in shown))))

    def _redrawn_since(self, key: tuple) -> int:
        """How many of the runs drawn so far what this key names was drawn over before (0 the first time), kept as
        drawn over all of them now (:meth:`_drawn_before`)."""
        since = self._redrawn.get(key, 0)
        self._redrawn[key] = len(self._runs)
        return since

    def _path_near_text(self, path: list, ctm: tuple[float, ...], reach: float = 0.0) -> bool:
        """Whether the box of a path's points, control points too, widened by ``reach`` each way (in user space)
        and placed by the matrix, meets the box of some run of text drawn so far (:meth:`_near_text`). A Bezier curve
        lies within the hull of its control points, so a path whose box meets none paints nothing over any run,
        flattened or not. Each point past the first of each operator counts a step. One placed beyond what any
        page measures may be anywhere: near. A path with a point that is no number, or none, is near no text (it
        paints nothing that is measured)."""
        # reading a point off its operator takes some 0.5 us: the operator's own step covers its first, each point
        # past it (a curve's control points) counts one more
        self._spend(sum(max(len(operands) // 2 - 1, 0) for _, operands, _ in path))
        extent = _path_extent(path)
        if extent is None or self.too_much:
            return False
        left, bottom, right, top = extent
        box = _placed(_rectangle((left - reach, bottom - reach, right + reach, top + reach)), ctm)
        return box is None or self._near_text(_extent(box))

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
        many = isinstance(shown, _ManyEdges)  # a path of many edges, measured over each digit row by row
        # a glyph's box has four corners, as a run's
        cuts = sum(_cuts(4, len(piece)) for piece in shown.clip) if many else _shown_cuts(shown, 4)
        extent = shown.extent if many else _extent([point for piece in shown for point in piece])
        glyphs = self._glyphs(run)
        self._spend(len(glyphs) // _BOXES_PER_STEP)
        rows = None
        for _, glyph in glyphs:
            # a digit whose box it does not meet (a cell's border touching the run's last glyph) is not cut by it
            if glyph is None or not _meet(extent, _extent(glyph.corners)):
                continue
            self._spend(cuts // _CUTS_PER_STEP)
            if self.too_much:
                return
            if many:
                if rows is None:  # the run's rows, measured once for all its digits the path's box meets
                    near = [other.corners for _, other in glyphs
                            if other is not None and _meet(extent, _extent(other.corners))]
                    rows = _Rows(shown.edges, shown.even_odd, glyph.corners, near, self._may_spend)
                over = rows.covered(glyph.corners, shown.clip, self.shortest, self._may_spend)
                if self.too_much:
                    return
            else:
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
                            span=(corners[0][0], corners[1][0], corners[2][1]), order=len(self._runs))
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

    def _on_paint(self, run: list[_Point]) -> bool:
        """Whether what was painted before (:meth:`_on_picture`: images and shapes alike) lies under half or more of
        this run of text."""
        extent, covered = _extent(run), 0.0
        for shown, painted_extent, _ in self._painted_under:
            if not _meet(extent, painted_extent):
                continue
            self._spend(_shown_cuts(shown, len(run)) // _CUTS_PER_STEP)
            if self.too_much:
                return True  # not known: taken to show
            covered += self._area_over(shown, run)
            if covered >= _PAGE_IMAGE * _area(run):
                return True
        return False

    def _fill(self, path: list, even_odd: bool, ctm: tuple[float, ...], paint: _Paint,
              clip: tuple[list[_Point], ...]) -> None:
        """A path filled over what was painted before, in a paint that hides what lies under it: where it shows,
        kept among what white text drawn after it would lie on (:meth:`_on_picture`) unless it is white, and
        covering the digits of the text drawn before it that it lies over as an opaque image does
        (:meth:`_cover_digits`), white too (white paint hides text on white paper as well as a colour does). Its
        curves are measured as straight pieces (:data:`_CURVE_PIECES`). One of more than :data:`_MAX_CLIP_EDGES`
        edges near the text, curves flattened, is measured over each digit row by row (:meth:`_fill_many`), and
        counts for nothing white text may lie on. One that lets what lies under it show, paints nothing (a fill
        opacity of 0, the colorant /None), or is in a space not told (a pattern, which may leave gaps:
        :meth:`_Paint.fill_hides`) counts for neither: white text over it and a picture counts as over the
        picture."""
        if not paint.fill_hides():
            return
        on_picture = bool(self._painted_under) and not paint.white_fill
        over_text = bool(self._runs) and not self.hidden
        if not (on_picture or over_text):
            return
        # a shape whose box meets no run, and which no white text is laid on, is not flattened nor cut up: a logo's
        # or a chart's thousands of curves away from the text cost a step a control point
        if not on_picture and not self._path_near_text(path, ctm):
            return
        if len(path) == 1 and path[0][0] == b"re" and path[0][2] == ctm:  # a band: one rectangle, no cutting up
            numbers = _numbers(path[0][1], 4)
            corners = _placed(_rectangle((numbers[0], numbers[1], numbers[0] + numbers[2], numbers[1] + numbers[3])),
                              ctm) if numbers is not None else None
            region = [corners] if corners is not None else None
        else:
            region = self._region(path, even_odd, ctm, exact=True, near_text=not on_picture)
            if isinstance(region, _ManyEdges) and on_picture:  # too many edges to lay text on: the text's may be fewer
                if not over_text:
                    return
                on_picture = False
                region = self._region(path, even_odd, ctm, exact=True, near_text=True)
        if not region:
            return
        if isinstance(region, _ManyEdges):
            self._untracked_paint = self._untracked_paint or not paint.white_fill  # not kept for white text to lie on
            self._fill_many(region, clip)
            return
        shown = self._within(clip, region)
        if not shown or self.too_much:
            return
        if on_picture:
            self._painted_under.append((shown, _extent([point for piece in shown for point in piece]), False))
        if over_text:  # a shape over a digit of a number paints another figure, or a blank, where the text says it
            since = self._drawn_before(_FILLED_SHAPE, shown)
            for run, _ in self._under(shown):
                if run.order >= since:
                    self._cover_digits(run, shown, _FILLED_SHAPE)

    def _fill_many(self, region: _ManyEdges, clip: tuple[list[_Point], ...]) -> None:
        """A path of more edges than are cut exactly filled over the text drawn before it: what it covers of each
        digit of the runs its box meets, within the pieces of the clip that box meets, is measured row by row
        (:class:`_Rows`). Filled again just where it was (the same edges, by the same rule, under the same
        clip), it covers only the text drawn since."""
        self._spend(len(clip) // _BOXES_PER_STEP)
        pieces = tuple(piece for piece in clip if _meet(_extent(piece), region.extent))
        if not pieces or self.too_much or not _meet(region.extent, self._runs_extent):
            return
        shown = region._replace(clip=pieces)
        since = self._redrawn_since((_FILLED_SHAPE, region.even_odd, tuple(
            (round(x1, 6), round(y1, 6), round(x2, 6), round(y2, 6), way) for (x1, y1), (x2, y2), way in region.edges),
            tuple(tuple((round(x, 6), round(y, 6)) for x, y in piece) for piece in pieces)))
        for run in self._nearby(region.extent):
            if run.order >= since and _meet(region.extent, run.extent):
                self._cover_digits(run, shown, _FILLED_SHAPE)
            if self.too_much:
                return

    def _may_spend(self, steps: int) -> bool:
        """Count this many steps of work more, and whether the work allowed is not spent."""
        self._spend(steps)
        return not self.too_much

    def _stroke(self, path: list, closes: bool, ctm: tuple[float, ...], paint: _Paint,
                clip: tuple[list[_Point], ...]) -> None:
        """A path stroked over the text drawn before it, in a paint that hides what lies under it
        (:meth:`_Paint.stroke_hides`): what shows of it within the clip covers the digits it lies over as a filled
        shape does (:meth:`_cover_digits`), white too. Each straight segment (a curve's flattened pieces,
        :data:`_CURVE_PIECES`; the closing one of a subpath ``h``, ``re``, ``s`` or ``b`` closes) covers the
        rectangle of its length and the line width, placed by the matrix (so a width in user space is scaled as the
        path is), and each open subpath's caps count as the line cap says (:func:`_stroked`: a square cap's
        rectangle, a round cap's inscribed half octagon, a round dot's octagon). A dashed line (``d``, a graphics
        state's ``/D``) is its dashes (:func:`_dashed`), each an open line with its caps, each counted as a segment
        is (:data:`_STROKED_PIECE_STEPS`). Joins are left out: they only add
        to the line (a join the wedge outside each corner), and the segments of one line are taken together over a
        digit, what they share counted once (:meth:`_area_over`), so what is
        measured is less than what the line paints, never more ("more, never less" holds for images, not here), but
        for two things that may count more: a curve's pieces, which stray from it by up to the error of
        :data:`_CURVE_PIECES`; and a digit with more than
        :data:`_MAX_CLIP_EDGES` edges of segments over it, whose areas are added up instead. A stroke in no
        straight segment of any length but with butt or square caps (which paint no dot), with a point no number,
        or built while the matrix changes, counts for nothing, as such a fill does. One a piece of which is placed
        beyond what any page measures (a width of 1e30, an infinite point) is taken to cover the page within the
        clip, as such an image is: where it lies cannot be told. It is not among what white text drawn after it lies
        on (:meth:`_on_picture`): a line under white text leaves the text counted as over the picture under it."""
        if not paint.stroke_hides() or any(given != ctm for _, _, given in path):
            return
        half = abs(paint.line_width) / 2  # a negative width, which no writer means, taken at its size
        # a line lies within its points' box (a curve within its control points') widened by half its width: one
        # whose box meets no run (a chart, a logo, a signature's thousands of curves) is passed over before it is
        # flattened, at the cost of a step a control point
        # a square cap's corners lie half the width out along the line and across it
        if not self._path_near_text(path, ctm, half * (2 ** 0.5 if paint.line_cap == _SQUARE else 1)):
            return
        # each segment, and each piece of a flattened curve, is measured at its real cost (_STROKED_PIECE_STEPS)
        self._spend((_flattening_steps(path) + len(path)) * _STROKED_PIECE_STEPS)
        if self.too_much:
            return
        subpaths, _ = _subpaths(path, flatten=True)
        pattern, phase = paint.line_dash
        rectangles = []
        for index, (points, closed) in enumerate(subpaths):
            closed = closed or (closes and index == len(subpaths) - 1)
            lines = [(points, closed)]
            if pattern:  # each dash an open line of its own, with its caps; each built as a piece is, at its cost
                dashes = _dashed(points, closed, pattern, phase, 2 * (self.steps_left // _STROKED_PIECE_STEPS) + 2)
                self._spend(self.steps_left + 1 if dashes is None else len(dashes) * _STROKED_PIECE_STEPS)
                if self.too_much:
                    return
                lines = [(dash, False) for dash in dashes]
            for line, line_closed in lines:
                for outline in _stroked(line, line_closed, half, paint.line_cap):
                    rectangles.append(_placed(outline, ctm))
        if None in rectangles:  # beyond what any page measures: taken to cover the page, as such an image is
            rectangles = [list(self._page_clip)]
        # a rule or a checkbox beside the text (thousands on a page, a form's drawn over and over) costs the work of
        # finding no run near it, not of cutting it by the clip
        rectangles = [rectangle for rectangle in rectangles if self._near_text(_extent(rectangle))]
        # each one near the text is then clipped, looked for among the runs and measured over digits, at the cost
        # of _STROKED_NEAR_STEPS more
        self._spend(len(rectangles) * _STROKED_NEAR_STEPS)
        if not rectangles or self.too_much:
            return
        shown = self._within(clip, rectangles)
        # each piece looked for among the runs of its own lines (a long line, a chart's, lies across many); the
        # pieces over a run then measured together over each of its digits
        over: dict[int, tuple[_TextRun, list]] = {}
        for piece in shown:
            since = self._drawn_before(_STROKED_LINE, (piece,))
            for run, _ in self._under((piece,)):
                if run.order >= since:
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

    def _region(self, path: list, even_odd: bool, ctm: tuple[float, ...], exact: bool = False,
                near_text: bool = False) -> list[list[_Point]] | _ManyEdges | None:
        """The region a path encloses, as convex pieces (:meth:`_clip`), or ``None`` where it cannot be told. One
        with a curve or too many edges is taken as its bounding box, larger, unless it is wanted ``exact``: a
        filled shape's curves are then flattened (:data:`_CURVE_PIECES`), and one of too many edges counts
        their pieces and is given as its edges (:class:`_ManyEdges`), to be measured row by row. ``near_text``: only what it encloses over the runs of text is wanted, and its
        subpaths whose boxes meet no run's are left out before its edges are counted: a closed subpath adds no
        winding outside its box, so what is left encloses just what the path does over the runs, by either rule
        (a disc over a digit and a logo's curves elsewhere in the same path are the disc there)."""
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
        if near_text:
            subpaths = [points for points in subpaths if self._near_text(_extent(points))]
            if not subpaths:
                return []
        edges = _edges(subpaths)
        if exact and len(edges) > _MAX_CLIP_EDGES:  # measured over each glyph row by row (_fill)
            return _ManyEdges(edges, even_odd, _extent([point for points in subpaths for point in points]))
        if curved and not exact or len(edges) > _MAX_CLIP_EDGES:
            return [_bounding_box([point for points in subpaths for point in points])]
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


def _shown_box(page) -> tuple[float, float, float, float]:
    """What a viewer shows of a page (left, bottom, right, top): its MediaBox within its CropBox (ISO 32000-1 14.11.2:
    the crop box is clipped to the media box; nothing shows where they do not meet). Each box's corners are put in
    order first: one written with its corners swapped ([600 0 0 800]) is the same box, and its width times its
    height, negative, would turn the check off. A CropBox that is no rectangle is no box: the MediaBox holds."""
    media = _rectangle((page.mediabox.left, page.mediabox.bottom, page.mediabox.right, page.mediabox.top))
    try:  # pypdf finds it on the page or inherited from its parents, the MediaBox where there is none
        box = page.cropbox
        numbers = _numbers((box.left, box.bottom, box.right, box.top), 4)
    except Exception:  # pypdf raises many types on a box it cannot read
        numbers = None
    if numbers is None:
        return media[0][0], media[0][1], media[2][0], media[2][1]
    crop = _rectangle(numbers)
    left, bottom = max(media[0][0], crop[0][0]), max(media[0][1], crop[0][1])
    return left, bottom, max(left, min(media[2][0], crop[2][0])), max(bottom, min(media[2][1], crop[2][1]))


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
