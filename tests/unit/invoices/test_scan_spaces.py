"""Spaces inside item names and specs: kept as a text layer has them, and on a scan where two words stand a space
apart. No OCR here: a "scan" is the rendered page, its words cut from the rendered text as tesseract cuts them (a
word per Chinese character, a word per run of other characters), and its second pass reads nothing."""

import re

import pytest

from client.invoices._item_table import column_extents, cut_row, cut_text_row
from client.invoices._lines import TextLine, text_lines, word_lines
from client.invoices._ocr import Reading, Word
from client.invoices._page import WordGap, word_gap
from client.invoices._pdf_text import text_layer
from client.invoices._scan_fields import KINDS, Found, reconcile, respaced
from client.invoices._scan_layout import item_rows
from client.invoices.scan import ScanResult, extract_fields, field_accuracy

from . import _render
from .test_scan import CORPUS, SPACED_CORPUS, WRAPPED_CORPUS
from .test_scan_wrapped import RenderedPage

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

SPACED = SPACED_CORPUS[0]
SCALE = 1.4  # the renderer's default


def rendered_words(inv) -> list[Word]:
    """The words tesseract would find on the rendered page, with their ink boxes, one line per rendered row."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(_render.cjk_font()), round(28 * SCALE))
    words = []
    for row, (y, cells) in enumerate(_render.placed_rows(inv)):
        for x, text in cells:
            for m in re.finditer(r"[\u4e00-\u9fff]|[^\u4e00-\u9fff\s]+", text):
                left = round(x * SCALE + font.getlength(text[:m.start()]))
                ink = font.getbbox(m.group())
                box = (left + ink[0], round(y * SCALE) + ink[1], left + ink[2], round(y * SCALE) + ink[3])
                words.append(Word(m.group(), 0.95, box, (str(row),)))
    return words


def rendered_scan(inv, gap=None) -> list[TextLine]:
    """The rendered page read as the page pass reads a scan; ``gap`` stands for the page's measured word gap."""
    image = _render.render_image(inv).convert("L")
    words = rendered_words(inv)
    page = RenderedPage(image)
    page.word_gap = gap or word_gap(image, words)
    lines = word_lines(words)
    for line in lines:
        line.page = page
    return lines


# --- scans ---------------------------------------------------------------------------

@needs_font
@pytest.mark.parametrize("inv", [SPACED, CORPUS[0], WRAPPED_CORPUS[0]], ids=["spaced", "old", "wrapped"])
def test_a_scan_keeps_the_spaces_between_words_and_gains_none_inside_them(inv):
    fields, got, items = extract_fields(rendered_scan(inv), 0.8)
    result = ScanResult(source="rendered", method="ocr", fields=fields, line_items=items, invoice=got)
    assert all(field_accuracy(inv, result).values())
    assert [(item.name, item.spec) for item in items] == [(l.name, l.spec) for l in inv.lines]


@needs_font
def test_a_blank_near_the_width_of_a_space_is_doubted_either_way():
    lines = rendered_scan(SPACED)
    columns = column_extents(next(l for l in lines if l.text.startswith("项目名称")))
    row = next(l for l in lines if l.text.startswith("*计算机"))

    def spec(width, margin):
        cell = cut_row(row.page.image, row, columns, WordGap(width, margin))["spec"]
        return cell.page_text, cell.doubt

    blank = int(re.search(r"a blank of (\d+) px before '2'", spec(0, 1000)[1]).group(1))  # the space in the spec
    assert blank > 10

    assert spec(blank / 2, 1) == ("M.2 2280", None)
    assert spec(3 * blank, 1) == ("M.22280", None)
    text, doubt = spec(blank - 1, 2)
    assert text == "M.2 2280" and f"a blank of {blank} px before '2'" in doubt and "read as a space" in doubt
    text, doubt = spec(blank + 1, 2)
    assert text == "M.22280" and "read as none" in doubt
    fields, _, _ = extract_fields(rendered_scan(SPACED, gap=WordGap(blank - 1, 2)), 0.8)
    assert fields["lines[1].spec"].value == "M.2 2280" and fields["lines[1].spec"].flagged
    assert fields["lines[1].spec"].reason.startswith(f"a blank of {blank} px")


