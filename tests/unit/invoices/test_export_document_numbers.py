"""An export's document numbers say which document it is, and a refusal says where: a goods receipt numbered by
``number`` that names the PO it receives is no purchase order, and rows naming two documents are named by row."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

from .test_matching import write
from .test_matching_documents_given import PO_LINES

# a goods receipt numbered by `number` (as docs/invoices.md reads a receipt), naming its PO, with prices
RECEIPT_NUMBERED_BY_NUMBER_CSV = "number,po_number,line,item_code,item_name,quantity,unit_price\n" + "".join(
    f"GR-1,PO-1,{l['line']},{l['item_code']},{l['item_name']},{l['quantity']},{l['unit_price']}\n" for l in PO_LINES)


@pytest.mark.parametrize("name, text, field", [
    ("gr.csv", RECEIPT_NUMBERED_BY_NUMBER_CSV, "row 2: number"),
    ("gr_zh.csv", "number,采购订单号,物料名称,数量,单价\nGR-1,PO-1,贴片电容,200,1.50\n", "row 2: number"),
    ("gr.json", json.dumps({"number": "GR-1", "po_number": "PO-1", "lines": PO_LINES}, ensure_ascii=False), "number"),
])
def test_a_receipt_numbered_by_number_naming_its_po_is_refused_as_a_purchase_order(tmp_path, name, text, field):
    # read as an order by its PO column, its received quantities would be what was ordered: it matched itself
    path = write(tmp_path, name, text)
    assert read_goods_receipt(path).number == "GR-1"
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(path)
    assert err.value.field == field
    assert "GR-1 under `number` that names PO-1" in err.value.problem
    assert "is a goods receipt's export naming the PO it receives, not a purchase order's" in err.value.problem


def test_an_order_numbered_alike_under_number_and_po_number_is_read(tmp_path):
    text = RECEIPT_NUMBERED_BY_NUMBER_CSV.replace("GR-1,", "PO-1,")
    assert read_purchase_order(write(tmp_path, "po.csv", text)).number == "PO-1"


def test_match_and_register_refuse_a_receipt_numbered_by_number_given_as_the_order(tmp_path):
    from click.testing import CliRunner

    from cli.invoice_commands import invoice as invoice_group

    from ._samples import einvoice_xml, invoice

    gr = write(tmp_path, "gr.csv", RECEIPT_NUMBERED_BY_NUMBER_CSV)
    inv = write(tmp_path, "inv.xml", einvoice_xml(invoice()))
    for command in (["match"], ["register", "--due", "2026-11-30", "--as", "supplier/supplier1"]):
        r = CliRunner().invoke(invoice_group, [*command, str(inv), "--po", str(gr), "--receipt", str(gr)])
        assert r.exit_code == 2, r.output
        assert "gr.csv: row 2: number" in r.output and "not a purchase order's" in r.output
        assert "MATCHED" not in r.output


@pytest.mark.parametrize("reader, name, text, field, says", [
    (read_purchase_order, "po.csv", "po_number,line,item_name,quantity,unit_price\nPO-1,1,a,1,1\n,,,,\nPO-1,2,b,1,1\n"
     "PO-2,3,c,1,1\n", "row 5: po_number", "row 5 gives PO-2, where row 2 gives PO-1"),
    (read_goods_receipt, "gr.csv", "入库单号,采购订单号,物料名称,数量\nGR-1,PO-1,a,1\nGR-1,PO-9,b,1\n",
     "row 3: 采购订单号", "row 3 gives PO-9, where row 2 gives PO-1"),
    (read_goods_receipt, "gr.csv", "入库单号,物料名称,数量\nGR-1,a,1\nGR-2,b,1\n",
     "row 3: 入库单号", "row 3 gives GR-2, where row 2 gives GR-1"),
    (read_goods_receipt, "gr.json", json.dumps({"receipt_number": "GR-1", "po_number": "PO-1", "lines": [
        PO_LINES[0], dict(PO_LINES[1], po_number="PO-2")]}, ensure_ascii=False),
     "lines[1]: po_number", "lines[1] gives PO-2, where the document gives PO-1"),
])
def test_rows_from_two_documents_are_refused_naming_the_row_and_column_that_differs(tmp_path, reader, name, text,
                                                                                     field, says):
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, name, text))
    assert err.value.field == field
    assert err.value.problem.startswith("rows from more than one document: ")
    assert says in err.value.problem and "export one document's rows alone" in err.value.problem


# --- a row exported twice

PO_OF_400 = "po_number,line,item_code,item_name,quantity,unit_price\nPO-1,1,C0805,贴片电容,400,1.50\n"
RECEIPT_ROW = "GR-1,PO-1,1,C0805,贴片电容,200\n"
RECEIPT_HEADER = "receipt_number,po_number,line,item_code,item_name,quantity\n"


@pytest.mark.parametrize("reader, name, text, field, says", [
    (read_goods_receipt, "gr.csv", RECEIPT_HEADER + RECEIPT_ROW + RECEIPT_ROW, "row 3: line",
     "line 1 is given twice, on row 2 and row 3, alike in every cell"),
    (read_goods_receipt, "gr_zh.csv", "入库单号,行号,物料名称,实收数量\nGR-1,1,a,5\n,,,\nGR-1,2,a,5\n GR-1 ,1,a, 5\n",
     "row 5: 行号", "line 1 is given twice, on row 2 and row 5, alike in every cell"),
    (read_purchase_order, "po.json", json.dumps({"po_number": "PO-1", "lines": [PO_LINES[0], PO_LINES[1], PO_LINES[0]]},
                                                ensure_ascii=False), "lines[2]: line",
     "line 1 is given twice, on lines[0] and lines[2], alike in every cell"),
])
def test_a_row_exported_twice_is_refused_naming_both_rows(tmp_path, reader, name, text, field, says):
    # read, its quantity counted twice: a receipt of 200 backed an invoice for 400 on an order of 400
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, name, text))
    assert err.value.field == field and says in err.value.problem
    assert "a row exported twice would count its quantity twice" in err.value.problem


@pytest.mark.parametrize("rows", [
    RECEIPT_ROW + RECEIPT_ROW.replace(",1,", ",2,"),            # two lines of one PO line
    RECEIPT_ROW + RECEIPT_ROW.replace(",200\n", ",150\n"),       # two batches received under one line number
])
def test_rows_of_one_item_that_differ_are_read(tmp_path, rows):
    gr = read_goods_receipt(write(tmp_path, "gr.csv", RECEIPT_HEADER + rows))
    assert len(gr.lines) == 2


def test_a_receipt_row_exported_twice_backs_no_invoice_for_twice_its_quantity(tmp_path):
    from click.testing import CliRunner

    from cli.invoice_commands import invoice as invoice_group

    from ._samples import einvoice_xml, invoice, line

    po = write(tmp_path, "po.csv", PO_OF_400)
    gr = write(tmp_path, "gr.csv", RECEIPT_HEADER + RECEIPT_ROW + RECEIPT_ROW)
    inv = write(tmp_path, "inv.xml", einvoice_xml(invoice(lines=(
        line("*电子元件*贴片电容", "400", "1.50", "0.13", unit="个", spec="0805"),))))
    r = CliRunner().invoke(invoice_group, ["match", str(inv), "--po", str(po), "--receipt", str(gr)])
    assert r.exit_code == 2, r.output
    assert "gr.csv: row 3: line: line 1 is given twice" in r.output and "MATCHED" not in r.output
