"""A scanned row's ink that lies under two column labels with no blank to cut it at (a spec as wide as its column,
the unit printed close after it) is doubted, so flagged: never given whole to one column in silence. The test
renderer refuses a spec wider than its column, which would be printed over the unit as no invoice prints it."""

import pytest

from client.invoices import read_scan
from client.invoices._item_table import cut_row
from client.invoices._lines import TextLine

from . import _render
from ._samples import invoice, line
from ._tesseract import needs_tesseract
from .test_scan import needs_font

_COLUMNS = {"name": (0, 5), "spec": (20, 120), "unit": (140, 170), "amount": (191, 192), "tax_rate": (193, 194),
            "tax": (195, 196)}


def _drawn_row(blank: int):
    """A page with a spec's ink from 20 to 130 and a unit's from 130 + ``blank``, under the unit label (140-170),
    and the page pass's line of the two."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (200, 26), 255)
    line = TextLine()
    line.add("不锈钢焊管", 0.9, gap=False, box=(20, 2, 130, 24))
    line.add("根", 0.9, gap=False, box=(130 + blank, 2, 160 + blank, 24))
    for left, right in ((20, 130), (130 + blank, 160 + blank)):
        ImageDraw.Draw(page).rectangle((left, 2, right - 1, 24), fill=0)
    return page, line


def test_ink_under_two_labels_that_cannot_be_cut_is_doubted():
    page, line = _drawn_row(2)  # a blank as narrow as one between two characters: no cut
    cells = cut_row(page, line, _COLUMNS)
    assert set(cells) == {"spec"} and cells["spec"].page_text == "不锈钢焊管根"
    assert cells["spec"].doubt.startswith("its ink runs from under 规格型号 to under 单位 with no blank to cut it at "
                                          "(the widest is 2 px"), cells["spec"].doubt


def test_ink_under_two_labels_cut_at_a_blank_is_two_cells_and_not_doubted():
    page, line = _drawn_row(10)  # narrower than a cell gap (0.6 text heights), wide enough to cut a run at
    cells = cut_row(page, line, _COLUMNS)
    assert (cells["spec"].page_text, cells["unit"].page_text) == ("不锈钢焊管", "根")
    assert cells["spec"].doubt is None and cells["unit"].doubt is None


def test_the_renderer_refuses_a_spec_wider_than_its_column():
    inv = invoice(lines=(line("*金属制品*不锈钢管", "3", "99.99", "0.13", unit="根", spec="304 不锈钢"),))
    with pytest.raises(ValueError, match="spec '304 不锈钢' is 152 units wide, wider than its column"):
        _render.placed_rows(inv)


@needs_font
@needs_tesseract
def test_a_scanned_spec_that_fills_its_column_beside_a_unit_is_flagged_not_merged(tmp_path):
    # five characters fill the spec column: the unit 根 is printed a side bearing after them, a blank no wider than
    # the ones between the spec's own characters
    inv = invoice(lines=(line("*金属制品*不锈钢管", "3", "99.99", "0.13", unit="根", spec="不锈钢焊管"),))
    result = read_scan(_render.save_png(inv, tmp_path / "spec.png"))
    spec = result.fields["lines[0].spec"]
    assert spec.flagged and "its ink runs from under 规格型号 to under 单位" in spec.reason, spec
    assert "spec" in result.fields["lines[0]"].reason and not result.ok
    assert any(f.field == "lines[0].spec" for f in result.invoice.unreviewed)
