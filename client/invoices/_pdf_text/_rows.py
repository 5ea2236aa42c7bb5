"""What a filled path of more edges than are cut exactly (:data:`_geometry._MAX_CLIP_EDGES`) covers of a glyph,
measured row by row (:class:`_Rows`), and a dashed line's dashes (:func:`_dashed`), as a dash pattern gives them (:func:`_operators._dash_pattern`)."""

from __future__ import annotations

import math
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from ._geometry import _Point, _area, _clipped

# A glyph is measured in this many rows, parallel to its baseline: each row's covered length at its middle is taken
# for the whole row. A point of the row is then counted wrongly only where an edge of what is measured (the path's,
# or a clip's side cutting the glyph) lies between it and the row's middle, within half a row: so the covered area
# is off by at most half a row's height times how far those edges run along the baseline inside the glyph, 1/64 of
# the glyph for each glyph width they run (a disc's rim over a digit, two widths at most: 1/32 of it). Edges
# running straight up through a row, and the glyph's own sides, add no error.
_ROWS = 32
# The work of the rows, in steps: each edge placed in a run's frame (some 1.5 us), each crossing of a row by an edge
# found, sorted and walked (1 us), and each row a glyph is measured in (2 us); measured on a 2-core AMD EPYC, 16,000
# edges of curves over an amount, its rows and six digits in 0.1 s, 55,000 steps.
_STEPS_PER_EDGE = 2
_STEPS_PER_CROSSING = 1
_STEPS_PER_GLYPH_ROW = 2


class _ManyEdges(NamedTuple):
    """A filled path of more edges that are not level than are cut exactly, as :func:`_geometry._edges` gives them,
    by its rule, the box they lie in, and the pieces of the clip that box meets (what of it shows)."""

    edges: list
    even_odd: bool
    extent: tuple[float, float, float, float]
    clip: tuple = ()


class _Rows:
    """What the region a path's ``edges`` enclose (as :func:`_geometry._edges` gives them), by the even-odd or the
    nonzero rule, covers of the glyphs of a run, in :data:`_ROWS` rows parallel to their baseline: each row's
    covered stretches are found once for all the glyphs (``near``: the corners of each), in the frame of the first
    (``corners``: a parallelogram, the unit square in its frame; the run's other glyphs lie beside it, in the same
    rows), and each glyph then measured against them (:meth:`covered`). ``spend(steps)`` counts the work before it
    is done and says whether it may be; nothing is covered where it may not."""

    def __init__(self, edges: list, even_odd: bool, corners: list[_Point], near: list[list[_Point]], spend) -> None:
        self.origin, along_end, _, up_end = corners
        self.u = (along_end[0] - self.origin[0], along_end[1] - self.origin[1])
        self.v = (up_end[0] - self.origin[0], up_end[1] - self.origin[1])
        self.turn = self.u[0] * self.v[1] - self.u[1] * self.v[0]
        self.stretches: list[list[tuple[float, float]]] = [[] for _ in range(_ROWS)]
        if self.turn == 0 or not spend(len(edges) * _STEPS_PER_EDGE):
            return
        lowest = min(s for glyph in near for s, _ in map(self.frame, glyph))
        highest = max(s for glyph in near for s, _ in map(self.frame, glyph))
        rows: list[list] = [[] for _ in range(_ROWS)]
        spans = []
        for low, high, direction in edges:
            (s1, t1), (s2, t2) = self.frame(low), self.frame(high)
            if t1 == t2:  # level in the frame: it crosses no row
                continue
            if t1 > t2:
                (s1, t1), (s2, t2), direction = (s2, t2), (s1, t1), -direction
            # the rows whose middles lie in [t1, t2): an edge ending at a row's middle crosses it once, not twice
            first = max(math.ceil(min(max(t1 * _ROWS - 0.5, -1.0), _ROWS)), 0)
            last = min(math.ceil(min(max(t2 * _ROWS - 0.5, -1.0), _ROWS)) - 1, _ROWS - 1)
            if first <= last:
                spans.append(((s1, t1, s2, t2, direction), first, last))
        if not spend(sum(last - first + 1 for _, first, last in spans) * _STEPS_PER_CROSSING):
            return
        for edge, first, last in spans:
            for row in range(first, last + 1):
                rows[row].append(edge)
        for row, crossing in enumerate(rows):
            t = (row + 0.5) / _ROWS
            winding, within = 0, []
            for s1, t1, s2, t2, direction in crossing:
                s = s1 + (s2 - s1) * (t - t1) / (t2 - t1)
                if s <= lowest:
                    winding += direction
                elif s < highest:
                    within.append((s, direction))
            within.sort()
            start = lowest
            for s, direction in within + [(highest, 0)]:
                if (winding % 2 if even_odd else winding) and s > start:
                    self.stretches[row].append((start, s))
                winding += direction
                start = s

    def frame(self, point: _Point) -> _Point:
        """A point in the first glyph's frame, where the glyph is the unit square."""
        dx, dy = point[0] - self.origin[0], point[1] - self.origin[1]
        return (dx * self.v[1] - dy * self.v[0]) / self.turn, (self.u[0] * dy - self.u[1] * dx) / self.turn

    def covered(self, corners: list[_Point], clip: tuple, shortest: float, spend) -> float:
        """The area of a glyph of the run (``corners``) the region covers within the pieces of ``clip``."""
        if self.turn == 0:
            return 0.0
        covered = 0.0
        for piece in clip:
            inside = _clipped(list(corners), piece, shortest)
            if _area(inside) <= 0:
                continue
            if not spend(_ROWS * _STEPS_PER_GLYPH_ROW):
                return 0.0
            placed = [self.frame(point) for point in inside]
            sides = [(s1, t1, s2, t2) for (s1, t1), (s2, t2) in zip(placed, placed[1:] + placed[:1]) if t1 != t2]
            for row, stretches in enumerate(self.stretches):
                t = (row + 0.5) / _ROWS
                ends = [s1 + (s2 - s1) * (t - t1) / (t2 - t1) for s1, t1, s2, t2 in sides
                        if min(t1, t2) <= t <= max(t1, t2)]
                if not ends or not stretches:
                    continue
                left, right = min(ends), max(ends)
                for start, end in stretches[max(bisect_right(stretches, (left,)) - 1, 0):]:
                    if start >= right:
                        break
                    covered += max(min(end, right) - max(start, left), 0.0)
        return covered / _ROWS * abs(self.turn)


