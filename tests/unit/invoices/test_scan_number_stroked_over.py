"""A line stroked in an opaque paint over a digit of a number the text layer says hides that digit as a filled shape
does: a thick white line leaves a blank where the text layer says the digit, a coloured one paints over it. Each
straight segment covers the rectangle of its length and the line width (in user space, scaled by the matrix), the
segments of one line counted once where they overlap; caps count as the line cap says, joins are left out. A curve,
filled or stroked, is measured as straight pieces: a white disc over a digit hides it as a white box does. Thin rules
across a number, lines and curves beside it, and strokes that let what lies under them show or paint nothing are no
doubt."""

import random

import pytest

pytest.importorskip("pypdf")

from client.invoices._pdf_text import scanned_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402
from client.invoices._pdf_text._text_layer import PageContents  # noqa: E402
from client.invoices._pdf_text._work import _STROKED_NEAR_STEPS, _STROKED_PIECE_STEPS  # noqa: E402

from .test_run_widths import _page  # noqa: E402
from .test_scan_number_filled_over import (AMOUNT, BASELINE, FILLED_OVER, GLYPH, LEFT, TWO, _fill,  # noqa: E402
                                           _with_states)
from .test_scan_number_painted_over import WORDS  # noqa: E402

STROKED_OVER = ("a number in the text on page 1 drawn under a stroked line that covers it, which paints over it: the "
                "page shows what the line paints there, not the number the text says")
# the "2" of "1,234.56": its box from x TWO to TWO + 7.2, from 2.4 below the baseline to 12 above it; a line down its
# middle from below it to above it
MIDDLE, BELOW, ABOVE = TWO + GLYPH / 2, BASELINE - 8, BASELINE + 18
DOWN_THE_TWO = f"{MIDDLE:.2f} {BELOW} m {MIDDLE:.2f} {ABOVE} l"


def _line(width: float, colour: str = "1 G", path: str = DOWN_THE_TWO, operator: str = "S") -> str:
    """A line stroked in ``colour`` (white unless given), by default down the middle of the "2"."""
    return f"q {colour} {width} w {path} {operator} Q "


def _scanned(tmp_path, content: str):
    return scanned_layer([_page(tmp_path, WORDS + content)])


def _circle(x: float, y: float, radius: float) -> str:
    """A circle as four Bezier curves (c), anticlockwise from its right, closed."""
    k = 0.5523 * radius
    return (f"{x + radius:.2f} {y:.2f} m {x + radius:.2f} {y + k:.2f} {x + k:.2f} {y + radius:.2f} {x:.2f} "
            f"{y + radius:.2f} c {x - k:.2f} {y + radius:.2f} {x - radius:.2f} {y + k:.2f} {x - radius:.2f} {y:.2f} c "
            f"{x - radius:.2f} {y - k:.2f} {x - k:.2f} {y - radius:.2f} {x:.2f} {y - radius:.2f} c {x + k:.2f} "
            f"{y - radius:.2f} {x + radius:.2f} {y - k:.2f} {x + radius:.2f} {y:.2f} c h")


CENTRE = BASELINE + 4.8  # halfway up the "2"'s box


@pytest.mark.parametrize("colour", ["1 G", "1 1 1 RG", "0 0 0 0 K", "/DeviceGray CS 1 SC", "0 G", "0.1 0.2 0.8 RG"],
                         ids=["white", "white rgb", "no ink", "white in a space", "black", "blue"])
def test_a_thick_stroke_over_a_digit_of_an_amount_makes_the_text_layer_doubtful(tmp_path, colour):
    assert _scanned(tmp_path, AMOUNT + _line(8, colour)) == STROKED_OVER


def test_a_thick_white_line_across_the_amount_makes_the_text_layer_doubtful(tmp_path):
    assert _scanned(tmp_path, AMOUNT + f"q 1 G 20 w {LEFT} 405 m {LEFT + 60} 405 l S Q ") == STROKED_OVER


@pytest.mark.parametrize("operator", ["S", "s", "B", "B*", "b", "b*"])
def test_each_operator_that_strokes_a_path_counts(tmp_path, operator):
    # the path is a line: what B and b fill of it has no area, and the stroke alone covers the digit
    assert _scanned(tmp_path, AMOUNT + _line(8, operator=operator)) == STROKED_OVER


