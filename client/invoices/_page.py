"""A scanned page: read once into lines, and read again wherever a field is."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ._lines import TextLine, word_lines
from ._ocr import Box, Reading, ReadMode, blank_before, column_ink, ink_runs, read_crops, read_words

_PARALLEL_RUNS = 2  # second-pass runs (one per read mode) at a time: each is one single-threaded tesseract


class ScannedPage:
    """One page image (grayscale), read once into lines that know their page; any region of it can be read
    again in any mode, and each region is read in each mode only once."""

    def __init__(self, image, source: str) -> None:
        self.image = image
        self.source = source
        self.lines: list[TextLine] = word_lines(read_words(image, source))
        for line in self.lines:
            line.page = self
        self._read: dict[tuple[Box, ReadMode], Reading] = {}

    def read_again(self, regions: list[tuple[Box, ReadMode]]) -> list[Reading]:
        """The reading of each region in its mode: one tesseract run per mode, runs side by side."""
        todo: dict[ReadMode, list[Box]] = {}
        for box, mode in regions:
            if (box, mode) not in self._read and box not in todo.get(mode, []):
                todo.setdefault(mode, []).append(box)
        with ThreadPoolExecutor(max_workers=_PARALLEL_RUNS) as pool:
            runs = pool.map(lambda job: read_crops(self.image, job[1], job[0], self.source), todo.items())
            for (mode, boxes), readings in zip(todo.items(), runs):
                self._read.update({(box, mode): reading for box, reading in zip(boxes, readings)})
        return [self._read[(box, mode)] for box, mode in regions]

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