def _dashed(points: list[_Point], closed: bool, pattern: tuple[float, ...], phase: float,
            most: int) -> list[list[_Point]] | None:
    """The dashes a subpath (its points, and whether its closing segment is drawn) is stroked as under a dash
    pattern (:func:`_dash_pattern`), each an open polyline, running on round its corners; the pattern starts at
    ``phase`` at the subpath's start. On a closed subpath a dash running through its start is the one dash. A dash
    of no length is a point twice (a round cap makes it a dot). ``None`` where there are more than ``most`` dashes
    and gaps: too much work to tell."""
    ends = list(accumulate(pattern))  # where each length of the pattern ends, from its start
    segments = list(zip(points, points[1:])) + ([(points[-1], points[0])] if closed and len(points) > 1 else [])
    index = min(bisect_right(ends, phase), len(pattern) - 1)
    left = max(ends[index] - phase, 0.0)  # of the current length of the pattern
    starts_on = index % 2 == 0
    dashes: list[list[_Point]] = []
    current: list[_Point] | None = [points[0]] if index % 2 == 0 else None
    counted = 0
    for (x1, y1), (x2, y2) in segments:
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        if not length < float("inf"):
            return None
        done = 0.0
        while left <= length - done:
            done += left
            counted += 1
            if counted > most:
                return None
            at = (x1 + (x2 - x1) * done / length, y1 + (y2 - y1) * done / length) if length else (x1, y1)
            if current is not None:  # a dash ends here
                current.append(at)
                dashes.append(current)
                current = None
            else:
                current = [at]
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        if current is not None:
            current.append((x2, y2))
    # a dash still drawn where the subpath ends runs to its end; one that starts just there has no length, and is
    # left out (a dash of no length the pattern gives ends where it starts, and is among the dashes already)
    if current is not None and any(point != current[0] for point in current[1:]):
        dashes.append(current)
        if closed and starts_on and len(dashes) > 1:
            dashes[0] = dashes.pop() + dashes[0][1:]
    return dashes
