"""A tax id made of invisible characters alone (a zero-width space, a word joiner, a byte order mark: what pasting
from a web page or a spreadsheet cell can leave in a field that looks empty) is no tax id, in the XML reader and the
JSON readers alike, as a tax id of spaces is: a seller's is refused as missing, naming the field, and an XML buyer's
is read as none, as for a natural person. It was read as a tax id, where a field of spaces beside it was not."""

from __future__ import annotations

import json

import pytest

from client.invoices.errors import MalformedInput
from client.invoices.parse import invoice_to_json, parse_invoice

from ._samples import BUYER, SELLER, einvoice_json_twin, einvoice_xml, invoice

INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u200b \u200c", "\u00ad"]
INVOICE = invoice()


def _xml(element: str, old: str, new: str) -> bytes:
    return einvoice_xml(INVOICE, replace={f"<{element}>{old}<": f"<{element}>{new}<"}).encode("utf-8")


def _recfin_json(party: str, tax_id: str) -> bytes:
    doc = invoice_to_json(INVOICE)
    doc[party]["tax_id"] = tax_id
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _einvoice_json(element: str, old: str, new: str) -> bytes:
    # the same tree as an XML-to-JSON converter writes it, read by the reader of the XML's tree
    return json.dumps(einvoice_json_twin(_xml(element, old, new)), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("hidden", INVISIBLE)
@pytest.mark.parametrize("read", [_xml, _einvoice_json])
def test_a_seller_tax_id_of_invisible_characters_is_refused_as_missing_in_the_xml_tree(read, hidden):
    with pytest.raises(MalformedInput) as raised:
        parse_invoice(read("SellerIdNum", SELLER.tax_id, hidden))
    assert raised.value.field == "EInvoice/EInvoiceData/SellerInformation/SellerIdNum"
    assert "missing or empty" in str(raised.value)


@pytest.mark.parametrize("hidden", INVISIBLE)
@pytest.mark.parametrize("party", ["seller", "buyer"])
def test_a_tax_id_of_invisible_characters_is_refused_as_missing_in_recfin_json(party, hidden):
    with pytest.raises(MalformedInput) as raised:
        parse_invoice(_recfin_json(party, hidden))
    assert raised.value.field == f"{party}/tax_id"
    assert "missing or empty" in str(raised.value)


@pytest.mark.parametrize("hidden", INVISIBLE)
@pytest.mark.parametrize("read", [_xml, _einvoice_json])
def test_an_xml_buyer_tax_id_of_invisible_characters_is_none_as_one_of_spaces_is(read, hidden):
    spaces = parse_invoice(read("BuyerIdNum", BUYER.tax_id, "  "))
    assert parse_invoice(read("BuyerIdNum", BUYER.tax_id, hidden)).buyer.tax_id == spaces.buyer.tax_id == ""


def test_a_tax_id_with_an_invisible_character_beside_its_characters_is_still_read_for_the_check_to_fail():
    # the visible id is there: the tax id check fails it naming the character (not ASCII), rather than the reader
    # dropping what the file says
    assert parse_invoice(_recfin_json("buyer", BUYER.tax_id + "\u200b")).buyer.tax_id == BUYER.tax_id + "\u200b"
