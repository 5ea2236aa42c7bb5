"""A shape filled over a digit hides it however many edges its path has: one of more than 64 edges that are not level
(a disc of 40 curves, a polygon of many corners) is measured over each glyph row by row, by the fill's rule, within
the error the rows allow (1/64 of the glyph for each glyph width its edges run along the baseline inside it), at
work in proportion to its edges near the text; one of 64 or fewer is cut exactly, as before. Beside the text such a
shape is no doubt, a hole the even-odd rule leaves over a digit covers nothing of it, and a page of paths of
thousands of edges near the text stays within the work a page allows, or is doubted for needing more."""

import math
import random

import pytest

pytest.importorskip("pypdf")

from client.invoices._pdf_text import _work, scanned_layer  # noqa: E402
from client.invoices._pdf_text._geometry import _area, _clipped, _edges, _filled, _levels  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402
from client.invoices._pdf_text._rows import _ROWS, _Rows  # noqa: E402
from client.invoices._pdf_text._text_layer import PageContents  # noqa: E402

from .test_run_widths import _page  # noqa: E402
from .test_scan_forms import NEEDS_MORE_WORK  # noqa: E402
from .test_scan_number_filled_over import AMOUNT, BASELINE, FILLED_OVER, GLYPH, TWO  # noqa: E402
from .test_scan_number_painted_over import WORDS  # noqa: E402

MIDDLE, CENTRE = TWO + GLYPH / 2, BASELINE + 4.8  # the middle of the "2"'s box
BOTTOM, TOP = BASELINE - 2.4, BASELINE + 12  # its box's bottom and top


def _polygon(points: list[tuple[float, float]]) -> str:
    return f"{points[0][0]:.3f} {points[0][1]:.3f} m " + " ".join(f"{x:.3f} {y:.3f} l" for x, y in points[1:]) + " h"


def _regular(corners: int, x: float, y: float, radius: float, split: int = 1) -> str:
    """A regular polygon of this many corners about (x, y), anticlockwise, each side drawn as ``split`` pieces in line
    (the same shape, ``split`` times the edges)."""
    ring = [(x + radius * math.cos(2 * math.pi * i / corners), y + radius * math.sin(2 * math.pi * i / corners))
            for i in range(corners)]
    return _polygon([(ax + (bx - ax) * j / split, ay + (by - ay) * j / split)
                     for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]) for j in range(split)])


def _disc(curves: int, x: float, y: float, radius: float) -> str:
    """A circle as this many Bezier curves, anticlockwise, closed: 8 edges a curve once flattened."""
    step = 2 * math.pi / curves
    k = 4 / 3 * math.tan(step / 4) * radius  # each curve's control points off its ends along the tangents
    path = [f"{x + radius:.3f} {y:.3f} m"]
    for i in range(curves):
        a, b = i * step, (i + 1) * step
        path.append(f"{x + radius * math.cos(a) - k * math.sin(a):.3f} {y + radius * math.sin(a) + k * math.cos(a):.3f} "
                    f"{x + radius * math.cos(b) + k * math.sin(b):.3f} {y + radius * math.sin(b) - k * math.cos(b):.3f} "
                    f"{x + radius * math.cos(b):.3f} {y + radius * math.sin(b):.3f} c")
    return " ".join(path) + " h"


def _scanned(tmp_path, content: str):
    return scanned_layer([_page(tmp_path, WORDS + content)])


def _followed(tmp_path, content: str) -> _Painting:
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, WORDS + content))
    return painting


