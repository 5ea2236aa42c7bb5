"""A delivery invoiced in parts whose receipt received more than the order: each part is held to the order on
its own and all of them to the receipt's value, so a receipt above the order (a row exported twice, goods
delivered past it) would let the parts together invoice more than was ordered, where one invoice for it is
refused. Such a receipt is a document problem of every part, within the quantity tolerance as one invoice
is."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import Tolerances, match_invoice
from client.invoices.matching import read_goods_receipt, read_purchase_order

from ._samples import invoice, line
from .test_matching import write

PO = "po_number,line,item_code,item_name,quantity,unit_price\nPO-1,1,C0805,贴片电容,200,1.50\n"
# two receipt lines of the one PO line: 400 received where 200 were ordered (a row exported twice is refused when
# read, test_export_document_numbers; goods delivered past the order are not)
GR_TWICE = ("receipt_number,po_number,line,item_code,item_name,quantity\n"
            "GR-1,PO-1,1,C0805,贴片电容,200\nGR-1,PO-1,2,C0805,贴片电容,200\n")


def capacitors(quantity: str):
    return invoice(lines=(line("*电子元件*贴片电容", quantity, "1.50", "0.13", unit="个", spec="0805"),))


def test_parts_of_a_receipt_above_the_order_do_not_match(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_TWICE))
    # one invoice for what the receipt says was received is refused by the order
    assert match_invoice(capacitors("400"), po, gr).status == "partial"
    # two of 200 each would have been parts of a receipt worth 600.00, together twice the order's 300.00
    result = match_invoice(capacitors("200"), po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert result.problems == (
        "receipt GR-1 line 1 + 2 (贴片电容) received 400, above the 200 ordered on PO line 1: the parts of "
        "a delivery, each within the order, could together invoice more than was ordered, which one invoice "
        "for it may not; have the receipt corrected (a row exported twice?) or the order amended to what was "
        "received",)


def test_a_receipt_within_the_order_or_its_quantity_tolerance_still_matches_as_parts(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO))
    within = read_goods_receipt(write(tmp_path, "gr.csv", GR_TWICE.replace(",200\n", ",100\n")))
    result = match_invoice(capacitors("100"), po, within, part_of_delivery=True)
    assert result.status == "matched" and result.part.received_fen == 30000
    over = read_goods_receipt(write(tmp_path, "gr2.csv", GR_TWICE.replace(",200\n", ",101\n")))
    assert match_invoice(capacitors("101"), po, over, part_of_delivery=True).status == "partial"
    loose = Tolerances(quantity_rel=Decimal("0.01"))
    assert match_invoice(capacitors("101"), po, over, loose, part_of_delivery=True).status == "matched"