@pytest.mark.parametrize("closing", ["s", "h S", "b", "h B"])
def test_the_segment_that_closes_a_subpath_is_stroked(tmp_path, closing):
    # below the amount, out to its left, above it, then back down the "2": only closing the path draws that last side
    # (what b and B fill, in a pattern, counts for nothing)
    path = f"{MIDDLE:.2f} {BELOW} m 30 {BELOW} l 30 {ABOVE} l {MIDDLE:.2f} {ABOVE} l"
    assert _scanned(tmp_path, AMOUNT + f"q /Pattern cs /P1 scn 1 G 8 w {path} S Q ") is None
    assert _scanned(tmp_path, AMOUNT + f"q /Pattern cs /P1 scn 1 G 8 w {path} {closing} Q ") == STROKED_OVER


@pytest.mark.parametrize("rule", [
    f"{LEFT - 2} {BASELINE - 1} m {LEFT + 70} {BASELINE - 1} l",  # under its baseline
    f"{LEFT - 2} {BASELINE + 3} m {LEFT + 70} {BASELINE + 3} l",  # struck through
    f"{LEFT - 2} {BASELINE - 3} 72 16 re",  # a box round it
    DOWN_THE_TWO,  # down a digit
], ids=["underline", "struck through", "box round it", "down a digit"])
def test_a_thin_rule_across_a_number_is_no_doubt_where_a_thick_one_is(tmp_path, rule):
    assert _scanned(tmp_path, AMOUNT + _line(0.5, "0 G", rule)) is None
    assert _scanned(tmp_path, AMOUNT + _line(12, "0 G", rule)) == STROKED_OVER


def test_a_line_of_width_0_is_the_thinnest_and_hides_nothing(tmp_path):
    assert _scanned(tmp_path, AMOUNT + _line(0)) is None
    assert _scanned(tmp_path, AMOUNT + _line(8)) == STROKED_OVER


def _scaled_line(matrix: str, width: float) -> str:
    """A white line down the "2" drawn under a ``cm`` of this scaling (``a 0 0 d 0 0``), ``width`` wide before it."""
    a, _, _, d, _, _ = (float(value) for value in matrix.split())
    return (f"q 1 G {matrix} cm {width} w {MIDDLE / a:.4f} {BELOW / d:.4f} m {MIDDLE / a:.4f} {ABOVE / d:.4f} l "
            "S Q ")


@pytest.mark.parametrize("wide, thin", [
    ("10 0 0 10 0 0", "0.1 0 0 0.1 0 0"),  # scaled up (0.8 is 8 points wide), scaled down (5 is half a point)
    ("10 0 0 1 0 0", "1 0 0 10 0 0"),  # stretched across the line (8 points), along it (still 0.8)
], ids=["scaled", "stretched"])
def test_the_line_width_is_in_user_space_and_scaled_by_the_matrix(tmp_path, wide, thin):
    assert _scanned(tmp_path, AMOUNT + _scaled_line(wide, 0.8)) == STROKED_OVER
    assert _scanned(tmp_path, AMOUNT + _scaled_line(thin, 5 if thin.startswith("0.1") else 0.8)) is None


def test_the_line_width_is_kept_per_q_and_set_by_a_graphics_state(tmp_path):
    assert _scanned(tmp_path, AMOUNT + f"q 8 w Q q 1 G {DOWN_THE_TWO} S Q ") is None  # 1, the initial width
    assert _with_states(tmp_path, AMOUNT + f"q /Wide gs 1 G {DOWN_THE_TWO} S Q ") == STROKED_OVER


def test_a_line_drawn_back_over_itself_counts_once(tmp_path):
    # 3 points wide, down the "2" and back eight times: it covers 42% of the digit however often it is drawn (added
    # up, 3.3 times that); twice as wide, 83%
    there_and_back = DOWN_THE_TWO + f" {MIDDLE:.2f} {BELOW} l {MIDDLE:.2f} {ABOVE} l" * 8
    assert _scanned(tmp_path, AMOUNT + _line(3, path=there_and_back)) is None
    assert _scanned(tmp_path, AMOUNT + _line(6, path=there_and_back)) == STROKED_OVER


def test_a_stroke_drawn_before_the_number_or_clipped_away_is_no_doubt(tmp_path):
    assert _scanned(tmp_path, _line(8) + AMOUNT) is None  # the number lies on top
    assert _scanned(tmp_path, AMOUNT + "q 0 0 10 10 re W n " + _line(8) + "Q ") is None
    assert _scanned(tmp_path, AMOUNT + _line(8)) == STROKED_OVER


