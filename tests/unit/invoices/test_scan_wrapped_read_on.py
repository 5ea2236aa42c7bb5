"""A wrapped item name's further line read again after the last glyph of the line above it, as OCR reads a word
that goes on from one line to the next: the reading is taken where it begins with the character the line above
ends with, and that character is taken off. No OCR here: the page is the rendered one, and its second pass reads
what each test says."""

import pytest

from client.invoices._ocr import Reading, column_ink, dark_spans, led
from client.invoices.scan import extract_fields

from .test_scan_wrapped import WRAPPED, RenderedPage, placed_lines

FIRST, FURTHER = WRAPPED.lines[0].name[:-5], WRAPPED.lines[0].name[-5:]  # ...-100nF-50 / V-X7R, as printed


class ReadOn(RenderedPage):
    """A rendered page whose second pass reads ``led`` where a line is read after the last glyph of the line
    above it, ``alone`` where such a line is read on its own, and nothing elsewhere."""

    def __init__(self, image, led: str, alone: str = "") -> None:
        super().__init__(image)
        self.led, self.alone = led, alone
        self.leads = []

    def read_again(self, regions):
        self.leads += [lead for _, _, lead in regions if lead is not None]
        further = {box for box, _, lead in regions if lead is not None}  # ``alone`` is the further lines' reading
        return [Reading(self.led if lead is not None else self.alone if box in further else "", 0.99)
                for box, _, lead in regions]


def read_with(led: str, alone: str = ""):
    lines = placed_lines(WRAPPED, scan=True)
    page = ReadOn(lines[0].page.image, led, alone)
    for line in lines:
        line.page = page
    fields, _, items = extract_fields(lines, 0.8)
    return fields, items, page


def test_a_further_line_read_after_the_character_it_goes_on_from_takes_that_reading():
    fields, items, page = read_with("0V-X8R")  # surer than the page pass (0.95), and read otherwise
    assert len(page.leads) == 3  # each further line of the two wrapped names (two lines, three), after its line above
    assert items[0].name == FIRST + "V-X8R"
    assert fields["lines[0].name"].flagged  # read two ways: a person checks it


def test_a_line_read_otherwise_on_its_own_keeps_its_field_flagged():
    # read on from above as the page pass read it, and otherwise on its own: the two readings that agree may share
    # a misreading the third did not make (the glyph above read as itself, the line's first character as the page
    # pass took it), so a person checks it, as where the line was read only on its own
    fields, items, _ = read_with("0V-X7R", alone="V-X8R")
    assert items[0].name == FIRST + FURTHER
    assert fields["lines[0].name"].flagged
    assert "V-X8R" in fields["lines[0].name"].reason


def test_a_line_read_alike_on_its_own_and_on_from_above_is_not_flagged_for_it():
    fields, items, _ = read_with("0V-X7R", alone="V-X7R")
    assert items[0].name == FIRST + FURTHER
    assert not fields["lines[0].name"].flagged


@pytest.mark.parametrize("led", ["OV-X8R", "0", ""], ids=["another first character", "that character alone",
                                                           "nothing"])
def test_a_reading_that_does_not_begin_with_the_character_above_is_not_taken(led):
    fields, items, _ = read_with(led)
    assert items[0].name == FIRST + FURTHER  # the page pass's reading, the line read on its own being empty


def test_the_line_is_read_after_the_last_glyph_of_the_line_above_on_its_baseline():
    from PIL import Image, ImageDraw

    above = Image.new("L", (200, 40), 255)
    ImageDraw.Draw(above).rectangle((20, 10, 39, 29), fill=0)  # two glyphs, 20 px high
    ImageDraw.Draw(above).rectangle((60, 10, 69, 29), fill=0)  # the last, 10 px wide
    line = Image.new("L", (300, 50), 255)
    ImageDraw.Draw(line).rectangle((30, 5, 129, 34), fill=0)  # 30 px high
    joined = led(above, line)
    assert joined.size == (10 + round(0.15 * 30) + 100, 30)
    assert dark_spans(column_ink(joined, 0, 30)) == [(0, 10), (14, 114)]
    assert joined.getpixel((5, 5)) == 255 and joined.getpixel((5, 15)) == 0  # standing on the line's baseline
