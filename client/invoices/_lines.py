"""Lines of text with a confidence and, from OCR, a box for every character.

Field patterns run over the text; the confidence of a field is the lowest of its
characters', and its box (the union of its characters' boxes) is where a second
pass reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._ocr import Box, Word


def union(boxes) -> Box | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass
class TextLine:
    """A line of text, the confidence of each character (0-1), each character's box when it has one, and
    which characters begin a word as it was added (an OCR word: where a space inside an item name may be)."""

    text: str = ""
    conf: list[float] = field(default_factory=list)
    boxes: list[Box | None] = field(default_factory=list)
    starts: list[bool] = field(default_factory=list)
    # the characters OCR weighed at each character (its choice first), "" where it does not say
    choices: list[str] = field(default_factory=list)
    page: Any = field(default=None, repr=False, compare=False)  # the scanned page it was read from, if any
    page_number: int = field(default=0, compare=False)  # which of a PDF's pages its text layer has the line on

    def same_page(self, other: "TextLine") -> bool:
        """Whether two lines are on one page: of one scanned image, or of one page of a text layer."""
        return self.page is other.page and self.page_number == other.page_number

    def add(self, text: str, confidence: float, gap: bool, box: Box | None = None,
            choices: tuple[str, ...] = ()) -> None:
        if gap and self.text:
            self.add_space()
        self.text += text
        self.conf.extend([confidence] * len(text))
        self.boxes.extend(_split_box(box, len(text)))
        self.starts.extend(i == 0 for i in range(len(text)))
        self.choices.extend(choices if len(choices) == len(text) else [""] * len(text))

    def add_space(self) -> None:
        """A space between two words: a word of its own, sure, with no box."""
        self.text += " "
        self.conf.append(1.0)
        self.boxes.append(None)
        self.starts.append(True)
        self.choices.append("")

    def span_conf(self, start: int, end: int) -> float:
        return min(self.conf[start:end], default=0.0)

    def span_box(self, start: int, end: int) -> Box | None:
        return union(self.boxes[start:end])

    @property
    def box(self) -> Box | None:
        return union(self.boxes)


def _split_box(box: Box | None, count: int) -> list[Box | None]:
    """A word's box shared evenly among its characters (tesseract often boxes several CJK characters as one word)."""
    if box is None or count == 0:
        return [None] * count
    left, top, right, bottom = box
    width = (right - left) / count
    return [(round(left + i * width), top, round(left + (i + 1) * width), bottom) for i in range(count)]


def text_lines(text: str, confidence: float = 1.0) -> list[TextLine]:
    """Plain text (a PDF's text layer) as lines; words split at whitespace are joined by one space."""
    out = []
    for raw in text.splitlines():
        line = TextLine()
        for i, token in enumerate(raw.split()):
            line.add(token, confidence, gap=i > 0)
        if line.text:
            out.append(line)
    return out


def word_lines(words: list[Word]) -> list[TextLine]:
    """OCR words as lines, in tesseract's reading order; a space only where the gap is wide (CJK text has none)."""
    grouped: dict[tuple[str, ...], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    out = []
    for line_words in grouped.values():
        line_words.sort(key=lambda w: w.box[0])
        height = max(w.box[3] - w.box[1] for w in line_words) or 1
        line = TextLine()
        previous_right = None
        for w in line_words:
            gap = previous_right is not None and w.box[0] - previous_right > 0.6 * height
            line.add(w.text, w.confidence, gap, w.box, w.choices)
            previous_right = w.box[2]
        out.append(line)
    return out