@pytest.mark.parametrize("paint", ["/Pattern CS /P1 SCN", "/NoStroke gs 1 G", "/FaintStroke gs 0 G",
                                   "/Multiply gs 0 G", "/NoInk CS 1 SC"],
                         ids=["pattern", "stroke opacity 0", "stroke opacity 0.5", "multiply", "no colorant"])
def test_a_stroke_in_a_pattern_or_that_lets_the_digit_show_is_no_doubt(tmp_path, paint):
    assert _with_states(tmp_path, AMOUNT + f"q 1 G {paint} 8 w {DOWN_THE_TWO} S Q ") is None
    assert _with_states(tmp_path, AMOUNT + f"q 1 G 8 w {DOWN_THE_TWO} S Q ") == STROKED_OVER  # the same line, opaque


@pytest.mark.parametrize("paint", ["/Clear gs", "/Pattern cs /P1 scn", "/NoInk cs 1 sc"],
                         ids=["fill opacity 0", "fill in a pattern", "fill of no colorant"])
def test_what_the_fill_is_says_nothing_of_the_stroke(tmp_path, paint):
    assert _with_states(tmp_path, AMOUNT + f"q {paint} 1 G 8 w {DOWN_THE_TWO} S Q ") == STROKED_OVER


def test_strokes_fills_and_images_together_are_named_in_the_reason(tmp_path):
    # a white line down the right of the "2" (30% of it) and a white box over its left 30%: neither alone is half
    line = _line(0.3 * GLYPH, path=f"{TWO + 0.85 * GLYPH:.2f} {BELOW} m {TWO + 0.85 * GLYPH:.2f} {ABOVE} l")
    box = _fill(TWO, width=0.3 * GLYPH)
    assert _scanned(tmp_path, AMOUNT + line) is None
    assert _scanned(tmp_path, AMOUNT + line + box) == (
        "a number in the text on page 1 drawn under filled shapes and stroked lines that cover it, which paint over "
        "it: the page shows what they paint there, not the number the text says")
    image = f"q {0.3 * GLYPH:.2f} 0 0 16 {TWO:.2f} {BASELINE - 3} cm /Im Do Q "
    assert _scanned(tmp_path, AMOUNT + line + image + _fill(TWO + 0.35 * GLYPH, width=0.1 * GLYPH)) == (
        "a number in the text on page 1 drawn under images, filled shapes and stroked lines that cover it, which "
        "paint over it: the page shows what they paint there, not the number the text says")


@pytest.mark.parametrize("colour", ["1 g", "0 g"], ids=["white", "black"])
def test_a_filled_circle_over_a_digit_makes_the_text_layer_doubtful(tmp_path, colour):
    assert _scanned(tmp_path, AMOUNT + f"q {colour} {_circle(MIDDLE, CENTRE, 8)} f Q ") == FILLED_OVER


def test_a_filled_circle_over_less_than_half_a_digit_is_no_doubt(tmp_path):
    # radius 4: 50 square points of the digit's 104
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(MIDDLE, CENTRE, 4)} f Q ") is None
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(MIDDLE, CENTRE, 6)} f Q ") == FILLED_OVER


def test_a_rounded_box_drawn_with_v_and_y_over_a_digit_makes_the_text_layer_doubtful(tmp_path):
    left, right, bottom, top = TWO - 2, TWO + GLYPH + 2, BASELINE - 4, BASELINE + 14
    shape = (f"{left:.2f} {bottom} m {right:.2f} {bottom} l {right + 4:.2f} {CENTRE} {right:.2f} {top} v "
             f"{left:.2f} {top} l {left - 4:.2f} {CENTRE} {left:.2f} {bottom} y h")
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {shape} f Q ") == FILLED_OVER


def test_a_curved_fill_beside_the_number_is_no_doubt(tmp_path):
    beside = LEFT + 8 * GLYPH + 12  # the circle's left 4 points past the amount's end
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(beside + 8, CENTRE, 8)} f Q ") is None
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(beside + 8, CENTRE + 40, 30)} f Q ") is None  # above it
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(MIDDLE, CENTRE, 8)} f Q ") == FILLED_OVER


