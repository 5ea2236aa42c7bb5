"""An invoice's quantity or unit price written with a power of ten (``1E+2``, ``1.5e0``, a JSON ``1e2``) is
refused, naming the file and the field, as the order's and the receipt's are and as an invoice's amounts are: it is
how a spreadsheet shows a figure it has rounded, or a cell it took for a number, and read as 100 it would match a
receipt for goods nobody counted. A figure written in plain digits still reads, however many decimals it has: a
JSON ``0.0000001`` is not refused for the ``1E-7`` Python would print it as, and an invoice written out in the
recfin form reads back as it was."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest

from client.invoices import MalformedInput, evidence_hash, invoice_to_json, parse_invoice
from client.invoices._reading import ValueProblem, to_fen, to_rate
from client.invoices.matching import read_goods_receipt, read_purchase_order

from ._samples import einvoice_xml, invoice, line
from .test_einvoice_forms import twin
from .test_matching import write


@pytest.mark.parametrize("element, written", [("Quantity", "2E+2"), ("Quantity", "2e2"), ("UnPrice", "1.5E0"),
                                              ("UnPrice", "15E-1")])
def test_an_xml_quantity_or_price_with_a_power_of_ten_is_refused(element, written):
    xml = einvoice_xml(invoice())
    plain = {"Quantity": "<Quantity>200</Quantity>", "UnPrice": "<UnPrice>1.50</UnPrice>"}[element]
    assert plain in xml
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.replace(plain, f"<{element}>{written}</{element}>", 1).encode(), source="inv.xml")
    assert refused.value.source == "inv.xml" and refused.value.field.endswith(f"IssuItemInformation[1]/{element}")
    assert "power of ten" in refused.value.problem and "plain digits" in refused.value.problem


@pytest.mark.parametrize("key", ["quantity", "unit_price"])
def test_a_recfin_json_quantity_or_price_with_a_power_of_ten_is_refused(key):
    doc = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    written = {"quantity": '"quantity": "200"', "unit_price": '"unit_price": "1.50"'}[key]
    assert written in doc
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(doc.replace(written, f'"{key}": 2e2', 1).encode(), source="inv.json")
    assert refused.value.field == f"lines[0]/{key}" and "power of ten" in refused.value.problem


def test_a_json_number_in_plain_digits_reads_however_small():
    doc = twin(invoice())
    doc["EInvoice"]["EInvoiceData"]["IssuItemInformation"][0].update(Quantity="QTY", UnPrice="1000000")
    text = json.dumps(doc).replace('"QTY"', "0.0000002")
    got = parse_invoice(text.encode())
    assert got.lines[0].quantity == Decimal("0.0000002")


def test_an_order_json_number_in_plain_digits_reads_however_small(tmp_path):
    doc = '{"po_number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": 1000, "unit_price": 0.0000001}]}'
    assert read_purchase_order(write(tmp_path, "po.json", doc)).lines[0].unit_price == Decimal("0.0000001")


def test_an_invoice_with_a_tiny_quantity_reads_back_from_the_recfin_form():
    tiny = line("*化学试剂*标准品", "0.0000005", "2000000", "0.13", unit="千克")
    inv = invoice(lines=(tiny,))
    doc = invoice_to_json(inv)
    assert doc["lines"][0]["quantity"] == "0.0000005"
    read = parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    assert read.model_dump(exclude={"source"}) == inv.model_dump(exclude={"source"})


def test_the_evidence_hash_takes_a_tiny_quantity_as_it_always_has(tmp_path):
    """Claims on the ledger carry the evidence hash, which carries no version: a quantity is hashed as the string
    of the decimal read (``5E-7``), whatever form the recfin JSON file is written in."""
    tiny = line("*化学试剂*标准品", "0.0000005", "2000000", "0.13", unit="千克")
    inv = invoice(lines=(tiny,))
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,line,item_name,quantity,unit_price\n"
                                                     "PO-1,1,标准品,0.0000005,2000000\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,line,item_name,quantity\n"
                                                    "GR-1,PO-1,1,标准品,0.0000005\n"))
    doc = invoice_to_json(inv)
    doc["lines"][0]["quantity"] = "5E-7"
    bundle = {"invoice": doc,
              "purchase_order": {"number": "PO-1", "lines": [{"line": "1", "item_code": None, "item_name": "标准品",
                                                              "quantity": "5E-7", "unit_price": "2000000"}]},
              "goods_receipt": {"number": "GR-1", "po_number": "PO-1", "lines": [
                  {"line": "1", "item_code": None, "item_name": "标准品", "quantity": "5E-7", "unit_price": None}]}}
    canonical = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert evidence_hash(inv, po, gr) == hashlib.sha256(canonical).hexdigest()


@pytest.mark.parametrize("written", ["1.3E+1", "1.3e1%", "1.3E-1"])
def test_a_rate_written_with_a_power_of_ten_is_refused(written):
    doc = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    assert '"tax_rate": "0.13"' in doc
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(doc.replace('"tax_rate": "0.13"', f'"tax_rate": "{written}"', 1).encode(), source="inv.json")
    assert refused.value.field == "lines[0]/tax_rate" and "power of ten" in refused.value.problem


@pytest.mark.parametrize("written", ["1.3E+1", "1.3e1%", "0.13E0"])
def test_a_rate_with_a_power_of_ten_is_refused_for_the_reason_a_quantity_or_an_amount_is(written):
    with pytest.raises(ValueProblem) as rate:
        to_rate(written)
    with pytest.raises(ValueProblem) as amount:
        to_fen("1.3E+1")
    reason = "is written with a power of ten (E), as a spreadsheet shows a figure it has rounded or a cell it took"
    assert reason in str(rate.value) and reason in str(amount.value)
    assert "13%, 0.13 or 免税" in str(rate.value)


@pytest.mark.parametrize("written", ["none", "see remark", "free"])
def test_a_rate_that_is_no_number_is_not_said_to_have_a_power_of_ten(written):
    with pytest.raises(ValueProblem) as refused:
        to_rate(written)
    assert "power of ten" not in str(refused.value) and written in str(refused.value)
