"""A shape filled in an opaque paint over a digit of a number the text layer says hides that digit as an opaque image
does: a white rectangle leaves a blank where the text layer says the digit (white paint hides text on white paper
as well as a colour does), a coloured one paints over it, and other figures may be drawn there (curves, and
stroked lines: test_scan_number_stroked_over). What the shapes and
images drawn after a number cover of each of its digits is added up. Cell backgrounds and shading drawn before the
text (the text lies on them), thin rules across a number, a shape beside it, and fills that let what lies under
them show or paint nothing are no doubt."""

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject  # noqa: E402

from client.invoices._pdf_text import PageContents, _work, scanned_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402

from .test_run_widths import _names, _page  # noqa: E402
from .test_scan_number_glyph_by_glyph import _glyph_by_glyph  # noqa: E402
from .test_scan_number_painted_over import PAINTED_OVER, WORDS  # noqa: E402

# "1,234.56" at 12 points from x 100 on the baseline 400: Helvetica drawn without /Widths is taken at 0.6 em (7.2
# points) a byte, each glyph's box from 0.2 em below the baseline to an em above it
SIZE, LEFT, BASELINE, GLYPH = 12, 100.0, 400.0, 7.2
AMOUNT = f"BT /Helvetica {SIZE} Tf {LEFT} {BASELINE} Td (1,234.56) Tj ET "
TWO = LEFT + 2 * GLYPH  # where its "2" starts
FILLED_OVER = ("a number in the text on page 1 drawn under a filled shape that covers it, which paints over it: the "
               "page shows what the shape paints there, not the number the text says")


def _fill(left: float, width: float = GLYPH, colour: str = "1 g", bottom: float = BASELINE - 3,
          height: float = 16, operator: str = "re f") -> str:
    """A rectangle filled in ``colour`` (white unless given) from ``left``, by default over a glyph's whole box."""
    return f"q {colour} {left:.2f} {bottom} {width} {height} {operator} Q "


def _scanned(tmp_path, content: str):
    return scanned_layer([_page(tmp_path, WORDS + content)])


@pytest.mark.parametrize("colour", ["1 g", "1 1 1 rg", "0 0 0 0 k", "0.1 0.2 0.8 rg", "0 g", "0 0 0 1 k"],
                         ids=["white", "white rgb", "no ink", "blue", "black", "black ink"])
def test_an_opaque_fill_over_one_digit_of_an_amount_makes_the_text_layer_doubtful(tmp_path, colour):
    assert _scanned(tmp_path, AMOUNT + _fill(TWO, colour=colour)) == FILLED_OVER


@pytest.mark.parametrize("operator", ["re f", "re F", "re f*", "re B", "re b*"])
def test_each_operator_that_fills_a_path_counts(tmp_path, operator):
    assert _scanned(tmp_path, AMOUNT + _fill(TWO, colour="1 g 0 w", operator=operator)) == FILLED_OVER
    # B and b* stroke the box's edges too, black and a point wide unless told (above, 0: the thinnest line, which
    # hides nothing), over the digit's edges: both paint over it, and the reason names both
    assert _scanned(tmp_path, AMOUNT + _fill(TWO, operator=operator)) == (FILLED_OVER if "f" in operator.lower() else (
        "a number in the text on page 1 drawn under filled shapes and stroked lines that cover it, which paint over "
        "it: the page shows what they paint there, not the number the text says"))


def test_a_fill_drawn_as_a_path_of_lines_over_a_digit_counts(tmp_path):
    right, bottom, top = TWO + GLYPH, BASELINE - 3, BASELINE + 13
    path = f"q 1 g {TWO} {bottom} m {right} {bottom} l {right} {top} l {TWO} {top} l h f Q "
    assert _scanned(tmp_path, AMOUNT + path) == FILLED_OVER


def test_a_fill_over_a_digit_of_an_amount_drawn_glyph_by_glyph_makes_the_text_layer_doubtful(tmp_path):
    drawn, starts = _glyph_by_glyph("1,234.56")
    assert _scanned(tmp_path, drawn + _fill(starts[3], width=5.56, bottom=BASELINE - 2, height=12)) == FILLED_OVER


def test_a_fill_placed_by_a_cm_is_where_the_cm_places_it(tmp_path):
    # the unit square scaled over the "2"
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {GLYPH} 0 0 16 {TWO} {BASELINE - 3} cm 0 0 1 1 re f Q ") \
        == FILLED_OVER


