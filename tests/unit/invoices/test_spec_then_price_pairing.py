"""Invoice lines of one name and spec at different prices take the PO lines of their price among every line whose
item code holds the spec: the tightest code (R0805 for spec 0805), settled before prices, gave both lines R0805,
so the line at R0805-10K's price was compared with R0805, and both were partial, R0805-10K left as not invoiced."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import match_invoice
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder

from ._samples import invoice, line
from .test_partial_match_says_what_to_do import price_off


def _documents(second_price: str = "2.00"):
    po = PurchaseOrder(number="PO-1", lines=(
        OrderLine(line="1", item_name="贴片电阻", item_code="R0805", quantity=Decimal(100), unit_price=Decimal("1.00")),
        OrderLine(line="2", item_name="贴片电阻", item_code="R0805-10K", quantity=Decimal(100),
                  unit_price=Decimal("2.00"))))
    gr = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name="贴片电阻", item_code="R0805", quantity=Decimal(100)),
        OrderLine(line="2", item_name="贴片电阻", item_code="R0805-10K", quantity=Decimal(100))))
    inv = invoice(lines=(line("*电子元件*贴片电阻", "100", "1.00", "0.13", spec="0805"),
                         line("*电子元件*贴片电阻", "100", second_price, "0.13", spec="0805")))
    return inv, po, gr


def test_lines_of_one_spec_at_two_prices_take_the_lines_of_their_prices():
    result = match_invoice(*_documents())
    assert result.status == "matched", result
    assert [(l.po_lines, l.receipt_lines) for l in result.lines] == [(("1",), ("1",)), (("2",), ("2",))]
    assert result.not_invoiced_po_lines == ()


def test_a_line_at_no_lines_price_keeps_the_tightest_code():
    # 3.00 is no line's price: the line stays with R0805, partial for its price, as before
    result = match_invoice(*_documents("3.00"))
    assert result.status == "partial"
    assert [l.po_lines for l in result.lines] == [("1",), ("1",)]
    assert price_off("unit price 3.00 is not the PO price 1.00") in result.lines[1].problems
