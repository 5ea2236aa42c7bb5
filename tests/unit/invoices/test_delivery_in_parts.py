"""A delivery invoiced in parts: with ``part_of_delivery`` (``--part-of-delivery``), an invoice for less than the
receipt received matches as a part, and registers with the goods receipt's ``part`` (received and invoiced values
in fen), so that the delivery's other invoices can register theirs, up to what was received.

Without the option nothing changes: such an invoice is ``partial`` and cannot be registered.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from chaincode.receivables import model
from cli.invoice_commands import invoice as invoice_group
from client.invoices import NotMatched, evidence_hash, invoice_to_json, match_invoice, registration_from_match
from client.invoices.matching import DeliveryPart, read_goods_receipt, read_purchase_order
from client.invoices.model import Party
from client.invoices.register import GoodsReceiptPart, GoodsReceiptReference, predates_goods_receipt_parts

from ._ledger import Ledger
from ._samples import SELLER, invoice, line
from .test_matching import write

PO_CSV = "po_number,line,item_code,item_name,quantity,unit_price\nPO-1,1,C0805,贴片电容,300,1.50\n"
GR_CSV = "receipt_number,po_number,line,item_code,item_name,quantity\nGR-1,PO-1,1,C0805,贴片电容,200\n"


@pytest.fixture
def documents(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def capacitors(quantity: str, number: str = "26442000000012345678", price: str = "1.50", **parties):
    """An invoice for ``quantity`` capacitors."""
    return invoice(number=number, lines=(line("*电子元件*贴片电容", quantity, price, "0.13", unit="个", spec="0805"),),
                   **parties)


# ------------------------------------------------------------------ matching

def test_without_the_option_an_invoice_for_part_of_the_delivery_is_partial_as_before(documents):
    po, gr = documents
    result = match_invoice(capacitors("120"), po, gr)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].problems == ("invoiced quantity 120 is not the received 200",)
    # the result dumps as before parts were matched
    dumped = result.model_dump(mode="json")
    assert "part" not in dumped and "part_of_delivery" not in dumped["lines"][0]


def test_with_the_option_it_matches_as_a_part_saying_so_and_valued_in_fen(documents):
    po, gr = documents
    result = match_invoice(capacitors("120"), po, gr, part_of_delivery=True)
    assert result.ok and result.lines[0].status == "matched" and result.lines[0].problems == ()
    assert result.lines[0].part_of_delivery == "invoiced 120 of 200 received"
    # received: 200 received at the invoice's 1.50; invoiced: the line's amount, 120 x 1.50
    assert result.part == DeliveryPart(received_fen=30_000, invoiced_fen=18_000)
    assert result.model_dump(mode="json")["part"] == {"received_fen": 30_000, "invoiced_fen": 18_000}


def test_the_received_value_is_rounded_as_the_matcher_rounds_amounts(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("300,1.50", "3,0.335")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace(",200", ",3")))
    result = match_invoice(capacitors("1", price="0.335"), po, gr, part_of_delivery=True)
    # 3 x 0.335 = 1.005 yuan: 100.5 fen, half up
    assert result.part == DeliveryPart(received_fen=101, invoiced_fen=34)


def test_more_than_was_received_is_no_match_with_the_option_either(documents):
    po, gr = documents
    result = match_invoice(capacitors("250"), po, gr, part_of_delivery=True)
    assert result.status == "partial" and result.part is None
    assert result.lines[0].problems == ("invoiced quantity 250 is not the received 200",)
    assert result.lines[0].part_of_delivery is None


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
        received=30_000, invoiced=18_000)),)
    assert reg.contract_hash == evidence_hash(inv, po, gr)
    assert json.loads(reg.wire())["goods_receipts"] == [
        {"po_number": "PO-1", "receipt_number": "GR-1", "part": {"received": 30_000, "invoiced": 18_000}}]
    # the contract's own model, and the typed SDK, take it as sent
    parsed = model.ReceivableRegistration.model_validate_json(reg.wire())
    assert parsed.goods_receipts[0].part == model.GoodsReceiptPart(received=30_000, invoiced=18_000)
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


async def test_the_parts_of_a_delivery_register_up_to_what_was_received(documents):
    from tests.unit.receivables.support import standard_net

    net = await standard_net()
    net.now = datetime(2026, 9, 2, 2, 0, tzinfo=timezone.utc)   # the day after the invoices' date
    tier1, core = net.actors["tier1"], net.actors["core"]
    parties = dict(seller=Party(name="Tier-1 Parts", tax_id=tier1.uscc),
                   buyer=Party(name="Core Manufacturing", tax_id=core.uscc))
    po, gr = documents

    def registration(quantity: str, number: str) -> dict:
        inv = capacitors(quantity, number, **parties)
        return json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr, part_of_delivery=True),
                                                  date(2026, 12, 1), part_of_delivery=True).wire())

    first = await net.ok(tier1, "RegisterReceivable", registration("120", "26442000000012345671"))
    second = await net.ok(tier1, "RegisterReceivable", registration("80", "26442000000012345672"))
    assert [r["goods_receipts"][0]["part"] for r in (first, second)] == [
        {"received": 30_000, "invoiced": 18_000}, {"received": 30_000, "invoiced": 12_000}]
    message = await net.refused(tier1, "RegisterReceivable", registration("1", "26442000000012345673"),
                                rule="goods-receipt-over-invoiced")
    assert "nothing is left to invoice" in message


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


def test_match_of_part_of_a_delivery_exits_1_without_the_option_and_0_with_it(files):
    invoice_file, documents = files
    r = run("match", invoice_file("120"), *documents)
    assert r.exit_code == 1 and "invoiced quantity 120 is not the received 200" in r.output
    assert "part of the delivery" not in r.output.lower()
    r = run("match", invoice_file("120"), *documents, "--part-of-delivery")
    assert r.exit_code == 0, r.output
    assert "part of the delivery: invoiced 120 of 200 received" in r.output
    assert r.output.strip().splitlines()[-1] == "PART OF THE DELIVERY: invoiced 180.00 of 300.00 received (without tax)"
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
    assert "(part of receipt GR-1: 180.00 of 300.00 received, without tax)" in r.output
    r = run("register", invoice_file("80", "26442000000012345672"), *documents, *due, "--part-of-delivery", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["goods_receipts"][0]["part"] == {"received": 30_000, "invoiced": 12_000}
    r = run("register", invoice_file("1", "26442000000012345673"), *documents, *due, "--part-of-delivery")
    assert r.exit_code == 1 and "RULE goods-receipt-over-invoiced" in r.output
    assert len(ledger.client("supplier").list_by_holder(SELLER.tax_id).records) == 2


def test_register_on_a_chaincode_from_before_parts_says_to_upgrade_it_and_registers_nothing(monkeypatch, files):
    from pydantic import Field, create_model

    from chaincode.receivables import contract as contract_module

    # the contract's registration as it was before receipts in parts: a receipt's field it does not know is refused
    reference = create_model("GoodsReceiptReference", __base__=model.Doc, po_number=(str, ...),
                             receipt_number=(str, ...))
    before = create_model("ReceivableRegistration", __base__=model.Doc, **{
        name: (f.annotation, f) for name, f in model.ReceivableRegistration.model_fields.items()
        if name != "goods_receipts"}, goods_receipts=(list[reference], Field(default_factory=list)))
    monkeypatch.setattr(contract_module, "ReceivableRegistration", before)
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
        assert "--part-of-delivery" in said and '("invoiced 100 of 200 received")' in said
