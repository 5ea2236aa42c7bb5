"""One goods receipt backs one live receivable: the contract keeps a registry of them, as of invoice fingerprints.

Two registrations on different invoices naming the same purchase order and goods receipt are one delivery
financed twice: the second is refused, until the first is rejected or withdrawn.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}
ANOTHER = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0108"}


def with_receipts(net, face: int = 1000, receipts=(RECEIPT,)) -> dict:
    """A registration of a fresh invoice of tier1 on core, listing ``receipts``."""
    return net.registration(net.actors["tier1"], net.actors["core"], face, goods_receipts=list(receipts))


def receipt_entry(net, debtor: str, receipt: dict = RECEIPT) -> str | None:
    """The receivable the registry holds the receipt for, or None."""
    raw = net.ledger.state.get(net._key(keys.GOODS_RECEIPT, fingerprint.goods_receipt_key(
        debtor, receipt["po_number"], receipt["receipt_number"])))
    return None if raw is None else json.loads(raw)["receivable_id"]


async def test_the_record_shows_its_receipts_and_the_registry_holds_them_for_it():
    net = await standard_net()
    core = net.actors["core"]
    r = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipts(net))
    key = fingerprint.goods_receipt_key(core.uscc, RECEIPT["po_number"], RECEIPT["receipt_number"])
    assert r["goods_receipts"] == [{**RECEIPT, "receipt_key": key}]
    assert net.doc(r["id"])["goods_receipts"] == r["goods_receipts"]   # the debtor reads them before it confirms
    assert receipt_entry(net, core.uscc) == r["id"]


async def test_a_second_invoice_on_the_same_receipt_is_refused_naming_the_claim_and_writing_nothing():
    net = await standard_net()
    first = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipts(net))
    second = with_receipts(net)     # another invoice number, the same delivery
    assert second["invoices"][0]["number"] != first["invoices"][0]["number"]
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", second,
                                rule="goods-receipt-already-financed")   # refused asserts nothing was written
    assert first["id"] in message and "GR-2026-0107" in message and "rejected" in message and "withdrawn" in message
    # listed beside a fresh receipt, it is refused all the same
    await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=(ANOTHER, RECEIPT)),
                      rule="goods-receipt-already-financed")


async def test_the_receipt_is_the_debtors_so_another_buyers_receipt_of_the_same_numbers_is_another():
    net = await standard_net()
    tier1, core2 = net.actors["tier1"], net.actors["core2"]
    await net.ok(tier1, "RegisterReceivable", with_receipts(net))
    other = net.registration(tier1, core2, 1000, goods_receipts=[RECEIPT])
    r = await net.ok(tier1, "RegisterReceivable", other)
    assert receipt_entry(net, core2.uscc) == r["id"]


def test_the_receipt_key_is_the_documented_hash():
    """The registry's key as the ledger holds it: a change of its spelling would miss every receipt already there."""
    assert fingerprint.goods_receipt_key("91310000MA1FL4CT3X", "PO-2026-0042", "入库-0107") == \
        "4475fcd5596df958356b15bd31030c65250f2ddcb60f32f0e7449a1941bf3168"


@pytest.mark.parametrize("receipts", [(RECEIPT,), (RECEIPT, ANOTHER)], ids=["one receipt", "two receipts"])
@pytest.mark.parametrize("ended_by", ["RejectReceivable", "WithdrawReceivable"])
async def test_the_receipts_are_released_with_the_invoices_when_the_claim_is_rejected_or_withdrawn(ended_by, receipts):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.ok(tier1, "RegisterReceivable", with_receipts(net, receipts=receipts))
    assert [receipt_entry(net, core.uscc, gr) for gr in receipts] == [r["id"]] * len(receipts)
    await net.ok(core if ended_by == "RejectReceivable" else tier1, ended_by, r["id"], "wrong delivery")
    assert [receipt_entry(net, core.uscc, gr) for gr in receipts] == [None] * len(receipts)
    again = await net.ok(tier1, "RegisterReceivable", with_receipts(net, receipts=receipts))
    assert [receipt_entry(net, core.uscc, gr) for gr in receipts] == [again["id"]] * len(receipts)