def test_fills_and_images_together_over_half_a_digit_make_it_doubtful(tmp_path):
    # a fill over 30% of the "2" from its left, an image over 30% from its right: neither alone hides half of it
    image = f"q {0.3 * GLYPH} 0 0 16 {TWO + 0.7 * GLYPH:.2f} {BASELINE - 3} cm /Im Do Q "
    assert _scanned(tmp_path, AMOUNT + _fill(TWO, width=0.3 * GLYPH) + image) == (
        "a number in the text on page 1 drawn under images and filled shapes that cover it, which paint over it: "
        "the page shows what they paint there, not the number the text says")
    # two fills of 30% each alike, with the image's reason for an image alone
    assert _scanned(tmp_path, AMOUNT + _fill(TWO, width=0.3 * GLYPH) + _fill(TWO + 0.7 * GLYPH, width=0.3 * GLYPH)) \
        == FILLED_OVER
    assert _scanned(tmp_path, AMOUNT + image + image.replace(f"{TWO + 0.7 * GLYPH:.2f}", f"{TWO:.2f}")) \
        == PAINTED_OVER


@pytest.mark.parametrize("content", [
    _fill(LEFT - 2, width=70, colour="0.9 0.9 0.9 rg", bottom=BASELINE - 5, height=20) + AMOUNT,
    _fill(LEFT - 2, width=70, colour="1 g", bottom=BASELINE - 5, height=20) + AMOUNT,
    "".join(_fill(LEFT - 2 + 3 * i, width=3, colour="0.8 g") for i in range(24)) + AMOUNT,
], ids=["a shaded cell", "a white cell", "a cell shaded in strips"])
def test_a_cell_background_drawn_before_the_number_is_no_doubt(tmp_path, content):
    assert _scanned(tmp_path, content) is None


@pytest.mark.parametrize("rule", [
    _fill(LEFT - 2, width=70, colour="0 g", bottom=BASELINE - 0.5, height=0.5),  # under its baseline
    _fill(LEFT - 2, width=70, colour="0 g", bottom=BASELINE + 3, height=0.5),  # struck through
    _fill(LEFT - 2, width=70, colour="0 g", bottom=BASELINE + 3, height=0.5) * 2,  # drawn twice
    "".join(_fill(LEFT + GLYPH * i + 3, width=0.5, colour="0 g", bottom=BASELINE - 5, height=20) for i in range(8)),
], ids=["an underline", "a rule across it", "a rule drawn twice", "a rule down each digit"])
def test_thin_rules_across_a_number_are_no_doubt(tmp_path, rule):
    assert _scanned(tmp_path, AMOUNT + rule) is None


@pytest.mark.parametrize("content", [
    AMOUNT + _fill(LEFT + 8 * GLYPH + 1, width=30),  # beside it, on its line
    AMOUNT + _fill(LEFT, width=8 * GLYPH, bottom=BASELINE - 20, height=15),  # below it
    AMOUNT + _fill(TWO, width=0.4 * GLYPH),  # over less than half of a digit
    AMOUNT.replace("(1,234.56)", "(Total 12.3)") + _fill(LEFT + 6 * GLYPH),  # over "12.3": no number
    _fill(TWO) + AMOUNT,  # drawn before it: the number lies on top
], ids=["beside", "below", "a sliver", "no number", "before"])
def test_a_fill_beside_the_number_or_under_it_is_no_doubt(tmp_path, content):
    assert _scanned(tmp_path, content) is None


def _with_states(tmp_path, content: str):
    """A page of this content whose resources also name graphics states: /Faint (fill opacity 0.5), /Clear (0),
    /Multiply (a blend mode) and /Opaque (fill opacity 1), /NoStroke (stroke opacity 0), /FaintStroke (0.5) and /Wide
    (line width 8), /RoundCaps (line cap 1); and a colour space /NoInk, the colorant /None."""
    _page(tmp_path, WORDS + content)
    writer = pypdf.PdfWriter(clone_from=tmp_path / "runs.pdf")
    states = {"/Faint": {"/ca": FloatObject(0.5)}, "/Clear": {"/ca": NumberObject(0)},
              "/Multiply": {"/BM": NameObject("/Multiply")}, "/Opaque": {"/ca": NumberObject(1)},
              "/NoStroke": {"/CA": NumberObject(0)}, "/FaintStroke": {"/CA": FloatObject(0.5)},
              "/Wide": {"/LW": NumberObject(8)}, "/RoundCaps": {"/LC": NumberObject(1)}}
    writer.pages[0]["/Resources"][NameObject("/ExtGState")] = _names(
        {name: _names(entries) for name, entries in states.items()})
    writer.pages[0]["/Resources"][NameObject("/ColorSpace")] = _names({"/NoInk": ArrayObject(
        [NameObject("/Separation"), NameObject("/None"), NameObject("/DeviceGray"), NameObject("/Identity")])})
    writer.write(tmp_path / "states.pdf")
    return scanned_layer(pypdf.PdfReader(tmp_path / "states.pdf").pages)