def test_a_ring_stroked_over_a_digit_makes_the_text_layer_doubtful(tmp_path):
    # a circle of radius 4 stroked 8 wide paints a disc of radius 8 over the "2"; 1 wide, a thin ring
    assert _scanned(tmp_path, AMOUNT + _line(1, path=_circle(MIDDLE, CENTRE, 4))) is None
    assert _scanned(tmp_path, AMOUNT + _line(8, path=_circle(MIDDLE, CENTRE, 4))) == STROKED_OVER


def _scribble(curves: int, x: float = 300, y: float = 50, width: float = 200, height: float = 100) -> str:
    """A path of this many curves at random within a box (below the words and the amount by default), as vector art
    draws a logo or a signature."""
    chosen = random.Random(curves)
    points = (f"{x + chosen.random() * width:.2f} {y + chosen.random() * height:.2f}" for _ in range(3 * curves))
    return f"{x} {y} m " + " ".join(f"{a} {b} {c} c" for a, b, c in zip(points, points, points))


def _followed(tmp_path, content: str) -> _Painting:
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, WORDS + content))
    return painting


@pytest.mark.parametrize("paint", ["0 G 0.5 w {} S", "0 g {} f", "0 g {} B"], ids=["stroked", "filled", "both"])
def test_curves_drawn_away_from_the_text_are_passed_over_unflattened(tmp_path, paint):
    # a step a control point (each measured for a fill and for a stroke) and one an operator: flattening 2,000
    # curves (8 pieces each, a step a piece at the least) would take 16,000 more
    painting = _followed(tmp_path, AMOUNT + f"q {paint.format(_scribble(2_000))} Q ")
    assert not painting.too_much and painting.spent - painting.parsing < 8 * 2_000


def test_a_line_stroked_near_the_text_counts_each_piece_at_its_cost(tmp_path):
    # the same curves over the amount: each piece built, looked for and measured over the digits
    painting = _followed(tmp_path, AMOUNT + f"q 0 G 0.3 w {_scribble(500, LEFT, BASELINE - 3, 60, 16)} S Q ")
    assert painting.spent > 500 * 8 * (_STROKED_PIECE_STEPS + _STROKED_NEAR_STEPS)


def test_large_vector_art_away_from_the_amount_is_no_doubt(tmp_path):
    # 12,000 curves filled and stroked below the text: checked within the page's allowance
    assert _scanned(tmp_path, AMOUNT + f"q 0 g {_scribble(12_000)} B Q ") is None


def test_a_line_stroked_again_in_place_adds_nothing(tmp_path):
    # a point wide, 14% of the "2" each time: four times in place is the one line, four apart (strips) are 56% of it
    assert _scanned(tmp_path, AMOUNT + _line(1) * 4) is None
    apart = "".join(_line(1, path=f"{TWO + x:.2f} {BELOW} m {TWO + x:.2f} {ABOVE} l") for x in (0.6, 2.4, 4.2, 6.0))
    assert _scanned(tmp_path, AMOUNT + apart) == STROKED_OVER


def test_a_cell_border_stroked_as_each_neighbours_side_counts_once(tmp_path):
    # two cells side by side, their shared side down the middle of the "2", each stroked 2 wide (28% of it): the
    # second draws it the other way along
    cells = (f"{MIDDLE - 30:.2f} {BELOW} 30 {ABOVE - BELOW} re", f"{MIDDLE:.2f} {BELOW} 30 {ABOVE - BELOW} re")
    assert _scanned(tmp_path, AMOUNT + "".join(_line(2, "0 G", cell) for cell in cells)) is None
    assert _scanned(tmp_path, AMOUNT + _line(4, "0 G", cells[0])) == STROKED_OVER


def test_a_line_stroked_again_over_text_drawn_since_covers_it(tmp_path):
    # the line drawn before the amount lies under it; drawn again in place after it, it covers it
    assert _scanned(tmp_path, _line(8) + AMOUNT) is None
    assert _scanned(tmp_path, _line(8) + AMOUNT + _line(8)) == STROKED_OVER


def test_a_shape_filled_again_in_place_adds_nothing(tmp_path):
    # a white box over 30% of the "2", filled twice; beside it, over another 30%, it hides it
    box = _fill(TWO, width=0.3 * GLYPH)
    assert _scanned(tmp_path, AMOUNT + box + box) is None
    assert _scanned(tmp_path, AMOUNT + box + _fill(TWO + 0.4 * GLYPH, width=0.3 * GLYPH)) == FILLED_OVER


