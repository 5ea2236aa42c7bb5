"""The currency of a purchase order or goods receipt: read where the export gives one (currency, 币种, 货币), refused
where it names none or more than one, and compared with the invoice's, so that an order priced 1.50 USD a piece
does not match an invoice of 1.50 CNY a piece. It is part of the evidence only where the file gives it."""

import json
from datetime import date

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import (
    MalformedInput,
    NotMatched,
    evidence_hash,
    match_invoice,
    read_goods_receipt,
    read_purchase_order,
    registration_from_match,
)

from ..cli_errors import error_line, invoke
from ._samples import einvoice_xml, invoice
from .test_matching import GR_CSV, PO_CSV, write

PO_ROWS = [("1", "C0805", "贴片电容", "200", "1.50"), ("2", "B-M6", "不锈钢螺栓", "1000", "0.80"),
           ("3", "SVC-01", "软件维护服务费", "1", "1000.00")]


def po_csv(column: str, *currencies: str) -> str:
    """The order of PO_CSV with a currency column, one cell a row (the last repeated)."""
    cells = list(currencies) + [currencies[-1]] * (len(PO_ROWS) - len(currencies))
    return "po_number,line,item_code,item_name,quantity,unit_price," + column + "\n" + "".join(
        f"PO-1,{','.join(row)},{cell}\n" for row, cell in zip(PO_ROWS, cells))


def po_json(top: str | None = None, lines: list[str | None] | None = None) -> str:
    doc = {"number": "PO-1", "lines": [
        {"line": n, "item_code": code, "item_name": name, "quantity": qty, "unit_price": price}
        for n, code, name, qty, price in PO_ROWS]}
    if top is not None:
        doc["currency"] = top
    for row, currency in zip(doc["lines"], lines or []):
        if currency is not None:
            row["币种"] = currency
    return json.dumps(doc, ensure_ascii=False)


@pytest.fixture
def receipt(tmp_path):
    return read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def order(tmp_path, text: str, name: str = "po.csv"):
    return read_purchase_order(write(tmp_path, name, text))


@pytest.mark.parametrize("column, given, code", [
    ("currency", "USD", "USD"), ("币种", "美元", "USD"), ("货币", "usd", "USD"), ("currency", "EUR", "EUR"),
    ("currency", "ＨＫＤ", "HKD"),
])
def test_an_order_in_another_currency_than_the_invoice_does_not_match(tmp_path, receipt, column, given, code):
    po = order(tmp_path, po_csv(column, given))
    assert po.currency == code
    result = match_invoice(invoice(), po, receipt)
    assert not result.ok and result.status == "partial"
    assert result.problems == (f"currency: the purchase order PO-1 is in {code}, the invoice in CNY: prices in two "
                               "currencies do not compare; match the invoice against a purchase order in CNY",)


@pytest.mark.parametrize("column, given", [("currency", "CNY"), ("币种", "人民币"), ("货币", "RMB"),
                                           ("currency", " cny "), ("币种", "ＣＮＹ")])
def test_an_order_in_the_invoices_currency_matches(tmp_path, receipt, column, given):
    po = order(tmp_path, po_csv(column, given))
    assert po.currency == "CNY"
    assert match_invoice(invoice(), po, receipt).ok


def test_an_order_that_gives_no_currency_is_taken_in_the_invoices(tmp_path, receipt):
    assert order(tmp_path, PO_CSV).currency is None
    blank = order(tmp_path, po_csv("currency", ""), "blank.csv")
    assert blank.currency is None and match_invoice(invoice(), blank, receipt).ok


def test_the_invoice_models_currency_is_the_one_compared(tmp_path, receipt):
    po = order(tmp_path, po_csv("currency", "USD"))
    assert match_invoice(invoice().model_copy(update={"currency": "USD"}), po, receipt).ok
    assert not match_invoice(invoice(), po, receipt).ok


def test_a_receipt_in_another_currency_does_not_match(tmp_path):
    po = order(tmp_path, PO_CSV)
    text = GR_CSV.replace("quantity\n", "quantity,unit_price,币种\n", 1)
    for row, price in zip(("200\n", "1000\n", "1\n"), ("1.50", "0.80", "1000.00")):
        text = text.replace(f",{row}", f",{row.strip()},{price},美元\n", 1)
    gr = read_goods_receipt(write(tmp_path, "gr.csv", text))
    assert gr.currency == "USD"
    result = match_invoice(invoice(), po, gr)
    assert result.status == "partial"
    assert [p for p in result.problems if p.startswith("currency:")] == [
        "currency: the goods receipt GR-1 is in USD, the invoice in CNY: prices in two currencies do not compare; "
        "match the invoice against a goods receipt in CNY"]