@pytest.mark.parametrize("shape", [
    lambda x, y: _disc(40, x, y, 8),  # 320 edges
    lambda x, y: _regular(96, x, y, 8),
    lambda x, y: _regular(12, x, y, 8.5, split=8),  # a 12-gon, each side in 8 pieces: 96 edges
], ids=["disc of 40 curves", "96-gon", "12-gon in 96 pieces"])
def test_a_white_shape_of_more_than_64_edges_over_a_digit_makes_the_text_layer_doubtful(tmp_path, shape):
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {shape(MIDDLE, CENTRE)} f Q ") == FILLED_OVER
    assert _scanned(tmp_path, AMOUNT + f"q 0 g {shape(MIDDLE, CENTRE)} f* Q ") == FILLED_OVER
    # the same shape far from the text, or beside the amount on its line, is no doubt
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {shape(MIDDLE, 60)} f Q ") is None
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {shape(MIDDLE + 12 * GLYPH, CENTRE)} f Q ") is None


def test_a_12_gon_of_12_edges_is_cut_exactly_as_before(tmp_path):
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {_regular(12, MIDDLE, CENTRE, 8.5)} f Q ") == FILLED_OVER
    # under half the "2": a 12-gon of radius 4 covers 48 square points of its 104; in 96 pieces, the same
    for split in (1, 8):
        assert _scanned(tmp_path, AMOUNT + f"q 1 g {_regular(12, MIDDLE, CENTRE, 4, split)} f Q ") is None


def _frame_with_hole(pieces: int) -> str:
    """A band over the "2" alone, from far below it to far above it, its upright sides each drawn as ``pieces``
    pieces (2 pieces edges that are not level), and inside it, the same way round, the "2"'s box exactly."""
    bottom, top, right = BASELINE - 40, BASELINE + 60, TWO + GLYPH
    up = [(right, bottom + (top - bottom) * i / pieces) for i in range(pieces)]
    down = [(TWO, top - (top - bottom) * i / pieces) for i in range(pieces)]
    return (_polygon([(TWO, bottom)] + up + [(right, top)] + down)
            + f" {TWO:.3f} {BOTTOM:.3f} m {right:.3f} {BOTTOM:.3f} l {right:.3f} {TOP:.3f} l {TWO:.3f} {TOP:.3f} l h")


def test_a_hole_the_even_odd_rule_leaves_over_a_digit_covers_nothing_of_it(tmp_path):
    frame = _frame_with_hole(40)
    # by the nonzero rule the hole drawn the same way round is filled: the "2" is covered
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {frame} f Q ") == FILLED_OVER
    painting = _followed(tmp_path, AMOUNT + f"q 1 g {frame} f* Q ")
    assert not painting.number_painted_over and not painting.too_much
    two = [glyph for run in painting._runs for character, glyph in painting._glyphs(run) if character == "2"][-1]
    assert two.covered < two.area / _ROWS
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {frame} f* Q ") is None


def test_a_shape_of_many_edges_counts_where_it_shows_within_the_clip(tmp_path):
    disc = _disc(40, MIDDLE, CENTRE, 8)
    assert _scanned(tmp_path, AMOUNT + f"q 0 0 50 50 re W n 1 g {disc} f Q ") is None
    # clipped to the "2"'s left 40%, then its right 60%
    left = f"{TWO:.2f} {BOTTOM} {0.4 * GLYPH:.2f} 14.4 re W n"
    assert _scanned(tmp_path, AMOUNT + f"q {left} 1 g {disc} f Q ") is None
    right = f"{TWO + 0.4 * GLYPH:.2f} {BOTTOM} {0.6 * GLYPH:.2f} 14.4 re W n"
    assert _scanned(tmp_path, AMOUNT + f"q {right} 1 g {disc} f Q ") == FILLED_OVER


def _random_polygon(rng: random.Random, edges: int) -> list[list[tuple[float, float]]]:
    """A closed path of straight edges at random about the "2", crossing itself, in one or two subpaths."""
    first = rng.randint(3, edges - 3)
    return [[(rng.uniform(TWO - 10, TWO + 18), rng.uniform(BOTTOM - 8, TOP + 8)) for _ in range(count)]
            for count in (first, edges - first)]


