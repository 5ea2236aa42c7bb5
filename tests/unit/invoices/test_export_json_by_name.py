"""An order or receipt export named .json whose content does not begin with { or [ (JSON holding null, a string or a
number, or prefixed with a comment) was read as CSV and refused for a header it lacked ("header: no item name
column"), sending its reader to CSV headers for a file that is no CSV. A .json file is read as JSON."""

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

NOT_AN_OBJECT = 'JSON that is not an object: expected a {what} as {{"number": ..., "lines": [...]}}'


@pytest.mark.parametrize("read, what", [(read_purchase_order, "purchase order"),
                                        (read_goods_receipt, "goods receipt")])
@pytest.mark.parametrize("content", ["null", '"PO-1"', "12"])
def test_a_json_file_holding_no_object_is_refused_as_json(tmp_path, read, what, content):
    path = tmp_path / "export.json"
    path.write_text(content + "\n", encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        read(path)
    assert str(refused.value) == f"{path}: {NOT_AN_OBJECT.format(what=what)}"


def test_a_json_file_beginning_with_a_comment_is_refused_as_invalid_json(tmp_path):
    path = tmp_path / "po.JSON"
    path.write_text('// exported\n{"po_number": "PO-1", "lines": []}\n', encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert str(refused.value).startswith(f"{path}: invalid JSON at line 1 column 1")


def test_a_csv_file_is_still_told_by_its_content(tmp_path):
    # an export whose name says nothing of its form is read as what its content is
    path = tmp_path / "po.txt"
    path.write_text("po_number,line,item_name,quantity,unit_price\nPO-1,1,贴片电容,200,1.50\n", encoding="utf-8")
    assert read_purchase_order(path).number == "PO-1"


@pytest.mark.parametrize("content", [
    "po_number,line,item_name,quantity,unit_price\nPO-1,1,贴片电容,200,1.50\n",
    "\ufeffPO_Number,Line,Item_Name,Quantity,Unit_Price\r\nPO-1,1,贴片电容,200,1.50\r\n",
    '"采购订单号","行号","物料名称","数量","单价"\nPO-1,1,贴片电容,200,1.50\n',
])
def test_a_csv_export_named_json_is_read_as_the_csv_it_is(tmp_path, content):
    # some ERPs name their CSV export .json: its header names the export's columns, and it is read as CSV
    path = tmp_path / "po.json"
    path.write_text(content, encoding="utf-8")
    order = read_purchase_order(path)
    assert (order.number, [line.quantity for line in order.lines]) == ("PO-1", [200])


def test_a_csv_export_named_json_in_semicolons_is_refused_as_csv(tmp_path):
    path = tmp_path / "po.json"
    path.write_text("po_number;line;item_name;quantity;unit_price\nPO-1;1;贴片电容;200;1.50\n", encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.field == "header" and "semicolons" in refused.value.problem
