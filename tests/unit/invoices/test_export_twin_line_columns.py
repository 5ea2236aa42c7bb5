"""A line's field given under two of its names with two values (``item_code`` C0805 beside 物料编码 C0603, ``line``
beside 行号) is refused naming both columns and values, as a document number so given is: read by the first name
listed, the other would be passed over, and the item code decides which lines are paired. A ``description``
beside the item name may say more than the name, and is not compared with it."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

from .test_matching import write


@pytest.mark.parametrize("reader, name, text, field, shown, meant", [
    (read_purchase_order, "po.csv", "po_number,item_code,物料编码,item_name,quantity,unit_price\n"
                                    "PO-1,C0805,C0603,贴片电容,200,1.50\n",
     "row 2: item_code, 物料编码", "item_code C0805, 物料编码 C0603", "the item's code give different codes"),
    (read_goods_receipt, "gr.csv", "receipt_number,po_number,line,行号,item_name,实收数量\n"
                                   "GR-1,PO-1,1,2,贴片电容,200\n",
     "row 2: line, 行号", "line 1, 行号 2", "the line's number give different numbers"),
    (read_goods_receipt, "gr_names.csv", "receipt_number,item_name,物料名称,实收数量\nGR-1,贴片电容,贴片电阻,200\n",
     "row 2: item_name, 物料名称", "item_name 贴片电容, 物料名称 贴片电阻", "the item's name give different names"),
    (read_goods_receipt, "gr.json", json.dumps({"receipt_number": "GR-1", "lines": [
        {"item_name": "贴片电容", "quantity": "1"},
        {"sku": "C0805", "存货编码": "C0603", "item_name": "贴片电容", "quantity": "200"}]}, ensure_ascii=False),
     "lines[1]: sku, 存货编码", "sku C0805, 存货编码 C0603", "the item's code give different codes"),
])
def test_two_columns_giving_a_line_two_values_are_refused_naming_both(tmp_path, reader, name, text, field,
                                                                      shown, meant):
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, name, text))
    assert err.value.field == field
    assert err.value.problem.startswith(f"{shown}: columns that each name {meant}, and which one is meant "
                                        "cannot be told")


def test_two_columns_giving_a_line_one_value_are_read(tmp_path):
    # codes agree as lines are paired by them: in any case, without spaces
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,line,行号,item_code,物料编码,item_name,物料名称,"
                                                       "quantity,unit_price\nPO-1,1,1,C0805,c0805 ,贴片电容,贴片电容,"
                                                       "200,1.50\n"))
    assert (po.lines[0].line, po.lines[0].item_code) == ("1", "C0805")


def test_a_description_beside_the_item_name_is_not_compared_with_it(tmp_path):
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,item_name,description,实收数量\n"
                                                      "GR-1,贴片电容,0805 10uF 50V X7R,200\n"))
    assert gr.lines[0].item_name == "贴片电容"