@pytest.mark.parametrize("seed", range(12))
def test_the_rows_measure_is_within_its_stated_error_of_the_exact_cut(seed):
    # paths of 64 edges or fewer, cut exactly, and measured by rows: they differ by at most 1/64 of the glyph for
    # each glyph width the path's edges run along the baseline inside it
    rng = random.Random(seed)
    glyph = [(TWO, BOTTOM), (TWO + GLYPH, BOTTOM), (TWO + GLYPH, TOP), (TWO, TOP)]
    page = ([(0.0, 0.0), (600.0, 0.0), (600.0, 800.0), (0.0, 800.0)],)
    for even_odd in (False, True):
        subpaths = _random_polygon(rng, rng.randint(8, 30))
        edges = _edges(subpaths)
        exact = sum(_area(_clipped_piece(piece, glyph)) for piece in _filled(edges, _levels(edges), even_odd))
        rows = _Rows(edges, even_odd, glyph, [glyph], lambda steps: True).covered(glyph, page, 1e-9, lambda steps: True)
        run_along = sum(_along_inside(edge, glyph) for edge in edges) / GLYPH
        assert abs(rows - exact) <= run_along / (2 * _ROWS) * _area(glyph) + 1e-6


def _clipped_piece(piece, glyph):
    return _clipped(piece, glyph, 1e-9)


def _along_inside(edge, glyph) -> float:
    """How far an edge runs across (along the baseline) within an upright glyph box."""
    (x1, y1), (x2, y2), _ = edge
    left, right = glyph[0][0], glyph[1][0]
    bottom, top = glyph[0][1], glyph[2][1]
    # the part of the edge within the box's height, then within its width
    t_low, t_high = max((bottom - y1) / (y2 - y1), 0.0), min((top - y1) / (y2 - y1), 1.0)
    if t_low >= t_high:
        return 0.0
    xa, xb = sorted((x1 + (x2 - x1) * t_low, x1 + (x2 - x1) * t_high))
    return max(min(xb, right) - max(xa, left), 0.0)


def _zigzag(edges: int, left: float, right: float, bottom: float, top: float) -> str:
    """A closed path of this many edges zigzagging up and down across a box, left to right and back."""
    step = (right - left) / (edges // 2)
    there = [(left + step * i, bottom if i % 2 else top) for i in range(edges // 2)]
    back = [(right - step * i, top - 0.5 if i % 2 else bottom + 0.5) for i in range(edges - edges // 2)]
    return _polygon(there + back)


def test_paths_of_thousands_of_edges_over_the_text_take_work_in_proportion_and_stay_within_a_page(tmp_path,
                                                                                                monkeypatch):
    # a white zigzag across the amount: doubling its edges near the text doubles the work, never more, and a path of
    # 2,000 edges is measured within a page's allowance (it hides the digits)
    page_allowance = _work._WORK_PER_PAGE

    def spent(edges: int, allowance: int = 10_000_000) -> _Painting:
        monkeypatch.setattr(_work, "_WORK_PER_PAGE", allowance, raising=False)
        zigzag = _zigzag(edges, TWO - 20, TWO + 60, BOTTOM - 5, TOP + 5)
        painting = _followed(tmp_path, AMOUNT + f"q 1 g {zigzag} f Q ")
        assert not painting.too_much
        return painting

    assert spent(4000).spent < 2.2 * spent(2000).spent
    assert spent(2000, allowance=page_allowance).number_painted_over
    # 60,000 edges over the amount: more than a page allows, doubted for that
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", page_allowance, raising=False)
    hostile = _zigzag(60_000, TWO - 20, TWO + 60, BOTTOM - 5, TOP + 5)
    said = _scanned(tmp_path, AMOUNT + f"q 1 g {hostile} f Q ")
    assert said is not None and said.startswith(NEEDS_MORE_WORK)
    # and a white disc of 40 curves over the "2" after paths of thousands of edges beside it is still doubted
    beside = _zigzag(3000, TWO + 80, TWO + 200, BOTTOM - 5, TOP + 5)
    assert _scanned(tmp_path, AMOUNT + f"q 1 g {beside} f {_disc(40, MIDDLE, CENTRE, 8)} f Q ") == FILLED_OVER
