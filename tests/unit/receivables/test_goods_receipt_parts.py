"""A delivery invoiced in parts: each claim lists the goods receipt with its part, {received, invoiced} in fen.

The registry entry of such a receipt records the value received, which every part must repeat, and each live part;
the parts add up to at most what was received, come from one creditor, and a receipt registered whole takes no part
(nor the reverse). Rejecting or withdrawing a claim releases its part alone.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


def part(received: int, invoiced: int) -> dict:
    return {**RECEIPT, "part": {"received": received, "invoiced": invoiced}}


def registering(net, receipt: dict, creditor: str = "tier1") -> dict:
    """A registration of a fresh invoice of ``creditor`` on core, listing ``receipt``."""
    return net.registration(net.actors[creditor], net.actors["core"], 1000, goods_receipts=[receipt])


def entry_key(net) -> str:
    return net._key(keys.GOODS_RECEIPT, fingerprint.goods_receipt_key(
        net.actors["core"].uscc, RECEIPT["po_number"], RECEIPT["receipt_number"]))


def entry(net) -> dict | None:
    """The registry's entry of the receipt, as the ledger holds it."""
    raw = net.ledger.state.get(entry_key(net))
    return None if raw is None else json.loads(raw)


async def test_two_parts_that_add_up_to_the_receipt_are_each_registered_and_recorded():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 12_000)))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 8_000)))
    key = fingerprint.goods_receipt_key(net.actors["core"].uscc, RECEIPT["po_number"], RECEIPT["receipt_number"])
    # the claim shows its part, for the debtor to check before it confirms
    assert first["goods_receipts"] == [{**part(20_000, 12_000), "receipt_key": key}]
    assert net.doc(second["id"])["goods_receipts"] == [{**part(20_000, 8_000), "receipt_key": key}]
    assert entry(net) == {"receipt_key": key, "received": 20_000, "parts": [
        {"receivable_id": first["id"], "invoiced": 12_000}, {"receivable_id": second["id"], "invoiced": 8_000}]}


async def test_a_part_past_what_was_received_is_refused_saying_what_is_left_and_writing_nothing():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 12_000)))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 7_000)))
    # refused asserts that nothing was written
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000, 1_001)),
                                rule="goods-receipt-over-invoiced")
    assert "19000 fen of its received 20000 fen" in message and "1000 fen is left" in message
    assert first["id"] in message and second["id"] in message
    await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 1_000)))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000, 1)),
                                rule="goods-receipt-over-invoiced")
    assert "nothing is left to invoice" in message


async def test_one_part_above_its_own_received_value_is_refused_before_anything_is_read():
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", registering(net, part(100, 101)),
                                rule="goods-receipt-over-invoiced")
    assert message.startswith("RULE goods-receipt-over-invoiced: goods_receipts[0]: part: invoiced 101 fen")


async def test_a_part_giving_another_received_value_is_refused_naming_the_first_parts_value():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 5_000)))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(25_000, 5_000)),
                                rule="goods-receipt-already-financed")
    assert "received value 20000 fen" in message and first["id"] in message and "send received 20000" in message


@pytest.mark.parametrize("registered, then", [(RECEIPT, part(20_000, 5_000)), (part(20_000, 5_000), RECEIPT)],
                         ids=["whole then part", "part then whole"])
async def test_a_receipt_registered_whole_takes_no_part_nor_one_in_parts_a_whole_claim(registered, then):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, registered))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, then),
                                rule="goods-receipt-already-financed")
    assert first["id"] in message
    assert ("whole" in message) if "part" not in registered else ("invoiced in parts already" in message)


