"""A figure typed in full-width forms (as a Chinese input method in full-width mode gives it) reads as the same figure
with its sign and its percent sign too: the digits, comma and point were read, but a discount line's －３０．００ and a
rate of １３％ were refused as no number, naming nothing that was wrong with them."""

from decimal import Decimal

import pytest

from client.invoices import parse_invoice
from client.invoices._reading import to_decimal, to_fen, to_rate

from ._samples import einvoice_xml, invoice, line, money


@pytest.mark.parametrize("written, fen", [("－３０．００", -3000), ("＋３０．００", 3000), ("￥－１，２３４．５０", -123450),
                                          ("－￥３０．００", -3000)])
def test_a_full_width_sign_reads_as_its_ascii_one(written, fen):
    assert to_fen(written) == fen


@pytest.mark.parametrize("written, rate", [("１３％", "0.13"), ("13 ％", "0.13"), ("5％减按1.5％", "0.015"),
                                           ("３％减按１％", "0.01")])
def test_a_full_width_percent_sign_reads_as_its_ascii_one(written, rate):
    assert to_rate(written) == Decimal(rate)


def test_a_quantity_with_a_full_width_minus_reads_as_negative():
    assert to_decimal("－２００") == Decimal(-200)


def test_an_einvoice_with_a_discount_line_typed_full_width_reads_as_the_one_typed_in_ascii():
    discounted = line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个")
    discount = discounted.model_copy(update={"quantity": None, "unit_price": None, "unit": None,
                                             "amount_fen": -3000, "tax_fen": -390})
    inv = invoice(lines=(discounted, discount))
    # a discount line has no quantity or price: the elements left out, as invoicing software writes it
    ascii_xml = einvoice_xml(inv, replace={"<Quantity>None</Quantity><UnPrice>None</UnPrice>": ""})
    discount_row = (f"<Amount>{money(-3000)}</Amount><TaxRate>0.13</TaxRate><ComTaxAm>{money(-390)}</ComTaxAm>"
                    "</IssuItemInformation>")
    assert ascii_xml.count(discount_row) == 1
    full_width = ascii_xml.replace(discount_row, "<Amount>－３０．００</Amount><TaxRate>１３％</TaxRate>"
                                                 "<ComTaxAm>－３．９０</ComTaxAm></IssuItemInformation>")
    assert parse_invoice(full_width.encode()) == parse_invoice(ascii_xml.encode())
