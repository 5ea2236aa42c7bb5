"""An item row whose quantity or unit price a text layer prints with thousands separators (1,000; 1,000.00) was read
right and flagged all the same, "unreadable: probably misread", as if OCR might have taken a point for a comma. A
text layer is the invoice's own characters, with no misreading: it is read unflagged. On a scan the flag stays, since
there a comma may be a misread point."""

from pathlib import Path

import pytest

from client.invoices import read_scan
from client.invoices._cross_checks import row_values
from client.invoices._scan_fields import Found
from client.invoices.scan import _cell_problems

from . import _render
from ._samples import invoice
from .test_scan import needs_font


def _read_printed(tmp_path: Path, printed: dict[str, str]):
    """The sample invoice read from a text-layer PDF on which each text in ``printed`` is printed as its value."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = [(y, [(x, printed.get(text, text)) for x, text in cells]) for y, cells in _render.placed_rows(invoice())]
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))


@needs_font
@pytest.mark.parametrize("printed, row, column", [
    ({"1000": "1,000"}, 1, "quantity"),        # 1000 x 0.80
    ({"1000.00": "1,000.00"}, 2, "unit_price"),  # 1 x 1000.00, its amount 1,000.00 too
])
def test_a_text_layers_figure_with_thousands_separators_is_read_unflagged(tmp_path, printed, row, column):
    result = _read_printed(tmp_path, printed)
    cell = result.fields[f"lines[{row}].{column}"]
    assert cell.value == next(iter(printed.values())) and not cell.flagged, cell
    assert [name for name, field in result.fields.items() if field.flagged] == []
    assert result.ok and result.invoice.lines == invoice().lines   # 1000 and 1000.00, as printed


@pytest.mark.parametrize("column, read", [("quantity", "1,000"), ("unit_price", "1,000.00")])
def test_a_scans_figure_with_a_comma_stays_flagged(column, read):
    # OCR may read a point as a comma: 1,000 may be 1.000 misread, which only a person can tell
    cells = {"name": Found("*金属制品*不锈钢螺栓", 0.95), "quantity": Found("1000", 0.95),
             "unit_price": Found("0.80", 0.95), "amount": Found("800.00", 0.95), "tax_rate": Found("13%", 0.95),
             "tax": Found("104.00", 0.95)}
    cells[column] = Found(read, 0.95)
    assert _cell_problems(cells, row_values(cells), scanned=True)[column] == "unreadable: probably misread"
