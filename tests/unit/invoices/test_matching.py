import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from client.invoices import (
    ChecksFailed,
    InvoiceError,
    MalformedInput,
    NotMatched,
    Tolerances,
    evidence_hash,
    invoice_fingerprint,
    invoice_to_json,
    match_invoice,
    read_goods_receipt,
    read_purchase_order,
    registration_from_match,
)
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder, item_key
from client.invoices.model import InvoiceLine

from ._samples import invoice, line
from .test_partial_match_says_what_to_do import invoiced_above_received, price_off

PO_CSV = """po_number,line,item_code,item_name,quantity,unit_price
PO-1,1,C0805,贴片电容,200,1.50
PO-1,2,B-M6,不锈钢螺栓,1000,0.80
PO-1,3,SVC-01,软件维护服务费,1,1000.00
"""
GR_CSV = """receipt_number,po_number,line,item_code,item_name,quantity
GR-1,PO-1,1,C0805,贴片电容,200
GR-1,PO-1,2,B-M6,不锈钢螺栓,1000
GR-1,PO-1,3,SVC-01,软件维护服务费,1
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def docs(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def test_everything_matches(docs):
    po, gr = docs
    result = match_invoice(invoice(), po, gr)
    assert result.ok and result.status == "matched"
    assert [(l.status, l.po_line, l.receipt_line) for l in result.lines] == [
        ("matched", "1", "1"), ("matched", "2", "2"), ("matched", "3", "3")]
    assert result.expected_amount_fen == result.invoice_amount_fen == 210000
    assert gr.po_number == "PO-1" and gr.number == "GR-1"


def test_price_outside_tolerance_is_partial(docs):
    po, gr = docs
    lines = list(invoice().lines)
    lines[1] = line("*金属制品*不锈钢螺栓", "1000", "0.81", "0.13", unit="个", spec="M6")
    result = match_invoice(invoice(lines=tuple(lines)), po, gr)
    assert result.status == "partial"
    assert [l.status for l in result.lines] == ["matched", "partial", "matched"]
    assert "PO price 0.80" in result.lines[1].problems[0]
    # 0.81 is 1.25% above 0.80: a 2% tolerance accepts the line; the total is 10.00 over, so raise that too
    loose = match_invoice(invoice(lines=tuple(lines)), po, gr, Tolerances(price_rel=Decimal("0.02"), total_fen=1000))
    assert loose.status == "matched"
    tight_total = match_invoice(invoice(lines=tuple(lines)), po, gr, Tolerances(price_rel=Decimal("0.02")))
    assert tight_total.status == "partial" and tight_total.problems


def test_a_price_the_tolerance_away_matches_and_beyond_it_is_partial(docs):
    po, gr = docs
    lines = list(invoice().lines)
    lines[1] = line("*金属制品*不锈钢螺栓", "1000", "0.81", "0.13", unit="个", spec="M6")   # 1.25% above 0.80
    dearer = invoice(lines=tuple(lines))
    # the total is 10.00 over: a total_fen of 1000 lets it pass, so only the price tolerance decides
    at = match_invoice(dearer, po, gr, Tolerances(price_rel=Decimal("0.0125"), total_fen=1000))
    beyond = match_invoice(dearer, po, gr, Tolerances(price_rel=Decimal("0.0124"), total_fen=1000))
    assert (at.status, at.lines[1].status) == ("matched", "matched")
    assert (beyond.status, beyond.lines[1].status) == ("partial", "partial")
    assert "PO price 0.80" in beyond.lines[1].problems[0]


def test_an_invoice_amount_total_fen_off_matches_and_a_fen_more_is_partial(docs):
    po, gr = docs
    # the service's price stays within the 0.5% price tolerance of 1000.00; the amount does not
    kept = invoice().lines[:2]
    at = invoice(lines=kept + (line("*信息技术服务*软件维护服务费", "1", "1001.00", "0.06"),))    # 100 fen over
    over = invoice(lines=kept + (line("*信息技术服务*软件维护服务费", "1", "1001.01", "0.06"),))  # 101 fen over
    assert match_invoice(at, po, gr).status == "matched"
    result = match_invoice(over, po, gr)
    assert [l.status for l in result.lines] == ["matched"] * 3
    assert result.status == "partial" and result.problems == (
        "invoice amount 2101.01 is not the PO value of the invoiced quantities less the invoice's discounts 2100.00 "
        "(tolerance 1.00): each line may be within the price tolerance while the invoice asks more, or less, than the "
        "order's value past the total tolerance; have the invoice reissued at the order's prices",)


def test_quantity_beyond_received_is_partial(tmp_path, docs):
    po, _ = docs
    gr = read_goods_receipt(write(tmp_path, "gr2.csv", GR_CSV.replace("B-M6,不锈钢螺栓,1000", "B-M6,不锈钢螺栓,900")))
    result = match_invoice(invoice(), po, gr)
    assert result.lines[1].status == "partial"
    assert "received 900" in result.lines[1].problems[0]
    assert match_invoice(invoice(), po, gr, Tolerances(quantity_rel=Decimal("0.2"))).lines[1].status == "matched"


def test_quantity_beyond_ordered_is_partial(tmp_path, docs):
    _, gr = docs
    po = read_purchase_order(write(tmp_path, "po2.csv", PO_CSV.replace("B-M6,不锈钢螺栓,1000", "B-M6,不锈钢螺栓,500")))
    result = match_invoice(invoice(), po, gr)
    assert any("exceeds the ordered 500" in p for p in result.lines[1].problems)


def test_not_received_is_partial(tmp_path, docs):
    po, _ = docs
    gr = read_goods_receipt(write(tmp_path, "gr3.csv", "\n".join(GR_CSV.splitlines()[:3]) + "\n"))
    result = match_invoice(invoice(), po, gr)
    assert result.lines[2].status == "partial" and result.lines[2].receipt_line is None
    assert "not received" in result.lines[2].problems[0]


def test_item_not_on_the_po_is_unmatched(docs):
    po, gr = docs
    lines = invoice().lines + (line("*办公用品*打印纸", "10", "25.00", "0.13"),)
    result = match_invoice(invoice(lines=lines), po, gr)
    assert result.lines[3].status == "unmatched"
    assert result.status == "partial"
    nothing = match_invoice(invoice(lines=(line("*办公用品*打印纸", "10", "25.00", "0.13"),)), po, gr)
    assert nothing.status == "unmatched"
    assert nothing.not_invoiced_po_lines == ("1", "2", "3")


def test_a_name_outranks_a_spec_that_is_another_lines_item_code(tmp_path):
    # the resistor's item code is 0805, the capacitor's spec on the invoice is 0805 too
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace(
        "PO-1,1,C0805,贴片电容,200,1.50\n", "PO-1,1,0805,贴片电阻,200,1.50\nPO-1,4,C0805,贴片电容,200,1.50\n")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace("GR-1,PO-1,1,C0805,贴片电容,200",
                                                                      "GR-1,PO-1,1,0805,贴片电阻,200")))
    result = match_invoice(invoice(), po, gr)
    capacitor = result.lines[0]
    assert (capacitor.po_lines, capacitor.receipt_lines) == (("4",), ())
    assert capacitor.status == "partial" and "not received" in capacitor.problems[0]
    assert result.not_invoiced_po_lines == ("1",)


def test_a_code_pairs_lines_only_when_no_name_does(tmp_path):
    # the ERP names the item otherwise; its item code is the invoice line's spec
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("B-M6,不锈钢螺栓", "M6,六角螺栓")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace("B-M6,不锈钢螺栓", "M6,螺栓M6")))
    result = match_invoice(invoice(), po, gr)
    assert result.ok and (result.lines[1].po_lines, result.lines[1].receipt_lines) == (("2",), ("2",))


def test_a_discount_line_folds_into_the_line_it_discounts(docs):
    po, gr = docs
    base = invoice()
    discount = InvoiceLine(name="*电子元件*贴片电容", amount_fen=-3000, tax_rate=Decimal("0.13"), tax_fen=-390)
    lines = base.lines[:1] + (discount,) + base.lines[1:]
    discounted = base.model_copy(update={"lines": lines, "total_amount_fen": base.total_amount_fen - 3000})
    result = match_invoice(discounted, po, gr)
    assert result.ok, result
    assert [(l.invoice_line, l.status, l.discount_of, l.po_line) for l in result.lines] == [
        (1, "matched", None, "1"), (2, "matched", 1, "1"), (3, "matched", None, "2"), (4, "matched", None, "3")]
    assert result.expected_amount_fen == result.invoice_amount_fen == 207000
    # a discount printed further down, under another item, still folds into the line of its name
    moved = base.model_copy(update={"lines": base.lines + (discount,), "total_amount_fen": base.total_amount_fen - 3000})
    assert match_invoice(moved, po, gr).ok
    # the amount the discount leaves must still be positive
    whole = discount.model_copy(update={"amount_fen": -base.lines[0].amount_fen})
    gone = base.model_copy(update={"lines": base.lines[:1] + (whole,) + base.lines[1:],
                                   "total_amount_fen": base.total_amount_fen - base.lines[0].amount_fen})
    assert "not above zero" in match_invoice(gone, po, gr).lines[0].problems[0]


def test_split_receipts_po_lines_and_invoice_lines_add_up_per_item(tmp_path, docs):
    po, gr = docs
    parts = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace(
        "GR-1,PO-1,1,C0805,贴片电容,200\n", "GR-1,PO-1,1,C0805,贴片电容,120\nGR-1,PO-1,4,C0805,贴片电容,80\n")))
    received_in_parts = match_invoice(invoice(), po, parts)
    assert received_in_parts.ok and received_in_parts.lines[0].receipt_lines == ("1", "4")
    split = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace(
        "PO-1,1,C0805,贴片电容,200,1.50\n", "PO-1,1,C0805,贴片电容,100,1.50\nPO-1,4,C0805,贴片电容,100,1.50\n")))
    ordered_in_parts = match_invoice(invoice(), split, gr)
    assert ordered_in_parts.ok and ordered_in_parts.lines[0].po_lines == ("1", "4")
    assert ordered_in_parts.not_invoiced_po_lines == ()
    halves = (line("*电子元件*贴片电容", "100", "1.50", "0.13"),) * 2 + invoice().lines[1:]
    assert match_invoice(invoice(lines=halves), po, gr).ok
    # the sums are what is compared: 120 + 60 received is short of the 200 invoiced
    short = read_goods_receipt(write(tmp_path, "short.csv", GR_CSV.replace(
        "GR-1,PO-1,1,C0805,贴片电容,200\n", "GR-1,PO-1,1,C0805,贴片电容,120\nGR-1,PO-1,4,C0805,贴片电容,60\n")))
    problem, = match_invoice(invoice(), po, short).lines[0].problems
    assert problem == invoiced_above_received("invoiced quantity 200 is not the received 180 (receipt lines 1 + 4)")
    over = (line("*电子元件*贴片电容", "150", "1.50", "0.13"),) * 2 + invoice().lines[1:]
    assert any("exceeds the ordered 200" in p for p in match_invoice(invoice(lines=over), po, gr).lines[1].problems)


def test_an_order_split_at_two_prices_compares_with_their_average(tmp_path, docs):
    _, gr = docs
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace(
        "PO-1,1,C0805,贴片电容,200,1.50\n", "PO-1,1,C0805,贴片电容,100,1.40\nPO-1,4,C0805,贴片电容,100,1.60\n")))
    assert match_invoice(invoice(), po, gr).ok
    dearer = (line("*电子元件*贴片电容", "200", "1.60", "0.13"),) + invoice().lines[1:]
    problems = match_invoice(invoice(lines=dearer), po, gr).lines[0].problems
    assert problems == (price_off("unit price 1.60 is not the PO price 1.5 (the PO lines' average)"),)


def test_receipt_for_another_po_is_reported(tmp_path, docs):
    po, _ = docs
    gr = read_goods_receipt(write(tmp_path, "gr4.csv", GR_CSV.replace("PO-1", "PO-9")))
    result = match_invoice(invoice(), po, gr)
    assert result.status == "partial" and "PO-9" in result.problems[0]


def test_chinese_headers_and_json(tmp_path):
    po_csv = "采购订单号,行号,物料编码,物料名称,数量,单价\nPO-1,1,C0805,贴片电容,200,1.50\n"
    po = read_purchase_order(write(tmp_path, "po.csv", po_csv))
    assert po.lines[0] == OrderLine(line="1", item_code="C0805", item_name="贴片电容", quantity=Decimal(200),
                                    unit_price=Decimal("1.50"))
    gr_json = {"receipt_number": "GR-1", "po_number": "PO-1",
               "lines": [{"item_name": "贴片电容", "quantity": 200.0}]}
    gr = read_goods_receipt(write(tmp_path, "gr.json", json.dumps(gr_json, ensure_ascii=False)))
    assert gr.lines[0].quantity == Decimal("200.0") and gr.po_number == "PO-1"


@pytest.mark.parametrize("text,field", [
    ("po_number,item_name,quantity\nPO-1,贴片电容,200\n", "unit_price"),
    ("po_number,item_name,quantity,unit_price\nPO-1,贴片电容,many,1.50\n", "quantity"),
    ("po_number,item_name,quantity,unit_price\nPO-1,,200,1.50\n", "item_name"),
    ("po_number,item_name,quantity,unit_price\nPO-1,a,1,1\nPO-2,b,1,1\n", "po_number"),
    ("item_name,quantity,unit_price\na,1,1\n", "po_number"),
    ("foo,bar\n1,2\n", "header"),
    ('{"number": "PO-1", "lines": 3}', "lines"),
])
def test_malformed_exports_name_the_field(tmp_path, text, field):
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(write(tmp_path, "po.csv", text))
    assert field in err.value.field


def test_empty_and_unreadable_exports(tmp_path):
    with pytest.raises(MalformedInput):
        read_purchase_order(write(tmp_path, "po.csv", ""))
    with pytest.raises(MalformedInput):
        read_goods_receipt(tmp_path / "missing.csv")
    bad = tmp_path / "gbk.csv"
    bad.write_bytes("物料名称".encode("gbk"))
    with pytest.raises(MalformedInput, match="UTF-8"):
        read_purchase_order(bad)


def test_item_key_drops_the_category():
    assert item_key("*信息技术服务*软件维护服务费") == item_key(" 软件 维护服务费 ")


def test_evidence_hash_depends_on_content_not_format(tmp_path, docs):
    po, gr = docs
    inv = invoice()
    gr_json = {"receipt_number": "GR-1", "po_number": "PO-1", "lines": [
        {"line": "1", "item_code": "C0805", "item_name": "贴片电容", "quantity": "200"},
        {"line": "2", "item_code": "B-M6", "item_name": "不锈钢螺栓", "quantity": "1000"},
        {"line": "3", "item_code": "SVC-01", "item_name": "软件维护服务费", "quantity": "1"}]}
    gr2 = read_goods_receipt(write(tmp_path, "gr.json", json.dumps(gr_json, ensure_ascii=False)))
    assert evidence_hash(inv, po, gr) == evidence_hash(inv, po, gr2)
    changed = GoodsReceipt(number=gr.number, po_number=gr.po_number,
                           lines=gr.lines[:2] + (gr.lines[2].model_copy(update={"quantity": Decimal(2)}),))
    assert evidence_hash(inv, po, gr) != evidence_hash(inv, po, changed)


def test_registration_from_a_matched_invoice(docs):
    po, gr = docs
    inv = invoice()
    result = match_invoice(inv, po, gr)
    reg = registration_from_match(inv, po, gr, result, due_date=date(2026, 12, 1))
    assert reg.debtor == inv.buyer.tax_id and reg.face_amount == 230300
    assert (reg.issue_date, reg.due_date) == ("2026-09-01", "2026-12-01")
    (ref,) = reg.invoices
    assert (ref.number, ref.date, ref.amount, ref.tax, ref.seller_tax_id) == (
        inv.number, "2026-09-01", 210000, 20300, inv.seller.tax_id)
    assert reg.fingerprints == (invoice_fingerprint(inv),)
    assert reg.contract_hash == evidence_hash(inv, po, gr)
    wire = json.loads(reg.wire())
    assert "fingerprints" not in wire and wire["invoices"][0]["buyer_tax_id"] == inv.buyer.tax_id


def test_registration_is_what_the_contract_accepts(docs):
    model = pytest.importorskip("chaincode.receivables.model",
                                reason="the receivables chaincode (chaincode/receivables/model.py) is not there yet")
    po, gr = docs
    inv = invoice()
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), due_date=date(2026, 12, 1))
    parsed = model.ReceivableRegistration.model_validate_json(reg.wire())
    assert parsed.face_amount == reg.face_amount and parsed.contract_hash == reg.contract_hash
    assert [i.number for i in parsed.invoices] == [inv.number]


def test_registration_refuses_an_unmatched_invoice(docs):
    po, gr = docs
    inv = invoice(lines=(line("*办公用品*打印纸", "10", "25.00", "0.13"),))
    with pytest.raises(NotMatched):
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), due_date=date(2026, 12, 1))
    # a match result for another PO is refused too
    good = match_invoice(invoice(), po, gr)
    other_po = PurchaseOrder(number="PO-2", lines=po.lines)
    with pytest.raises(NotMatched):
        registration_from_match(invoice(), other_po, gr, good, due_date=date(2026, 12, 1))
    with pytest.raises(InvoiceError, match="due date"):
        registration_from_match(invoice(), po, gr, good, due_date=date(2026, 9, 1))


def test_registration_refuses_an_invoice_that_fails_its_own_checks(docs):
    po, gr = docs
    good = invoice()
    # header totals inflated consistently with each other but not with the lines: the match (by line) passes
    inflated = good.model_copy(update={"total_tax_fen": 500000, "total_with_tax_fen": good.total_amount_fen + 500000})
    result = match_invoice(inflated, po, gr)
    assert result.ok
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inflated, po, gr, result, due_date=date(2026, 12, 1))
    assert [f.check for f in refused.value.failed] == ["totals.tax"] and "totals.tax" in str(refused.value)
    bad_buyer = good.model_copy(update={"buyer": good.buyer.model_copy(update={"tax_id": "91440300MA5F7KQ3X0"})})
    with pytest.raises(ChecksFailed, match="buyer.tax_id"):
        registration_from_match(bad_buyer, po, gr, match_invoice(bad_buyer, po, gr), due_date=date(2026, 12, 1))
    off_line = good.model_copy(update={"lines": (good.lines[0].model_copy(update={"tax_fen": 4500}),) + good.lines[1:],
                                       "total_tax_fen": good.total_tax_fen + 600,
                                       "total_with_tax_fen": good.total_with_tax_fen + 600})
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(off_line, po, gr, match_invoice(off_line, po, gr), due_date=date(2026, 12, 1))
    assert [f.check for f in refused.value.failed] == ["line.tax"]


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_cells = st.sampled_from(["po_number", "item_name", "quantity", "unit_price", "PO-1", "贴片电容", "1.5", "-", "",
                          '"', "\x00", "{", "1e999", "NaN"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cells, max_size=6), max_size=5), st.booleans())
def test_any_export_is_read_or_refused_cleanly(tmp_path, rows, as_json):
    if as_json:
        text = json.dumps({"number": "PO-1", "lines": [dict(zip(["item_name", "quantity", "unit_price"], r))
                                                       for r in rows]})
    else:
        text = "\n".join(",".join(r) for r in rows)
    path = write(tmp_path, "po.json" if as_json else "po.csv", text)
    for reader in (read_purchase_order, read_goods_receipt):
        try:
            reader(path)
        except MalformedInput:
            pass


def _resistors(spec_1: str | None = "0805-10K", spec_2: str | None = "1206-1K"):
    return invoice(lines=(line("*电子元件*贴片电阻", "1000", "0.05", "0.13", unit="个", spec=spec_1),
                          line("*电子元件*贴片电阻", "500", "0.08", "0.13", unit="个", spec=spec_2)))


RESISTOR_PO = "采购订单号,行号,物料编码,物料名称,数量,单价\nPO-1,1,R0805-10K,贴片电阻,1000,0.05\nPO-1,2,R1206-1K,贴片电阻,500,0.08\n"
RESISTOR_GR = "入库单号,采购订单号,行号,物料编码,物料名称,实收数量\nGR-1,PO-1,1,R0805-10K,贴片电阻,1000\nGR-1,PO-1,2,R1206-1K,贴片电阻,500\n"


def test_one_name_in_two_specs_pairs_each_with_the_po_line_of_its_code(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", RESISTOR_PO))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", RESISTOR_GR))
    for inv in (_resistors(), _resistors("R0805-10K", "R1206-1K")):
        result = match_invoice(inv, po, gr)
        assert result.ok, result
        assert [(l.po_lines, l.receipt_lines) for l in result.lines] == [(("1",), ("1",)), (("2",), ("2",))]
        registration_from_match(inv, po, gr, result, due_date=date(2026, 12, 1))
    # a receipt that does not tell the specs apart backs neither: its 1500 may be all of one spec
    pooled = read_goods_receipt(write(tmp_path, "pooled.csv", "入库单号,物料名称,实收数量\nGR-1,贴片电阻,1500\n"))
    result = match_invoice(_resistors(), po, pooled)
    assert result.status == "partial" and [l.receipt_lines for l in result.lines] == [(), ()]
    for match in result.lines:
        assert match.problems == ("receipt line 1 may be of PO line 1 or 2, whose item codes or prices differ: the "
                                  "receipt lines cannot be told apart (give the receipt's lines the item codes or "
                                  "unit prices of their PO lines)",)


def test_one_name_at_two_prices_without_specs_pairs_by_price(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", RESISTOR_PO.replace("R0805-10K", "").replace("R1206-1K", "")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", RESISTOR_GR.replace("R0805-10K", "").replace("R1206-1K", "")
                                  .replace("实收数量", "实收数量,单价").replace(",1000", ",1000,0.05").replace(",500", ",500,0.08")))
    result = match_invoice(_resistors(None, None), po, gr)
    assert result.ok and [(l.po_lines, l.receipt_lines) for l in result.lines] == [(("1",), ("1",)), (("2",), ("2",))]
    # without codes or prices the receipt cannot say which grade arrived
    unpriced = read_goods_receipt(write(tmp_path, "unpriced.csv", RESISTOR_GR.replace("R0805-10K", "")
                                        .replace("R1206-1K", "")))
    assert [l.status for l in match_invoice(_resistors(None, None), po, unpriced).lines] == ["partial", "partial"]
    # charging the dearer price for the cheaper grade's quantity does not pass
    dearer = invoice(lines=(line("*电子元件*贴片电阻", "1000", "0.08", "0.13"), line("*电子元件*贴片电阻", "500", "0.08", "0.13")))
    overbilled = match_invoice(dearer, po, gr)
    assert not overbilled.ok and price_off("unit price 0.08 is not the PO price 0.06 (the PO lines' average)") in \
        overbilled.lines[0].problems


def test_a_receipt_line_backs_one_item_only(tmp_path):
    # two capacitors ordered by item code, only the first delivered
    po = PurchaseOrder(number="PO-1", lines=(
        OrderLine(line="1", item_code="C1", item_name="贴片电容 100nF", quantity=Decimal(100), unit_price=Decimal(1)),
        OrderLine(line="2", item_code="C2", item_name="贴片电容 10uF", quantity=Decimal(100), unit_price=Decimal(1))))
    gr = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_code="C1", item_name="贴片电容 100nF", quantity=Decimal(100)),))
    honest = invoice(lines=(line("*电子元件*MLCC", "100", "1", "0.13", spec="C1"),
                            line("*电子元件*MLCC", "100", "1", "0.13", spec="C2")))
    result = match_invoice(honest, po, gr)
    assert [l.status for l in result.lines] == ["matched", "partial"]
    # the second line names the undelivered item but carries the delivered one's code as its spec
    crafted = invoice(lines=(line("*电子元件*MLCC", "100", "1", "0.13", spec="C1"),
                             line("*电子元件*C2", "100", "1", "0.13", spec="C1")))
    result = match_invoice(crafted, po, gr)
    assert not result.ok and all(l.status == "partial" for l in result.lines)
    assert invoiced_above_received("invoiced quantity 200 (invoice lines 1, 2) is not the received 100") in \
        result.lines[1].problems
    assert result.lines[1].problems[0].startswith("PO line 1 also pairs with invoice line 1")
    with pytest.raises(NotMatched):
        registration_from_match(crafted, po, gr, result, due_date=date(2026, 12, 1))


def _orders(*rows: tuple[str, str | None, str, str | None]) -> tuple[OrderLine, ...]:
    """(line, item code, quantity, unit price) rows of 贴片电阻."""
    return tuple(OrderLine(line=n, item_code=code, item_name="贴片电阻", quantity=Decimal(qty),
                           unit_price=None if price is None else Decimal(price)) for n, code, qty, price in rows)


TWO_GRADES = PurchaseOrder(number="PO-1", lines=_orders(("1", "R0805-10K", "200", "10.00"),
                                                       ("2", "R0603-1K", "200", "1.00")))
SWAPPED = invoice(lines=(line("*电子元件*贴片电阻", "200", "10.00", "0.13", spec="0805-10K"),
                         line("*电子元件*贴片电阻", "100", "1.00", "0.13", spec="0603-1K")))


def test_deliveries_of_one_grade_never_back_another_grades_invoice_line():
    # received 100 of the 10-yuan grade and 200 of the 1-yuan one; the invoice bills 200 of the dear one
    priced = GoodsReceipt(number="GR-1", lines=_orders(("1", None, "100", "10.00"), ("2", None, "200", "1.00")))
    result = match_invoice(SWAPPED, TWO_GRADES, priced)
    assert [(l.status, l.receipt_lines) for l in result.lines] == [("partial", ("1",)), ("partial", ("2",))]
    assert result.lines[0].problems == (invoiced_above_received("invoiced quantity 200 is not the received 100"),)
    with pytest.raises(NotMatched):
        registration_from_match(SWAPPED, TWO_GRADES, priced, result, due_date=date(2026, 12, 1))
    # one invoice line alone does not take the other grade's delivery either
    alone = invoice(lines=(line("*电子元件*贴片电阻", "300", "10.00", "0.13", spec="0805-10K"),))
    assert match_invoice(alone, TWO_GRADES, priced).lines[0].problems[0] == invoiced_above_received(
        "invoiced quantity 300 is not the received 100")
    # a receipt with neither codes nor prices cannot say which grade arrived
    bare = GoodsReceipt(number="GR-1", lines=_orders(("1", None, "100", None), ("2", None, "200", None)))
    for l in match_invoice(SWAPPED, TWO_GRADES, bare).lines:
        assert l.status == "partial" and "receipt lines cannot be told apart" in l.problems[0]
        assert l.problems[0].startswith("receipt lines 1, 2 may each be of PO line 1 or 2, whose item codes")
    # told apart, the honest invoice matches
    honest = invoice(lines=(line("*电子元件*贴片电阻", "100", "10.00", "0.13", spec="0805-10K"),
                            line("*电子元件*贴片电阻", "200", "1.00", "0.13", spec="0603-1K")))
    assert match_invoice(honest, TWO_GRADES, priced).ok


def test_an_order_split_at_two_prices_still_matches_one_invoice_line_against_an_unpriced_receipt():
    po = PurchaseOrder(number="PO-1", lines=_orders(("1", None, "100", "0.05"), ("2", None, "100", "0.07")))
    receipt = GoodsReceipt(number="GR-1", lines=_orders(("1", None, "200", None)))
    result = match_invoice(invoice(lines=(line("*电子元件*贴片电阻", "200", "0.06", "0.13"),)), po, receipt)
    assert result.ok and result.lines[0].receipt_lines == ("1",)


def test_a_spec_held_by_two_codes_takes_the_tightest_and_leaves_the_other_to_its_item():
    po = PurchaseOrder(number="PO-1", lines=_orders(("1", "R0805", "1000", "0.05"), ("2", "R0805-10K", "500", "0.08")))
    receipt = GoodsReceipt(number="GR-1", lines=_orders(("1", "R0805", "1000", None), ("2", "R0805-10K", "500", None)))
    honest = invoice(lines=(line("*电子元件*贴片电阻", "1000", "0.05", "0.13", spec="0805"),
                            line("*电子元件*贴片电阻", "500", "0.08", "0.13", spec="0805-10K")))
    result = match_invoice(honest, po, receipt)
    assert result.ok and [l.po_lines for l in result.lines] == [("1",), ("2",)]
    # 0805-1K and 0805-10K: the spec 0805 is held by both codes; the line 0805-1K picks is left to it
    po = PurchaseOrder(number="PO-1", lines=_orders(("1", "R0805-1K", "1000", "0.05"),
                                                   ("2", "R0805-10K", "500", "0.08")))
    receipt = GoodsReceipt(number="GR-1", lines=_orders(("1", "R0805-1K", "1000", None),
                                                       ("2", "R0805-10K", "500", None)))
    loose = invoice(lines=(line("*电子元件*贴片电阻", "1000", "0.05", "0.13", spec="0805-1K"),
                           line("*电子元件*贴片电阻", "500", "0.08", "0.13", spec="0805")))
    result = match_invoice(loose, po, receipt)
    assert result.ok and [l.po_lines for l in result.lines] == [("1",), ("2",)]


# --- which column a quantity or a price is read from ------------------------------------------------------------

EXPECTED_AND_RECEIVED = {
    "english": "receipt_number,po_number,line,item_code,item_name,quantity,quantity_received\n"
               "GR-1,PO-1,1,C0805,贴片电容,200,50\nGR-1,PO-1,2,B-M6,不锈钢螺栓,1000,1000\n"
               "GR-1,PO-1,3,SVC-01,软件维护服务费,1,1\n",
    "chinese": "入库单号,采购订单号,行号,物料编码,物料名称,数量,实收数量\n"
               "GR-1,PO-1,1,C0805,贴片电容,200,50\nGR-1,PO-1,2,B-M6,不锈钢螺栓,1000,1000\n"
               "GR-1,PO-1,3,SVC-01,软件维护服务费,1,1\n",
    "json": json.dumps({"receipt_number": "GR-1", "lines": [
        {"item_name": "贴片电容", "quantity": 200, "入库数量": 50}, {"item_name": "不锈钢螺栓", "quantity": 1000, "入库数量": 1000},
        {"item_name": "软件维护服务费", "quantity": 1, "入库数量": 1}]}, ensure_ascii=False),
}


@pytest.mark.parametrize("form", sorted(EXPECTED_AND_RECEIVED))
def test_a_receipt_is_read_by_what_was_received_not_what_was_expected(tmp_path, docs, form):
    po, _ = docs
    gr = read_goods_receipt(write(tmp_path, "gr.json" if form == "json" else "gr.csv", EXPECTED_AND_RECEIVED[form]))
    assert [l.quantity for l in gr.lines] == [50, 1000, 1]
    result = match_invoice(invoice(), po, gr)
    assert result.status == "partial"
    assert result.lines[0].problems == (invoiced_above_received("invoiced quantity 200 is not the received 50"),)


def test_a_receipt_line_with_nothing_in_its_received_column_is_refused_not_read_by_the_expected(tmp_path):
    with pytest.raises(MalformedInput) as err:
        read_goods_receipt(write(tmp_path, "gr.csv", "入库单号,物料名称,数量,实收数量\nGR-1,贴片电容,200,\n"))
    assert err.value.field == "row 2: 实收数量" and err.value.problem.startswith("missing: the row's 实收数量 is blank")


def test_a_purchase_order_is_read_by_what_was_ordered(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "采购订单号,物料名称,数量,入库数量,单价\nPO-1,贴片电容,200,50,1.50\n"))
    assert po.lines[0].quantity == 200
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(write(tmp_path, "received.csv", "采购订单号,物料名称,实收数量,单价\nPO-1,贴片电容,50,1.50\n"))
    assert err.value.field == "row 2: 实收数量" and "what was ordered" in err.value.problem


def test_the_po_price_compared_is_the_one_without_tax(tmp_path, docs):
    _, gr = docs
    with_tax = ("采购订单号,行号,物料名称,数量,单价,无税单价\nPO-1,1,贴片电容,200,1.70,1.50\n"
                "PO-1,2,不锈钢螺栓,1000,0.90,0.80\nPO-1,3,软件维护服务费,1,1060.00,1000.00\n")
    po = read_purchase_order(write(tmp_path, "po.csv", with_tax))
    assert [l.unit_price for l in po.lines] == [Decimal("1.50"), Decimal("0.80"), Decimal("1000.00")]
    assert match_invoice(invoice(), po, gr).ok  # the invoice's unit prices are without tax, as 无税单价 is
    # a price without tax left empty is missing, never taken from 单价
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(write(tmp_path, "empty.csv", "采购订单号,物料名称,数量,单价,不含税单价\nPO-1,贴片电容,200,1.70,\n"))
    assert err.value.field == "row 2: 不含税单价" and err.value.problem.startswith("missing: the row's 不含税单价 is blank")


@pytest.mark.parametrize("reader, header, differ, same, shown, names", [
    (read_goods_receipt, "receipt_number,item_name,quantity,qty", "200,50", "200,200.0", "quantity 200, qty 50",
     "quantity_received, 实收数量, 入库数量"),
    (read_purchase_order, "po_number,item_name,quantity,unit_price,单价", "1,1.50,1.70", "1,1.50,1.5",
     "unit_price 1.50, 单价 1.70", "无税单价, 不含税单价"),
])
def test_two_columns_that_may_each_hold_a_figure_are_refused_where_they_differ(tmp_path, reader, header, differ,
                                                                               same, shown, names):
    # neither is known as the one to read (the received quantity, the price without tax): the figures are shown,
    # and the names that would tell
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, "differ.csv", f"{header}\nDOC-1,贴片电容,{differ}\n"))
    columns = ", ".join(part.split(" ")[0] for part in shown.split(", "))
    assert err.value.field == f"row 2: {columns}" and shown in err.value.problem and names in err.value.problem
    assert len(reader(write(tmp_path, "same.csv", f"{header}\nDOC-1,贴片电容,{same}\n")).lines) == 1


@pytest.mark.parametrize("reader", [read_purchase_order, read_goods_receipt])
@pytest.mark.parametrize("figure, says", [("1E-999999999", "more than 20 decimal places"),
                                          ("1" * 16 + "." + "1" * 15, "more than 30 significant digits"),
                                          ("12,50", "decimal comma .* is not read")])
def test_an_export_figure_no_order_has_is_refused_naming_its_row(tmp_path, reader, figure, says):
    text = f"po_number,receipt_number,item_name,quantity,unit_price\nPO-1,GR-1,贴片电容,\"{figure}\",1.50\n"
    with pytest.raises(MalformedInput, match=says) as err:
        reader(write(tmp_path, "export.csv", text))
    assert err.value.field == "row 2: quantity"


@pytest.mark.parametrize("reader, what", [(read_purchase_order, "purchase order"),
                                          (read_goods_receipt, "goods receipt")])
def test_an_export_json_key_given_twice_with_different_values_is_refused(tmp_path, reader, what):
    line = '{"item_name": "贴片电容", "quantity": "200", "quantity": "2000", "unit_price": "1.50"}'
    text = f'{{"number": "DOC-1", "po_number": "DOC-1", "lines": [{line}]}}'
    with pytest.raises(MalformedInput) as err:
        reader(write(tmp_path, "export.json", text))
    assert err.value.field == "lines[0]/quantity" and f"which one the {what} means" in err.value.problem
    assert len(reader(write(tmp_path, "same.json", text.replace('"2000"', '"200"'))).lines) == 1


@pytest.mark.parametrize("field", ["quantity_rel", "price_rel"])
@pytest.mark.parametrize("value, says", [(Decimal("1E-999999999"), "more than 20 decimal places"),
                                         (Decimal("-0.01"), "a fraction from 0 to 1"), (2, "a fraction from 0 to 1"),
                                         (Decimal("NaN"), "a fraction from 0 to 1"), ("0.01", "give a Decimal")])
def test_a_tolerance_with_more_digits_than_a_figure_or_out_of_range_is_refused(field, value, says):
    with pytest.raises(ValueError, match=says) as err:
        Tolerances(**{field: value})
    assert f"Tolerances.{field}" in str(err.value)


@pytest.mark.parametrize("value", [float("inf"), -1, 100.0, True, "100"])
def test_a_total_tolerance_not_a_whole_number_of_fen_from_0_is_refused(value):
    # infinity matched a 10,000,000 yuan invoice with an 800 yuan order; -1 made every match partial
    with pytest.raises(ValueError, match="whole number of fen from 0 up") as err:
        Tolerances(total_fen=value)
    assert "Tolerances.total_fen" in str(err.value)
    assert Tolerances(total_fen=0).total_fen == 0


def test_a_tolerance_given_as_a_float_is_the_decimal_written():
    assert Tolerances(price_rel=0.01).price_rel == Decimal("0.01")
    assert Tolerances(quantity_rel=Decimal("1E-20")).quantity_rel == Decimal("1E-20")


@pytest.mark.parametrize("field", ["quantity_rel", "price_rel"])
def test_zeros_after_a_tolerances_last_digit_are_no_digits_of_it(field):
    # a config file written by a program that pads its decimals: the value is 0.01, its digits are two
    assert getattr(Tolerances(**{field: Decimal("0.010000000000000000000000")}), field) == Decimal("0.01")
    assert str(getattr(Tolerances(**{field: Decimal("0E-40")}), field)) == "0"
    assert getattr(Tolerances(**{field: Decimal("1." + "0" * 40)}), field) == 1
    # a digit past the 20th decimal place is one, whatever follows it
    with pytest.raises(ValueError, match="more than 20 decimal places"):
        Tolerances(**{field: Decimal("0.0100000000000000000001000")})


@pytest.mark.parametrize("reader", [read_purchase_order, read_goods_receipt])
def test_an_export_json_number_given_twice_is_read_as_one_value_or_refused_naming_the_field(tmp_path, reader):
    def export(first: str, second: str) -> Path:
        line = f'{{"item_name": "贴片电容", "quantity": {first}, "quantity": {second}, "unit_price": "1.50"}}'
        return write(tmp_path, "export.json", f'{{"number": "DOC-1", "po_number": "DOC-1", "lines": [{line}]}}')

    assert reader(export("1.5", "1.50")).lines[0].quantity == Decimal("1.5")
    for first, second in (("1.5", "2.5"), ("1.5", '"1.5"')):   # a number and a string are two values
        with pytest.raises(MalformedInput, match="given 2 times with different values") as err:
            reader(export(first, second))
        assert err.value.field == "lines[0]/quantity"


def _with_units(text: str, units: list[str | None], header: str = "unit") -> str:
    """An export with a unit column added, one unit per row (an empty cell for None)."""
    rows = text.strip().splitlines()
    return "\n".join([f"{rows[0]},{header}"] + [f"{row},{unit or ''}" for row, unit in zip(rows[1:], units)]) + "\n"


def test_a_quantity_in_another_unit_than_the_invoices_is_partial_naming_both_units(tmp_path):
    # the invoice bills 个 (pieces) on lines 1 and 2 and 项 on line 3
    po = read_purchase_order(write(tmp_path, "po.csv", _with_units(PO_CSV, ["盘", "个", "项"], "单位")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", _with_units(GR_CSV, ["盘", "个", "项"], "计量单位")))
    assert [l.unit for l in po.lines] == ["盘", "个", "项"] and [l.unit for l in gr.lines] == ["盘", "个", "项"]
    result = match_invoice(invoice(), po, gr)
    assert result.status == "partial" and [l.status for l in result.lines] == ["partial", "matched", "matched"]
    assert result.lines[0].problems == (
        "the quantities are in different units (the invoice line in 个, PO line 1 in 盘, receipt line 1 in 盘): they "
        "cannot be compared; have the document in the wrong unit corrected, or its quantity converted to the "
        "others' unit",)
    # the order and the receipt may differ too, where the invoice gives no unit
    plain = invoice(lines=tuple(l.model_copy(update={"unit": None}) for l in invoice().lines))
    gr_boxes = read_goods_receipt(write(tmp_path, "gr2.csv", _with_units(GR_CSV, ["盘", "箱", "项"])))
    unit_problems = [p for l in match_invoice(plain, po, gr_boxes).lines for p in l.problems]
    assert unit_problems == ["the quantities are in different units (PO line 2 in 个, receipt line 2 in 箱): they "
                             "cannot be compared; have the document in the wrong unit corrected, or its quantity "
                             "converted to the others' unit"]


def test_a_unit_given_by_one_side_only_or_written_otherwise_is_no_difference(tmp_path, docs):
    po, gr = docs
    pieces = invoice(lines=tuple(l.model_copy(update={"unit": "PCS"}) for l in invoice().lines))
    po_units = read_purchase_order(write(tmp_path, "po.csv", _with_units(PO_CSV, ["pcs", None, " ＰＣＳ "])))
    assert match_invoice(pieces, po_units, gr).status == "matched"       # case, width and spaces aside
    assert match_invoice(invoice(), po_units, gr).lines[0].status == "matched"   # 个 and pcs: one unit
    assert match_invoice(invoice(), po, gr).status == "matched"          # no unit on the order or the receipt


def test_a_json_export_gives_its_units_and_two_unit_columns_must_agree(tmp_path):
    line = {"item_name": "贴片电容", "quantity": "200", "unit_price": "1.50", "unit": "盘"}
    po = read_purchase_order(write(tmp_path, "po.json", json.dumps({"number": "PO-1", "lines": [line]},
                                                                     ensure_ascii=False)))
    assert po.lines[0].unit == "盘"
    text = "po_number,item_name,quantity,unit_price,单位,计量单位\nPO-1,贴片电容,200,1.50,个,盘\n"
    with pytest.raises(MalformedInput, match="单位 个, 计量单位 盘: units that differ") as err:
        read_purchase_order(write(tmp_path, "po.csv", text))
    assert err.value.field == "row 2: 单位, 计量单位"
    assert read_purchase_order(write(tmp_path, "po2.csv", text.replace(",盘\n", ",个\n"))).lines[0].unit == "个"


def documented_hash(inv, po: PurchaseOrder, gr: GoodsReceipt) -> str:
    """The evidence hash of documents without units or currencies, built as docs/invoices.md describes it: SHA-256
    of the canonical JSON of the three, each quantity and price as the string of the decimal read."""
    def lines(document):
        return [{"line": l.line, "item_code": l.item_code, "item_name": l.item_name, "quantity": str(l.quantity),
                 "unit_price": None if l.unit_price is None else str(l.unit_price)} for l in document.lines]

    bundle = {"invoice": invoice_to_json(inv),
              "purchase_order": {"number": po.number, "lines": lines(po)},
              "goods_receipt": {"number": gr.number, "po_number": gr.po_number, "lines": lines(gr)}}
    canonical = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def test_the_evidence_hash_takes_a_unit_only_where_one_is_given(tmp_path, docs):
    po, gr = docs
    inv = invoice()
    # an order and a receipt without units hash as they did before units were read
    assert evidence_hash(inv, po, gr) == documented_hash(inv, po, gr)
    # a unit read is part of the evidence
    po_units = read_purchase_order(write(tmp_path, "po.csv", _with_units(PO_CSV, ["个", "个", "项"])))
    assert evidence_hash(inv, po_units, gr) != evidence_hash(inv, po, gr)


def test_registration_refuses_a_line_taxed_at_no_statutory_rate(docs):
    po, gr = docs
    lines = list(invoice().lines)
    lines[2] = line("*信息技术服务*软件维护服务费", "1", "1000.00", "0.90", unit="项")  # tax 900.00 to match
    inflated = invoice(lines=tuple(lines))
    assert inflated.total_with_tax_fen == 314300
    result = match_invoice(inflated, po, gr)
    assert result.ok   # the match compares quantities and prices, not rates
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inflated, po, gr, result, due_date=date(2026, 12, 1))
    assert [f.check for f in refused.value.failed] == ["line.rate"]
    assert "line 3: 90% is no VAT rate or levy rate" in str(refused.value)
