"""An export holding a second byte order mark (two at its start, or one inside its first header cell after the one
a UTF-8 file may begin with) was refused as lacking its PO number: the mark, unseen, made ``po_number`` another
column's name. It is refused naming the mark and saying to save the file again as UTF-8."""

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

MARK = "\ufeff"
ORDER = "po_number,item_name,quantity,unit_price\nPO-1,贴片电容,200,1.50\n"


def refusal(tmp_path, reader, name: str, text: str) -> MalformedInput:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(MalformedInput) as refused:
        reader(path)
    return refused.value


@pytest.mark.parametrize("text", [MARK + MARK + ORDER, MARK + MARK + MARK + ORDER,
                                  MARK + MARK + '{"po_number": "PO-1", "lines": []}'])
def test_two_marks_at_the_start_are_refused_saying_to_save_the_file_again_as_utf8(tmp_path, text):
    refused = refusal(tmp_path, read_purchase_order, "po.csv", text)
    assert refused.field is None
    assert refused.problem.startswith("the file begins with a second byte order mark (U+FEFF)")
    assert "save the file again as UTF-8 (Excel: Save As, CSV UTF-8 (Comma delimited))" in refused.problem


def test_a_mark_inside_the_first_header_cell_is_refused_naming_the_column(tmp_path):
    refused = refusal(tmp_path, read_purchase_order, "po.csv", MARK + '"' + MARK + 'po_number"' + ORDER[9:])
    assert refused.field == "header: column 1"
    assert refused.problem.startswith("'\\ufeffpo_number' holds a byte order mark (U+FEFF), which no column's name "
                                      "does: read, it makes the column another than 'po_number'; ")
    assert refused.problem.endswith("save the file again as UTF-8 (Excel: Save As, CSV UTF-8 (Comma delimited)), "
                                    "and send that")


def test_a_receipt_whose_item_name_column_holds_a_mark_names_it_not_a_missing_column(tmp_path):
    text = MARK + '"' + MARK + 'item_name",receipt_number,po_number,quantity\n贴片电容,GR-1,PO-1,200\n'
    refused = refusal(tmp_path, read_goods_receipt, "gr.csv", text)
    assert (refused.field, refused.problem[:20]) == ("header: column 1", "'\\ufeffitem_name' ho")


def test_one_mark_at_the_start_is_read(tmp_path):
    path = tmp_path / "po.csv"
    path.write_bytes((MARK + ORDER).encode("utf-8"))
    assert read_purchase_order(path).number == "PO-1"
