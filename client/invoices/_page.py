"""A scanned page: read once into lines, and read again wherever a field is.

The page also says how wide a blank between two words must be to be a space: an
item name or spec can have spaces (贴片电容 0603 100nF), which the second pass, joining
what it reads, does not keep. The width is measured on the page's own type.
"""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ._lines import TextLine, word_lines
from ._ocr import Box, Reading, ReadMode, Word, blank_before, blanks_inside, column_ink, ink_runs, read_crops, \
    read_words

_PARALLEL_RUNS = 2  # second-pass runs (one per read mode) at a time: each is one single-threaded tesseract
# How much wider than the mean blank between two characters of a word a space is, in text heights. The blank
# between two characters varies by less than a fifth of an em around its mean (an asterisk or a 1 stands further
# from its neighbours than a 0 does); a space adds a quarter to half an em to it.
_SPACE = 0.18
_UNSURE = 0.05  # a blank this close to a space's width, in text heights, could be either


class ScannedPage:
    """One page image (grayscale), read once into lines that know their page; any region of it can be read
    again in any mode, and each region is read in each mode only once. ``word_gap`` is where a blank between
    two words of an item's name or spec is a space (:func:`word_gap`). ``turned``: how many degrees clockwise
    the page as scanned was turned to give ``image``, upright; ``askew``: how many degrees counter-clockwise
    (negative: clockwise) its lines ran off level as scanned, taken off to give ``image`` (0: read as scanned);
    every box is one of ``image``."""

    def __init__(self, image, source: str, turned: int = 0, askew: float = 0.0) -> None:
        self.image = image
        self.source = source
        self.turned = turned
        self.askew = askew
        words = read_words(image, source)
        self.lines: list[TextLine] = word_lines(words)
        self.word_gap = word_gap(image, words)
        for line in self.lines:
            line.page = self
        self._read: dict[tuple[Box, ReadMode, Box | None], Reading] = {}

    def read_again(self, regions: list[tuple[Box, ReadMode, Box | None]]) -> list[Reading]:
        """The reading of each region (a box, its mode, and the box of the line it goes on from, or ``None``: see
        :func:`_ocr.led`) in its mode: one tesseract run per mode, runs side by side."""
        todo: dict[ReadMode, list[tuple[Box, Box | None]]] = {}
        for box, mode, lead in regions:
            if (box, mode, lead) not in self._read and (box, lead) not in todo.get(mode, []):
                todo.setdefault(mode, []).append((box, lead))
        with ThreadPoolExecutor(max_workers=_PARALLEL_RUNS) as pool:
            runs = pool.map(lambda job: read_crops(self.image, [box for box, _ in job[1]], job[0], self.source,
                                                   [lead for _, lead in job[1]]), todo.items())
            for (mode, crops), readings in zip(todo.items(), runs):
                self._read.update({(box, mode, lead): reading for (box, lead), reading in zip(crops, readings)})
        return [self._read[region] for region in regions]

    def value_region(self, box: Box) -> Box:
        """Where to read a value again, from its box in the page pass: the left edge moved back to where its
        first glyph begins (the page pass shares a word's box evenly among its characters, so the edge may
        cut into it), the right edge widened over the ink the value runs into (the page pass may have dropped
        a last character or stopped at a gap), never left into its label; padded."""
        left, top, right, bottom = box
        height = bottom - top
        pad = max(2, height // 4)
        left = blank_before(column_ink(self.image, top - pad, bottom + pad), left, height // 2)
        for run_left, run_right in ink_runs(self.image, top - pad, bottom + pad, round(0.6 * height)):
            if run_left < right and run_right > left:
                right = max(right, run_right)
        return (max(0, left - 1), max(0, top - pad), min(self.image.width, right + pad),
                min(self.image.height, bottom + pad))


@dataclass(frozen=True)
class WordGap:
    """From how many pixels on a blank between two words is a space, and how close to that a blank may be
    either, so that the reading that depends on it is doubted."""

    width: float
    margin: float


def word_gap(image, words: list[Word]) -> WordGap | None:
    """Where a blank between two words makes a space between them, measured on the page itself: the mean blank
    between the characters inside its words, plus :data:`_SPACE` of its text height (the median height of its
    Chinese words, or of all its words when none is Chinese). ``None`` when no word has two characters."""
    blanks = [width for word in words if len(word.text) > 1 for width in blanks_inside(image, word.box)]
    if not blanks:
        return None
    chinese = [w.box[3] - w.box[1] for w in words if all("\u4e00" <= c <= "\u9fff" for c in w.text)]
    height = statistics.median(chinese or [w.box[3] - w.box[1] for w in words])
    return WordGap(statistics.mean(blanks) + _SPACE * height, _UNSURE * height)
