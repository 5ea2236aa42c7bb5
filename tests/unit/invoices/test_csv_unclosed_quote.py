"""A quote in a CSV export that the csv module would read leniently is refused naming its row: a quoted cell
never closed took every row after it into itself (a receipt's note ``"3 cartons damaged`` swallowed the rows
below it, and the receipt read as its first rows alone matched an invoice its whole file does not), and text
after a closing quote was joined to the cell without a word."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput
from client.invoices.matching import read_goods_receipt, read_purchase_order

from .test_bad_input import SAMPLES, one_error_line, run

RECEIPT = (
    "receipt_number,po_number,line,item_code,item_name,quantity,note\n"
    "GR-2026-0901,PO-2026-0815,1,C0805,贴片电容,200,ok\n"
    "GR-2026-0901,PO-2026-0815,2,B-M6,不锈钢螺栓,1000,{note}\n"
    "GR-2026-0901,PO-2026-0815,3,SVC-01,软件维护服务费,1,\n"
)


def _written(tmp_path, text: str):
    path = tmp_path / "gr.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_quoted_cell_never_closed_is_refused_naming_its_row(tmp_path):
    path = _written(tmp_path, RECEIPT.format(note='"3 cartons damaged'))
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(path)
    assert refused.value.field == "row 3"
    assert "never closed, so every row after it would be read into that cell" in refused.value.problem


def test_the_match_of_a_receipt_with_a_quote_never_closed_exits_2_not_matched(tmp_path):
    path = _written(tmp_path, RECEIPT.format(note='"3 cartons damaged'))
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt", path)
    assert r.exit_code == 2, r.output
    assert "row 3: a quoted cell" in one_error_line(r)


def test_text_after_a_closing_quote_is_refused_naming_its_row(tmp_path):
    text = "po_number,line,item_name,quantity,unit_price\nPO-1,1,贴片电容,200,1.50\nPO-1,2,\"螺栓\"M6,1000,0.80\n"
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(_written(tmp_path, text))
    assert refused.value.field == "row 3"
    assert "text after its closing quote" in refused.value.problem


def test_quoted_cells_written_as_a_spreadsheet_writes_them_read_as_before(tmp_path):
    note = '"3 ""A"" cartons, damaged\nsee photo"'
    receipt = read_goods_receipt(_written(tmp_path, RECEIPT.format(note=note)))
    assert [line.item_name for line in receipt.lines] == ["贴片电容", "不锈钢螺栓", "软件维护服务费"]