@pytest.mark.parametrize("dot", [
    f"1 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m {MIDDLE:.2f} {CENTRE:.2f} l",  # a round dot 20 across
    f"1 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m h",  # the same, a closed point
    f"2 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m {MIDDLE + 0.01:.2f} {CENTRE:.2f} l",  # a square 20 across
    f"1 J 16 w {MIDDLE - 0.5:.2f} {CENTRE:.2f} m {MIDDLE + 0.5:.2f} {CENTRE:.2f} l",  # a point long, round ends
    f"/RoundCaps gs 20 w {MIDDLE:.2f} {CENTRE:.2f} m h",  # the cap a graphics state sets
], ids=["round dot", "round closed point", "square cap", "round caps", "state's cap"])
def test_a_stroke_whose_caps_cover_a_digit_makes_the_text_layer_doubtful(tmp_path, dot):
    assert _with_states(tmp_path, AMOUNT + f"q 1 G {dot} S Q ") == STROKED_OVER


@pytest.mark.parametrize("dot", [
    f"0 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m {MIDDLE:.2f} {CENTRE:.2f} l",  # a butt cap on no length paints nothing
    f"2 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m h",  # nor does a square one, whose way cannot be told
    f"1 J 20 w {MIDDLE:.2f} {CENTRE:.2f} m",  # a point given alone is no subpath
    f"q 1 J Q 20 w {MIDDLE:.2f} {CENTRE:.2f} m h",  # the cap is kept per q
    f"1 J 4 w {MIDDLE:.2f} {CENTRE:.2f} m h",  # a round dot 4 across covers 12 of the digit's 104 square points
], ids=["butt", "square on a point", "lone point", "cap in q", "small dot"])
def test_a_stroke_whose_caps_paint_little_or_nothing_is_no_doubt(tmp_path, dot):
    assert _with_states(tmp_path, AMOUNT + f"q 1 G {dot} S Q ") is None


@pytest.mark.parametrize("width", [10 ** 9, 10 ** 30], ids=["1e9", "1e30"])
def test_a_line_too_wide_to_place_is_taken_to_cover_the_page(tmp_path, width):
    # a white line across the amount, wider than any page measures: where its sides lie cannot be told
    assert _scanned(tmp_path, AMOUNT + f"q 1 G {width} w {LEFT} 405 m {LEFT + 60} 405 l S Q ") == STROKED_OVER
    # under a clip away from the text it covers none of it
    assert _scanned(tmp_path, AMOUNT + f"q 0 0 10 10 re W n 1 G {width} w {LEFT} 405 m {LEFT + 60} 405 l S Q ") is None


def test_a_filled_circle_over_a_digit_counts_whatever_else_its_path_draws_away_from_the_text(tmp_path):
    # the circle's 32 edges and six small curves below the text (72 more): those meet no run, and are left out before
    # the edges are counted against the 64 a shape is measured by
    curls = " ".join(f"{300 + 10 * i} 50 m {301 + 10 * i} 52 {302 + 10 * i} 50 {303 + 10 * i} 52 c" for i in range(6))
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(MIDDLE, CENTRE, 8)} {curls} f Q ") == FILLED_OVER
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_circle(MIDDLE, CENTRE, 8)} {curls} f* Q ") == FILLED_OVER
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {curls} f Q ") is None
    # drawn in black over a page with a picture, the whole path is too many edges to lay white text on: the text's
    # part of it still counts
    picture = "q 20 0 0 20 300 300 cm /Im Do Q "
    assert _scanned(tmp_path, picture + AMOUNT + f"q 0 g {_circle(MIDDLE, CENTRE, 8)} {curls} f Q ") == FILLED_OVER


@pytest.mark.parametrize("width", ["(8)", "<38>", "/Eight", "[8]"], ids=["string", "hex string", "name", "array"])
def test_a_width_given_as_no_number_leaves_the_width_as_it_was(tmp_path, width):
    assert _scanned(tmp_path, AMOUNT + f"q 1 G {width} w {DOWN_THE_TWO} S Q ") is None  # 1, the initial width
    assert _scanned(tmp_path, AMOUNT + f"q 1 G 8 w {width} w {DOWN_THE_TWO} S Q ") == STROKED_OVER
