"""An invoice file's amount is read as the CLI (cli/amounts.py) and the contract read one, or refused: never with
more than two decimals, zeros too (30.000 is thirty thousand where a dot groups thousands, and was read as 30.00),
nor with a power of ten (1.23457E+11, a spreadsheet's rounded figure, was read as 123,457,000,000.00 yuan)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cli.amounts import read_amount
from client.invoices import MalformedInput, parse_invoice
from client.invoices._reading import ValueProblem, to_decimal, to_fen

from ._samples import einvoice_xml, invoice, money


@pytest.mark.parametrize("text", ["30.000", "1,272.000", "¥30.000", "-30.000", "０.０００", "30.0000000000"])
def test_more_than_two_decimals_are_refused_even_when_zeros(text):
    with pytest.raises(ValueProblem, match=r"more than two decimal places: .*refused even when they are zeros, as "
                                           r"30\.000 is thirty thousand"):
        to_fen(text)


@pytest.mark.parametrize("text", ["1e3", "1E3", "1.23457E+11", "¥1e3", "-1E+2", "1e-2", Decimal("1E+3")])
def test_a_power_of_ten_is_refused(text):
    with pytest.raises(ValueProblem, match=r"written with a power of ten \(E\)"):
        to_fen(text)


@pytest.mark.parametrize("text", ["30.000", "1e3"])
def test_the_cli_refuses_them_too(text):
    with pytest.raises(ValueError):
        read_amount(text)


@pytest.mark.parametrize("text, fen", [("30", 3000), ("30.0", 3000), ("30.00", 3000), ("1,272.50", 127250),
                                       ("-0", 0), ("+5", 500), (Decimal("30.00"), 3000), (12.5, 1250)])
def test_two_decimals_or_fewer_are_read_as_before(text, fen):
    assert to_fen(text) == fen


def test_quantities_and_prices_still_take_more_decimals():
    assert to_decimal("30.000") == Decimal("30.000")


def test_an_invoice_whose_total_has_a_third_decimal_is_refused_naming_the_field():
    inv = invoice()
    total = money(inv.total_amount_fen)
    xml = einvoice_xml(inv, replace={f"<TotalAmWithoutTax>{total}<": f"<TotalAmWithoutTax>{total}0<"})
    with pytest.raises(MalformedInput, match=r"TotalAmWithoutTax.*more than two decimal places"):
        parse_invoice(xml.encode("utf-8"), "invoice.xml")
    assert parse_invoice(einvoice_xml(inv).encode("utf-8"), "invoice.xml").total_amount_fen == inv.total_amount_fen
