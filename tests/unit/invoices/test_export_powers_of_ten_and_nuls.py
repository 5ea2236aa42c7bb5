"""A purchase order's or goods receipt's export with a quantity or price written with a power of ten (1E3) or a
NUL character in a cell is refused, naming the file, the row (or JSON line) and the column, and saying what to
send. 1E3 is how a spreadsheet shows a figure it has rounded, or a cell it took for a number; read as 1000 it
would back an invoice for goods never counted. A NUL is no character of any document's text: an export holding
one is damaged, or is UTF-16 read as something else; read, a PO number with a NUL is a different number."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput
from client.invoices.matching import read_goods_receipt, read_purchase_order

from .test_matching import write

PO_HEADER = "po_number,line,item_name,quantity,unit_price\n"
GR_HEADER = "receipt_number,po_number,line,item_name,quantity_received\n"


@pytest.mark.parametrize("row, column", [("PO-1,1,贴片电容,1E3,1.50", "quantity"),
                                         ("PO-1,1,贴片电容,1e3,1.50", "quantity"),
                                         ("PO-1,1,贴片电容,1000,1.5E0", "unit_price"),
                                         ("PO-1,1,贴片电容,2.5e+2,1.50", "quantity")])
def test_a_purchase_order_figure_with_a_power_of_ten_is_refused(tmp_path, row, column):
    path = write(tmp_path, "po.csv", PO_HEADER + "PO-1,2,螺栓,10,0.80\n" + row + "\n")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.source == str(path) and refused.value.field == f"row 3: {column}"
    assert "power of ten" in refused.value.problem and "plain digits" in refused.value.problem


def test_a_received_quantity_with_a_power_of_ten_is_refused(tmp_path):
    path = write(tmp_path, "gr.csv", GR_HEADER + "GR-1,PO-1,1,贴片电容,1E3\n")
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(path)
    assert refused.value.field == "row 2: quantity_received" and "power of ten" in refused.value.problem


def test_a_json_number_with_a_power_of_ten_is_refused(tmp_path):
    doc = '{"po_number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": 1e3, "unit_price": "1.50"}]}'
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(write(tmp_path, "po.json", doc))
    assert refused.value.field == "lines[0]: quantity" and "power of ten" in refused.value.problem


def test_plain_figures_still_read(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_HEADER + "PO-1,1,贴片电容,1000,1.50\n"))
    assert (po.lines[0].quantity, po.lines[0].unit_price) == (1000, 1.5)


@pytest.mark.parametrize("row, field", [("PO-1,1,贴片\x00电容,1000,1.50", "row 2: item_name"),
                                        ("PO-1\x00,1,贴片电容,1000,1.50", "row 2: po_number"),
                                        ("PO-1,1,贴片电容,1000\x00,1.50", "row 2: quantity")])
def test_a_csv_cell_with_a_nul_is_refused(tmp_path, row, field):
    path = write(tmp_path, "po.csv", PO_HEADER + row + "\n")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.source == str(path) and refused.value.field == field
    assert "NUL" in refused.value.problem and "UTF-8" in refused.value.problem


def test_a_nul_in_a_later_row_is_named_by_that_row(tmp_path):
    path = write(tmp_path, "gr.csv", GR_HEADER + "GR-1,PO-1,1,贴片电容,10\nGR-1,PO-1\x00,2,螺栓,5\n")
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(path)
    assert refused.value.field == "row 3: po_number" and "NUL" in refused.value.problem


@pytest.mark.parametrize("doc, field", [
    ({"po_number": "PO-1\x00", "lines": [{"item_name": "贴片电容", "quantity": "1000", "unit_price": "1.50"}]},
     "po_number"),
    ({"po_number": "PO-1", "lines": [{"item_name": "贴片\x00电容", "quantity": "1000", "unit_price": "1.50"}]},
     "lines[0]: item_name"),
])
def test_a_json_value_with_a_nul_is_refused(tmp_path, doc, field):
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(write(tmp_path, "po.json", json.dumps(doc, ensure_ascii=False)))
    assert refused.value.field == field and "NUL" in refused.value.problem


def test_a_nul_deep_in_a_nested_value_is_found_and_deep_nesting_is_no_crash(tmp_path):
    nested = '"po_number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": "1000", "unit_price": "1.50", ' \
             '"note": ' + "[" * 900 + '"a\\u0000b"' + "]" * 900 + "}]"
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(write(tmp_path, "po.json", "{" + nested + "}"))
    assert refused.value.field == "lines[0]: note" and "NUL" in refused.value.problem
