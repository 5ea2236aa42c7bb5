"""A number drawn glyph by glyph, each digit its own Tj placed where the one before ends (as software that positions
every glyph writes it), is one number in the text layer: pypdf reads runs on one line that follow one another with
no space's gap between them as one word. An opaque image over half a digit of it makes the text layer doubtful as it
does for a number drawn in one Tj; runs a gap wider than a space apart (table cells, words) stay apart."""

import pytest

pypdf = pytest.importorskip("pypdf")

from client.invoices._pdf_text import PageContents, _work, scanned_layer, text_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402

from .test_run_widths import _page  # noqa: E402
from .test_scan_number_painted_over import PAINTED_OVER, WORDS  # noqa: E402

# Helvetica's advances in thousandths of an em, as software laying out each glyph places them; the check, given no
# /Widths, takes each byte at 0.6 em, so a glyph drawn after a full stop starts before the check's end of it
ADVANCE = {".": 278, ",": 278, " ": 278}
SIZE, LEFT, BASELINE = 10, 100.0, 400.0


def _glyph_by_glyph(text: str, left: float = LEFT, baseline: float = BASELINE, size: float = SIZE,
                    order=None) -> tuple[str, list[float]]:
    """Content drawing ``text`` one Tj a glyph, each placed by a Tm where the glyph before it ends (in the ``order``
    of its glyphs given, from the first on, where not), and where each glyph starts."""
    starts, x = [], left
    for character in text:
        starts.append(x)
        x += ADVANCE.get(character, 556) * size / 1000
    shown = "".join(f"1 0 0 1 {starts[i]:.2f} {baseline} Tm ({text[i]}) Tj "
                    for i in (order if order is not None else range(len(text))))
    return f"BT /Helvetica {size} Tf {shown}ET ", starts


def _image(left: float, width: float = 6, baseline: float = BASELINE) -> str:
    """An opaque image over a glyph of 10 points from ``left``, from below its baseline to above its em."""
    return f"q {width} 0 0 12 {left:.2f} {baseline - 2} cm /Im Do Q "


def _scanned(tmp_path, content: str):
    return scanned_layer([_page(tmp_path, WORDS + content)])


AMOUNT = "1,234.56"


@pytest.mark.parametrize("digit", [0, 3, 7], ids=["its first digit", "a digit amid it", "its last fen"])
def test_an_amount_drawn_glyph_by_glyph_under_an_image_over_one_digit_is_doubted(tmp_path, digit):
    drawn, starts = _glyph_by_glyph(AMOUNT)
    page = _page(tmp_path, WORDS + drawn + _image(starts[digit]))
    assert AMOUNT in text_layer([page])[0]  # the text layer reads it as one number
    assert scanned_layer([page]) == PAINTED_OVER


def test_the_same_amount_drawn_in_one_tj_is_doubted_alike(tmp_path):
    _, starts = _glyph_by_glyph(AMOUNT)
    assert _scanned(tmp_path, f"BT /Helvetica 10 Tf {LEFT} {BASELINE} Td ({AMOUNT}) Tj ET " + _image(starts[3])) \
        == PAINTED_OVER


def test_an_amount_drawn_glyph_by_glyph_with_nothing_over_it_is_no_doubt(tmp_path):
    drawn, starts = _glyph_by_glyph(AMOUNT)
    assert _scanned(tmp_path, drawn) is None
    # nor with an image beside it, or over less than half of a digit
    assert _scanned(tmp_path, drawn + _image(starts[-1] + 8)) is None
    assert _scanned(tmp_path, drawn + _image(starts[3], width=2)) is None


def test_an_image_drawn_before_the_rest_of_the_number_is_drawn_still_hides_a_digit_of_it(tmp_path):
    # "12" alone is no number: it becomes one as "34.56" is drawn on after the image over its "2"
    first, starts = _glyph_by_glyph("12")
    rest, _ = _glyph_by_glyph("34.56", left=starts[-1] + 5.56)
    assert _scanned(tmp_path, first + _image(starts[1]) + rest) == PAINTED_OVER


def test_digits_drawn_right_to_left_are_read_in_the_order_drawn_and_doubted(tmp_path):
    # pypdf reads runs in the order they are drawn, one on from another that starts before it ends: the text layer
    # says 65.4321 here, whatever the page shows there
    drawn, starts = _glyph_by_glyph("1234.56", order=range(6, -1, -1))
    page = _page(tmp_path, WORDS + drawn + _image(starts[2]))
    assert "65.4321" in text_layer([page])[0]
    assert scanned_layer([page]) == PAINTED_OVER


def test_digits_in_sizes_that_alternate_are_one_number(tmp_path):
    # under the image, what the digits look like is hidden: what the text layer reads as one number is one
    drawn = "BT " + "".join(f"/Helvetica {10 if i % 2 else 9} Tf 1 0 0 1 {LEFT + i * 5.56:.2f} {BASELINE} Tm ({d}) Tj "
                            for i, d in enumerate("12345678")) + "ET "
    page = _page(tmp_path, WORDS + drawn + _image(LEFT + 2 * 5.56))
    assert "12345678" in text_layer([page])[0]
    assert scanned_layer([page]) == PAINTED_OVER


@pytest.mark.parametrize("gap", [10.0, 15.0, 40.0], ids=["an em", "an em and a half", "four ems"])
def test_numbers_in_adjacent_table_cells_are_not_joined(tmp_path, gap):
    # "12" and "34" in cells side by side, each drawn glyph by glyph: joined they would be 1234, a number; apart,
    # neither is one, and an image over a digit of one (a stamp in the cell) is no doubt
    first, starts = _glyph_by_glyph("12")
    second, _ = _glyph_by_glyph("34", left=starts[-1] + 5.56 + gap)
    page = _page(tmp_path, WORDS + first + second + _image(starts[1]))
    assert "12 34" in text_layer([page])[0]
    assert scanned_layer([page]) is None


def test_a_word_and_a_number_on_the_next_line_are_not_joined(tmp_path):
    # "No 12" then, a line below, "34" drawn from where the line above ended: lines apart are no one word
    first, starts = _glyph_by_glyph("12")
    second, _ = _glyph_by_glyph("34", left=starts[-1] + 5.56, baseline=BASELINE - 12)
    assert _scanned(tmp_path, first + second + _image(starts[1])) is None


def _followed(tmp_path, content: str) -> _Painting:
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, content))
    return painting


def test_joining_runs_takes_work_in_proportion_to_them(tmp_path, monkeypatch):
    # a line of digits one Tj each, one number, and eight images over digits of it after all of them: doubling the
    # digits doubles the work, never more (each run compared with the one before it only, each read once)
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", 10_000_000, raising=False)

    def spent(count: int) -> int:
        drawn, starts = _glyph_by_glyph("1" * count, left=0, size=0.5)
        images = "".join(_image(starts[i * count // 8], width=0.3) for i in range(8))
        painting = _followed(tmp_path, WORDS + drawn + images)
        assert painting.number_painted_over and not painting.too_much
        return painting.spent

    assert spent(1600) < 2.2 * spent(800)