async def test_a_confirmed_claim_keeps_its_receipt_and_so_do_its_split_children():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.ok(tier1, "RegisterReceivable", with_receipts(net))
    await net.ok(core, "ConfirmReceivable", r["id"])
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "300")
    assert net.doc(r["id"])["status"] == "SPLIT"
    message = await net.refused(tier1, "RegisterReceivable", with_receipts(net), rule="goods-receipt-already-financed")
    assert r["id"] in message
    # a split part lists no receipts, as no invoices: the root's registry entries stand for the lineage
    assert [net.doc(f"{r['id']}.{n}")["goods_receipts"] for n in (1, 2)] == [[], []]
    assert receipt_entry(net, core.uscc) == r["id"]


async def test_a_receipt_listed_twice_is_refused_naming_both_places():
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=(
        {"po_number": "PO-1", "receipt_number": "GR-1"}, {"po_number": "PO-1", "receipt_number": "GR-2"},
        {"po_number": "PO-1", "receipt_number": "GR-1"})), rule="goods-receipt-listed-twice")
    assert "goods_receipts[2] (PO PO-1, receipt GR-1)" in message and "goods_receipts[0]" in message


async def test_the_same_receipt_number_under_another_order_is_another_receipt():
    net = await standard_net()
    r = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=(
        {"po_number": "PO-1", "receipt_number": "GR-1"}, {"po_number": "PO-2", "receipt_number": "GR-1"})))
    assert len({gr["receipt_key"] for gr in r["goods_receipts"]}) == 2


@pytest.mark.parametrize("entry, rule, said", [
    ({"po_number": "", "receipt_number": "GR-1"}, "goods-receipt-invalid", "po_number is empty"),
    ({"po_number": "PO-1", "receipt_number": "   "}, "goods-receipt-invalid", "receipt_number is empty"),
    ({"po_number": " PO-1", "receipt_number": "GR-1"}, "goods-receipt-invalid", "without them"),
    ({"po_number": "PO-1", "receipt_number": "GR-1\u3000"}, "goods-receipt-invalid", "without them"),
    ({"po_number": "P" * 101, "receipt_number": "GR-1"}, "goods-receipt-invalid", "at most 100"),
    ({"po_number": "PO-1", "receipt_number": "GR\n1"}, "argument-invalid", "one line"),
    ({"po_number": "PO-1"}, "argument-invalid", "receipt_number"),
    ({"po_number": "PO-1", "receipt_number": 7}, "argument-invalid", "receipt_number"),
    ({"po_number": "PO-1", "receipt_number": "GR-1", "line": 1}, "argument-invalid", "line"),
    ("PO-1/GR-1", "argument-invalid", "goods_receipts.1"),
])
async def test_a_malformed_entry_is_refused_saying_what_to_send(entry, rule, said):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=(
        {"po_number": "PO-0", "receipt_number": "GR-0"}, entry)), rule=rule)
    assert said in message
    if rule == "goods-receipt-invalid":
        assert message.startswith("RULE goods-receipt-invalid: goods_receipts[1]: ")


async def test_the_list_is_bounded():
    net = await standard_net()
    many = [{"po_number": "PO-1", "receipt_number": f"GR-{n}"} for n in range(101)]
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=many),
                                rule="argument-invalid")
    assert "goods_receipts" in message and "100" in message
    await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipts(net, receipts=many[:100]))


async def test_a_registration_without_receipts_lists_none_and_a_record_without_the_field_reads_as_none():
    net = await standard_net()
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    assert r["goods_receipts"] == []
    # a claim an earlier contract version stored has no such field: it reads, and rejecting it releases nothing more
    key = net._key(keys.RECEIVABLE, r["id"])
    stored = json.loads(net.ledger.state[key])
    del stored["goods_receipts"]
    net.ledger.state[key] = json.dumps(stored).encode()
    assert (await net.ok(net.actors["core"], "GetReceivable", r["id"], evaluate=True))["goods_receipts"] == []
    await net.ok(net.actors["core"], "RejectReceivable", r["id"], "not ours")
