"""A partial match names the field that did not match, the tolerance it was held to, and what to do next: an
operations officer deciding whether an invoice can back a receivable reads the problem, not the code. A price
"not the PO price" said nothing of the 0.5 % it was allowed, a quantity "not the received" nothing of a delivery
invoiced in parts, and an item with no PO line, one not received, a line without a quantity and a receipt of
another PO left the reader to guess the way forward."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import Tolerances, match_invoice
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder
from client.invoices.model import InvoiceLine

from ._samples import invoice, line, match_files


def price_off(problem: str, tolerance: str = "0.5%") -> str:
    """A price problem as a match says it: the figures, the tolerance and what to do."""
    return (f"{problem}, past the price tolerance of {tolerance}: have the invoice reissued at the order's price, or "
            "match against the order amended to the price agreed")


def invoiced_below_received(problem: str, tolerance: str = "0%") -> str:
    """A quantity below the received one as a match of the whole receipt says it."""
    return (f"{problem}, past the quantity tolerance of {tolerance}: an invoice for part of a delivery is matched with "
            "--part-of-delivery (part_of_delivery=True); otherwise have the invoice reissued for what was received")


def invoiced_above_received(problem: str, tolerance: str = "0%") -> str:
    """A quantity above the received one as a match says it."""
    return (f"{problem}, past the quantity tolerance of {tolerance}: more is invoiced than was received; have the "
            "invoice reissued for what this receipt received (an invoice covering several deliveries matches no one "
            "receipt)")


def _po(quantity: str = "200", price: str = "1.50") -> PurchaseOrder:
    return PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_code="C0805", item_name="贴片电容",
                                                         quantity=Decimal(quantity), unit_price=Decimal(price)),))


def _receipt(quantity: str = "200", po_number: str = "PO-1") -> GoodsReceipt:
    return GoodsReceipt(number="GR-1", po_number=po_number, lines=(
        OrderLine(line="1", item_code="C0805", item_name="贴片电容", quantity=Decimal(quantity)),))


def _capacitors(quantity: str = "200", price: str = "1.50"):
    return invoice(lines=(line("*电子元件*贴片电容", quantity, price, "0.13"),))


def test_a_price_off_names_the_tolerance_and_what_to_do():
    result = match_invoice(_capacitors(price="1.55"), _po(), _receipt())
    assert result.lines[0].problems == (
        "unit price 1.55 is not the PO price 1.50, past the price tolerance of 0.5%: have the invoice reissued at "
        "the order's price, or match against the order amended to the price agreed",)
    assert result.lines[0].problems == (price_off("unit price 1.55 is not the PO price 1.50"),)
    wider = match_invoice(_capacitors(price="1.55"), _po(), _receipt(), Tolerances(price_rel=Decimal("0.02")))
    assert "past the price tolerance of 2%" in wider.lines[0].problems[0]


def test_a_quantity_below_the_received_points_to_a_delivery_invoiced_in_parts():
    result = match_invoice(_capacitors(quantity="120"), _po(), _receipt())
    assert result.lines[0].problems == (
        "invoiced quantity 120 is not the received 200, past the quantity tolerance of 0%: an invoice for part of a "
        "delivery is matched with --part-of-delivery (part_of_delivery=True); otherwise have the invoice reissued "
        "for what was received",)
    assert result.lines[0].problems == (invoiced_below_received("invoiced quantity 120 is not the received 200"),)


def test_a_quantity_above_the_received_says_more_is_invoiced_than_received():
    result = match_invoice(_capacitors(quantity="200"), _po(), _receipt(quantity="150"),
                           Tolerances(quantity_rel=Decimal("0.1")))
    assert result.lines[0].problems == (
        "invoiced quantity 200 is not the received 150, past the quantity tolerance of 10%: more is invoiced than "
        "was received; have the invoice reissued for what this receipt received (an invoice covering several "
        "deliveries matches no one receipt)",)
    assert result.lines[0].problems == (
        invoiced_above_received("invoiced quantity 200 is not the received 150", "10%"),)


def test_a_quantity_beyond_the_order_names_the_tolerance_and_what_to_do():
    result = match_invoice(_capacitors(quantity="250"), _po(), _receipt(quantity="250"))
    assert result.lines[0].problems == (
        "invoiced quantity 250 exceeds the ordered 200, past the quantity tolerance of 0%: have the invoice reissued "
        "for at most what was ordered, or match against the order amended to what was delivered",)


def test_an_item_on_no_po_line_and_one_not_received_say_what_to_do():
    bolts = line("*金属制品*不锈钢螺栓", "10", "0.80", "0.13")
    result = match_invoice(invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"), bolts)), _po(),
                           _receipt())
    assert result.lines[1].problems == (
        "no purchase order line for this item: no PO line has its name (its *category* prefix aside), nor an item "
        "code that is its name or spec; match the invoice against the order the item was bought on",)
    nothing_received = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_code="B-M6", item_name="不锈钢螺栓", quantity=Decimal(1)),))
    result = match_invoice(_capacitors(), _po(), nothing_received)
    assert result.lines[0].problems == (
        "not received: no goods receipt line for this item; match the invoice against the receipt of the delivery "
        "that brought it, once the goods are received",)


def test_a_line_without_quantity_or_price_says_what_to_do():
    lump_sum = InvoiceLine(name="*电子元件*贴片电容", amount_fen=30000, tax_rate=Decimal("0.13"), tax_fen=3900)
    result = match_invoice(invoice(lines=(lump_sum,)), _po(), _receipt())
    assert result.lines[0].problems == (
        "the invoice line has no quantity or unit price: what it invoices cannot be compared with the order and the "
        "receipt; have the invoice reissued giving the line's quantity and unit price",)


def test_a_receipt_of_another_po_and_an_amount_off_the_po_value_say_what_to_do():
    result = match_invoice(_capacitors(), _po(), _receipt(po_number="PO-2"))
    assert ("the receipt GR-1 is for PO PO-2, not PO-1: match the invoice against PO PO-2, or against the receipt "
            "of PO PO-1") in result.problems
    # each price within its 0.5 %, the invoice together past the order's value by more than the total tolerance
    result = match_invoice(_capacitors(quantity="2000", price="1.505"), _po(quantity="2000"),
                           _receipt(quantity="2000"))
    assert [l.status for l in result.lines] == ["matched"]
    assert result.problems == (
        "invoice amount 3010.00 is not the PO value of the invoiced quantities less the invoice's discounts 3000.00 "
        "(tolerance 1.00): each line may be within the price tolerance while the invoice asks more, or less, than "
        "the order's value past the total tolerance; have the invoice reissued at the order's prices",)


def test_the_cli_prints_the_tolerance_and_what_to_do(tmp_path):
    r = CliRunner().invoke(invoice_group, ["match", *match_files(tmp_path, _capacitors(price="1.55")),
                                           "--price-tolerance", "0.01"])
    assert r.exit_code == 1, r.output
    assert ("- unit price 1.55 is not the PO price 1.50, past the price tolerance of 1%: have the invoice reissued "
            "at the order's price") in r.output
