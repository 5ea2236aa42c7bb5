"""A document number given under two of its names with two values (``receipt_number`` beside ``number``, 入库单号
beside 收货单号, 采购订单号 beside ``po_number``) is refused naming both columns: read by the first name listed, the
other number would be passed over, and the receivable registered under a receipt the export may not mean."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

from .test_matching import write


@pytest.mark.parametrize("reader, name, text, field, shown", [
    (read_goods_receipt, "gr.csv",
     "receipt_number,number,po_number,item_name,实收数量\nGR-1,GR-2,PO-1,贴片电容,200\n",
     "row 2: receipt_number, number", "receipt_number GR-1, number GR-2"),
    (read_goods_receipt, "gr_zh.csv", "入库单号,收货单号,采购订单号,物料名称,实收数量\nGR-1,GR-9,PO-1,贴片电容,200\n",
     "row 2: 入库单号, 收货单号", "入库单号 GR-1, 收货单号 GR-9"),
    (read_goods_receipt, "gr_po.csv",
     "receipt_number,po_number,采购订单号,item_name,实收数量\nGR-1,PO-1,PO-7,贴片电容,200\n",
     "row 2: po_number, 采购订单号", "po_number PO-1, 采购订单号 PO-7"),
    (read_goods_receipt, "gr.json", json.dumps({"receipt_number": "GR-1", "number": "GR-2", "lines": [
        {"item_name": "贴片电容", "quantity": "200"}]}, ensure_ascii=False),
     "receipt_number, number", "receipt_number GR-1, number GR-2"),
    (read_purchase_order, "po.csv", "po_number,订单号,item_name,quantity,unit_price\nPO-1,PO-7,贴片电容,200,1.50\n",
     "row 2: po_number, 订单号", "po_number PO-1, 订单号 PO-7"),
])
def test_two_columns_giving_a_document_two_numbers_are_refused_naming_both(tmp_path, reader, name, text,
                                                                          field, shown):
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, name, text))
    assert err.value.field == field
    assert err.value.problem.startswith(f"{shown}: columns that each name ")
    assert "which one is meant cannot be told" in err.value.problem


def test_two_columns_giving_a_document_the_same_number_are_read(tmp_path):
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,number,po_number,采购订单号,item_name,实收数量\n"
                                                      "GR-1,GR-1,PO-1,PO-1,贴片电容,200\n,,PO-1,,贴片电容,1\n"))
    assert (gr.number, gr.po_number) == ("GR-1", "PO-1")
