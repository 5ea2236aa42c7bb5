"""The header row of an order or a receipt exported as CSV: a cell past the csv module's field limit is refused like
any other CSV problem, and a column the reader reads given twice is refused, never merged with the last one winning."""
import pytest

from client.invoices import MalformedInput, match_invoice, read_goods_receipt, read_purchase_order

from ._samples import invoice
from .test_bad_input import SAMPLES, one_error_line, run
from .test_matching import PO_CSV, write

RECEIPT_HEADER = "receipt_number,po_number,line,item_code,item_name,"
RECEIPT_ROWS = [("GR-1,PO-1,1,C0805,贴片电容,", "0", "200"), ("GR-1,PO-1,2,B-M6,不锈钢螺栓,", "1000", "1000"),
                ("GR-1,PO-1,3,SVC-01,软件维护服务费,", "1", "1")]


def receipt_with_two(first: str, second: str) -> str:
    """The receipt with two quantity columns headed ``first`` and ``second``; line 1 says 0 in the first, 200 in
    the second."""
    return RECEIPT_HEADER + f"{first},{second}\n" + "".join(f"{row}{a},{b}\n" for row, a, b in RECEIPT_ROWS)


def test_a_header_cell_past_the_field_limit_is_refused_as_invalid_csv(tmp_path):
    path = write(tmp_path, "po.csv", PO_CSV.replace("unit_price\n", "unit_price," + "x" * 200_000 + "\n", 1))
    with pytest.raises(MalformedInput, match=r"invalid CSV: field larger than field limit \(131072\)"):
        read_purchase_order(path)
    r = run("match", SAMPLES / "einvoice.xml", "--po", path, "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 2 and "invalid CSV: field larger than field limit" in one_error_line(r)


@pytest.mark.parametrize("first,second", [("quantity", "quantity "), ("数量", "数量"), (" qty", "qty")])
def test_a_column_given_twice_is_refused_naming_it(tmp_path, first, second):
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(write(tmp_path, "gr.csv", receipt_with_two(first, second)))
    name = first.strip()
    assert refused.value.field == f"header: {name}"
    assert refused.value.problem.startswith(f"the column {name!r} is given 2 times (columns 6, 7)")
    assert "rename the columns so that each name is given once" in refused.value.problem


# an order's supplier beside its item under 名称; its price with tax beside the one without under 单价
@pytest.mark.parametrize("csv_text,name,advice", [
    ("po_number,名称,名称,数量,unit_price\nPO-1,供应商甲,贴片电容,200,1.50\n", "名称",
     "keep the name on the column meant, and rename the others (to a name the reader does not read) or delete them"),
    ("po_number,item_name,数量,单价,单价\nPO-1,贴片电容,200,1.70,1.50\n", "单价",
     "rename the columns so that each name is given once (the unit price without tax, which the invoice's is "
     "compared with, as 无税单价 or 不含税单价, one with tax as unit_price, price or 单价), or delete the ones not meant"),
], ids=["名称", "单价"])
def test_a_column_given_twice_is_refused_with_the_advice_of_its_own_field(tmp_path, csv_text, name, advice):
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(write(tmp_path, "po.csv", csv_text))
    assert refused.value.field == f"header: {name}"
    assert refused.value.problem.endswith(f"cannot be told; {advice}")
    assert "received quantity" not in refused.value.problem


def test_a_receipt_with_the_quantity_twice_does_not_match_on_the_cli(tmp_path):
    path = write(tmp_path, "gr.csv", receipt_with_two("quantity", "quantity "))
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv", "--receipt", path)
    assert r.exit_code == 2 and "header: quantity: the column 'quantity' is given 2 times" in one_error_line(r)


def test_columns_that_are_not_read_may_repeat(tmp_path):
    # a spreadsheet's blank columns at the end of the header, or two remarks, hold nothing the match reads
    text = PO_CSV.replace("unit_price\n", "unit_price,备注,备注,,\n", 1)
    text = "\n".join(row + (",a,b,," if i else "") for i, row in enumerate(text.splitlines())) + "\n"
    po = read_purchase_order(write(tmp_path, "po.csv", text))
    assert [l.quantity for l in po.lines] == [200, 1000, 1]
    gr = read_goods_receipt(write(tmp_path, "gr.csv", receipt_with_two("quantity", "备注")))
    assert match_invoice(invoice(), po, gr).status == "partial"  # line 1 received 0, as its quantity column says
