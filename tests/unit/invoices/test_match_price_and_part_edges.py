"""Edges of three-way matching: an invoice line priced past the tolerance among lines of one name at different
prices."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import match_invoice
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder

from ._samples import invoice, line


def _order_line(number: str, name: str, quantity: str, price: str | None = None) -> OrderLine:
    return OrderLine(line=number, item_name=name, quantity=Decimal(quantity),
                     unit_price=None if price is None else Decimal(price))


# one product in two grades, told apart by price only
TWO_GRADES = PurchaseOrder(number="PO-1", lines=(_order_line("1", "螺栓", "100", "1.00"),
                                                 _order_line("2", "螺栓", "100", "2.00")))
TWO_GRADES_RECEIVED = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
    _order_line("1", "螺栓", "100", "1.00"), _order_line("2", "螺栓", "100", "2.00")))


def test_a_line_priced_past_the_tolerance_is_compared_with_the_nearest_price_and_leaves_the_other_matched():
    overpriced = invoice(lines=(line("螺栓", "100", "1.00", "0.13"), line("螺栓", "100", "2.02", "0.13")))
    result = match_invoice(overpriced, TWO_GRADES, TWO_GRADES_RECEIVED)
    assert result.status == "partial"
    first, second = result.lines
    # the line at the first grade's price is correct: it is not reported as one that cannot be told apart
    assert (first.status, first.po_lines, first.receipt_lines, first.problems) == ("matched", ("1",), ("1",), ())
    # the wrong price is the problem, against the grade whose price is nearest, not an average of both
    assert (second.status, second.po_lines, second.problems) == (
        "partial", ("2",), ("unit price 2.02 is not the PO price 2.00",))
    assert result.expected_amount_fen == 30000

