"""Coverage geometry: paths as subpaths (curves flattened), regions cut into convex pieces by a winding rule,
convex clipping and areas, matrices placing them on the page, and the page's bands."""

from __future__ import annotations

import math

from ._operators import _BUILDS_PATH, _CURVES, _numbers


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# A curve of a path filled or stroked is measured as this many straight pieces, their ends on the curve at equal steps
# of its parameter (_flattened). They lie within 3/4 d / n^2 of it (n pieces; d the largest of its control points'
# second differences, P0 - 2 P1 + P2 and P1 - 2 P2 + P3): a quarter circle's within a 200th of its radius, a third of
# a point for a circle 144 points across, well under a glyph; a circle of four curves has 32 edges, within
# _MAX_CLIP_EDGES. Flattening a curve counts a step a piece.
_CURVE_PIECES = 8
# The runs of text drawn so far are kept by the bands of the page they lie across, each this many units high, so that
# the runs an image or a filled shape may cover are looked for in the bands its box lies across alone
# (_Painting._nearby): a table's thousands of cells and rules, or a QR code drawn a module at a time, after thousands
# of runs of one glyph each, cost the runs of their own lines each, not all of them. A run or a box across more bands
# than _MOST_BANDS (text set upright, a shape over much of the page) is compared with all of them instead.
_BAND = 8.0
_MOST_BANDS = 16
# A clipping path of more edges than this that are not level (33 upright rectangles) is taken as its bounding box:
# cutting it into pieces takes work that grows with the cube of its edges (_Painting._clip).
_MAX_CLIP_EDGES = 64
# A piece of the clip of more corners than this is taken as its bounding box. Each clip cut across a piece can add a
# corner to it, and measuring an image or a further clip against a piece takes work in its corners: bounded, so is
# the work of one image drawn (_Painting._within). A piece cut by a page, a form's box and a clip or two, turned or
# slanted, has a dozen.
_MAX_PIECE_CORNERS = 16
# Corners of a clip closer than this share of the page's largest coordinate are taken as one: the side between them
# is rounding's, its direction any (_clipped). A float's rounding is some 1e-16 of the number.
_ROUNDING = 1e-9


def _compose(first, then) -> tuple[float, ...]:
    """The matrix ``first`` x ``then`` (PDF's row-vector order): ``first`` applied, then ``then``. A ``cm``
    composes as ``cm`` x the current matrix; a form's ``/Matrix`` as ``/Matrix`` x the matrix it is drawn with."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


_Point = tuple[float, float]
_UNIT_SQUARE: list[_Point] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]  # an image's place before its matrix
# No page measures nearly this many units (ISO 32000-1 C.2 puts a page at 14,400 at most). Coordinates within it keep
# the clipping's products far inside a float's range; beyond it, or infinite, they could overflow into a wrong answer.
_FARTHEST = 1e12


def _subpaths(path: list, flatten: bool = False) -> tuple[list[tuple[list[_Point], bool]], bool]:
    """A path's subpaths as it is built, in user space (the path is placed by one matrix: :meth:`_Painting._region`),
    each the list of its points and whether ``h`` or ``re`` closed it, and whether it has a curve: none where a point
    is no number. A curve gives its control points and its end, or, ``flatten``, the ends of its straight pieces
    (:func:`_flattened`). ``re`` is a closed subpath of its own, its corners in the order it draws them (its
    direction counts for the nonzero rule); after ``h`` or ``re`` a segment starts a new subpath where the closed one
    started. A filled or clipping path closes every subpath (:func:`_edges`)."""
    subpaths: list[tuple[list[_Point], bool]] = []
    curved = False
    for operator, operands, _ in path:
        numbers = _numbers(operands, _BUILDS_PATH[operator])
        if numbers is None:
            return [], False
        if operator == b"h":
            if subpaths:
                subpaths[-1] = (subpaths[-1][0], True)
                subpaths.append((subpaths[-1][0][:1], False))
            continue
        if operator == b"re":
            x, y, width, height = numbers
            numbers = (x, y, x + width, y, x + width, y + height, x, y + height)
        points = list(zip(numbers[::2], numbers[1::2]))
        if operator in _CURVES and flatten:
            start = subpaths[-1][0][-1] if subpaths else points[0]
            if operator == b"v":  # its first control point is where it starts
                points = [start] + points
            elif operator == b"y":  # its second is where it ends
                points = points + points[-1:]
            points = _flattened(start, *points)
        if operator in (b"m", b"re") or not subpaths:
            subpaths.append((points, operator == b"re"))
        else:
            subpaths[-1][0].extend(points)
        if operator == b"re":
            subpaths.append((points[:1], False))
        curved = curved or operator in _CURVES
    return subpaths, curved


def _path_extent(path: list) -> tuple[float, float, float, float] | None:
    """The smallest upright rectangle holding all of a path's points, control points too (left, bottom, right, top,
    in user space): a Bezier curve lies within the hull of its control points, so all the path lies within it.
    ``None`` for a path with a point that is no number, or with none. Read off the operands alone, quicker than
    building its subpaths (:func:`_subpaths`): a logo's thousands of curves are passed over at this cost."""
    xs: list[float] = []
    ys: list[float] = []
    for operator, operands, _ in path:
        numbers = _numbers(operands, _BUILDS_PATH[operator])
        if numbers is None:
            return None
        if operator == b"re":
            x, y, width, height = numbers
            numbers = (x, y, x + width, y + height)
        xs += numbers[::2]
        ys += numbers[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _flattened(start: _Point, first: _Point, second: _Point, end: _Point) -> list[_Point]:
    """The ends of the :data:`_CURVE_PIECES` straight pieces a Bezier curve from ``start`` (by its control points
    ``first`` and ``second`` to ``end``) is measured as, after ``start``: its points at equal steps of its
    parameter."""
    points = []
    for step in range(1, _CURVE_PIECES + 1):
        t = step / _CURVE_PIECES
        weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3)
        points.append((sum(w * x for w, (x, _) in zip(weights, (start, first, second, end))),
                       sum(w * y for w, (_, y) in zip(weights, (start, first, second, end)))))
    return points