def _drawn_row(words):
    """A page with each (text, box) word drawn as a solid block, and the page pass's line of those words."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (200, 26), 255)
    line = TextLine()
    for text, box in words:
        line.add(text, 0.9, gap=False, box=box)
    for left, right in ((10, 90), (104, 170)):  # the ink: two blocks, 14 px apart
        ImageDraw.Draw(page).rectangle((left, 2, right - 1, 24), fill=0)
    return page, line


_COLUMNS = {"name": (0, 5), "spec": (20, 160), "unit": (180, 190), "amount": (191, 192), "tax_rate": (193, 194),
            "tax": (195, 196)}


def test_without_a_measured_word_gap_no_space_is_kept():
    page, line = _drawn_row([("0603", (10, 0, 90, 26)), ("X7R", (104, 0, 170, 26))])
    assert cut_row(page, line, _COLUMNS)["spec"].page_text == "0603X7R"
    assert cut_row(page, line, _COLUMNS, WordGap(10, 1))["spec"].page_text == "0603 X7R"


def test_a_blank_as_wide_as_a_space_inside_one_word_is_doubted_not_spaced():
    page, line = _drawn_row([("GB70.1", (10, 0, 170, 26))])  # the page pass read it as one word
    cell = cut_row(page, line, _COLUMNS, WordGap(10, 1))["spec"]
    assert cell.page_text == "GB70.1" and cell.doubt.startswith("a blank of 14 px, as wide as a space, inside a word")
    assert cut_row(page, line, _COLUMNS, WordGap(20, 1))["spec"].doubt is None  # narrower than a space here


# --- text layers ----------------------------------------------------------------------

@needs_font
def test_a_text_layer_row_is_cut_by_where_its_characters_are(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    from pypdf import PdfReader

    _, lines = text_layer(PdfReader(_render.save_text_pdf(SPACED, tmp_path / "inv.pdf")).pages)
    columns = column_extents(next(l for l in lines if l.text.startswith("项目名称")))
    row = next(l for l in lines if l.text.startswith("*计算机"))
    cells = cut_text_row(row, columns)
    assert {column: cell.page_text for column, cell in cells.items()} == {
        "name": "*计算机配套产品*固态硬盘 1TB", "spec": "M.2 2280", "unit": "块", "quantity": "10",
        "unit_price": "520.00", "amount": "5200.00", "tax_rate": "13%", "tax": "676.00"}
    assert not any(cell.doubt for cell in cells.values())
    wrapped = next(l for l in lines if l.text == "0V X7R")
    assert {column: cell.page_text for column, cell in cut_text_row(wrapped, columns).items()} == {"name": "0V X7R"}
    unplaced = TextLine(row.text, row.conf, [None] + row.boxes[1:], row.starts)
    assert cut_text_row(unplaced, columns) is None  # where its first character lies is unknown


@needs_font
def test_a_text_layer_without_places_falls_back_to_the_row_pattern(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    from pypdf import PdfReader

    # the pattern takes a name as one word: a row whose name or spec has a space is flagged, never misread; so is
    # a wrapped name's second line, which without places cannot be told from a row
    for inv, readable in ((CORPUS[0], [True] * 3), (SPACED, [False] * 5)):
        text, _ = text_layer(PdfReader(_render.save_text_pdf(inv, tmp_path / "inv.pdf")).pages)
        assert [row.problem is None for row in item_rows(text_lines(text))] == readable  # the text without boxes


# --- two readings of a field that may hold spaces --------------------------------------

def test_the_value_kept_takes_the_spaces_of_the_page_pass():
    found = reconcile(Found("*#电子元件*贴片电容 0603 100nF", 0.6), Reading("电子元件*贴片电容0603100nF", 0.5),
                      KINDS["name"])
    assert found.value == "*电子元件*贴片电容 0603 100nF" and found.doubt is None


def test_a_space_goes_where_its_neighbours_were_read_even_if_read_otherwise():
    assert respaced("*电线电缆*铜芯电力电缆YJV3x95", "*#电线电缆*铜艺电力电费 YJV 3x95") \
        == ("*电线电缆*铜芯电力电缆 YJV 3x95", [])  # 费 read again as 缆: one character for one


def test_a_space_with_no_place_in_the_value_kept_is_a_doubt():
    assert respaced("06X7R", "0603 X7R") == ("06X7R", ["3"])  # the characters around it were not read again
    found = reconcile(Found("0603 X7R", 0.90), Reading("06X7R", 0.95), KINDS["spec"])
    assert found.value == "06X7R" and "a space after '3'" in found.doubt


def test_a_text_layers_spaces_are_kept_where_a_field_may_hold_them():
    assert reconcile(Found("M.2 2280", 1.0), None, KINDS["spec"]).value == "M.2 2280"
    assert reconcile(Found("*电线电缆*铜芯电力电缆 YJV 3x95", 1.0), None, KINDS["name"]).value \
        == "*电线电缆*铜芯电力电缆 YJV 3x95"
    assert reconcile(Found("千 克", 1.0), None, KINDS["unit"]).value == "千克"
