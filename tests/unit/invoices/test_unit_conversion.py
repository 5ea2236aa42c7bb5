"""Three-way matching converts the invoice's and the receipt's quantities (and the invoice's unit price) to the
order's unit where both are units of a fixed size of one kind (吨 and kg, 个 and 打, 米 and 千米), says which lines
were converted and by what, and reports units of different kinds (kg against m) as a problem, never a match. Without
it, 2 吨 invoiced against 2000 kg ordered and received were a unit mismatch, and a delivery's value was its received
figures at the order's prices, whatever unit each was in."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import invoice_to_json, match_invoice
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder, receipt_value

from ._samples import invoice, line
from .test_partial_match_says_what_to_do import invoiced_above_received, price_off


def _po(quantity: str, price: str, unit: str | None, name: str = "不锈钢板") -> PurchaseOrder:
    return PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_name=name, quantity=Decimal(quantity),
                                                         unit_price=Decimal(price), unit=unit),))


def _gr(quantity: str, unit: str | None, name: str = "不锈钢板") -> GoodsReceipt:
    return GoodsReceipt(number="GR-1", po_number="PO-1", lines=(OrderLine(line="1", item_name=name,
                                                                         quantity=Decimal(quantity), unit=unit),))


def _invoiced(quantity: str, price: str, unit: str | None, name: str = "*金属制品*不锈钢板"):
    return invoice(lines=(line(name, quantity, price, "0.13", unit=unit),))


def test_tonnes_invoiced_against_kilograms_ordered_and_received_match_saying_so():
    result = match_invoice(_invoiced("2", "5000.00", "吨"), _po("2000", "5.00", "kg"), _gr("2000", "千克"))
    assert result.status == "matched", result
    assert result.lines[0].problems == ()
    assert result.lines[0].units_converted == ("converted to the order's unit, kg: the invoice line in 吨: "
                                               "quantity x 1000, unit price x 0.001")
    assert result.expected_amount_fen == result.invoice_amount_fen == 1_000_000


def test_pieces_invoiced_against_dozens_ordered_match_exactly():
    # 1.00 a piece is 12.00 a dozen; 240 pieces are 20 dozen, though 1/12 has no decimal form
    result = match_invoice(_invoiced("240", "1.00", "个", "螺母"), _po("20", "12.00", "打", "螺母"),
                           _gr("20", "dozen", "螺母"))
    assert result.status == "matched", result
    assert result.lines[0].units_converted == ("converted to the order's unit, 打: the invoice line in 个: "
                                               "quantity x 1/12, unit price x 12")


def test_a_receipt_in_grams_is_compared_in_the_orders_kilograms():
    result = match_invoice(_invoiced("2", "5.00", "kg"), _po("2", "5.00", "公斤"), _gr("2000", "g"))
    assert result.status == "matched", result
    assert result.lines[0].units_converted == ("converted to the order's unit, 公斤: receipt line 1 in g: "
                                               "quantity x 0.001")


def test_converted_quantities_that_differ_are_still_a_difference_in_the_orders_unit():
    result = match_invoice(_invoiced("2", "5000.00", "t"), _po("2000", "5.00", "kg"), _gr("1500", "kg"))
    assert result.status == "partial"
    assert result.lines[0].problems == (invoiced_above_received("invoiced quantity 2000 is not the received 1500"),)
    assert result.lines[0].units_converted is not None


def test_a_price_that_differs_once_converted_is_named_in_the_orders_unit():
    result = match_invoice(_invoiced("2", "5100.00", "吨"), _po("2000", "5.00", "kg"), _gr("2000", "kg"))
    assert result.lines[0].problems == (price_off("unit price 5.1 is not the PO price 5.00"),)


def test_units_of_different_kinds_are_a_named_problem_not_a_match():
    result = match_invoice(_invoiced("2000", "5.00", "m"), _po("2000", "5.00", "kg"), _gr("2000", "kg"))
    assert result.status == "partial"
    assert result.lines[0].problems[0] == (
        "the quantities are in units of different kinds (the invoice line in m, PO line 1 in kg, receipt line 1 in "
        "kg; m a length, kg a mass): they cannot be compared, nor converted; have the document in the wrong unit "
        "corrected")
    assert result.lines[0].units_converted is None


def test_a_unit_of_no_fixed_size_is_never_converted():
    # a 箱 of how many 个 is the supplier's to say
    result = match_invoice(_invoiced("10", "5.00", "箱", "螺母"), _po("10", "5.00", "个", "螺母"),
                           _gr("10", "个", "螺母"))
    assert result.status == "partial"
    assert result.lines[0].problems[0].startswith("the quantities are in different units (the invoice line in 箱, ")


def test_spellings_of_one_unit_convert_nothing_and_dump_as_before():
    result = match_invoice(_invoiced("2", "5.00", "KG"), _po("2", "5.00", "千克"), _gr("2", "公斤"))
    assert result.status == "matched" and result.lines[0].units_converted is None
    assert "units_converted" not in result.model_dump()["lines"][0]


def test_a_delivery_in_tonnes_is_valued_in_the_orders_unit():
    # 2 吨 received of an order at 5.00 a kg are worth 10,000.00, not 2 x 5.00
    po, gr = _po("2000", "5.00", "kg"), _gr("2", "吨")
    assert receipt_value(gr, po) == (1_000_000, ())
    result = match_invoice(_invoiced("1000", "5.00", "kg"), po, gr, part_of_delivery=True)
    assert result.status == "matched", result
    assert (result.part.received_fen, result.part.invoiced_fen) == (1_000_000, 500_000)


def test_a_receipt_line_priced_per_tonne_is_of_the_po_line_of_its_price_per_kg():
    po = PurchaseOrder(number="PO-1", lines=(
        OrderLine(line="1", item_name="钢板", quantity=Decimal(1000), unit_price=Decimal("5.00"), unit="kg"),
        OrderLine(line="2", item_name="钢板", quantity=Decimal(1000), unit_price=Decimal("8.00"), unit="kg")))
    gr = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name="钢板", quantity=Decimal(1), unit_price=Decimal(5000), unit="吨"),
        OrderLine(line="2", item_name="钢板", quantity=Decimal(1), unit_price=Decimal(8000), unit="吨")))
    two = invoice(lines=(line("钢板", "1", "5000.00", "0.13", unit="吨"), line("钢板", "1", "8000.00", "0.13", unit="吨")))
    result = match_invoice(two, po, gr)
    assert result.status == "matched", result
    assert [(l.po_lines, l.receipt_lines) for l in result.lines] == [(("1",), ("1",)), (("2",), ("2",))]


def test_the_cli_prints_what_was_converted(tmp_path):
    inv = tmp_path / "inv.json"
    inv.write_text(json.dumps(invoice_to_json(_invoiced("2", "5000.00", "吨")), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "po.csv").write_text("po_number,line,item_name,quantity,unit_price,unit\n"
                                     "PO-1,1,不锈钢板,2000,5.00,kg\n", encoding="utf-8")
    (tmp_path / "gr.csv").write_text("receipt_number,po_number,line,item_name,quantity,unit\n"
                                     "GR-1,PO-1,1,不锈钢板,2000,kg\n", encoding="utf-8")
    r = CliRunner().invoke(invoice_group, ["match", str(inv), "--po", str(tmp_path / "po.csv"),
                                           "--receipt", str(tmp_path / "gr.csv")])
    assert r.exit_code == 0, r.output
    assert ("            units converted to the order's unit, kg: the invoice line in 吨: quantity x 1000, "
            "unit price x 0.001") in r.output
