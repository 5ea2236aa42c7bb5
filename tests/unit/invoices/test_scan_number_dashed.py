"""A dashed line (d, a graphics state's /D) stroked over a number covers its dashes alone (ISO 32000-1 8.4.3.6): the
pattern runs along each subpath, across its corners, from its phase, and starts again at each subpath; an array of
odd length repeats; each dash has the line's caps. A dashed rule whose dashes miss the digits is no doubt, one whose
dash lies on a digit is. The pattern is kept per q ... Q; an empty array, or one all zeros, strokes solid; a
malformed one (a negative length, no array, no numbers) leaves the pattern as it was."""

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject  # noqa: E402

from client.invoices._pdf_text import _work, scanned_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402
from client.invoices._pdf_text._text_layer import PageContents  # noqa: E402

from .test_run_widths import _names, _page  # noqa: E402
from .test_scan_forms import NEEDS_MORE_WORK  # noqa: E402
from .test_scan_number_filled_over import AMOUNT, BASELINE, GLYPH, LEFT  # noqa: E402
from .test_scan_number_painted_over import WORDS  # noqa: E402
from .test_scan_number_stroked_over import STROKED_OVER  # noqa: E402

CENTRE = BASELINE + 4.8  # halfway up the digits' boxes
# "1,234.56": a glyph each 7.2 wide from x 100; the comma is the second, the point the sixth. A white line 16 wide
# (over the glyphs' whole height) from the comma's left to the point's right, butt capped
ACROSS = f"{LEFT + GLYPH:.2f} {CENTRE:.2f} m {LEFT + 6 * GLYPH:.2f} {CENTRE:.2f} l"
# dashes a glyph long, three glyphs apart: from phase 0 over the comma and the point alone; from a phase of three
# glyphs (into the gap, a glyph before its end), over the "2" and past the line's end
MISSING = f"[{GLYPH} {3 * GLYPH:.1f}] 0 d"
ON_THE_TWO = f"[{GLYPH} {3 * GLYPH:.1f}] {3 * GLYPH:.1f} d"


def _line(dash: str, path: str = ACROSS, more: str = "") -> str:
    return f"q 1 G 16 w {more}{dash} {path} S Q "


def _scanned(tmp_path, content: str):
    return scanned_layer([_page(tmp_path, WORDS + content)])


def test_a_dashed_line_whose_dashes_miss_the_digits_is_no_doubt_and_one_whose_dash_lies_on_one_is(tmp_path):
    assert _scanned(tmp_path, AMOUNT + _line("")) == STROKED_OVER  # solid, over all of it
    assert _scanned(tmp_path, AMOUNT + _line(MISSING)) is None
    assert _scanned(tmp_path, AMOUNT + _line(ON_THE_TWO)) == STROKED_OVER


def test_the_pattern_runs_on_across_a_corner_and_starts_again_at_each_subpath(tmp_path):
    # from below the comma up to the line, then along it: the first dash (a glyph of the 14.4 up) ends below the
    # digits, the next (28.8 along the path) starts 14.4 along the line, over the "3", which it hides
    up = f"{LEFT + GLYPH:.2f} {CENTRE - 14.4:.2f} m {LEFT + GLYPH:.2f} {CENTRE:.2f} l {LEFT + 6 * GLYPH:.2f} {CENTRE:.2f} l"
    assert _scanned(tmp_path, AMOUNT + _line(f"[{GLYPH} 21.6] 0 d", up)) == STROKED_OVER
    # the same line as a subpath of its own after another: its dashes start from the phase again, over the comma and
    # the point
    other = f"{LEFT - 50:.2f} 100 m {LEFT - 40.4:.2f} 100 l "
    assert _scanned(tmp_path, AMOUNT + _line(MISSING, other + ACROSS)) is None


def test_an_array_of_odd_length_repeats_and_the_phase_shifts_where_it_starts(tmp_path):
    # [7.2] is 7.2 on, 7.2 off: from the comma, over the comma, the "3" and the point
    assert _scanned(tmp_path, AMOUNT + _line(f"[{GLYPH}] 0 d")) == STROKED_OVER
    # a phase of 28.8 is the pattern once round: as 0
    assert _scanned(tmp_path, AMOUNT + _line(f"[{GLYPH} {3 * GLYPH:.1f}] {4 * GLYPH:.1f} d")) is None
    # a negative phase counts back into the pattern: -28.8 as 0, -7.2 as 21.6
    assert _scanned(tmp_path, AMOUNT + _line(f"[{GLYPH} {3 * GLYPH:.1f}] -{4 * GLYPH:.1f} d")) is None
    assert _scanned(tmp_path, AMOUNT + _line(f"[{GLYPH} {3 * GLYPH:.1f}] -{GLYPH} d")) == STROKED_OVER


