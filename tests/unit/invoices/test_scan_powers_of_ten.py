"""A scanned or text-layer quantity or unit price written with a power of ten (``1E3``, ``8E-1``) is not read as
the number it would be: it is refused as the XML and JSON readers refuse it, and as the scan reader refuses an
amount so written (``refuse_power_of_ten``), so the cell is unreadable, flagged, and its figure derived from the
others where they allow it, saying so; never taken as 1000 in silence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.invoices import read_scan
from client.invoices._cross_checks import row_values
from client.invoices._scan_fields import Found

from . import _render
from ._samples import invoice
from .test_scan import needs_font


@pytest.mark.parametrize("column, written", [("quantity", "1E3"), ("quantity", "1e3"), ("unit_price", "8E-1"),
                                             ("unit_price", "0.8E0")])
def test_a_cell_with_a_power_of_ten_has_no_value(column, written):
    cells = {"quantity": Found("1000", 0.99), "unit_price": Found("0.80", 0.99), column: Found(written, 0.99)}
    assert getattr(row_values(cells), column) is None


def test_a_cell_in_plain_digits_still_reads():
    values = row_values({"quantity": Found("1000", 0.99), "unit_price": Found("0.80", 0.99)})
    assert (values.quantity, values.unit_price) == (Decimal("1000"), Decimal("0.80"))


@needs_font
@pytest.mark.parametrize("printed, written, column", [("1000", "1E3", "quantity"), ("0.80", "8E-1", "unit_price")])
def test_a_text_layer_figure_with_a_power_of_ten_is_derived_and_flagged(tmp_path, printed, written, column):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    inv = invoice()
    rows = [(y, [(x, written if text == printed else text) for x, text in cells])
            for y, cells in _render.placed_rows(inv)]
    result = read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))
    cell = result.fields[f"lines[1].{column}"]
    assert not result.ok and f"lines[1].{column}" in result.flagged
    assert cell.value == printed and cell.reason.startswith("derived, not read: amount / ")
    assert str(getattr(result.invoice.lines[1], column)) == printed
