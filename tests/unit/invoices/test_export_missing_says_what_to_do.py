"""A purchase order's or goods receipt's export lacking an item name, a quantity, a unit price or its own number
was refused as "missing" alone ("row 2: quantity: missing", where the header has no quantity column at all),
leaving its reader to guess whether to fill in a cell or add a column, and under which name. Each says which."""

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order


def refusal(tmp_path, reader, name: str, text: str) -> tuple[str | None, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        reader(path)
    return refused.value.field, refused.value.problem


@pytest.mark.parametrize("text, field, problem", [
    ("po_number,item_name,quantity,unit_price\nPO-1,贴片电容,,1.50\n", "row 2: quantity",
     "missing: the row's quantity is blank; fill in the quantity from the purchase order"),
    ("po_number,item_name,unit_price\nPO-1,贴片电容,1.50\n", "row 2: quantity",
     "missing: no column gives the quantity; add one named quantity, qty or 数量"),
    ("po_number,item_name,quantity\nPO-1,贴片电容,200\n", "row 2: unit_price",
     "missing: no column gives the unit price; add one named 无税单价, 不含税单价, unit_price, price or 单价"),
    ("采购订单号,物料名称,数量,单价,不含税单价\nPO-1,贴片电容,200,1.70,\n", "row 2: 不含税单价",
     "missing: the row's 不含税单价 is blank; fill in the unit price from the purchase order"),
    ("po_number,item_name,quantity,unit_price\nPO-1,贴片电容,200,1.50\nPO-1,,100,0.80\n", "row 3: item_name",
     "missing: the row's item_name is blank; fill in the item name from the purchase order"),
    ("po_number,item_name,quantity,unit_price\n,贴片电容,200,1.50\n",
     "po_number (one of po_number, number, 采购订单号, 订单号)",
     "missing: give the purchase order's number under one of these names"),
])
def test_an_order_lacking_a_value_says_whether_to_fill_in_a_cell_or_add_a_column(tmp_path, text, field, problem):
    assert refusal(tmp_path, read_purchase_order, "po.csv", text) == (field, problem)


def test_a_receipt_line_of_json_lacking_its_quantity_says_which_key_to_add(tmp_path):
    text = '{"receipt_number": "GR-1", "po_number": "PO-1", "lines": [{"item_name": "贴片电容"}]}'
    assert refusal(tmp_path, read_goods_receipt, "gr.json", text) == (
        "lines[0]: quantity", "missing: no key gives the quantity; add one named quantity, qty or 数量")


def test_a_receipt_line_with_its_received_quantity_blank_says_to_fill_it_in(tmp_path):
    assert refusal(tmp_path, read_goods_receipt, "gr.csv", "入库单号,物料名称,数量,实收数量\nGR-1,贴片电容,200,\n") == (
        "row 2: 实收数量", "missing: the row's 实收数量 is blank; fill in the quantity from the goods receipt")
