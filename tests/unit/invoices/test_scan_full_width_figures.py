"""A figure typed in full-width forms (８００．００, as a Chinese input method in full-width mode gives it) is read by
the XML and JSON readers as the same figure; printed so on a PDF's text layer (or read so off a scan) it did not fit
the scan reader's money pattern, and the amount was flagged unreadable, a total derived from the rows and flagged.
It is read as the typed readers read it, through the same normalisation."""

from pathlib import Path

import pytest

from client.invoices import read_scan
from client.invoices._reading import to_fen
from client.invoices._scan_fields import KINDS, MONEY

from . import _render
from ._samples import invoice
from .test_scan import needs_font


@pytest.mark.parametrize("printed, ascii_", [("８００．００", "800.00"), ("¥２，１００．００", "2,100.00"),
                                             ("¥－３００．００", "-300.00")])
def test_a_full_width_figure_cleans_to_the_ascii_one_the_typed_readers_read(printed, ascii_):
    assert KINDS["amount"].clean(printed) == KINDS["money"].clean(printed) == ascii_
    assert KINDS["amount"].well_formed(ascii_)
    assert to_fen(printed) == to_fen(ascii_)


def test_the_money_pattern_finds_a_full_width_figure_whole():
    import re
    assert [m.group() for m in re.finditer(MONEY, "（小写）¥２３０３．００")] == ["¥２３０３．００"]


@needs_font
@pytest.mark.parametrize("printed, field", [
    ({"800.00": "８００．００"}, "lines[1].amount"),
    ({"1.50": "１．５０"}, "lines[0].unit_price"),
    ({"¥2100.00": "¥２１００．００", "¥203.00": "¥２０３．００"}, "total_amount"),
    ({"（小写）¥2303.00": "（小写）¥２３０３．００"}, "total_with_tax"),
])
def test_a_text_layers_full_width_figure_is_read_unflagged(tmp_path: Path, printed, field):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = [(y, [(x, printed.get(text, text)) for x, text in cells]) for y, cells in _render.placed_rows(invoice())]
    result = read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))
    assert [name for name, reading in result.fields.items() if reading.flagged] == []
    assert result.fields[field].derived is None
    sample = invoice()
    assert result.invoice.lines == sample.lines
    assert (result.invoice.total_amount_fen, result.invoice.total_tax_fen, result.invoice.total_with_tax_fen) == (
        sample.total_amount_fen, sample.total_tax_fen, sample.total_with_tax_fen)
