"""An item line named by its category alone (``*信息技术服务*``, nothing after it, as some invoicing software
prints a service) is paired by that category's name, not by nothing: the ``*category*`` prefix taken off left an
empty key, which every such line shared, so a negative line of another category (``*运输服务*``, a red-letter
line on a blue invoice) was folded in as a discount of the line above it, and the line paired with no order line
named for the service."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import check_invoice, match_invoice, read_goods_receipt, read_purchase_order
from client.invoices.matching import fold_discounts, item_key
from client.invoices.model import InvoiceLine

from ._samples import invoice
from .test_matching import write


def service(name: str, amount_fen: int, tax_fen: int) -> InvoiceLine:
    return InvoiceLine(name=name, amount_fen=amount_fen, tax_rate=Decimal("0.06"), tax_fen=tax_fen)


def test_a_name_that_is_only_a_category_keys_as_that_category():
    assert item_key("*信息技术服务*") == item_key("信息技术服务") == "信息技术服务"
    assert item_key("*信息技术服务*") != item_key("*运输服务*")
    assert item_key("*信息技术服务*软件维护服务费") == "软件维护服务费"   # a name after the category, as before


def test_a_negative_line_of_another_category_is_no_discount_of_the_line_above():
    lines = (service("*信息技术服务*", 100_000, 6_000), service("*运输服务*", -10_000, -600))
    assert [item.discount_lines for item in fold_discounts(lines)] == [(), ()]
    inv = invoice(lines=lines)
    positive = [f for f in check_invoice(inv).findings if f.check == "totals.positive"]
    assert positive and all(f.status == "fail" for f in positive)


def test_a_line_named_by_its_category_matches_the_order_line_of_that_name(tmp_path):
    line = InvoiceLine(name="*信息技术服务*", unit="项", quantity=Decimal(1), unit_price=Decimal("1000.00"),
                       amount_fen=100_000, tax_rate=Decimal("0.06"), tax_fen=6_000)
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,line,item_name,quantity,unit_price\n"
                                                      "PO-1,1,信息技术服务,1,1000.00\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,line,item_name,quantity\n"
                                                    "GR-1,PO-1,1,信息技术服务,1\n"))
    assert match_invoice(invoice(lines=(line,)), po, gr).status == "matched"