@pytest.mark.parametrize("top, lines, code", [("USD", None, "USD"), (None, ["美元"] * 3, "USD"),
                                               ("CNY", ["人民币", None, "CNY"], "CNY")])
def test_a_json_order_gives_its_currency_at_the_top_or_on_its_lines(tmp_path, top, lines, code):
    assert order(tmp_path, po_json(top, lines), "po.json").currency == code


def test_a_json_order_whose_lines_differ_from_its_top_is_refused(tmp_path):
    with pytest.raises(MalformedInput) as refused:
        order(tmp_path, po_json("CNY", [None, "美元"]), "po.json")
    assert refused.value.field == "currency"
    assert "CNY (currency), USD (lines[1]: 币种): a purchase order in more than one currency" in refused.value.problem


@pytest.mark.parametrize("text, shown", [
    (po_csv("currency", "CNY", "USD"), "CNY (row 2: currency), USD (row 3: currency)"),
    # two columns of one row that disagree
    (po_csv("currency,币种", "CNY,美元"), "CNY (row 2: currency), USD (row 2: 币种)"),
])
def test_a_csv_order_in_more_than_one_currency_is_refused(tmp_path, text, shown):
    with pytest.raises(MalformedInput) as refused:
        order(tmp_path, text)
    assert refused.value.field == "currency"
    assert refused.value.problem.startswith(f"{shown}: a purchase order in more than one currency")


@pytest.mark.parametrize("given, shown", [("EURO", "'EURO'"), ("$", "'$'"), ("美金元", "'美金元'"), ("U S D", "'U S D'")])
def test_a_currency_cell_that_names_no_currency_is_refused(tmp_path, given, shown):
    with pytest.raises(MalformedInput) as refused:
        order(tmp_path, po_csv("币种", given))
    assert refused.value.field == "row 2: 币种"
    assert refused.value.problem.startswith(f"{shown} is no currency: give its ISO 4217 code")


@pytest.mark.parametrize("given", [840, True, {"code": "USD"}])
def test_a_json_currency_that_is_no_text_is_refused(tmp_path, given):
    doc = json.loads(po_json())
    doc["currency"] = given
    with pytest.raises(MalformedInput, match="is no currency") as refused:
        order(tmp_path, json.dumps(doc), "po.json")
    assert refused.value.field == "currency"


def test_the_currency_is_evidence_only_where_the_file_gives_one(tmp_path, receipt):
    inv = invoice()
    without = order(tmp_path, PO_CSV)
    blank = order(tmp_path, po_csv("currency", ""), "blank.csv")
    given = order(tmp_path, po_csv("currency", "人民币"), "cny.csv")
    # an order that gives none hashes as it did before currencies were read (test_matching pins that hash)
    assert evidence_hash(inv, blank, receipt) == evidence_hash(inv, without, receipt)
    assert evidence_hash(inv, given, receipt) != evidence_hash(inv, without, receipt)
    assert evidence_hash(inv, given, receipt) == evidence_hash(inv, order(tmp_path, po_csv("currency", "CNY"),
                                                                          "code.csv"), receipt)


def test_an_order_in_another_currency_backs_no_registration(tmp_path, receipt):
    inv, po = invoice(), order(tmp_path, po_csv("currency", "USD"))
    with pytest.raises(NotMatched):
        registration_from_match(inv, po, receipt, match_invoice(inv, po, receipt), due_date=date(2026, 12, 1))


def test_match_on_the_command_line_exits_1_naming_the_currency(tmp_path):
    inv = write(tmp_path, "inv.xml", einvoice_xml(invoice()))
    gr = write(tmp_path, "gr.csv", GR_CSV)
    for name, text in (("usd.csv", po_csv("currency", "USD")), ("cn.csv", po_csv("币种", "美元"))):
        result = invoke(invoice_group, "match", inv, "--po", write(tmp_path, name, text), "--receipt", gr)
        assert result.exit_code == 1, result.output
        assert "  DOCUMENT  currency: the purchase order PO-1 is in USD, the invoice in CNY" in result.output
        # the lines each match; what fails is the documents as wholes, and the summary says so
        assert "PARTIAL: 3 matched, 0 partially matched, 0 unmatched, 1 document problem" in result.output
    result = invoke(invoice_group, "match", inv, "--po", write(tmp_path, "cny.csv", po_csv("币种", "人民币")),
                    "--receipt", gr)
    assert result.exit_code == 0, result.output
    result = invoke(invoice_group, "match", inv, "--po", write(tmp_path, "mixed.csv", po_csv("currency", "CNY", "USD")),
                    "--receipt", gr)
    assert result.exit_code == 2 and "a purchase order in more than one currency" in error_line(result)
