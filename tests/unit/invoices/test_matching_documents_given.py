"""The documents a match is given are what they say they are: a purchase order is no goods receipt, a receipt names
one PO however it is exported, a receipt line of another item code backs no invoice line, figures and numbers are
read as written, and the work of a match grows with its lines, not with their square."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from client.invoices import ChecksFailed, MalformedInput, match_invoice, read_goods_receipt, read_purchase_order
from client.invoices import matching
from client.invoices.credit_code import organization_code_check_digit
from client.invoices.matching import GoodsReceipt, OrderLine
from client.invoices.model import Party
from client.invoices.register import registration_from_match

from ._samples import SELLER, invoice, line
from .test_matching import GR_CSV, PO_CSV, write
from .test_partial_match_says_what_to_do import invoiced_above_received

PO_LINES = [{"line": "1", "item_code": "C0805", "item_name": "贴片电容", "quantity": "200", "unit_price": "1.50"},
            {"line": "2", "item_code": "B-M6", "item_name": "不锈钢螺栓", "quantity": "1000", "unit_price": "0.80"},
            {"line": "3", "item_code": "SVC-01", "item_name": "软件维护服务费", "quantity": "1",
             "unit_price": "1000.00"}]


def documents(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


# --- a purchase order given as the goods receipt


@pytest.mark.parametrize("name, text", [
    ("po.json", json.dumps({"number": "PO-1", "lines": PO_LINES}, ensure_ascii=False)),
    ("po.csv", PO_CSV.replace("po_number,", "number,", 1)),
])
def test_a_purchase_orders_export_is_refused_as_a_goods_receipt(tmp_path, name, text):
    path = write(tmp_path, name, text)
    assert read_purchase_order(path).number == "PO-1"
    with pytest.raises(MalformedInput) as err:
        read_goods_receipt(path)
    assert err.value.field == "number" and "is a purchase order's export, not a goods receipt's" in err.value.problem


def test_a_receipt_numbered_by_number_is_read_where_it_names_its_po_or_gives_no_prices(tmp_path):
    with_po = {"number": "GR-1", "po_number": "PO-1", "lines": PO_LINES}
    assert read_goods_receipt(write(tmp_path, "a.json", json.dumps(with_po, ensure_ascii=False))).number == "GR-1"
    no_prices = {"number": "GR-1", "lines": [{k: v for k, v in l.items() if k != "unit_price"} for l in PO_LINES]}
    assert read_goods_receipt(write(tmp_path, "b.json", json.dumps(no_prices, ensure_ascii=False))).number == "GR-1"


def test_a_receipt_numbered_as_its_purchase_order_is_a_document_problem(tmp_path):
    po, gr = documents(tmp_path)
    same = gr.model_copy(update={"number": po.number})
    result = match_invoice(invoice(), po, same)
    assert result.status == "partial" and all(l.status == "matched" for l in result.lines)
    assert any("the goods receipt's number PO-1 is the purchase order's" in p for p in result.problems)
    assert match_invoice(invoice(), po, gr).ok


# --- a goods receipt given as the purchase order

PRICED_GR_CSV = "".join(row + (",unit_price\n" if i == 0 else f",{PO_LINES[i - 1]['unit_price']}\n")
                        for i, row in enumerate(GR_CSV.splitlines()))


@pytest.mark.parametrize("name, text, field", [
    ("gr.csv", PRICED_GR_CSV, "row 2: receipt_number"),
    ("gr_zh.csv", "入库单号,采购订单号,物料名称,数量,单价\nGR-1,PO-1,贴片电容,200,1.50\n", "row 2: 入库单号"),
    ("gr.json", json.dumps({"收货单号": "GR-1", "po_number": "PO-1", "lines": PO_LINES}, ensure_ascii=False), "收货单号"),
    ("gr_lines.json", json.dumps({"po_number": "PO-1", "lines": [dict(l, receipt_number="GR-1") for l in PO_LINES]},
                                 ensure_ascii=False), "lines[0]: receipt_number"),
])
def test_a_goods_receipts_export_is_refused_as_a_purchase_order(tmp_path, name, text, field):
    # read as an order, its received quantities would be what was ordered, and the receipt would match itself
    path = write(tmp_path, name, text)
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(path)
    assert err.value.field == field
    assert "is a goods receipt's export, not a purchase order's" in err.value.problem
    assert "give the purchase order's export instead" in err.value.problem


def test_a_purchase_order_with_an_empty_receipt_number_column_is_read(tmp_path):
    # an order's export may carry the column of the receipts its lines were received under, empty until they are
    text = PO_CSV.replace("\n", ",\n").replace(",\n", ",入库单号\n", 1)
    assert [l.quantity for l in read_purchase_order(write(tmp_path, "po.csv", text)).lines] == [200, 1000, 1]


def test_match_refuses_a_goods_receipt_given_as_the_purchase_order_and_registers_nothing(tmp_path):
    from click.testing import CliRunner

    from cli.invoice_commands import invoice as invoice_group

    from ._samples import einvoice_xml

    gr = write(tmp_path, "gr.csv", PRICED_GR_CSV)
    inv = write(tmp_path, "inv.xml", einvoice_xml(invoice()))
    for command in (["match"], ["register", "--due", "2026-11-30", "--as", "supplier/supplier1"]):
        r = CliRunner().invoke(invoice_group, [*command, str(inv), "--po", str(gr), "--receipt", str(gr)])
        assert r.exit_code == 2, r.output
        assert "gr.csv" in r.output and "is a goods receipt's export, not a purchase order's" in r.output
        assert "MATCHED" not in r.output


# --- a receipt's PO, in JSON as in CSV


def test_a_json_receipt_whose_lines_name_another_po_is_for_that_po(tmp_path):
    po = documents(tmp_path)[0]
    lines = [dict(l, po_number="PO-OTHER") for l in PO_LINES]
    gr = read_goods_receipt(write(tmp_path, "gr.json", json.dumps({"receipt_number": "GR-1", "lines": lines},
                                                                  ensure_ascii=False)))
    csv_gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace(",PO-1,", ",PO-OTHER,")))
    assert gr.po_number == csv_gr.po_number == "PO-OTHER"
    for receipt in (gr, csv_gr):
        result = match_invoice(invoice(), po, receipt)
        assert result.status == "partial"
        assert ("the receipt GR-1 is for PO PO-OTHER, not PO-1: match the invoice against PO PO-OTHER, or against the "
                "receipt of PO PO-1") in result.problems


def test_a_json_receipt_naming_two_pos_is_refused(tmp_path):
    lines = [dict(l, po_number="PO-2") if l["line"] == "2" else l for l in PO_LINES]
    text = json.dumps({"receipt_number": "GR-1", "po_number": "PO-1", "lines": lines}, ensure_ascii=False)
    with pytest.raises(MalformedInput, match="more than one document: PO-1, PO-2"):
        read_goods_receipt(write(tmp_path, "gr.json", text))
    agreeing = [dict(l, po_number="PO-1") for l in PO_LINES]
    text = json.dumps({"receipt_number": "GR-1", "po_number": "PO-1", "lines": agreeing}, ensure_ascii=False)
    assert read_goods_receipt(write(tmp_path, "ok.json", text)).po_number == "PO-1"


# --- a receipt line of another product


def test_a_receipt_line_of_another_item_code_backs_no_invoice_line(tmp_path):
    po, gr = documents(tmp_path)
    other = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_code="C0603", item_name="贴片电容", quantity=Decimal(200)), *gr.lines[1:]))
    result = match_invoice(invoice(), po, other)
    assert result.status == "partial"
    first = result.lines[0]
    assert first.status == "partial" and first.receipt_lines == ()
    assert any("receipt line 1 (贴片电容) is of item code C0603, PO line 1 of item code C0805" in p
               for p in first.problems)
    assert [l.status for l in result.lines[1:]] == ["matched", "matched"]


# --- figures and numbers as written


@pytest.mark.parametrize("written, says", [("٢٠٠", "not ASCII"), ("2_00", "underscore"), ("1_000.00", "underscore")])
def test_a_quantity_in_other_digits_or_with_underscores_is_refused(tmp_path, written, says):
    text = GR_CSV.replace(",贴片电容,200", f",贴片电容,{written}")
    with pytest.raises(MalformedInput, match=says) as err:
        read_goods_receipt(write(tmp_path, "gr.csv", text))
    assert err.value.field == "row 2: quantity"


def test_a_full_width_quantity_is_still_read(tmp_path):
    text = GR_CSV.replace(",贴片电容,200", ",贴片电容,２００")
    assert read_goods_receipt(write(tmp_path, "gr.csv", text)).lines[0].quantity == 200


@pytest.mark.parametrize("reader, document, field", [
    (read_purchase_order, {"number": 20260815, "lines": PO_LINES}, "number"),
    (read_goods_receipt, {"receipt_number": 901, "po_number": "PO-1", "lines": PO_LINES}, "receipt_number"),
    (read_goods_receipt, {"receipt_number": "GR-1", "po_number": 815, "lines": PO_LINES}, "po_number"),
    (read_goods_receipt, {"receipt_number": "GR-1", "lines": [dict(PO_LINES[0], po_number=815)]},
     "lines[0]: po_number"),
])
def test_a_document_number_written_as_a_json_number_is_refused_naming_the_field(tmp_path, reader, document, field):
    with pytest.raises(MalformedInput, match="a JSON number") as err:
        reader(write(tmp_path, "doc.json", json.dumps(document, ensure_ascii=False)))
    assert err.value.field == field


# --- the work of a match


def test_an_item_on_many_invoice_lines_is_counted_once_not_once_per_line(tmp_path, monkeypatch):
    # 300 lines of one item: counted per line, every line would add up all the others again
    counted = []
    real = matching._Invoiced
    monkeypatch.setattr(matching, "_Invoiced", lambda items: counted.append(len(items)) or real(items))
    many = 300
    inv = invoice(lines=tuple(line("*电子元件*贴片电容", "1", "1.50", "0.13") for _ in range(many)))
    po = read_purchase_order(write(tmp_path, "po.csv", f"po_number,line,item_name,quantity,unit_price\n"
                                                       f"P1,1,贴片电容,{many},1.50\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", f"receipt_number,po_number,line,item_name,quantity\n"
                                                      f"G1,P1,1,贴片电容,{many}\n"))
    assert match_invoice(inv, po, gr).ok
    assert len(counted) <= 2 and sum(counted) <= 2 * many


def test_many_invoice_lines_of_one_item_are_named_in_runs_where_a_quantity_is_off(tmp_path):
    # lines 1-4 and 6 capacitors, line 5 bolts: the note every capacitor line carries stays short
    capacitor, bolt = line("*电子元件*贴片电容", "1", "1.50", "0.13"), line("*金属制品*不锈钢螺栓", "1", "0.80", "0.13")
    inv = invoice(lines=(capacitor,) * 4 + (bolt, capacitor))
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,line,item_name,quantity,unit_price\n"
                                                       "P1,1,贴片电容,5,1.50\nP1,2,不锈钢螺栓,1,0.80\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,line,item_name,quantity\n"
                                                      "G1,P1,1,贴片电容,2\nG1,P1,2,不锈钢螺栓,1\n"))
    result = match_invoice(inv, po, gr)
    said = (invoiced_above_received("invoiced quantity 5 (invoice lines 1-4, 6) is not the received 2"),)
    assert [l.problems for l in result.lines] == [said] * 4 + [()] + [said]
    assert matching._runs([1, 2, 5, 6, 7, 9]) == "1, 2, 5-7, 9"


# --- registration: credit codes only


def legacy_tax_id() -> str:
    return "440300" + "12345678" + organization_code_check_digit("12345678")


@pytest.mark.parametrize("party", ["seller", "buyer"])
def test_a_registration_refuses_a_legacy_tax_id_the_contract_would_refuse(tmp_path, party):
    po, gr = documents(tmp_path)
    inv = invoice(**{party: Party(name=SELLER.name, tax_id=legacy_tax_id())})
    with pytest.raises(ChecksFailed) as err:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 31))
    assert [f.check for f in err.value.failed] == [f"{party}.tax_id"]
    assert "has 15 characters, a credit code has 18" in err.value.failed[0].message
