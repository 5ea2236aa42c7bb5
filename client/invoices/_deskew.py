"""A page scanned askew (a sheet laid a little crooked on the glass) straightened before it is read.

tesseract reads a page whose lines of text run level; on a long invoice line a skew of 2 degrees moves its right end
a whole text height off its left end, and the page pass reads it broken across lines. How far the page is askew is
estimated by the projection profile: the page's ink, on a copy reduced to some 600 pixels, is turned by each angle
tried, and the angle at which its rows (and its columns) of ink change most sharply from one to the next is the one
at which its lines run level. Rows and columns both: a page scanned on its side has its lines running down the page,
and is straightened by the same angle before it is turned upright by quarter turns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _ocr
from ._ocr import ink_mask, within_page_pixels

# How far either way a page is searched for its skew, in degrees. On the test invoices the estimate was within 0.2
# degrees of the skew from 0 to 19.5 degrees either way, its sign right. Read as scanned, an invoice 12 degrees askew
# gave none of its fields right; searching to 20 rather than 10 costs some 0.06 s of CPU more a page.
SKEW_REACH = 20.0
_COARSE_STEP = 0.5  # the estimate's first search; a profile's peak is about a degree wide on the reduced copy
_FINE_STEP = 0.1    # then around the best coarse angle
# The reduced copy's longer side, in pixels: an invoice's text scanned at 300 dpi some 6 to 10 px high on it, which
# kept the estimate within 0.2 degrees and its cost to about a tenth of a second
_ESTIMATE_SIDE = 600
# Below this skew the page is read as scanned: tesseract read the test invoices half a degree askew as well as level
# (every field right), and turning a page resamples every glyph: the degraded test scans, 0.4 degrees askew,
# straightened lost a space between two words. 0.4 and the estimate's 0.2 of error stay below it.
MIN_SKEW = 0.7
# How much sharper than the median of the angles tried the profile must be at the best one for the estimate to be
# taken: 4.1 to 7.8 on the test invoices (clean, degraded, at 0.6 and 1.0 of their size, upright and on their side,
# askew up to 19.5 degrees), 1.2 on random specks, where every angle is as good as another, and 1.6 to 1.8 on an
# invoice 25 degrees askew, beyond the reach; a blank page has no ink to measure and is never turned
_MIN_SHARPNESS = 2.0
# A page of fewer pixels than this is a coarse scan, whose glyphs one resampling blurs most: the test invoices
# scanned at 0.6 of their size (904 x 493, text some 17 px high), degraded, read 62 fields right (139 flagged) of 92
# turned once bilinear, 69 (107 flagged) turned at twice their size (Lanczos up, bicubic, Lanczos down), against 67
# (143 flagged) as scanned. On a larger page bilinear read every field right (1.2 million pixels and up), and turning
# one at twice its size costs 0.4 s of CPU and more (2.4 million pixels) where one turn costs 0.06 s.
_SUPERSAMPLED_BELOW = 1_000_000


@dataclass(frozen=True)
class Skew:
    """How far a page's lines of text are turned from level: ``degrees`` counter-clockwise (negative: clockwise),
    and how much sharper the ink's profile is at that angle than at the median one tried (``sharpness``)."""

    degrees: float
    sharpness: float

    @property
    def clear(self) -> bool:
        """Whether the page is to be straightened: askew by at least MIN_SKEW, the angle standing out."""
        return abs(self.degrees) >= MIN_SKEW and self.sharpness >= _MIN_SHARPNESS


