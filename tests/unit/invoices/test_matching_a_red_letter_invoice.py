"""A red-letter invoice matched against an order and its receipt was told, line by line, to invoice the goods
delivered and to put the return "on a red-letter invoice of its own": advice for a blue invoice carrying a negative
line, wrong for an invoice that is the return. The match now says the invoice is a red-letter one, naming the
invoice it offsets, that it matches no goods received, and what to match instead; its lines say they take goods
back without the blue invoice's advice."""

from __future__ import annotations

import pytest

from client.invoices import match_invoice, read_goods_receipt, read_purchase_order

from .test_matching import GR_CSV, PO_CSV, write
from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter


@pytest.fixture
def docs(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


@pytest.mark.parametrize("part_of_delivery", [False, True])
def test_a_red_letter_invoice_is_told_as_one_naming_the_invoice_it_offsets(docs, part_of_delivery):
    po, gr = docs
    result = match_invoice(red_letter(original_number=BLUE_NUMBER), po, gr, part_of_delivery=part_of_delivery)
    assert result.status == "partial" and not result.ok
    (said,) = [p for p in result.problems if "red-letter invoice" in p]
    assert "-2303.00" in said and f"offsetting invoice number {BLUE_NUMBER}" in said
    assert "match the invoice it offsets" in said
    for line in result.lines:
        assert line.status == "partial" and "takes goods back" in " ".join(line.problems)
        assert not any("of its own" in problem for problem in line.problems), line.problems


def test_a_red_letter_invoice_naming_no_original_says_so(docs):
    po, gr = docs
    (said,) = [p for p in match_invoice(red_letter(), po, gr).problems if "red-letter invoice" in p]
    assert "names no invoice it offsets" in said
