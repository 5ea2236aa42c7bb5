"""A figure refused as no number, no finite number, too large, with fractions of a fen, or no tax rate said only
what was wrong ("not a number: 'abc'", "not a tax rate: '1272.00'"), leaving its reader to guess what to write
instead. Each refusal says what to do, wherever the figure stands: an invoice, an order or a receipt."""

import pytest

from client.invoices import MalformedInput, parse_invoice, read_purchase_order
from client.invoices._reading import ValueProblem, to_decimal, to_fen, to_rate

from ._samples import einvoice_xml, invoice

WRITE_DIGITS = "write the figure in the digits 0-9, with a decimal point, as the document prints it (e.g. 1272.50)"
CHECK_DOCUMENT = "check the figure against the document"
WRITE_RATE = "write the rate as printed, e.g. 13%, 0.13 or 免税"


@pytest.mark.parametrize("read", [to_decimal, to_fen])
@pytest.mark.parametrize("text, says, advice", [
    ("abc", "not a number: 'abc'", WRITE_DIGITS),
    ("203.00\u200b", "not a number: '203.00\\u200b'", WRITE_DIGITS),
    ("0x10", "not a number: '0x10'", WRITE_DIGITS),
    ("NaN", "not a finite number: 'NaN'", CHECK_DOCUMENT),
    ("-Infinity", "not a finite number: '-Infinity'", CHECK_DOCUMENT),
    ("9999999999999999999", "too large: '9999999999999999999' (more than 18 digits before the point)",
     CHECK_DOCUMENT),
    (None, "expected a number, got null", CHECK_DOCUMENT),
])
def test_a_figure_that_is_no_number_is_refused_saying_what_to_do(read, text, says, advice):
    with pytest.raises(ValueProblem) as refused:
        read(text)
    assert str(refused.value).startswith(says) and str(refused.value).endswith(advice)


@pytest.mark.parametrize("text, says", [
    ("1272.005", "more than two decimal places: '1272.005'"),
    ("99999999999999999.00", "too large: '99999999999999999.00' (amounts are capped at"),
])
def test_an_amount_beyond_what_an_amount_holds_is_refused_saying_what_to_do(text, says):
    with pytest.raises(ValueProblem) as refused:
        to_fen(text)
    assert str(refused.value).startswith(says) and str(refused.value).endswith(CHECK_DOCUMENT)


@pytest.mark.parametrize("text, says", [
    ("1272.00", "not a tax rate: '1272.00' (a rate is from 0 up to 100%, not including it)"),
    ("-0.13", "not a tax rate: '-0.13' (a rate is from 0 up to 100%, not including it)"),
    ("5%减按6%", "not a tax rate: '5%减按6%' (a rate reduced to one no lower than itself)"),
])
def test_a_rate_that_is_no_tax_rate_is_refused_saying_how_to_write_one(text, says):
    with pytest.raises(ValueProblem) as refused:
        to_rate(text)
    assert str(refused.value) == f"{says}: {WRITE_RATE}"


def test_an_invoice_with_a_rate_that_is_none_names_the_field_and_says_what_to_write():
    xml = einvoice_xml(invoice()).replace("<TaxRate>0.13</TaxRate>", "<TaxRate>1272.00</TaxRate>", 1)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode(), source="a.xml")
    assert str(refused.value) == ("a.xml: EInvoice/EInvoiceData/IssuItemInformation[1]/TaxRate: not a tax rate: "
                                  f"'1272.00' (a rate is from 0 up to 100%, not including it): {WRITE_RATE}")


def test_an_order_with_a_quantity_that_is_no_number_names_the_row_and_says_what_to_write(tmp_path):
    po = tmp_path / "po.csv"
    po.write_text("po_number,line,item_name,quantity,unit_price\nPO-1,1,贴片电容,abc,1.50\n", encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(po)
    assert str(refused.value) == f"{po}: row 2: quantity: not a number: 'abc'; {WRITE_DIGITS}"