def test_each_dash_has_the_lines_caps(tmp_path):
    # a dash of no length, 25.2 along the line (its phase 3.6 into a gap of 28.8): a round cap makes it a dot 16
    # across over the "4", a butt cap nothing; square caps reach 8 past each end of the dashes over the comma and
    # the point, over the digits beside them
    dots = f"[0 {4 * GLYPH:.1f}] {GLYPH / 2:.1f} d"
    assert _scanned(tmp_path, AMOUNT + _line(dots)) is None
    assert _scanned(tmp_path, AMOUNT + _line(dots, more="1 J ")) == STROKED_OVER
    assert _scanned(tmp_path, AMOUNT + _line(MISSING, more="2 J ")) == STROKED_OVER


def test_the_pattern_is_kept_per_q_and_set_by_a_graphics_state(tmp_path):
    assert _scanned(tmp_path, AMOUNT + f"q {MISSING} Q " + _line("")) == STROKED_OVER
    assert _scanned(tmp_path, AMOUNT + _line(f"{MISSING} q Q")) is None
    assert _with_dash(tmp_path, AMOUNT + _line("/Missing gs")) is None
    assert _with_dash(tmp_path, AMOUNT + _line("/OnTheTwo gs")) == STROKED_OVER


@pytest.mark.parametrize("then", ["[] 0 d", "[0 0] 0 d", "[0] 5 d"], ids=["empty", "zeros", "one zero"])
def test_an_empty_array_or_one_of_zeros_strokes_solid(tmp_path, then):
    assert _scanned(tmp_path, AMOUNT + _line(MISSING)) is None
    assert _scanned(tmp_path, AMOUNT + _line(f"{MISSING} {then}")) == STROKED_OVER


@pytest.mark.parametrize("malformed", [
    "[-1 2] 0 d", "[(7) 2] 0 d", "[/A] 0 d", "(7) 0 d", "[7 2] (0) d", "[7 2] d", "d",
    "[[7] 2] 0 d",
], ids=["negative length", "string length", "name length", "no array", "string phase",
        "no phase", "nothing", "array in array"])
def test_a_malformed_pattern_leaves_the_pattern_as_it_was(tmp_path, malformed):
    assert _scanned(tmp_path, AMOUNT + _line(f"{MISSING} {malformed}")) is None  # dashed still
    assert _scanned(tmp_path, AMOUNT + _line(malformed)) == STROKED_OVER  # solid still


def _with_dash(tmp_path, content: str):
    """A page whose resources name graphics states /Missing and /OnTheTwo setting the two patterns, and /Bad one
    whose /D is no pattern."""
    _page(tmp_path, WORDS + content)
    writer = pypdf.PdfWriter(clone_from=tmp_path / "runs.pdf")

    def dash(lengths, phase) -> ArrayObject:
        return ArrayObject([ArrayObject([FloatObject(length) for length in lengths]), FloatObject(phase)])

    states = {"/Missing": {"/D": dash([GLYPH, 3 * GLYPH], 0)}, "/OnTheTwo": {"/D": dash([GLYPH, 3 * GLYPH], 3 * GLYPH)},
              "/Bad": {"/D": ArrayObject([TextStringObject("x"), NumberObject(0)])}}
    writer.pages[0]["/Resources"][NameObject("/ExtGState")] = _names(
        {name: _names(entries) for name, entries in states.items()})
    writer.write(tmp_path / "states.pdf")
    return scanned_layer(pypdf.PdfReader(tmp_path / "states.pdf").pages)


def test_a_graphics_state_whose_dash_is_malformed_leaves_the_pattern_as_it_was(tmp_path):
    assert _with_dash(tmp_path, AMOUNT + _line("/Missing gs /Bad gs")) is None
    assert _with_dash(tmp_path, AMOUNT + _line("/Bad gs")) == STROKED_OVER


def _followed(tmp_path, content: str) -> _Painting:
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, WORDS + content))
    return painting


def test_a_pattern_of_tiny_dashes_is_counted_a_dash_at_a_time_and_stays_within_the_allowance(tmp_path,
                                                                                             monkeypatch):
    # dashes a hundredth of a point long along the foot of the amount (a third of its digits' height): 10 times as
    # many dashes take some 10 times the work
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", 10_000_000, raising=False)
    coarse = _followed(tmp_path, AMOUNT + _line("[0.1 0.2] 0 d", f"{LEFT:.2f} 395 m {LEFT + 6 * GLYPH:.2f} 395 l"))
    fine = _followed(tmp_path, AMOUNT + _line("[0.01 0.02] 0 d", f"{LEFT:.2f} 395 m {LEFT + 6 * GLYPH:.2f} 395 l"))
    assert not fine.too_much and 5 * coarse.spent < fine.spent < 12 * coarse.spent
    # across the page, a thousandth of a point long, over the amount: more than a page allows, doubted for that
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", 200_000, raising=False)
    said = _scanned(tmp_path, AMOUNT + _line("[0.001 0.001] 0 d", f"0 {CENTRE:.2f} m 600 {CENTRE:.2f} l"))
    assert said is not None and said.startswith(NEEDS_MORE_WORK)
    # a long array is read at its cost, and a dash far from the text costs nothing over it
    long_array = "[" + " ".join(["0.5"] * 2000) + "] 0 d"
    assert _scanned(tmp_path, AMOUNT + _line(long_array, f"{LEFT:.2f} 100 m {LEFT + 500:.2f} 100 l")) is None
