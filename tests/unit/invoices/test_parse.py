import codecs
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from client.invoices import MalformedInput, UnsupportedFormat, invoice_to_json, parse_invoice, read_invoice

from ._samples import einvoice_xml, invoice, line, money


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


def test_xml_in_utf16_with_its_bom_reads_as_in_utf8():
    xml = einvoice_xml(invoice())
    utf16 = codecs.BOM_UTF16_LE + xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    assert parse_invoice(utf16) == parse_invoice(xml.encode())


@pytest.mark.parametrize("declared", ["GB18030", "UTF-8"])
def test_xml_in_gb18030_with_its_bom_reads_as_in_utf8(declared):
    # the BOM names the encoding whatever the declaration says, as UTF-8's and UTF-16's do
    xml = einvoice_xml(invoice())
    gb = b"\x84\x31\x95\x33" + xml.replace('encoding="UTF-8"', f'encoding="{declared}"').encode("gb18030")
    assert parse_invoice(gb) == parse_invoice(xml.encode())


def test_the_vat_label_is_the_kind_when_the_invoice_type_label_is_given_too():
    # kind goes into the recfin JSON and the evidence hash: the VAT label is read first (docs/invoices.md)
    type_label = "<EInvoiceType><LabelCode>81</LabelCode><LabelName>电子发票</LabelName></EInvoiceType>"
    xml = einvoice_xml(invoice(), replace={"<InherentLabel>": "<InherentLabel>" + type_label})
    assert parse_invoice(xml.encode()).kind == "增值税专用发票"


@pytest.mark.parametrize("written", ["20260901", "2026/09/01", "2026年09月01日", "20260901101112"])
def test_every_documented_date_form_reads_as_the_same_day(written):
    # 2026-09-01: its day and month are told apart in every form (01 and 09 swapped would be a valid date too)
    xml = einvoice_xml(invoice(), replace={"<IssueTime>2026-09-01</IssueTime>": f"<IssueTime>{written}</IssueTime>"})
    assert parse_invoice(xml.encode()).issue_date == date(2026, 9, 1)


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


@pytest.mark.parametrize("tax_id", [None, "", "   "])
def test_a_recfin_invoice_without_a_seller_tax_id_is_refused_naming_it(tax_id):
    doc = invoice_to_json(invoice())
    if tax_id is None:
        del doc["seller"]["tax_id"]
    else:
        doc["seller"]["tax_id"] = tax_id
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps(doc).encode())
    assert err.value.field == "seller/tax_id"


@pytest.mark.parametrize("written", ["2026-09-01 junk", "2026-13-01", "2026-09"])
def test_a_recfin_invoice_with_a_malformed_issue_date_is_refused_naming_it(written):
    doc = invoice_to_json(invoice())
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps({**doc, "issue_date": written}).encode())
    assert err.value.field == "issue_date"


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


@pytest.mark.parametrize("element, field, copy", [
    ("InvoiceNumber", "EInvoice/TaxSupervisionInfo/InvoiceNumber", "26442000000087654321"),
    ("TotalTax-includedAmount", "EInvoice/EInvoiceData/BasicInformation/TotalTax-includedAmount", "9303.00"),
    ("SellerIdNum", "EInvoice/EInvoiceData/SellerInformation/SellerIdNum", "91310115MA1K4A2B7U"),
])
def test_an_element_given_twice_with_different_values_is_refused_naming_it(element, field, copy):
    inv = invoice()
    xml = einvoice_xml(inv)
    first = xml[xml.index(f"<{element}>"):xml.index(f"</{element}>") + len(element) + 3]
    with pytest.raises(MalformedInput) as err:
        parse_invoice(xml.replace(first, first + f"<{element}>{copy}</{element}>").encode())
    assert err.value.field == field and "2 times with different values" in err.value.problem
    assert repr(copy) in err.value.problem
    # the same value twice says one thing: it is read
    assert parse_invoice(xml.replace(first, first + first).encode()).model_dump() == inv.model_dump()


def test_a_json_list_where_one_value_is_read_is_refused_when_its_values_differ():
    doc = invoice_to_json(invoice())
    doc["total_with_tax"] = ["2303.00", "9303.00"]
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps(doc).encode())
    assert err.value.field == "total_with_tax" and "'9303.00'" in err.value.problem
    doc["total_with_tax"] = ["2303.00", "2303.00"]
    assert parse_invoice(json.dumps(doc).encode()).total_with_tax_fen == 230300
    doc["total_with_tax"] = []
    with pytest.raises(MalformedInput, match="missing"):
        parse_invoice(json.dumps(doc).encode())