def _flattening_steps(path: list) -> int:
    """The steps of work flattening a path's curves takes (:func:`_flattened`): one a piece."""
    return sum(_CURVE_PIECES for operator, _, _ in path if operator in _CURVES)


# A round cap is measured as the half of this octagon, inscribed in its circle, on the cap's side; a dot (a round cap on
# a subpath of no length) as all of it: under what the cap paints, never over (ISO 32000-1 8.4.3.3).
_OCTAGON = [(math.cos(turn * math.pi / 4), math.sin(turn * math.pi / 4)) for turn in range(8)]
_BUTT, _ROUND, _SQUARE = 0, 1, 2  # line caps (J, /LC)


def _stroked(points: list[_Point], closed: bool, half: float, cap: int) -> list[list[_Point]]:
    """What a subpath stroked ``half`` the line width each side paints, as convex polygons (in user space) that may
    overlap: each straight segment the rectangle of its length and the width (the closing one too, where the
    subpath is ``closed``), and, at the two ends of an open subpath, its caps: a projecting square cap (2) the
    rectangle half the width beyond each end, a round cap (1) the half octagon inscribed in its half disc
    (:data:`_OCTAGON`), a butt cap (0) nothing. A subpath of no length (a closed point, ``m h``, or points all in one
    place) paints a dot of a round cap alone (the whole octagon), nothing with a butt or square cap, whose way cannot
    be told; a point given alone (an ``m``) paints nothing. Joins are left out: what is measured stays within what
    is painted."""
    segments = list(zip(points, points[1:])) + ([(points[-1], points[0])] if closed and len(points) > 1 else [])
    outlines, ways = [], []
    for (x1, y1), (x2, y2) in segments:
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        if not length > 0:  # a segment of no length, or infinite: it has no direction to stroke across
            continue
        across_x, across_y = (y1 - y2) / length * half, (x2 - x1) / length * half
        outlines.append([(x1 + across_x, y1 + across_y), (x2 + across_x, y2 + across_y),
                         (x2 - across_x, y2 - across_y), (x1 - across_x, y1 - across_y)])
        ways.append(((x2 - x1) / length, (y2 - y1) / length))
    if not ways:
        if cap == _ROUND and (closed or len(points) > 1):
            x, y = points[0]
            outlines.append([(x + half * cos, y + half * sin) for cos, sin in _OCTAGON])
        return outlines
    if closed or cap not in (_ROUND, _SQUARE):
        return outlines
    (start_x, start_y), (end_x, end_y) = ways[0], ways[-1]
    for (x, y), (out_x, out_y) in ((points[0], (-start_x, -start_y)), (points[-1], (end_x, end_y))):
        side_x, side_y = -out_y * half, out_x * half
        if cap == _SQUARE:
            outlines.append([(x - side_x, y - side_y), (x - side_x + out_x * half, y - side_y + out_y * half),
                             (x + side_x + out_x * half, y + side_y + out_y * half), (x + side_x, y + side_y)])
        else:  # the octagon's five corners from one side round the end to the other
            outlines.append([(x + half * (cos * out_x - sin * out_y), y + half * (cos * out_y + sin * out_x))
                             for cos, sin in _OCTAGON[6:] + _OCTAGON[:3]])
    return outlines


