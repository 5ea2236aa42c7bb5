"""Two edges of three-way matching: an invoice line priced past the tolerance among lines of one name at different
prices, and a whole invoice matched with ``part_of_delivery`` against a receipt with a line received in quantity 0."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from client.invoices import match_invoice, registration_from_match
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder

from ._samples import invoice, line
from .test_partial_match_says_what_to_do import price_off


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
        "partial", ("2",), (price_off("unit price 2.02 is not the PO price 2.00"),))
    assert result.expected_amount_fen == 30000


def test_an_invoice_for_all_that_was_received_is_no_part_beside_a_receipt_line_of_nothing():
    po = PurchaseOrder(number="PO-1", lines=(_order_line("1", "螺栓", "200", "1.00"),
                                             _order_line("2", "垫片", "100", "0.50")))
    # the washers were not delivered: the receipt lists them received in quantity 0
    gr = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(_order_line("1", "螺栓", "200"),
                                                            _order_line("2", "垫片", "0")))
    whole = invoice(lines=(line("螺栓", "200", "1.00", "0.13"),))
    result = match_invoice(whole, po, gr, part_of_delivery=True)
    assert result.ok and result.part is None
    registration = registration_from_match(whole, po, gr, result, date(2026, 12, 1), part_of_delivery=True)
    assert json.loads(registration.wire())["goods_receipts"] == [{"po_number": "PO-1", "receipt_number": "GR-1"}]
    # a receipt line that did receive goods the invoice leaves out still makes it a part
    washers = gr.model_copy(update={"lines": (gr.lines[0], _order_line("2", "垫片", "100"))})
    part = match_invoice(whole, po, washers, part_of_delivery=True).part
    assert part is not None and (part.received_fen, part.invoiced_fen) == (25000, 20000)
