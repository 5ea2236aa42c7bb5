"""The work of reading a PDF's pages, counted in steps against an allowance per page and a cap for the file:
what the scan check follows (:class:`_Work`) and what pypdf's text extraction does (:class:`_TextWork`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: the text layer counts its work by _TextWork
    from ._text_layer import PageContents


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
# Comparing two upright boxes takes four comparisons: this many count as one step of work.
_BOXES_PER_STEP = 16
# Cutting one convex polygon by another (_clipped) takes work in the clip's corners times the corners the polygon
# has as it is cut, at most its own plus the clip's: this many of those (a corner measured against a side) count as
# one step of work, as following one operator does (they take about as long, a microsecond or so).
_CUTS_PER_STEP = 4
# A stroked line whose box meets a run's (_Painting._stroke) counts this many steps for each of its straight pieces (a
# segment, or one of a curve's flattened pieces): each is built as a rectangle, placed and looked for among the runs,
# some 26 us measured (2-core AMD EPYC). Each of those that lies near a run counts _STROKED_NEAR_STEPS more: it is
# clipped, looked for among the runs again and measured over each digit it may cover, some 150 us for a piece over a
# number (besides the clipping counted for it). So a step stays at 1.5 us or under (measured: 8,000 pieces of curves
# stroked over an amount, 8,000 beside its words).
_STROKED_PIECE_STEPS = 16
_STROKED_NEAR_STEPS = 64


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


def _content_stream(stream, pdf):
    """A form's content, decoded, to be parsed; pypdf is imported only where a PDF is read."""
    from pypdf.generic import ContentStream

    return ContentStream(stream, pdf)
