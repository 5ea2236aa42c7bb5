"""An order's or a receipt's figure written -0 or -0.00 (a spreadsheet's rounding of a small negative figure) was read
as a signed zero, and a match said "invoiced quantity 200 exceeds the ordered -0" and "is not the received -0.00".
It is 0, shown as such."""

import pytest

from client.invoices import match_invoice, read_goods_receipt, read_invoice, read_purchase_order
from client.invoices._reading import to_decimal

from ._review import SAMPLES


@pytest.mark.parametrize("written, shown", [("-0", "0"), ("-0.00", "0.00"), ("+0", "0"), ("0", "0")])
def test_a_zero_written_with_a_sign_reads_as_zero(written, shown):
    assert str(to_decimal(written)) == shown


def test_a_match_against_a_zero_written_with_a_minus_shows_no_sign(tmp_path):
    po, gr = tmp_path / "po.csv", tmp_path / "gr.csv"
    po.write_text((SAMPLES / "purchase_order.csv").read_text(encoding="utf-8").replace(",200,1.50", ",-0,1.50"),
                  encoding="utf-8")
    gr.write_text((SAMPLES / "goods_receipt.csv").read_text(encoding="utf-8").replace(",贴片电容,200", ",贴片电容,-0.00"),
                  encoding="utf-8")
    result = match_invoice(read_invoice(SAMPLES / "einvoice.xml"), read_purchase_order(po), read_goods_receipt(gr))
    problems = result.lines[0].problems
    assert any("the received 0.00," in p for p in problems) and any("the ordered 0," in p for p in problems)
    assert not any("-0" in p for p in problems)
