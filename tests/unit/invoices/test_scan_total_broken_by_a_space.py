"""价税合计 printed with a blank inside its figure (¥2 303.00, as OCR or a text layer may space digits) was read as
the part after the blank, 303.00: another total than the invoice's, flagged only where the amount in words
contradicted it. A figure is read whole or not at all (as a deduction broken by a space is): the total is derived
from 合计金额 + 合计税额 and flagged, as every total that cannot be read is."""

from pathlib import Path

import pytest

from client.invoices import read_scan

from . import _render
from ._samples import invoice
from .test_scan import needs_font

pytestmark = needs_font
INV = invoice()


def _read(tmp_path: Path, printed: str, words: str | None = None):
    """The invoice with its 价税合计 figure printed so, and 合计's figures spaced as well (¥2 100.00), so that no
    check of the total against them tells it is misread."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    spaced = {"（小写）¥2303.00": printed, "¥2100.00": "¥2 100.00"}
    rows = [(y, [(x, spaced.get(text, text)) for x, text in cells]) for y, cells in _render.placed_rows(INV, words)]
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "invoice.pdf"))


@pytest.mark.parametrize("printed", ["（小写）¥2 303.00", "（小写）¥2  303.00", "（小写）¥23 03.00"])
@pytest.mark.parametrize("words", [None, ""])   # the amount in words printed, or left blank
def test_a_total_broken_by_a_blank_is_derived_and_flagged_not_read_in_part(tmp_path: Path, printed, words):
    result = _read(tmp_path, printed, words)
    total = result.fields["total_with_tax"]
    assert total.flagged and total.value == "2303.00"
    assert total.reason.startswith("derived, not read: 合计金额 + 合计税额 = 2100.00 + 203.00")
    assert result.invoice.total_with_tax_fen == INV.total_with_tax_fen


def test_a_total_printed_whole_is_read_as_before(tmp_path: Path):
    total = _read(tmp_path, "（小写）¥2303.00").fields["total_with_tax"]
    assert not total.flagged and total.value == "2303.00" and total.derived is None