def _edges(subpaths: list[list[_Point]]) -> list[tuple[_Point, _Point, int]]:
    """The edges of closed subpaths that are not level, each from its lower end to its upper, and +1 where the path
    runs up it, -1 where down: summed over the edges to the left of a point, its winding number (turned negative
    for a path drawn anticlockwise, which neither rule minds)."""
    edges = []
    for points in subpaths:
        for start, end in zip(points, points[1:] + points[:1]):
            if start[1] < end[1]:
                edges.append((start, end, 1))
            elif start[1] > end[1]:
                edges.append((end, start, -1))
    return edges


def _x_at(edge: tuple[_Point, _Point, int], y: float) -> float:
    (x1, y1), (x2, y2), _ = edge
    return x1 + (x2 - x1) * (y - y1) / (y2 - y1)


def _levels(edges: list[tuple[_Point, _Point, int]]) -> list[float]:
    """The heights at which edges start, end or cross one another, in order: between two of them the edges that
    span the band do not cross, so the band is cut by them into trapezoids."""
    levels = {point[1] for low, high, _ in edges for point in (low, high)}
    for i, edge in enumerate(edges):
        for other in edges[i + 1:]:
            bottom, top = max(edge[0][1], other[0][1]), min(edge[1][1], other[1][1])
            if bottom < top:
                below, above = _x_at(edge, bottom) - _x_at(other, bottom), _x_at(edge, top) - _x_at(other, top)
                if below * above < 0:
                    levels.add(bottom + (top - bottom) * below / (below - above))
    return sorted(levels)


def _filled(edges: list[tuple[_Point, _Point, int]], levels: list[float], even_odd: bool) -> list[list[_Point]]:
    """The region the edges enclose, by the even-odd or the nonzero winding rule, as trapezoids that do not overlap:
    in each band between two levels, left to right, the space between one edge and the next is inside where the
    winding number there (the sum of the edges' directions to its left) is odd, or not 0."""
    pieces = []
    for bottom, top in zip(levels, levels[1:]):
        middle = (bottom + top) / 2
        across = sorted((edge for edge in edges if edge[0][1] <= bottom and edge[1][1] >= top),
                        key=lambda edge: _x_at(edge, middle))
        winding = 0
        for left, right in zip(across, across[1:]):
            winding += left[2]
            if winding % 2 if even_odd else winding:
                # where the two edges meet (a corner of the path, or where they cross), rounding may put the right
                # one a hair left of the left one: the piece is then a hair wider, not turned inside out, and a
                # corner it repeats is left out (_clipped would take the side between the two as one of its sides)
                left_bottom, left_top = _x_at(left, bottom), _x_at(left, top)
                right_bottom, right_top = max(_x_at(right, bottom), left_bottom), max(_x_at(right, top), left_top)
                piece = [(left_bottom, bottom)] + [(right_bottom, bottom)] * (right_bottom > left_bottom)
                piece += [(right_top, top)] + [(left_top, top)] * (right_top > left_top)
                if len(piece) > 2:
                    pieces.append(piece)
    return pieces


def _rectangle(edges) -> list[_Point]:
    """A PDF rectangle (``/MediaBox``, ``/BBox``: two opposite corners, in either order) as its four corners, turning
    one way round."""
    x1, y1, x2, y2 = (float(edge) for edge in edges)
    left, right, bottom, top = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return [(left, bottom), (right, bottom), (right, top), (left, top)]


def _bounding_box(points: list[_Point]) -> list[_Point]:
    """The smallest upright rectangle holding the points, as its four corners."""
    return _rectangle(_extent(points))


