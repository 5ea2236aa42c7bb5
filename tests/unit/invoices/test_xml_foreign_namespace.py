"""Elements of another namespace than the e-invoice's own were read as its own: the XML reader dropped every
namespace, so an ``<x:TotalTax-includedAmount xmlns:x="urn:other">`` was read as the invoice's total where the real
one was left out, and beside the real one refused the file as giving it twice. Only the e-invoice's own elements
(the root's namespace, or none) are read now; one of another namespace, with all it holds, is not, and a field
found missing says so where one of its name is there in another namespace."""

from __future__ import annotations

import pytest

from client.invoices import parse_invoice
from client.invoices.errors import MalformedInput

from ._samples import einvoice_xml, invoice, money

INV = invoice()
TOTAL = f"<TotalTax-includedAmount>{money(INV.total_with_tax_fen)}</TotalTax-includedAmount>"
FOREIGN_TOTAL = '<x:TotalTax-includedAmount xmlns:x="urn:other">9999.00</x:TotalTax-includedAmount>'


def read(xml: str):
    return parse_invoice(xml.encode("utf-8"), "invoice.xml")


@pytest.mark.parametrize("placed", [TOTAL + FOREIGN_TOTAL, FOREIGN_TOTAL + TOTAL])
def test_a_foreign_element_beside_the_invoices_own_is_not_read(placed):
    read_in = read(einvoice_xml(INV, replace={TOTAL: placed}))
    assert read_in.total_with_tax_fen == INV.total_with_tax_fen


def test_a_foreign_element_alone_is_not_taken_for_the_field_it_is_named_as():
    with pytest.raises(MalformedInput, match=r"TotalTax-includedAmount: missing or empty \(an element of its name of "
                                             r"another namespace is not the invoice's own, and is not read: "
                                             r"TotalTax-includedAmount \(urn:other\)\)"):
        read(einvoice_xml(INV, replace={TOTAL: FOREIGN_TOTAL}))


def test_a_foreign_block_is_not_read_as_the_invoices_own():
    seller = "<SellerInformation>"
    forged = ('<x:SellerInformation xmlns:x="urn:other"><x:SellerIdNum>91110000000000000X</x:SellerIdNum>'
              "<x:SellerName>某某公司</x:SellerName></x:SellerInformation>")
    assert read(einvoice_xml(INV, replace={seller: forged + seller})).seller == INV.seller
    with pytest.raises(MalformedInput, match=r"EInvoice/EInvoiceData/SellerInformation: missing \(an element of its "
                                             r"name of another namespace .*: SellerInformation \(urn:other\)\)"):
        xml = einvoice_xml(INV, drop="SellerInformation")
        read(xml.replace("<BuyerInformation>", forged + "<BuyerInformation>", 1))


def test_a_field_holding_only_foreign_elements_is_refused_as_no_value_not_read_as_left_out():
    wrapped = f'<TotalTax-includedAmount><x:v xmlns:x="urn:other">{money(INV.total_with_tax_fen)}</x:v>' \
              "</TotalTax-includedAmount>"
    with pytest.raises(MalformedInput, match=r"TotalTax-includedAmount: element\(s\) v \(urn:other\) inside it, "
                                             r"not a value"):
        read(einvoice_xml(INV, replace={TOTAL: wrapped}))


def test_an_xml_signature_is_no_field_and_the_invoice_reads_as_without_it():
    signature = ('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/>'
                 "<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>")
    xml = einvoice_xml(INV)
    assert read(xml.replace("</EInvoice>", signature + "</EInvoice>")) == read(xml)


@pytest.mark.parametrize("root", ['<EInvoice xmlns="urn:einvoice">', '<e:EInvoice xmlns:e="urn:einvoice">'])
def test_the_invoices_own_namespace_is_its_roots_with_its_fields_in_it_or_in_none(root):
    xml = einvoice_xml(INV)
    namespaced = xml.replace("<EInvoice>", root)
    if root.startswith("<e:"):   # a schema's local elements unqualified: only the root carries the namespace
        namespaced = namespaced.replace("</EInvoice>", "</e:EInvoice>")
    assert read(namespaced) == read(xml)
    # and in that namespace, an element of none is its own too: given twice with different values, refused
    beside = namespaced.replace(TOTAL, TOTAL + '<TotalTax-includedAmount xmlns="">9999.00</TotalTax-includedAmount>')
    with pytest.raises(MalformedInput, match="given 2 times with different values"):
        read(beside)
