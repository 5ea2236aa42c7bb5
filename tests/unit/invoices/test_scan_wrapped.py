"""Item names wrapped onto further lines of the name column: joined to their row, on a scan and on a text layer.
No OCR here: the lines are the rendered ones, with their boxes; on a "scan" the rows are cut by the rendered
ink and the second pass reads nothing, so every field keeps its page-pass reading."""

from datetime import date

import pytest

from client.invoices._lines import TextLine, text_lines
from client.invoices._ocr import Reading
from client.invoices._pdf_text import text_layer
from client.invoices.scan import ScanResult, extract_fields, field_accuracy

from . import _render
from ._samples import BUYER, SELLER_2, invoice, line

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
pytestmark = needs_font

WRAPPED = invoice(number="26442000000087654321", issued=date(2026, 10, 9), seller=SELLER_2, buyer=BUYER, lines=(
    line("*电子元件*贴片电容0603-100nF-50V-X7R", "4000", "0.05", "0.13", unit="个"),  # two lines
    line("*研发和技术服务*工业自动化生产线控制系统软件定制开发及现场安装调试技术服务", "1", "8000.00", "0.06",
         unit="项"),  # three lines
    line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6"),  # one line
))
FIRST, SECOND, THIRD = _render.wrap_name(WRAPPED.lines[1].name)


class RenderedPage:
    """A rendered page standing in for a scanned one: its second pass reads nothing."""

    word_gap = None  # no space is kept inside a cell

    def __init__(self, image) -> None:
        self.image = image

    def value_region(self, box):
        return box

    def read_again(self, regions):
        return [Reading("", 0.0) for _ in regions]


def placed_lines(inv, conf=0.95, overrides=None, extra=None, scan=False, **layout):
    """The rendered rows as lines whose characters have boxes, each with confidence ``conf`` (``overrides``:
    per text). ``extra`` adds (x, text) cells to the row holding a given text. ``scan``: the lines belong to the
    rendered page (with the extra cells drawn on it), as OCR's do. ``layout``: :func:`_render.placed_rows`'s."""
    from PIL import ImageDraw, ImageFont

    placed = [(y, cells + [c for text, c in (extra or {}).items() if any(t == text for _, t in cells)])
              for y, cells in _render.placed_rows(inv, **layout)]
    scale = 1.4
    font = ImageFont.truetype(str(_render.cjk_font()), round(28 * scale))
    page = None
    if scan:
        image = _render.render_image(inv, **layout).convert("L")
        draw = ImageDraw.Draw(image)
        for text, (x, added) in (extra or {}).items():
            y = next(y for y, cells in placed if any(t == text for _, t in cells))
            draw.text((round(x * scale), round(y * scale)), added, font=font, fill=0)
        page = RenderedPage(image)
    out = []
    for y, cells in placed:
        line = TextLine(page=page)
        for x, text in cells:
            left, top, right, bottom = font.getbbox(text)
            origin = (round(x * scale), round(y * scale))
            box = (origin[0] + left, origin[1] + top, origin[0] + right, origin[1] + bottom)
            line.add(text, (overrides or {}).get(text, conf), gap=bool(line.text), box=box)
        out.append(line)
    return out


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_wrapped_name_is_joined_whole(scan):
    fields, got, items = extract_fields(placed_lines(WRAPPED, scan=scan), 0.8)
    result = ScanResult(source="rendered", method="ocr" if scan else "text-layer", fields=fields,
                        line_items=items, invoice=got)
    assert all(field_accuracy(WRAPPED, result).values())
    assert [item.name for item in items] == [l.name for l in WRAPPED.lines]
    assert not [n for n, f in fields.items() if f.flagged]
    assert got is not None and got.lines == WRAPPED.lines


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_low_confidence_line_of_a_name_lowers_its_confidence_and_flags_it(scan):
    fields, _, items = extract_fields(placed_lines(WRAPPED, overrides={SECOND: 0.42}, scan=scan), 0.8)
    name = fields["lines[1].name"]
    assert name.value == WRAPPED.lines[1].name and name.confidence == pytest.approx(0.42)
    assert name.flagged and name.reason.startswith("low confidence 0.420")
    assert fields["lines[1]"].flagged and fields["lines[1]"].reason == "check name"
    assert not fields["lines[0].name"].flagged and not fields["lines[2].name"].flagged


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_line_with_a_figure_is_a_new_item_not_part_of_the_name(scan):
    # the third line of the name, with a quantity under 数量: not a wrapped name (and, lacking an amount, no item)
    fields, got, items = extract_fields(placed_lines(WRAPPED, extra={THIRD: (_render.COLUMNS[3], "5")},
                                                     scan=scan), 0.8)
    assert items[1].name == WRAPPED.lines[1].name[:-len(THIRD)]  # the first two lines only
    assert fields["lines[2]"].flagged and fields["lines[2]"].reason.startswith("unreadable item row")
    assert THIRD in fields["lines[2]"].value
    assert items[2] is None and got is None


def test_a_line_under_the_name_column_below_the_rows_band_is_not_joined():
    lines = placed_lines(WRAPPED)
    i = next(i for i, l in enumerate(lines) if l.text == THIRD)
    far = TextLine()
    for char, box in zip(lines[i].text, lines[i].boxes):  # moved down by two text heights
        height = box[3] - box[1]
        far.add(char, 0.95, gap=False, box=(box[0], box[1] + 2 * height, box[2], box[3] + 2 * height))
    lines[i] = far
    fields, got, items = extract_fields(lines, 0.8)
    assert items[1].name == WRAPPED.lines[1].name[:-len(THIRD)]
    assert fields["lines[2]"].flagged and got is None


def test_the_text_layer_gives_the_lines_pypdf_extracts_with_boxes(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    from pypdf import PdfReader

    reader = PdfReader(_render.save_text_pdf(WRAPPED, tmp_path / "inv.pdf"))
    text, lines = text_layer(reader.pages)
    assert [l.text for l in lines] == [l.text for l in text_lines(text)]
    header, continued = (next(l for l in lines if l.text.startswith(start)) for start in ("项目名称", SECOND))
    assert header.box[0] == 40 and continued.box[0] == 40  # where the page has them, in points
    row = next(l for l in lines if l.text.startswith(FIRST))
    assert 0 < continued.box[1] - row.box[3] < row.box[3] - row.box[1]  # just below its row

