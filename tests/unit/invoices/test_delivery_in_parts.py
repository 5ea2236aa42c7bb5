"""A delivery invoiced in parts: with ``part_of_delivery`` (``--part-of-delivery``), an invoice for less than the
whole receipt matches as a part, and registers with the goods receipt's ``part`` (the receipt's whole value in fen:
every received quantity at its PO line's price), so that the delivery's other invoices can register theirs, up to
what was received; the contract counts each part's share from its invoice's amount.

Without the option nothing changes: such an invoice is ``partial`` and cannot be registered.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from chaincode.receivables import model
from cli.invoice_commands import invoice as invoice_group
from client.invoices import (ChecksFailed, NotMatched, check_invoice, evidence_hash, invoice_to_json, match_invoice,
                             registration_from_match)
from client.invoices.matching import DeliveryPart, read_goods_receipt, read_purchase_order, receipt_value
from client.invoices.model import Party
from client.invoices.register import GoodsReceiptPart, GoodsReceiptReference, predates_goods_receipt_parts

from ._ledger import Ledger
from ._samples import SELLER, invoice, line, money
from .test_matching import write
from .test_partial_match_says_what_to_do import invoiced_below_received

PO_CSV = "po_number,line,item_code,item_name,quantity,unit_price\nPO-1,1,C0805,贴片电容,300,1.50\n"
GR_CSV = "receipt_number,po_number,line,item_code,item_name,quantity\nGR-1,PO-1,1,C0805,贴片电容,200\n"
# one receipt of two items: 200 capacitors at 1.50 and 1000 bolts at 0.80, worth 1,100.00
PO_TWO_ITEMS = PO_CSV + "PO-1,2,M6,不锈钢螺栓,1000,0.80\n"
GR_TWO_ITEMS = GR_CSV + "GR-1,PO-1,2,M6,不锈钢螺栓,1000\n"


@pytest.fixture
def documents(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def capacitors(quantity: str, number: str = "26442000000012345678", price: str = "1.50", **parties):
    """An invoice for ``quantity`` capacitors."""
    return invoice(number=number, lines=(line("*电子元件*贴片电容", quantity, price, "0.13", unit="个", spec="0805"),),
                   **parties)


def bolts(quantity: str, number: str = "26442000000012345679", price: str = "0.80", **parties):
    """An invoice for ``quantity`` bolts."""
    return invoice(number=number, lines=(line("*金属制品*不锈钢螺栓", quantity, price, "0.13", unit="个", spec="M6"),),
                   **parties)


@pytest.fixture
def two_items(tmp_path):
    return (read_purchase_order(write(tmp_path, "po2.csv", PO_TWO_ITEMS)),
            read_goods_receipt(write(tmp_path, "gr2.csv", GR_TWO_ITEMS)))


# ------------------------------------------------------------------ matching

def test_without_the_option_an_invoice_for_part_of_the_delivery_is_partial_as_before(documents):
    po, gr = documents
    result = match_invoice(capacitors("120"), po, gr)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].problems == (invoiced_below_received("invoiced quantity 120 is not the received 200"),)
    # the result dumps as before parts were matched
    dumped = result.model_dump(mode="json")
    assert "part" not in dumped and "part_of_delivery" not in dumped["lines"][0]


def test_with_the_option_it_matches_as_a_part_saying_so_and_valued_in_fen(documents):
    po, gr = documents
    result = match_invoice(capacitors("120"), po, gr, part_of_delivery=True)
    assert result.ok and result.lines[0].status == "matched" and result.lines[0].problems == ()
    assert result.lines[0].part_of_delivery == "invoiced 120 of 200 received"
    # received: 200 received at the PO's 1.50; invoiced: the invoice's amount, 120 x 1.50
    assert result.part == DeliveryPart(received_fen=30_000, invoiced_fen=18_000)
    assert result.model_dump(mode="json")["part"] == {"received_fen": 30_000, "invoiced_fen": 18_000}


def test_a_receipt_lines_value_is_computed_exactly_and_rounded_half_up(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("300,1.50", "3,0.335")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace(",200", ",3")))
    result = match_invoice(capacitors("1", price="0.335"), po, gr, part_of_delivery=True)
    # 3 x 0.335 = 1.005 yuan: 100.5 fen, half up
    assert result.part == DeliveryPart(received_fen=101, invoiced_fen=34)
    assert receipt_value(gr, po) == (101, ())


def test_every_invoice_of_a_receipt_values_it_alike_whichever_items_it_is_for(two_items):
    po, gr = two_items
    whole = DeliveryPart(received_fen=110_000, invoiced_fen=0)
    # an invoice for all the capacitors and none of the bolts is a part: receipt lines it leaves out are fine
    capacitors_only = match_invoice(capacitors("200"), po, gr, part_of_delivery=True)
    assert capacitors_only.ok and capacitors_only.part == whole.model_copy(update={"invoiced_fen": 30_000})
    assert capacitors_only.lines[0].part_of_delivery is None     # no line below its received quantity
    assert match_invoice(bolts("1000"), po, gr, part_of_delivery=True).part == whole.model_copy(
        update={"invoiced_fen": 80_000})
    half = match_invoice(capacitors("100"), po, gr, part_of_delivery=True)
    rest = match_invoice(invoice(number="26442000000012345670", lines=(
        line("*电子元件*贴片电容", "100", "1.50", "0.13", unit="个", spec="0805"),
        line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6"))), po, gr, part_of_delivery=True)
    assert (half.part, rest.part) == (whole.model_copy(update={"invoiced_fen": 15_000}),
                                      whole.model_copy(update={"invoiced_fen": 95_000}))
    # without the option, an invoice for the capacitors is no claim on the whole receipt: it leaves the bolts out
    whole_receipt = match_invoice(capacitors("200"), po, gr)
    assert whole_receipt.status == "partial" and whole_receipt.part is None


def test_a_price_above_the_pos_is_no_part_whatever_the_tolerance(documents):
    po, gr = documents
    # 1.505 is within the default 0.5% of 1.50: a whole invoice matches, a part does not
    assert match_invoice(capacitors("200", price="1.505"), po, gr).ok
    result = match_invoice(capacitors("100", price="1.505"), po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].problems == ("unit price 1.505 is above the PO price 1.50: an invoice of a delivery "
                                        "invoiced in parts is at most at the PO's price, whatever the price "
                                        "tolerance",)
    # below it, within tolerance, is a part; the receipt is still valued at the PO's price
    below = match_invoice(capacitors("100", price="1.495"), po, gr, part_of_delivery=True)
    assert below.ok and below.part == DeliveryPart(received_fen=30_000, invoiced_fen=14_950)


def test_a_price_printed_to_more_places_than_the_pos_is_a_part_at_its_price(tmp_path):
    # 9.00 with tax at 13 %: the order keeps the price without tax to 4 places, 7.9646, the invoicing software
    # prints it to 8, 7.96460177, above the order's by less than a fen over the line: the same price, rounded
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("1.50", "7.9646")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    result = match_invoice(capacitors("100", price="7.96460177"), po, gr, part_of_delivery=True)
    assert result.ok, result.lines[0].problems
    assert result.part == DeliveryPart(received_fen=159_292, invoiced_fen=79_646)
    # above it by half a fen over the line's quantity, it is a higher price, whatever the line rounds to
    higher = match_invoice(capacitors("100", price="7.96465"), po, gr, part_of_delivery=True)
    assert higher.status == "partial" and higher.part is None
    assert higher.lines[0].problems[0].startswith("unit price 7.96465 is above the PO price 7.9646: ")


def test_an_amount_above_the_po_value_by_more_than_its_rounding_is_no_part(documents):
    po, gr = documents
    inv = capacitors("100")
    padded = inv.model_copy(update={"total_amount_fen": inv.total_amount_fen + 2})   # one line: a fen of rounding
    result = match_invoice(padded, po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert "is above the PO value of the invoiced quantities, each line rounded to the fen, less the invoice's " \
           "discounts 150.00 by more than the fen of rounding the contract allows a part" in result.problems[0]
    # within the total tolerance, the whole delivery's invoice matches as before
    whole = capacitors("200")
    assert match_invoice(whole.model_copy(update={"total_amount_fen": whole.total_amount_fen + 2}), po, gr).ok


# six items at 1.015 received, a line each: 1.015 yuan is 102 fen a line rounded half up, as an invoice rounds it
SIX_ITEMS = ["A1", "B2", "C3", "D4", "E5", "F6"]
PO_SIX = "po_number,line,item_code,item_name,quantity,unit_price\n" + "".join(
    f"PO-1,{n},{c},物品{c},1,1.015\n" for n, c in enumerate(SIX_ITEMS, 1))
GR_SIX = "receipt_number,po_number,line,item_code,item_name,quantity\n" + "".join(
    f"GR-1,PO-1,{n},{c},物品{c},1\n" for n, c in enumerate(SIX_ITEMS, 1))


def items_at_1_015(codes, number: str = "26442000000012345670"):
    return invoice(number=number, lines=tuple(line(f"*物品*物品{c}", "1", "1.015", "0.13", unit="个", spec=c)
                                              for c in codes))


def test_the_receipt_is_valued_line_by_line_so_parts_of_whole_lines_add_up_to_it(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_SIX))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_SIX))
    # 6 x 102 fen, not 6.09 yuan rounded once: the two invoices of three lines, 306 fen each, add up to it, so the
    # contract, allowing a part past the receipt by a fen, takes both
    assert receipt_value(gr, po) == (612, ())
    halves = [match_invoice(items_at_1_015(codes, f"2644200000001234567{k}"), po, gr, part_of_delivery=True)
              for k, codes in enumerate((SIX_ITEMS[:3], SIX_ITEMS[3:]))]
    assert [r.status for r in halves] == ["matched", "matched"]
    assert [r.part for r in halves] == [DeliveryPart(received_fen=612, invoiced_fen=306)] * 2


def test_a_parts_amount_may_pass_its_lines_at_po_prices_by_a_fen_not_a_fen_a_line(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_SIX))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_SIX))
    three = items_at_1_015(SIX_ITEMS[:3])
    # a fen, as the contract allows a part
    assert match_invoice(three.model_copy(update={"total_amount_fen": 307}), po, gr, part_of_delivery=True).ok
    # two fen on three lines: more than the contract's fen a part
    padded = match_invoice(three.model_copy(update={"total_amount_fen": 308}), po, gr, part_of_delivery=True)
    assert padded.status == "partial" and padded.part is None
    assert "invoice amount 3.08 is above the PO value of the invoiced quantities, each line rounded to the fen, " \
           "less the invoice's discounts 3.06 by more than the fen" in padded.problems[0]


def test_a_receipt_line_of_po_lines_at_different_prices_leaves_the_receipt_unvalued(tmp_path):
    # the capacitors were ordered at two prices, and the receipt does not say which were received
    po = read_purchase_order(write(tmp_path, "po.csv", PO_TWO_ITEMS + "PO-1,3,C0805,贴片电容,100,1.40\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_TWO_ITEMS))
    result = match_invoice(bolts("500"), po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None and result.lines[0].status == "matched"
    assert result.problems == ("the receipt GR-1 cannot be valued as a delivery invoiced in parts is: receipt line 1 "
                               "(贴片电容) may be of PO line 1 or 3, at different unit prices (1.40, 1.50): which was "
                               "received cannot be told (give the receipt line the item code or unit price of its PO "
                               "line)",)
    assert receipt_value(gr, po)[0] is None
    # the receipt line giving its price tells
    priced = read_goods_receipt(write(tmp_path, "gr-priced.csv", GR_TWO_ITEMS.replace(
        "quantity\n", "quantity,unit_price\n").replace(",200\n", ",200,1.50\n").replace(",1000\n", ",1000,\n")))
    assert match_invoice(bolts("500"), po, priced, part_of_delivery=True).part == DeliveryPart(
        received_fen=110_000, invoiced_fen=40_000)


def test_more_than_was_received_is_no_match_with_the_option_either(documents):
    po, gr = documents
    result = match_invoice(capacitors("250"), po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].problems == ("invoiced quantity 250 is above the received 200: an invoice of a delivery "
                                        "invoiced in parts invoices at most what was received, whatever the quantity "
                                        "tolerance",)
    assert result.lines[0].part_of_delivery is None


@pytest.mark.parametrize("quantity, price", [("-200", "1.50"), ("-120", "1.50"), ("0", "1.50"), ("120", "0")],
                         ids=["red-letter, the whole receipt", "red-letter, less", "quantity 0", "amount 0"])
def test_a_red_letter_or_zero_line_is_no_part_of_the_delivery(documents, quantity, price):
    # before: matched, "invoiced -200 of 200 received", a part of a negative or no value
    po, gr = documents
    inv = capacitors(quantity, price=price)
    result = match_invoice(inv, po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    (matched,) = result.lines
    assert matched.status == "partial" and matched.part_of_delivery is None
    (problem,) = matched.problems
    figures = f"the line invoices quantity {quantity}, amount {money(inv.lines[0].amount_fen)}"
    if inv.total_with_tax_fen < 0:
        # the invoice is the return: told as one (the match's problems), its line without a blue invoice's advice
        assert problem == f"{figures}: it takes goods back, as the red-letter invoice it is on does, so it is " \
                          "matched against no goods received"
        assert any("is a red-letter invoice" in p for p in result.problems)
        return
    assert problem.startswith(f"{figures}, not above zero")
    assert "is no part of a delivery" in problem and "a return on a red-letter invoice of its own" in problem


def test_a_red_letter_line_beside_a_part_leaves_the_invoice_unmatched_and_unregistered(two_items):
    # the capacitors received in full, the bolts' line negative: before, both lines matched and the invoice
    # registered as a part of the delivery (amount 300.00 - 80.00) with the bolts "invoiced -100 of 1000 received"
    po, gr = two_items
    mixed = invoice(lines=(capacitors("200").lines[0], bolts("-100").lines[0]))
    result = match_invoice(mixed, po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert [(l.status, l.part_of_delivery) for l in result.lines] == [("matched", None), ("partial", None)]
    with pytest.raises(ChecksFailed) as err:
        registration_from_match(mixed, po, gr, result, date(2026, 12, 1), part_of_delivery=True)
    assert [f.check for f in err.value.failed] == ["totals.positive"]


def test_an_invoice_for_the_whole_delivery_is_no_part(documents):
    po, gr = documents
    result = match_invoice(capacitors("200"), po, gr, part_of_delivery=True)
    assert result.ok and result.part is None and result.lines[0].part_of_delivery is None


# ------------------------------------------------------------------ registration

def test_the_registration_carries_the_part_and_the_evidence_hash_as_ever(documents):
    po, gr = documents
    inv = capacitors("120")
    with pytest.raises(NotMatched):
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr, part_of_delivery=True), date(2026, 12, 1),
                                  part_of_delivery=True)
    assert reg.goods_receipts == (GoodsReceiptReference(po_number="PO-1", receipt_number="GR-1", part=GoodsReceiptPart(
        received=30_000)),)
    assert reg.contract_hash == evidence_hash(inv, po, gr)
    # the share is the invoice's amount, which the contract counts: the part says only what the receipt is worth
    assert json.loads(reg.wire())["goods_receipts"] == [
        {"po_number": "PO-1", "receipt_number": "GR-1", "part": {"received": 30_000}}]
    assert json.loads(reg.wire())["invoices"][0]["amount"] == 18_000
    # the contract's own model, and the typed SDK, take it as sent
    parsed = model.ReceivableRegistration.model_validate_json(reg.wire())
    assert parsed.goods_receipts[0].part == model.GoodsReceiptPartReference(received=30_000)
    from client.receivables import ReceivableRegistration
    assert ReceivableRegistration.model_validate(json.loads(reg.wire())).to_json()["goods_receipts"] == \
        json.loads(reg.wire())["goods_receipts"]


def test_a_whole_registration_goes_out_byte_for_byte_as_before(documents):
    po, gr = documents
    inv = capacitors("200")
    for option in (False, True):
        reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1),
                                      part_of_delivery=option)
        assert '"goods_receipts":[{"po_number":"PO-1","receipt_number":"GR-1"}]' in reg.wire()
    from client.receivables import GoodsReceiptReference as SdkReference
    assert SdkReference(po_number="PO-1", receipt_number="GR-1").to_json() == {"po_number": "PO-1",
                                                                               "receipt_number": "GR-1"}


async def test_the_parts_of_a_delivery_register_up_to_what_was_received(two_items):
    from tests.unit.receivables.support import standard_net

    net = await standard_net()
    net.now = datetime(2026, 9, 2, 2, 0, tzinfo=timezone.utc)   # the day after the invoices' date
    tier1, core = net.actors["tier1"], net.actors["core"]
    parties = dict(seller=Party(name="Tier-1 Parts", tax_id=tier1.uscc),
                   buyer=Party(name="Core Manufacturing", tax_id=core.uscc))
    po, gr = two_items

    def registration(inv) -> dict:
        return json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr, part_of_delivery=True),
                                                  date(2026, 12, 1), part_of_delivery=True).wire())

    # the capacitors in two invoices, the bolts in a third: every part values the receipt alike
    first = await net.ok(tier1, "RegisterReceivable", registration(capacitors("120", "26442000000012345671", **parties)))
    second = await net.ok(tier1, "RegisterReceivable", registration(capacitors("80", "26442000000012345672",
                                                                               **parties)))
    third = await net.ok(tier1, "RegisterReceivable", registration(bolts("1000", "26442000000012345673", **parties)))
    assert [r["goods_receipts"][0]["part"] for r in (first, second, third)] == [
        {"received": 110_000, "invoiced": 18_000, "invoiced_before": 0},
        {"received": 110_000, "invoiced": 12_000, "invoiced_before": 18_000},
        {"received": 110_000, "invoiced": 80_000, "invoiced_before": 30_000}]
    # a delivery invoiced entirely takes no further invoice, not even one within the rounding parts are allowed
    late = bolts("1000", "26442000000012345674", **parties)
    message = await net.refused(tier1, "RegisterReceivable", registration(late), rule="goods-receipt-over-invoiced")
    assert "is fully invoiced" in message and "invoice 1100.00 CNY of its received 1100.00 CNY" in message


async def test_a_delivery_whose_lines_round_up_registers_every_part(tmp_path):
    from tests.unit.receivables.support import standard_net

    net = await standard_net()
    net.now = datetime(2026, 9, 2, 2, 0, tzinfo=timezone.utc)
    tier1, core = net.actors["tier1"], net.actors["core"]
    parties = dict(seller=Party(name="Tier-1 Parts", tax_id=tier1.uscc),
                   buyer=Party(name="Core Manufacturing", tax_id=core.uscc))
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("300,1.50", "3,0.335")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace(",200", ",3")))
    # 3 received at 0.335 (101 fen), invoiced one at a time at 34 fen: 102 fen in all, a fen past, allowed
    for n in range(3):
        inv = capacitors("1", f"2644200000001234567{n}", price="0.335", **parties)
        reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr, part_of_delivery=True),
                                      date(2026, 12, 1), part_of_delivery=True)
        r = await net.ok(tier1, "RegisterReceivable", json.loads(reg.wire()))
        assert r["goods_receipts"][0]["part"] == {"received": 101, "invoiced": 34, "invoiced_before": 34 * n}


@pytest.mark.parametrize("rule, detail, predates", [
    ("argument-invalid", "receivable: goods_receipts.0.part: Extra inputs are not permitted", True),
    ("argument-invalid", "receivable: face_amount: Field required; goods_receipts.3.part: Extra inputs are not "
                         "permitted", True),
    # this version's refusals of a malformed part, and an older contract's of the whole field, are not it
    ("argument-invalid", "receivable: goods_receipts.0.part.x: Extra inputs are not permitted", False),
    ("argument-invalid", "receivable: goods_receipts: Extra inputs are not permitted", False),
    ("goods-receipt-invalid", "goods_receipts[0]: part: received is 0: give an amount greater than zero", False),
])
def test_only_an_older_contracts_refusal_of_a_part_is_told_to_upgrade(rule, detail, predates):
    assert predates_goods_receipt_parts(rule, detail) is predates


# ------------------------------------------------------------------ the commands

def run(*args):
    result = CliRunner().invoke(invoice_group, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def files(tmp_path):
    def invoice_file(quantity: str, number: str = "26442000000012345678"):
        return write(tmp_path, f"{number}.json", json.dumps(invoice_to_json(capacitors(quantity, number)),
                                                            ensure_ascii=False))

    return invoice_file, ["--po", write(tmp_path, "po.csv", PO_CSV), "--receipt", write(tmp_path, "gr.csv", GR_CSV)]


def test_match_of_part_of_a_delivery_exits_1_without_the_option_and_0_with_it(files, tmp_path):
    invoice_file, documents = files
    r = run("match", invoice_file("120"), *documents)
    assert r.exit_code == 1 and "invoiced quantity 120 is not the received 200" in r.output
    assert "part of the delivery" not in r.output.lower()
    r = run("match", invoice_file("120"), *documents, "--part-of-delivery")
    assert r.exit_code == 0, r.output
    assert "part of the delivery: invoiced 120 of 200 received" in r.output
    assert r.output.strip().splitlines()[-1] == "PART OF THE DELIVERY: invoiced 180.00 of 300.00 received (without tax)"
    # one item wholly of a receipt of two is a part too
    r = run("match", invoice_file("200"), "--po", write(tmp_path, "po2.csv", PO_TWO_ITEMS), "--receipt",
            write(tmp_path, "gr2.csv", GR_TWO_ITEMS), "--part-of-delivery")
    assert r.exit_code == 0, r.output
    assert r.output.strip().splitlines()[-1] == "PART OF THE DELIVERY: invoiced 300.00 of 1100.00 received (without tax)"
    r = run("match", invoice_file("120"), *documents, "--part-of-delivery", "--json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["part"] == {"received_fen": 30_000, "invoiced_fen": 18_000}
    assert doc["lines"][0]["part_of_delivery"] == "invoiced 120 of 200 received"
    # more than was received stays no match
    assert run("match", invoice_file("250"), *documents, "--part-of-delivery").exit_code == 1


def test_register_with_the_option_registers_each_part_and_refuses_one_past_the_receipt(monkeypatch, files):
    invoice_file, documents = files
    ledger = Ledger().serve(monkeypatch)
    due = ["--due", "2026-11-30", "--as", "supplier/supplier1"]
    r = run("register", invoice_file("120", "26442000000012345671"), *documents, *due)
    assert r.exit_code == 1 and "see recfin invoice match" in r.output   # without the option: no full match
    r = run("register", invoice_file("120", "26442000000012345671"), *documents, *due, "--part-of-delivery")
    assert r.exit_code == 0, r.output
    assert "(part of receipt GR-1: 180.00 of 300.00 received, 0.00 invoiced before it, without tax)" in r.output
    r = run("register", invoice_file("80", "26442000000012345672"), *documents, *due, "--part-of-delivery", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["goods_receipts"][0]["part"] == {"received": 30_000, "invoiced": 12_000,
                                                                 "invoiced_before": 18_000}
    r = run("register", invoice_file("2", "26442000000012345673"), *documents, *due, "--part-of-delivery")
    assert r.exit_code == 1 and "RULE goods-receipt-over-invoiced" in r.output
    assert len(ledger.client("supplier").list_by_holder(SELLER.tax_id).records) == 2


def test_receivable_get_shows_the_debtor_a_parts_receipt_value_share_and_running_total(monkeypatch, files):
    from cli.main import main

    invoice_file, documents = files
    Ledger().serve(monkeypatch)
    due = ["--due", "2026-11-30", "--as", "supplier/supplier1", "--part-of-delivery", "--json"]
    assert run("register", invoice_file("120", "26442000000012345671"), *documents, *due).exit_code == 0
    second = json.loads(run("register", invoice_file("80", "26442000000012345672"), *documents, *due).stdout)
    shown = CliRunner().invoke(main, ["receivable", "get", second["id"], "--as", "coreenterprise/user1"])
    assert shown.exit_code == 0, shown.output
    assert ("goods_receipt: PO PO-1, receipt GR-1, part: invoiced CNY 120.00 of CNY 300.00 received; CNY 180.00 "
            "invoiced before it at its registration, CNY 300.00 with it (without tax); face CNY 135.60 with tax"
            ) in shown.output.splitlines()
    whole = json.loads(run("register", invoice_file("200", "26442000000012345673"), "--po", documents[1],
                           "--receipt", write(documents[3].parent, "gr-other.csv", GR_CSV.replace("GR-1", "GR-2")),
                           "--due", "2026-11-30", "--as", "supplier/supplier1", "--json").stdout)
    shown = CliRunner().invoke(main, ["receivable", "get", whole["id"], "--as", "coreenterprise/user1"])
    assert "goods_receipt: PO PO-1, receipt GR-2 (whole)" in shown.output.splitlines()


def test_register_on_a_chaincode_from_before_parts_says_to_upgrade_it_and_registers_nothing(monkeypatch, files):
    from pydantic import Field, create_model

    from chaincode.receivables import tx_registration

    # the contract's registration as it was before receipts in parts: a receipt's field it does not know is refused
    reference = create_model("GoodsReceiptReference", __base__=model.Doc, po_number=(str, ...),
                             receipt_number=(str, ...))
    before = create_model("ReceivableRegistration", __base__=model.Doc, **{
        name: (f.annotation, f) for name, f in model.ReceivableRegistration.model_fields.items()
        if name != "goods_receipts"}, goods_receipts=(list[reference], Field(default_factory=list)))
    monkeypatch.setattr(tx_registration, "ReceivableRegistration", before)
    ledger = Ledger().serve(monkeypatch)
    invoice_file, documents = files
    r = run("register", invoice_file("120"), *documents, "--due", "2026-11-30", "--as", "supplier/supplier1",
            "--part-of-delivery")
    assert r.exit_code == 1, r.output
    [line_printed] = r.output.strip().splitlines()
    assert "RULE argument-invalid: receivable: goods_receipts.0.part: Extra inputs are not permitted" in line_printed
    assert "predates goods receipts invoiced in parts" in line_printed and "`recfin chaincode deploy`" in line_printed
    assert ledger.client("supplier").list_by_holder(SELLER.tax_id).records == []


def test_the_help_of_match_and_register_tells_the_option():
    for command in ("match", "register"):
        said = " ".join(run(command, "--help").output.split())   # as wrapped to the terminal, in one line
        assert "--part-of-delivery" in said and '"invoiced 100 of 200 received"' in said
        assert "price above the PO's" in said


@pytest.mark.parametrize("code, named", [("", "number 12345678"), ("3100231130", "code 3100231130 number 12345678")],
                         ids=["number alone", "code and number"])
def test_a_red_letter_invoice_names_the_invoice_it_offsets_as_its_check_does(documents, code, named):
    po, gr = documents
    inv = capacitors("-200").model_copy(update={"original_number": "12345678", "original_code": code})
    (told,) = [p for p in match_invoice(inv, po, gr).problems if "is a red-letter invoice" in p]
    assert f", offsetting invoice {named}: it takes goods back" in told
    (positive,) = [f for f in check_invoice(inv).findings if f.check == "totals.positive"]
    assert f"offsetting invoice {named} (对应蓝字发票)" in positive.message
