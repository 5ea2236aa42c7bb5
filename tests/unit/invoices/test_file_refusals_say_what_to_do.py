"""An e-invoice file refused as invalid XML (one cut short in downloading), as carrying a DOCTYPE, as of another
root element, or for a field it lacks, said only what was wrong ("invalid XML: unclosed token: line 2, column 787",
"EInvoice/EInvoiceData: missing"), leaving its reader to guess what to do. Each says what to do."""

import json

import pytest

from client.invoices import MalformedInput, invoice_to_json, parse_invoice

from ._samples import einvoice_xml, invoice

DOWNLOAD_AGAIN = "check the file, or download it again from where it was issued"
XML = einvoice_xml(invoice())


def refusal(data: str) -> str:
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(data.encode("utf-8"), source="a.xml")
    return str(refused.value)


def test_an_invoice_cut_short_is_refused_saying_to_download_it_again():
    message = refusal(XML[:len(XML) // 2])
    assert message.startswith("a.xml: invalid XML: unclosed token") and message.endswith(DOWNLOAD_AGAIN)


def test_an_invoice_with_a_doctype_is_refused_saying_an_issued_one_has_none():
    message = refusal('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><EInvoice/>')
    assert message == ("a.xml: XML with a DOCTYPE or ENTITY declaration is refused (entity expansion): an e-invoice "
                       f"as issued has none; {DOWNLOAD_AGAIN}")


def test_xml_of_another_root_element_is_refused_saying_which_file_to_give():
    assert refusal("<Invoice><a>1</a></Invoice>") == (
        "a.xml: root element is 'Invoice', expected 'EInvoice': give the fully digitalised e-invoice's XML (its root "
        "element is EInvoice), or check that this is the invoice's file")


@pytest.mark.parametrize("drop, field", [
    ("EInvoiceData", "EInvoice/EInvoiceData: missing"),
    ("SellerInformation", "EInvoice/EInvoiceData/SellerInformation: missing"),
    ("TotalTaxAm", "EInvoice/EInvoiceData/BasicInformation/TotalTaxAm: missing or empty"),
    ("ItemName", "EInvoice/EInvoiceData/IssuItemInformation[1]/ItemName: missing or empty"),
])
def test_an_invoice_lacking_a_field_names_it_and_says_what_to_do(drop, field):
    assert refusal(einvoice_xml(invoice(), drop=drop)) == f"a.xml: {field}; {DOWNLOAD_AGAIN}"


def test_an_invoice_without_item_lines_names_them_and_says_what_to_do():
    xml = XML
    while "<IssuItemInformation>" in xml:
        start = xml.index("<IssuItemInformation>")
        xml = xml[:start] + xml[xml.index("</IssuItemInformation>") + len("</IssuItemInformation>"):]
    assert refusal(xml) == f"a.xml: EInvoice/EInvoiceData/IssuItemInformation: no item lines; {DOWNLOAD_AGAIN}"


@pytest.mark.parametrize("drop", ["total_tax", "issue_date"])
def test_a_recfin_json_invoice_lacking_a_field_names_it_and_says_to_fill_it_in(drop):
    # recfin's own form is written from a reading or by hand, never issued: there is none to download again
    doc = invoice_to_json(invoice())
    del doc[drop]
    assert refusal(json.dumps(doc)) == f"a.xml: {drop}: missing or empty; fill it in from the invoice"


def test_a_recfin_json_invoice_line_lacking_a_field_says_to_fill_it_in():
    doc = invoice_to_json(invoice())
    del doc["lines"][0]["amount"]
    assert refusal(json.dumps(doc)) == "a.xml: lines[0]/amount: missing or empty; fill it in from the invoice"


@pytest.mark.parametrize("key, value, says", [
    ("seller", "深圳市云帆供应链管理有限公司", 'seller: missing or not an object: give it as {"name": ..., "tax_id": ...}'),
    ("lines", [], "lines: missing, empty or not a list: give the item lines as a list of objects, one a line"),
    ("lines", ["贴片电容"], 'lines[0]: not an object: give each line as {"name": ..., "amount": ..., ...}'),
])
def test_a_recfin_json_invoice_of_the_wrong_shape_says_what_to_give(key, value, says):
    doc = invoice_to_json(invoice())
    doc[key] = value
    assert refusal(json.dumps(doc, ensure_ascii=False)) == f"a.xml: {says}"


@pytest.mark.parametrize("form", ["xml", "json"])
def test_an_invoice_beginning_with_a_second_byte_order_mark_is_refused_saying_so(form):
    # a tool that adds its own mark to a file that has one: refused as "neither XML nor JSON", the file looked fine
    text = XML if form == "xml" else json.dumps(invoice_to_json(invoice()), ensure_ascii=False)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8"), source="a.xml")
    assert str(refused.value) == (
        "a.xml: a second byte order mark (U+FEFF) after the one the file may begin with, which a tool adding its "
        "own mark to a file that has one writes: save the file again as UTF-8, or download it again from where it "
        "was issued")