def test_a_json_key_given_twice_is_refused_when_its_values_differ():
    text = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    number = f'"number": "{invoice().number}"'
    with pytest.raises(MalformedInput) as err:
        parse_invoice(text.replace(number, f'{number}, "number": "26442000000099999999"').encode())
    assert err.value.field == "number" and "given 2 times with different values" in err.value.problem
    assert "'26442000000099999999'" in err.value.problem
    # inside a line: the path says which line
    amount = '"amount": "800.00"'
    with pytest.raises(MalformedInput) as err:
        parse_invoice(text.replace(amount, f'{amount}, "amount": "900.00"').encode())
    assert err.value.field == "lines[1]/amount"
    # the same value twice says one thing
    assert parse_invoice(text.replace(number, f"{number}, {number}").encode()).number == invoice().number



@pytest.mark.parametrize("first, second", [("1", "true"), ("true", "1"), ("0", "false")])
def test_json_copies_that_python_holds_equal_but_json_tells_apart_differ(first, second):
    # Python has True == 1; which of the two the file means cannot be told, whichever comes last
    text = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    doubled = text[:-1] + f', "taxed_on_difference": {first}, "taxed_on_difference": {second}}}'
    with pytest.raises(MalformedInput) as err:
        parse_invoice(doubled.encode())
    assert err.value.field == "taxed_on_difference" and "given 2 times with different values" in err.value.problem


def _doubled_total(first: str, second: str) -> bytes:
    """The recfin JSON of the sample invoice with its total amount written twice, as given (JSON text)."""
    text = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    total = '"total_amount": "2100.00"'
    assert total in text
    return text.replace(total, f'"total_amount": {first}, "total_amount": {second}').encode()


# (an amount with a power of ten, 2.1E+3, is refused as an amount: test_amount_spellings.py)
@pytest.mark.parametrize("first, second", [("2100.00", "2100.00"), ("2100.00", "2100.0"), ("2100", "2100.00"),
                                           ('"2100.00"', '"2100.00"')])
def test_a_json_number_given_twice_as_one_value_is_read(first, second):
    assert parse_invoice(_doubled_total(first, second)).total_amount_fen == 210000


@pytest.mark.parametrize("first, second, shown", [
    ("2100.00", "2101.00", "(2100.00, 2101.00)"),
    # a number and a string differ, whatever their digits: which of the two the file means cannot be told
    ("2100.00", '"2100.00"', "(2100.00, '2100.00')"),
    ("2100.00", "true", "(2100.00, true)"),
    ("2100.00", "null", "(2100.00, null)"),
    ("2100.000000000000000000000000001", "2100.00", "(2100.000000000000000000000000001, 2100.00)"),
])
def test_a_json_number_given_twice_with_different_values_is_refused_naming_the_field(first, second, shown):
    with pytest.raises(MalformedInput) as err:
        parse_invoice(_doubled_total(first, second))
    assert err.value.field == "total_amount" and "given 2 times with different values" in err.value.problem
    assert shown in err.value.problem


def test_json_copies_in_a_list_where_one_value_is_read_compare_as_json_values():
    doc = invoice_to_json(invoice())
    text = json.dumps(doc, ensure_ascii=False).replace('"total_amount": "2100.00"', '"total_amount": [2100.00, 2100]')
    assert parse_invoice(text.encode()).total_amount_fen == 210000
    with pytest.raises(MalformedInput, match="given 2 times with different values") as err:
        parse_invoice(text.replace("[2100.00, 2100]", '[2100.00, "2100.00"]').encode())
    assert err.value.field == "total_amount"



def _seller_twice(first: str, second: str) -> bytes:
    """The recfin JSON of the sample invoice with its seller given twice, as given (JSON text)."""
    text = json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    seller = json.dumps({"name": invoice().seller.name, "tax_id": invoice().seller.tax_id}, ensure_ascii=False)
    assert f'"seller": {seller}' in text
    return text.replace(f'"seller": {seller}', f'"seller": {first}, "seller": {second}').encode()


@pytest.mark.parametrize("refused_copy_first", [True, False])
def test_a_key_given_twice_inside_one_copy_of_a_repeated_key_is_refused_naming_the_inner_key(refused_copy_first):
    # the copy that gives its tax id twice and the clean one agree once the first tax id is dropped: which of the
    # two tax ids the seller has cannot be told all the same
    seller, other_tax_id = invoice().seller, "91110000000000000X"
    refused = f'{{"name": "{seller.name}", "tax_id": "{other_tax_id}", "tax_id": "{seller.tax_id}"}}'
    clean = f'{{"name": "{seller.name}", "tax_id": "{seller.tax_id}"}}'
    copies = (refused, clean) if refused_copy_first else (clean, refused)
    with pytest.raises(MalformedInput) as err:
        parse_invoice(_seller_twice(*copies))
    assert err.value.field == "seller/tax_id" and "given 2 times with different values" in err.value.problem
    assert repr(other_tax_id) in err.value.problem
    # two clean copies that say the same are one seller
    assert parse_invoice(_seller_twice(clean, clean)).seller == seller


