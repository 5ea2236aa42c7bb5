"""A JSON invoice that is not UTF-8 (an export saved as GBK) was refused advising to name its encoding in the XML
declaration, which a JSON file has none of: the advice is to save it as UTF-8, with the command that does."""

import json

import pytest

from client.invoices import MalformedInput, invoice_to_json, parse_invoice

from ._samples import invoice


@pytest.mark.parametrize("leading", ["", "\n  "])
def test_a_gbk_json_invoice_is_refused_saying_to_save_it_as_utf8_not_to_declare_it(leading):
    data = (leading + json.dumps(invoice_to_json(invoice()), ensure_ascii=False)).encode("gbk")
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(data, source="a.json")
    assert str(refused.value) == (
        "a.json: not valid utf-8 text: save the file as UTF-8 (JSON has no declaration to name another encoding; "
        "a GBK file converts with iconv -f GBK -t UTF-8)")


def test_a_gbk_xml_invoice_without_a_declaration_is_still_told_it_may_declare_its_encoding():
    xml = '<?xml version="1.0"?><EInvoice><Header><EIid>1</EIid></Header><a>深圳</a></EInvoice>'
    with pytest.raises(MalformedInput, match='name its encoding in the XML declaration'):
        parse_invoice(xml.encode("gbk"), source="a.xml")