def skew_of(page) -> Skew:
    """How far ``page`` (a grayscale Pillow image) is askew, within SKEW_REACH either way: the angle that makes its
    ink's row and column profiles sharpest, searched every _COARSE_STEP degrees, then every _FINE_STEP around the
    best. A page with no ink is level (sharpness 0)."""
    ink = ink_mask(page)
    factor = max(1, round(max(page.size) / _ESTIMATE_SIDE))
    if factor > 1:
        ink = ink.reduce(factor)  # each pixel the share of ink under it, so thin strokes are kept
    steps = round(SKEW_REACH / _COARSE_STEP)
    coarse = {i * _COARSE_STEP: _profile_sharpness(ink, i * _COARSE_STEP) for i in range(-steps, steps + 1)}
    median = sorted(coarse.values())[len(coarse) // 2]
    if not median:  # no ink, or too little to have a profile at most angles
        return Skew(0.0, 0.0)
    best = max(coarse, key=coarse.__getitem__)
    fine_steps = round(_COARSE_STEP / _FINE_STEP)
    fine = {angle: _profile_sharpness(ink, angle)
            for angle in (round(best + i * _FINE_STEP, 2) for i in range(-fine_steps, fine_steps + 1))
            if abs(angle) <= SKEW_REACH}
    best = max(fine, key=fine.__getitem__)
    return Skew(best, fine[best] / median)


def _profile_sharpness(ink, degrees: float) -> float:
    """How sharply the ink's rows and columns change from one to the next with the page's skew taken off as
    ``degrees``: the sum of the squared differences between neighbouring rows' ink, and columns'. Level lines of
    text give rows dense with ink next to blank ones; askew, each row holds a slice of several lines."""
    from PIL import Image

    # nearest neighbour: some 7 times quicker than bilinear; on the reduced copy it kept the estimate within 0.2 degrees
    level = ink.rotate(-degrees, resample=Image.Resampling.NEAREST, expand=True, fillcolor=0)
    # each row's and column's mean ink, 0-255, capped: a line of text fills a fifth or so of its row, while one long
    # rule (a pen stroke or fold across a straight page, the scanner lid's shadow) fills its row whole, and uncapped
    # its one step would outweigh every line of text, and the page be turned to level it
    rows = level.resize((1, level.height), Image.Resampling.BOX).point(_capped).tobytes()
    columns = level.resize((level.width, 1), Image.Resampling.BOX).point(_capped).tobytes()
    return _steps(rows) * level.width ** 2 + _steps(columns) * level.height ** 2


_INK_CAP = 48
"""The most of a row's or column's mean ink (0-255) its profile counts: a line of the test invoices' text holds
well under it, a rule across the page well over."""
_capped = [min(value, _INK_CAP) for value in range(256)]
"""The point() table capping a profile at _INK_CAP."""


def _steps(profile: bytes) -> int:
    """The sum of the squared differences between neighbouring values of ``profile``."""
    return sum((a - b) ** 2 for a, b in zip(profile, profile[1:]))


def straightened(page, skew: Skew):
    """``page`` turned by ``skew`` so that its lines run level, enlarged to keep its corners, the new corners white;
    within MAX_PAGE_PIXELS where the enlarging would take it over them: such a page is scaled down first, so that
    turned it comes out within them. A page of fewer than _SUPERSAMPLED_BELOW pixels is turned at twice its size
    and scaled back."""
    from PIL import Image

    if page.width * page.height < _SUPERSAMPLED_BELOW:
        larger = page.resize((2 * page.width, 2 * page.height), Image.Resampling.LANCZOS)
        level = larger.rotate(-skew.degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        level = level.resize((level.width // 2, level.height // 2), Image.Resampling.LANCZOS)
    else:
        # Scaled down before it is turned, not after: turned whole, a long page at the limit (a till roll of 2000 x
        # 20000 pixels) is copied at up to 4 times the limit's pixels (167 million, 19.5 degrees askew) before it is
        # scaled down, and its straightening peaks at 221 to 354 MB (3 to 19.5 degrees); scaled down first, at 124
        # to 149 MB, no copy of it over the limit, and it comes out within a few pixels of that size (the same on A4)
        turned = _turned_size(page.size, skew.degrees)
        if within_page_pixels(turned) != turned:
            page = page.resize(_turning_within_the_limit(page.size, skew.degrees), Image.Resampling.LANCZOS)
        # bilinear: bicubic's sharpening rings around the glyphs of a blurred or JPEG scan, and tesseract read them
        # less sure (more fields flagged on the degraded test scans straightened by half a degree to 3)
        level = page.rotate(-skew.degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    within = within_page_pixels(level.size)
    return level if within == level.size else level.resize(within, Image.Resampling.LANCZOS)


def _turned_size(size: tuple[int, int], degrees: float) -> tuple[int, int]:
    """How large a page of ``size`` comes out turned by ``degrees`` with its corners kept, as Pillow's
    ``rotate(expand=True)`` sizes it: its corners, turned about its centre, spread w|cos| + h|sin| across and
    h|cos| + w|sin| down, and it takes from the nearest one rounded down to the farthest one rounded up. Rounded
    outward by a millionth of a pixel more, for Pillow's sine and cosine rounded to 15 digits: never smaller."""
    width, height = size
    cos, sin = abs(math.cos(math.radians(degrees))), abs(math.sin(math.radians(degrees)))
    across, down = width * cos + height * sin, height * cos + width * sin
    return (math.ceil((width + across) / 2 + 1e-6) - math.floor((width - across) / 2 - 1e-6),
            math.ceil((height + down) / 2 + 1e-6) - math.floor((height - down) / 2 - 1e-6))


def _turning_within_the_limit(size: tuple[int, int], degrees: float) -> tuple[int, int]:
    """The size a page of ``size`` is scaled down to before it is turned by ``degrees``, where turned whole it would
    be over MAX_PAGE_PIXELS: of the sizes within 3 pixels each way of its aspect, the one whose turn is within them
    and nearest the size the page turned whole and scaled down would come out (a page scaled by a factor turns to a
    size only about that factor of its turn, Pillow rounding its corners outward: on a long strip, 30 to 1, the
    nearest within 3 pixels each way may still be some pixels short of it, always within the limit)."""
    turned = _turned_size(size, degrees)
    target = within_page_pixels(turned)
    factor = math.sqrt(target[0] * target[1] / (turned[0] * turned[1]))
    width, height = round(size[0] * factor), round(size[1] * factor)
    candidates = [(w, h) for w in range(max(1, width - 3), width + 4) for h in range(max(1, height - 3), height + 4)]
    within = [c for c in candidates if math.prod(_turned_size(c, degrees)) <= _ocr.MAX_PAGE_PIXELS]
    if not within:  # a page a pixel or two across, over the limit turned at any of them: scaled down after too
        return candidates[0]
    return min(within, key=lambda c: max(abs(a - b) for a, b in zip(_turned_size(c, degrees), target)))
