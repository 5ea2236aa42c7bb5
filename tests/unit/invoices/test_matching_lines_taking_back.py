"""A negative line that is no discount (a red-letter line on a blue invoice: printed above the line of its item, or
of an item with no line above it) takes goods back; its quantity counted with the item's other lines, an invoice
for 1500 bolts less 500 taken back matched a receipt of 1000, every line "matched". Such a line is partial, saying
why, with and without --part-of-delivery; a discount line right below its line is still folded in and matches."""

from __future__ import annotations

import pytest

from client.invoices import match_invoice, read_goods_receipt, read_purchase_order

from ._samples import invoice, line
from .test_matching import GR_CSV, PO_CSV, write


@pytest.fixture
def docs(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def bolts(quantity: str):
    return line("*金属制品*不锈钢螺栓", quantity, "0.80", "0.13", unit="个", spec="M6")


def test_a_line_taking_goods_back_that_nets_the_item_to_the_receipt_is_partial(docs):
    po, gr = docs
    capacitors, _, service = invoice().lines
    result = match_invoice(invoice(lines=(capacitors, bolts("-500"), bolts("1500"), service)), po, gr)
    assert result.status == "partial" and not result.ok
    taken_back = result.lines[1]
    assert taken_back.status == "partial"
    assert "takes goods back" in taken_back.problems[0] and "a red-letter invoice of its own" in taken_back.problems[0]


def test_a_line_taking_back_goods_of_an_item_not_otherwise_invoiced_is_partial(docs):
    po, gr = docs
    capacitors, _, service = invoice().lines
    result = match_invoice(invoice(lines=(capacitors, bolts("-1000"), service)), po, gr)
    assert result.lines[1].status == "partial" and "takes goods back" in result.lines[1].problems[0]


def test_a_discount_line_below_its_line_still_matches(docs):
    po, gr = docs
    capacitors, bolt_line, service = invoice().lines
    discount = bolt_line.model_copy(update={"quantity": None, "unit_price": None, "amount_fen": -1000,
                                            "tax_fen": -130})
    result = match_invoice(invoice(lines=(capacitors, bolt_line, discount, service)), po, gr)
    assert [l.status for l in result.lines] == ["matched"] * 4
