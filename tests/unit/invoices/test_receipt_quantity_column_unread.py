"""A goods receipt whose quantity is read from its quantity column, for want of a received-quantity one, is
refused where another quantity column beside it gives a number (收货数量, 应收数量): which one holds what was
received cannot be told, and reading the quantity expected would match goods never delivered."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput
from client.invoices.matching import read_goods_receipt, read_purchase_order

from .test_matching import write


@pytest.mark.parametrize("column", ["收货数量", "应收数量", "Ordered_Qty"])
def test_a_receipt_with_another_quantity_column_beside_its_quantity_is_refused(tmp_path, column):
    path = write(tmp_path, "gr.csv",
                 f"receipt_number,po_number,item_name,数量,{column}\nGR-1,PO-1,贴片电容,200,150\n")
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(path)
    assert refused.value.field == f"row 2: {column}"
    assert "which column holds what was received cannot be told; name that one quantity_received, 实收数量 or " \
           "入库数量, or delete the others" in str(refused.value)


def test_a_receipt_read_by_its_received_column_or_with_a_unit_beside_its_quantity_is_read(tmp_path):
    both = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,item_name,应收数量,实收数量\n"
                                                        "GR-1,PO-1,贴片电容,200,150\n"))
    assert both.lines[0].quantity == 150
    unit = read_goods_receipt(write(tmp_path, "gr2.csv", "receipt_number,po_number,item_name,数量,数量单位\n"
                                                         "GR-1,PO-1,贴片电容,200,个\n"))
    assert unit.lines[0].quantity == 200
    # a purchase order's other quantity columns (received so far) are no question of what it ordered
    po = read_purchase_order(write(tmp_path, "po.csv",
                                   "po_number,item_name,数量,已收数量,单价\nPO-1,贴片电容,200,50,1.5\n"))
    assert po.lines[0].quantity == 200