@pytest.mark.parametrize("paint, hides", [
    ("/Faint gs 0 g", False),  # half opacity: the digit shows through, as a watermark's does
    ("/Clear gs 0 g", False),  # opacity 0: nothing is painted
    ("/NoInk cs 1 sc", False),  # the colorant /None: likewise
    ("/Multiply gs 1 1 0 rg", False),  # a highlighter's blend: the digit shows through
    ("/Faint gs /Opaque gs 1 g", True),  # opaque again
    ("/Pattern cs /P1 scn", False),  # a pattern, which may leave gaps
    ("/Pattern cs /P1 scn 0 0 0 0 k", True),  # then white in CMYK
], ids=["faint", "clear", "no colorant", "multiply", "opaque again", "pattern", "pattern then white"])
def test_a_fill_that_lets_the_digit_show_or_paints_nothing_is_no_doubt(tmp_path, paint, hides):
    assert _with_states(tmp_path, AMOUNT + _fill(TWO, colour=paint)) == (FILLED_OVER if hides else None)


def test_a_fill_with_a_curve_over_a_digit_counts_its_curve_as_straight_pieces(tmp_path):
    # a curve whose control points lie on its ends is the straight side of the box it closes: the box over the "2"
    right, bottom, top = TWO + GLYPH, BASELINE - 3, BASELINE + 13
    curve = f"q 0 g {TWO} {bottom} m {right} {bottom} l {right} {top} {right} {top} {TWO} {top} c h f Q "
    assert _scanned(tmp_path, AMOUNT + curve) == FILLED_OVER


def _followed(tmp_path, content: str) -> _Painting:
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, content))
    return painting


def test_thousands_of_small_fills_take_work_in_proportion_to_them(tmp_path, monkeypatch):
    # a table: a header of words, then many small cell backgrounds drawn after it (beside its text) and rules
    # across its words, the figures drawn on them, then one white fill over a digit of the last; doubling the fills
    # doubles the work, never more, and the page stays within a page's allowance
    page_allowance = _work._WORK_PER_PAGE

    def spent(count: int, allowance: int = 10_000_000) -> _Painting:
        monkeypatch.setattr(_work, "_WORK_PER_PAGE", allowance, raising=False)
        cells = "".join(_fill(20 + (i % 50) * 11, width=10, colour="0.9 g", bottom=20 + (i // 50) * 0.18,
                              height=0.15) for i in range(count))
        rules = "".join(_fill(90, width=200, colour="0 g", bottom=700 - 14 * (i % 20) - 1, height=0.3)
                        for i in range(count // 10))
        painting = _followed(tmp_path, WORDS + cells + rules + AMOUNT + _fill(TWO))
        assert painting.number_painted_over and not painting.too_much
        return painting

    assert spent(2000).spent < 2.2 * spent(1000).spent
    spent(2000, allowance=page_allowance)


def test_small_fills_among_thousands_of_runs_take_the_work_of_their_own_lines(tmp_path, monkeypatch):
    # two columns of lines drawn a glyph per Tj, then a QR code drawn a module at a time between them (within the
    # box all the text lies in, over none of it), then a white fill over a digit: each module is compared with the
    # runs of its own lines, not with all of them, so doubling the modules doubles the work and the page stays
    # within a page's allowance (compared with every run, 2000 modules take more than it)
    page_allowance = _work._WORK_PER_PAGE
    columns = "".join(_glyph_by_glyph("Item 1234.56 each", left=left, baseline=780 - 9 * row, size=8)[0]
                      for row in range(70) for left in (40, 420))

    def followed(count: int, allowance: int = 10_000_000) -> _Painting:
        monkeypatch.setattr(_work, "_WORK_PER_PAGE", allowance, raising=False)
        modules = "".join(f"{200 + (i % 50) * 2} {300 + (i // 50) * 2} 1.5 1.5 re f " for i in range(count))
        painting = _followed(tmp_path, WORDS + columns + "0 g " + modules + AMOUNT + _fill(TWO))
        assert painting.number_painted_over and not painting.too_much
        return painting

    assert len(followed(1000)._runs) > 2000
    assert followed(2000).spent < 2.2 * followed(1000).spent
    followed(2000, allowance=page_allowance)


def test_an_image_drawn_again_in_place_covers_the_text_drawn_since_not_again_what_it_covered(tmp_path):
    # an image over 60% of where the "2" will be, drawn before the amount (which lies on it), then again in place
    image = f"q {0.6 * GLYPH} 0 0 16 {TWO:.2f} {BASELINE - 3} cm /Im Do Q "
    assert _scanned(tmp_path, image + AMOUNT) is None
    assert _scanned(tmp_path, image + AMOUNT + image) == PAINTED_OVER
    # over 30% of the "2", drawn twice after it: the one image, which hides no half of it
    third = image.replace(f"{0.6 * GLYPH}", f"{0.3 * GLYPH}")
    assert _scanned(tmp_path, AMOUNT + third + third) is None
