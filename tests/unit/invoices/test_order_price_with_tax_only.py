"""A purchase order whose only price column is one the reader does not read (含税单价, the price with tax an ERP
may export alone) is refused naming that column and what is needed, the price without tax under a name read:
``unit_price: missing`` alone sent one looking for a column the file has."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput, read_purchase_order

from .test_matching import write


@pytest.mark.parametrize("name, text, field, shown", [
    ("po.csv", "采购订单号,物料名称,数量,含税单价,税率\nPO-1,贴片电容,200,1.695,13%\n", "row 2: unit_price",
     "含税单价 1.695"),
    ("po_en.csv", "po_number,item_name,quantity,unit_price_with_tax\nPO-1,贴片电容,200,1.695\n",
     "row 2: unit_price", "unit_price_with_tax 1.695"),
    ("po.json", json.dumps({"po_number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": "200",
                                                             "含税单价": "1.695"}]}, ensure_ascii=False),
     "lines[0]: unit_price", "含税单价 1.695"),
])
def test_an_order_priced_with_tax_alone_is_refused_naming_the_column_and_what_is_needed(tmp_path, name, text,
                                                                                        field, shown):
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(write(tmp_path, name, text))
    assert err.value.field == field
    assert err.value.problem.startswith(f"missing: the row gives {shown}, under a name the reader does not "
                                        "read")
    assert "read from a column named 无税单价 or 不含税单价 (or unit_price, price or 单价)" in err.value.problem


def test_an_order_with_no_price_at_all_is_still_missing_its_unit_price(tmp_path):
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,quantity,备注\nPO-1,贴片电容,200,急\n"))
    assert err.value.field == "row 2: unit_price"
    assert err.value.problem.startswith("missing: no column gives the unit price")


def test_an_order_giving_its_price_without_tax_beside_the_one_with_tax_is_read(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "采购订单号,物料名称,数量,含税单价,无税单价\n"
                                                      "PO-1,贴片电容,200,1.695,1.50\n"))
    assert str(po.lines[0].unit_price) == "1.50"