def test_a_key_given_twice_in_a_line_of_one_copy_of_the_lines_is_refused_naming_the_line():
    doc = invoice_to_json(invoice())
    text = json.dumps(doc, ensure_ascii=False)
    lines = json.dumps(doc["lines"], ensure_ascii=False)
    twice = lines.replace('"amount": "800.00"', '"amount": "900.00", "amount": "800.00"', 1)
    assert twice != lines
    with pytest.raises(MalformedInput) as err:
        parse_invoice(text.replace(f'"lines": {lines}', f'"lines": {twice}, "lines": {lines}').encode())
    assert err.value.field == "lines[1]/amount" and "('900.00', '800.00')" in err.value.problem


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("field", ["quantity", "unit_price", "amount"])
def test_nan_or_infinity_in_an_invoice_is_refused_naming_the_field(constant, field):
    doc = invoice_to_json(invoice())
    doc["lines"][1][field] = "CONSTANT"
    text = json.dumps(doc, ensure_ascii=False).replace('"CONSTANT"', constant)
    # read as a float, a quantity or price of NaN was no quantity at all, and line.amount was skipped
    with pytest.raises(MalformedInput) as err:
        parse_invoice(text.encode(), "nan.json")
    assert err.value.source == "nan.json" and err.value.field == f"lines[1]/{field}"
    assert err.value.problem.startswith(f"{constant}, which is no JSON number")


def test_nan_or_infinity_in_an_order_a_receipt_or_a_reference_file_is_refused_naming_the_field(tmp_path):
    from pathlib import Path

    from client.invoices.matching import read_goods_receipt
    from client.invoices.sources import ReferenceCreditBureau, ReferenceTaxInvoiceVerifier

    reference = Path(__file__).parents[3] / "client" / "invoices" / "reference_data"

    def with_constant(name: str, old: str, new: str) -> Path:
        text = (reference / name).read_text(encoding="utf-8")
        assert old in text
        written = tmp_path / Path(name).name
        written.write_text(text.replace(old, new, 1), encoding="utf-8")
        return written

    cases = [
        (lambda: read_goods_receipt(with_constant("samples/goods_receipt.json", '"quantity": "200"',
                                                  '"quantity": NaN')), "lines[0]/quantity", "NaN"),
        (lambda: ReferenceCreditBureau(with_constant("credit_bureau.json", '"overdue_count": 0',
                                                     '"overdue_count": -Infinity')),
         "records[0]/overdue_count", "-Infinity"),
        (lambda: ReferenceTaxInvoiceVerifier(with_constant("tax_invoices.json", '"total_with_tax_fen": 230300',
                                                           '"total_with_tax_fen": Infinity')),
         "records[0]/total_with_tax_fen", "Infinity"),
    ]
    for read, field, constant in cases:
        with pytest.raises(MalformedInput) as err:
            read()
        assert err.value.field == field and err.value.problem.startswith(f"{constant}, which is no JSON number")


def test_json_this_reader_cannot_take_apart_is_refused_naming_the_file(monkeypatch):
    from client.invoices import parse

    def failing(pairs):
        raise TypeError("unhashable")

    monkeypatch.setattr(parse, "_object_keeping_repeats", failing)
    with pytest.raises(MalformedInput, match="cannot take apart") as err:
        parse.parse_json('{"a": 1}', "bad.json")
    assert err.value.source == "bad.json"


@pytest.mark.parametrize("old, new, field, says", [
    ("<UnPrice>1.50</UnPrice>", "<UnPrice>1,50</UnPrice>", "IssuItemInformation[1]/UnPrice", "decimal comma"),
    ("<TotalTax-includedAmount>2303.00<", "<TotalTax-includedAmount>2303,00<", "TotalTax-includedAmount",
     "decimal comma"),
    ("<Quantity>200</Quantity>", "<Quantity>1E-999999999</Quantity>", "IssuItemInformation[1]/Quantity",
     "more than 20 decimal places"),
])
def test_a_figure_with_a_decimal_comma_or_no_end_of_digits_is_refused(old, new, field, says):
    with pytest.raises(MalformedInput, match=says) as err:
        parse_invoice(einvoice_xml(invoice()).replace(old, new).encode())
    assert err.value.field.endswith(field)


def test_negative_figures_are_written_as_an_invoice_prints_them():
    assert money(-390) == "-3.90" and money(-5) == "-0.05" and money(0) == "0.00" and money(123_456) == "1234.56"
    red = invoice(lines=(line("*电子元件*贴片电容", "-26", "1.50", "0.13", unit="个"),))  # -39.00, tax -5.07
    assert parse_invoice(einvoice_xml(red).encode()).model_dump() == red.model_dump()
