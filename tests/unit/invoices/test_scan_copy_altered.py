"""A second copy of an invoice in one file whose printed total differs from the first's is said to
read otherwise, naming the field: its altered figure breaks the check the other figures pass and is
restored from them to the first's value, so compared by value alone the copy was said to read "the
same", an altered copy passed for a page printed twice."""

import pytest

from client.invoices import read_scan

from . import _render
from ._samples import invoice

pytest.importorskip("fpdf", reason="fpdf2 writes the text-layer PDF")
pytestmark = pytest.mark.skipif(_render.cjk_font() is None,
                                reason="no CJK font (OS package fonts-wqy-zenhei)")


def _printed_with(old: str, new: str):
    """The invoice's page, ``old`` printed as ``new`` wherever it stands."""
    rows = _render.placed_rows(invoice())
    return [(y, [(x, text.replace(old, new)) for x, text in cells]) for y, cells in rows]


@pytest.mark.parametrize("field, old, new", [
    ("total_with_tax", "（小写）¥2303.00", "（小写）¥3303.00"),   # 价税合计 altered, its words left
    ("total_tax", "¥203.00", "¥1203.00"),                       # 合计税额 altered
])
def test_a_copy_printing_another_total_reads_otherwise_in_that_field(tmp_path, field, old, new):
    pages = [_render.placed_rows(invoice()), _printed_with(old, new)]
    path = _render.save_pages_pdf(pages, tmp_path / "two.pdf")
    copies = read_scan(path).fields["copies"]
    assert copies.flagged
    assert "reading the same" not in copies.reason
    assert f"again on page 2, reading otherwise in {field} (derived in the copy as " in copies.reason
    assert "one of the copies is altered or misread" in copies.reason


def test_a_copy_printed_the_same_still_reads_the_same(tmp_path):
    page = _render.placed_rows(invoice())
    copies = read_scan(_render.save_pages_pdf([page, page], tmp_path / "twice.pdf")).fields["copies"]
    assert "again on page 2, reading the same" in copies.reason