def _extent(points: list[_Point]) -> tuple[float, float, float, float]:
    """The smallest upright rectangle holding the points, as its left, bottom, right and top."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _meet(box: tuple[float, ...], other: tuple[float, ...] | None) -> bool:
    """Whether two upright boxes (left, bottom, right, top) share some of the page; none meets no box."""
    return other is not None and box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3] \
        and other[1] <= box[3]


def _band(y: float) -> int:
    """The band of the page (:data:`_BAND`) a height lies in."""
    return int(y // _BAND)


def _bands(extent: tuple[float, ...]) -> range | None:
    """The bands of the page an upright box (left, bottom, right, top) lies across, ``None`` for more than
    :data:`_MOST_BANDS` (or for one beyond what any page measures: :data:`_FARTHEST`)."""
    if not (abs(extent[1]) <= _FARTHEST and abs(extent[3]) <= _FARTHEST):
        return None
    first, last = _band(extent[1]), _band(extent[3])
    return range(first, last + 1) if last - first < _MOST_BANDS else None


def _cuts(subject_corners: int, clip_corners: int, subjects: int = 1) -> int:
    """How many corners :func:`_clipped` measures against a side, at most, to cut ``subjects`` polygons of this many
    corners in all by a clip of ``clip_corners``: for each side of the clip, each corner a polygon has by then, its
    own and at most one more per side of the clip cut across it. (A clip with a side of rounding's left out is cut by
    its box's four sides as well, not counted here: that is rare, and adds a few.)"""
    return clip_corners * (subject_corners + subjects * clip_corners)


def _shown_cuts(shown: tuple, clip_corners: int) -> int:
    """:func:`_cuts` of cutting each piece of what shows of an image or a filled shape by a clip of this many
    corners."""
    return sum(_cuts(len(piece), clip_corners) for piece in shown)


def _placed(polygon: list[_Point], matrix) -> list[_Point] | None:
    """A polygon's corners mapped by a matrix (``a b c d e f``: x' = a x + c y + e, y' = b x + d y + f), or ``None``
    where one lies farther than :data:`_FARTHEST` (or is no number: infinite, or infinite less infinite)."""
    a, b, c, d, e, f = matrix
    corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in polygon]
    return corners if all(abs(x) <= _FARTHEST and abs(y) <= _FARTHEST for x, y in corners) else None


def _clipped(subject: list[_Point], clip: list[_Point], shortest: float) -> list[_Point]:
    """What of a convex polygon lies inside another (Sutherland-Hodgman): the corners of their overlap, none where
    they do not overlap. A page, a form's box and an image's square, each mapped by a matrix, are parallelograms, and
    so convex, as are the trapezoids a clipping path is cut into (:func:`_filled`); so is what is left of one clipped
    by the others. A clip of no area (a matrix that squashes the box flat) leaves nothing. A side of the clip no longer
    than ``shortest`` across and up (rounding's on the page: where a cut ends a hair from a corner) is left out: its
    direction, any, could cut away all but a sliver. The subject is then cut by the sides left and by the clip's
    bounding box, whose sides run level and upright whatever rounding does: each holds the clip, so what they keep
    is the clip taken larger, never smaller, however few sides are left (a sliver's two long sides and its box keep
    the sliver; a speck's box, the speck). ``shortest`` is measured against the page, not the clip: a clip reaching
    far beyond the page (a band a unit high and a billion long) has sides short beside its far corners that are no
    rounding's."""
    turning = _signed_area(clip)
    if not subject or turning == 0:
        return []
    side = 1.0 if turning > 0 else -1.0
    sides = [((ax, ay), (bx, by)) for (ax, ay), (bx, by) in zip(clip, clip[1:] + clip[:1])
             if abs(bx - ax) > shortest or abs(by - ay) > shortest]
    if len(sides) < len(clip):
        box = _bounding_box(clip)[::1 if turning > 0 else -1]  # turning the clip's way round
        sides += zip(box, box[1:] + box[:1])
    for (ax, ay), (bx, by) in sides:
        def inside(point: _Point) -> float:  # how far inside this edge (0 on it, negative outside), times its length
            return side * ((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax))

        kept: list[_Point] = []
        for start, end in zip(subject[-1:] + subject[:-1], subject):
            start_in, end_in = inside(start), inside(end)
            if (start_in >= 0) != (end_in >= 0):  # the side crosses the edge: keep where
                t = start_in / (start_in - end_in)
                kept.append((start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])))
            if end_in >= 0:
                kept.append(end)
        subject = kept
        if not subject:
            break
    return subject


def _signed_area(polygon: list[_Point]) -> float:
    """The area of a polygon, positive where its corners turn anticlockwise (the shoelace formula)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1])) / 2


def _area(polygon: list[_Point]) -> float:
    return abs(_signed_area(polygon))