@pytest.mark.parametrize("registered", [RECEIPT, part(20_000, 5_000)], ids=["whole", "in parts"])
async def test_another_creditors_part_is_refused_naming_nothing_of_the_claim(registered):
    net = await standard_net()
    a = net.actors
    first = await net.ok(a["tier1"], "RegisterReceivable", registering(net, registered))
    message = await net.refused(a["tier2"], "RegisterReceivable", registering(net, part(20_000, 5_000), "tier2"),
                                rule="goods-receipt-already-financed")
    assert first["id"] not in message and a["tier1"].uscc not in message and "20000" not in message
    assert "another creditor" in message and f"ask the debtor {a['core'].uscc}" in message
    # the same answer whether the receipt was registered whole or in parts: the refusal tells neither
    whole = await net.refused(a["tier2"], "RegisterReceivable", registering(net, RECEIPT, "tier2"),
                              rule="goods-receipt-already-financed")
    assert whole == message


@pytest.mark.parametrize("ended_by", ["RejectReceivable", "WithdrawReceivable"])
async def test_ending_a_claim_releases_its_part_only_and_the_last_part_the_entry(ended_by):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 12_000)))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 8_000)))
    await net.ok(core if ended_by == "RejectReceivable" else tier1, ended_by, first["id"], "wrong invoice")
    assert entry(net)["parts"] == [{"receivable_id": second["id"], "invoiced": 8_000}]
    # what the ended claim held is free again, and no more
    again = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000, 12_000)))
    await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000, 1)),
                      rule="goods-receipt-over-invoiced")
    for claim in (second, again):
        await net.ok(core if ended_by == "RejectReceivable" else tier1, ended_by, claim["id"], "wrong invoice")
    assert entry(net) is None
    # released entirely, the receipt may be registered whole, or at another received value
    await net.ok(tier1, "RegisterReceivable", registering(net, RECEIPT))


async def test_an_entry_an_earlier_version_wrote_reads_as_a_whole_registration():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, RECEIPT))
    key = fingerprint.goods_receipt_key(net.actors["core"].uscc, RECEIPT["po_number"], RECEIPT["receipt_number"])
    # the bytes an earlier version wrote, which this one writes alike for a receipt registered whole
    assert net.ledger.state[entry_key(net)] == json.dumps({"receipt_key": key, "receivable_id": first["id"]},
                                                          sort_keys=True).encode()
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000, 5_000)),
                                rule="goods-receipt-already-financed")
    assert f"already backs receivable {first['id']} whole" in message
    await net.ok(tier1, "WithdrawReceivable", first["id"], "invoiced in parts instead")
    assert entry(net) is None


async def test_who_may_register_reject_and_withdraw_is_as_before():
    net = await standard_net()
    a = net.actors
    # a core enterprise registers no claim, with a part or without
    await net.refused(a["core"], "RegisterReceivable", registering(net, part(20_000, 5_000)),
                      rule="role-not-permitted")
    r = await net.ok(a["tier1"], "RegisterReceivable", registering(net, part(20_000, 5_000)))
    # only its debtor rejects it and only its creditor withdraws it: a refused call releases nothing
    await net.refused(a["tier2"], "WithdrawReceivable", r["id"], "not mine", rule="not-the-holder")
    await net.refused(a["core2"], "RejectReceivable", r["id"], "not ours", rule="not-the-debtor")
    assert entry(net)["parts"] == [{"receivable_id": r["id"], "invoiced": 5_000}]


@pytest.mark.parametrize("sent, said", [
    ({"received": 0, "invoiced": 0}, "received is 0"),
    ({"received": 100, "invoiced": -1}, "invoiced is -1"),
    ({"received": 100.0, "invoiced": 50}, "received is 100.0"),
    ({"received": True, "invoiced": 50}, "received is True"),
])
async def test_a_part_that_is_no_pair_of_positive_fen_is_refused_as_the_receipts_shape(sent, said):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                registering(net, {**RECEIPT, "part": sent}), rule="goods-receipt-invalid")
    assert message.startswith("RULE goods-receipt-invalid: goods_receipts[0]: part: ") and said in message


@pytest.mark.parametrize("sent, said", [({"received": 100}, "invoiced"), ({"received": 100, "invoiced": 50, "x": 1},
                                                                          "x")])
async def test_a_part_missing_a_field_or_with_one_more_is_refused_naming_it(sent, said):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                registering(net, {**RECEIPT, "part": sent}), rule="argument-invalid")
    assert f"goods_receipts.0.part.{said}" in message
