import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from client.invoices import MalformedInput, UnsupportedFormat, invoice_to_json, parse_invoice, read_invoice

from ._samples import einvoice_xml, invoice


def test_xml_reads_every_field():
    inv = invoice()
    got = parse_invoice(einvoice_xml(inv).encode(), source="a.xml")
    assert got.model_dump() == inv.model_dump()
    assert got.kind == "增值税专用发票"
    assert got.lines[0].spec == "0805" and got.lines[0].unit == "个"
    assert got.lines[0].quantity == Decimal("200") and got.lines[0].tax_rate == Decimal("0.13")


def test_recfin_json_round_trips():
    inv = invoice()
    text = json.dumps(invoice_to_json(inv), ensure_ascii=False)
    assert parse_invoice(text.encode()).model_dump() == inv.model_dump()


def test_einvoice_json_twin_reads_like_xml():
    inv = invoice()
    doc = {"EInvoice": {
        "Header": {"EIid": inv.number},
        "EInvoiceData": {
            "SellerInformation": {"SellerIdNum": inv.seller.tax_id, "SellerName": inv.seller.name},
            "BuyerInformation": {"BuyerIdNum": inv.buyer.tax_id, "BuyerName": inv.buyer.name},
            "BasicInformation": {"TotalAmWithoutTax": 2100.00, "TotalTaxAm": "203.00",
                                 "TotalTax-includedAmount": "2303.00", "RequestTime": "2026-09-01 10:11:12"},
            "IssuItemInformation": [
                {"ItemName": l.name, "SpecMod": l.spec or "", "MeaUnits": l.unit, "Quantity": str(l.quantity),
                 "UnPrice": str(l.unit_price), "Amount": f"{l.amount_fen / 100:.2f}", "TaxRate": f"{l.tax_rate * 100:.0f}%",
                 "ComTaxAm": f"{l.tax_fen / 100:.2f}"} for l in inv.lines],
        },
    }}
    got = parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    assert got.number == inv.number and got.issue_date == inv.issue_date
    assert got.lines == inv.lines
    assert got.total_with_tax_fen == 230300


def test_gbk_xml_and_bom():
    inv = invoice()
    xml = einvoice_xml(inv).replace('encoding="UTF-8"', 'encoding="GBK"')
    assert parse_invoice(xml.encode("gbk")).seller.name == inv.seller.name
    assert parse_invoice(b"\xef\xbb\xbf" + einvoice_xml(inv).encode()).number == inv.number


def test_issue_date_falls_back_to_request_time():
    xml = einvoice_xml(invoice(), drop="TaxSupervisionInfo")
    got = parse_invoice(xml.encode())
    assert str(got.issue_date) == "2026-09-01" and got.number == "26442000000012345678"  # number from Header/EIid


def test_rates_written_as_percent_and_exempt():
    xml = einvoice_xml(invoice()).replace("<TaxRate>0.06</TaxRate>", "<TaxRate>6%</TaxRate>", 1)
    assert parse_invoice(xml.encode()).lines[2].tax_rate == Decimal("0.06")
    xml = einvoice_xml(invoice()).replace("<TaxRate>0.06</TaxRate>", "<TaxRate>免税</TaxRate>", 1)
    assert parse_invoice(xml.encode()).lines[2].tax_rate == 0


@pytest.mark.parametrize("element", [
    "SellerName", "SellerIdNum", "BuyerName", "TotalAmWithoutTax", "TotalTaxAm",
    "TotalTax-includedAmount", "ItemName", "Amount", "TaxRate", "ComTaxAm", "SellerInformation", "EInvoiceData",
])
def test_missing_element_names_the_file_and_field(element):
    xml = einvoice_xml(invoice(), drop=element)
    with pytest.raises(MalformedInput) as err:
        parse_invoice(xml.encode(), source="inv.xml")
    assert err.value.source == "inv.xml"
    assert element in str(err.value)


@pytest.mark.parametrize("old,new,field", [
    ("<TotalTaxAm>203.00</TotalTaxAm>", "<TotalTaxAm>two hundred</TotalTaxAm>", "TotalTaxAm"),
    ("<TotalTaxAm>203.00</TotalTaxAm>", "<TotalTaxAm>203.005</TotalTaxAm>", "TotalTaxAm"),
    ("<TaxRate>0.06</TaxRate>", "<TaxRate>-6%</TaxRate>", "TaxRate"),
    ("<IssueTime>2026-09-01</IssueTime>", "<IssueTime>2026-13-45</IssueTime>", "IssueTime"),
    ("<Quantity>1</Quantity>", "<Quantity>NaN</Quantity>", "Quantity"),
])
def test_bad_values_name_the_field(old, new, field):
    xml = einvoice_xml(invoice(), replace={old: new})
    with pytest.raises(MalformedInput) as err:
        parse_invoice(xml.encode(), source="inv.xml")
    assert field in err.value.field


@pytest.mark.parametrize("data,expected", [
    (b"", UnsupportedFormat),
    (b"%PDF-1.7 ...", UnsupportedFormat),
    (b"<Invoice><ID>1</ID></Invoice>", UnsupportedFormat),
    (b"<EInvoice><Header>", MalformedInput),
    (b'{"number": "1"}', UnsupportedFormat),
    (b'{"format": "recfin.invoice/1", "number": 1', MalformedInput),
    (b'{"format": "recfin.invoice/1", "lines": "x"}', MalformedInput),
    (b"\xff\xfe\x00garbage", MalformedInput),
])
def test_unreadable_inputs_raise_typed_errors(data, expected):
    with pytest.raises(expected):
        parse_invoice(data)


def test_entity_declarations_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE EInvoice [<!ENTITY a "aaaa">]><EInvoice>&a;</EInvoice>'
    with pytest.raises(MalformedInput, match="DOCTYPE"):
        parse_invoice(bomb)


def test_recfin_json_missing_fields_and_other_currency():
    doc = invoice_to_json(invoice())
    for key in ("number", "issue_date", "seller", "total_tax"):
        broken = {k: v for k, v in doc.items() if k != key}
        with pytest.raises(MalformedInput) as err:
            parse_invoice(json.dumps(broken).encode())
        assert key in err.value.field
    with pytest.raises(MalformedInput, match="CNY"):
        parse_invoice(json.dumps({**doc, "currency": "USD"}).encode())
    broken = json.loads(json.dumps(doc))
    del broken["lines"][1]["amount"]
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps(broken).encode())
    assert err.value.field == "lines[1]/amount"


def test_read_invoice_missing_file(tmp_path):
    with pytest.raises(MalformedInput, match="cannot read"):
        read_invoice(tmp_path / "nope.xml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_escape_as_other_errors(data):
    try:
        parse_invoice(data)
    except MalformedInput:
        pass


XML = einvoice_xml(invoice()).encode()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(XML) - 1), st.integers(min_value=1, max_value=40), st.binary(max_size=8))
def test_damaged_xml_is_read_or_refused_cleanly(start, length, junk):
    damaged = XML[:start] + junk + XML[start + length:]
    try:
        parse_invoice(damaged)
    except MalformedInput:
        pass


def test_shipped_samples_read_alike():
    from pathlib import Path
    samples = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
    xml, js = read_invoice(samples / "einvoice.xml"), read_invoice(samples / "einvoice.json")
    assert xml.model_dump() == js.model_dump() == invoice().model_dump()
    assert xml.source.endswith("einvoice.xml")
