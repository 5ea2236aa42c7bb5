"""A refusal of an ERP export's row names it as a spreadsheet numbers it: an empty line is a row
(csv.DictReader skipped it unnumbered, so every row below it was named by the one above), and a cell holding
a line break is one row, whichever the refusal (one of too many cells was named by the file's line number, the
others by the row)."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput
from client.invoices.matching import read_purchase_order

from .test_matching import write

HEADER = "po_number,line,item_name,quantity,unit_price\n"


@pytest.mark.parametrize("between", ["\n", ",,,,\n"])
def test_a_row_below_an_empty_line_is_named_by_its_own_number(tmp_path, between):
    path = write(tmp_path, "po.csv", HEADER + "PO-1,1,贴片电容,200,1.50\n" + between + "PO-1,2,螺栓,x,0.80\n")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.field == "row 4: quantity"


@pytest.mark.parametrize("bad_row, field", [("PO-1,2,螺栓,x,0.80\n", "row 3: quantity"),
                                            ("PO-1,2,螺栓,1000,0.80,extra\n", "row 3")])
def test_rows_below_a_cell_holding_a_line_break_are_named_alike(tmp_path, bad_row, field):
    path = write(tmp_path, "po.csv", HEADER + 'PO-1,1,"贴片\n电容",200,1.50\n' + bad_row)
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.field == field


def test_a_short_row_reads_its_missing_cells_as_empty(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,quantity,unit_price,unit\n"
                                                      "PO-1,贴片电容,200,1.50\n"))
    assert (po.lines[0].quantity, po.lines[0].unit) == (200, None)
