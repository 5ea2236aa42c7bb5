"""An invoice whose lines add up to another amount than its total (合计金额) says is no match: the total was
compared with the PO value, and the lines with the order line by line, so an invoice whose line amounts said
4800.00 while its total said the 2100.00 the order is worth was "matched". Which amount it is for cannot be
told; the match says so, naming both, with and without --part-of-delivery."""

from __future__ import annotations

import pytest

from client.invoices import match_invoice, read_goods_receipt, read_purchase_order

from ._samples import invoice
from .test_matching import GR_CSV, PO_CSV, write


@pytest.fixture
def docs(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def with_first_line_amount(fen: int):
    inv = invoice()
    lines = (inv.lines[0].model_copy(update={"amount_fen": fen}),) + inv.lines[1:]
    return inv.model_copy(update={"lines": lines})


@pytest.mark.parametrize("part_of_delivery", [False, True])
def test_lines_adding_up_to_another_amount_than_the_total_are_no_match(docs, part_of_delivery):
    po, gr = docs
    inflated = with_first_line_amount(300_000)   # 200 x 1.50 is 300.00; the line says 3000.00
    assert inflated.total_amount_fen == 210_000
    result = match_invoice(inflated, po, gr, part_of_delivery=part_of_delivery)
    assert result.status == "partial" and not result.ok and result.part is None
    [problem] = [p for p in result.problems if "add up to" in p]
    assert "4800.00" in problem and "2100.00" in problem and "recfin invoice verify" in problem


def test_lines_adding_up_to_the_total_still_match(docs):
    po, gr = docs
    assert match_invoice(with_first_line_amount(30_000), po, gr).status == "matched"
