"""GetRequest: reading back what a business request id was recorded with, and who may."""

from __future__ import annotations

from .support import SUPPLIER, standard_net


async def _split(net, request_id: str = "split-0001") -> tuple[dict, dict]:
    """tier1 splits 30,000.00 CNY off a confirmed claim to tier2 with ``request_id``: the claim and the result."""
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, net.actors["core"], 100_000_00)
    return r, await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "3000000", request_id)


async def test_the_record_names_the_first_transaction_and_its_result():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    r, done = await _split(net)
    first_tx = net.doc(f"{r['id']}.1")["last"]["tx_id"]
    record = await net.ok(tier1, "GetRequest", "split-0001", evaluate=True)
    assert record["request_id"] == "split-0001" and record["party"] == tier1.uscc
    assert record["transaction"] == "TransferReceivable" and record["tx_id"] == first_tx
    assert record["result"] == done
    assert [c["id"] for c in record["result"]["children_records"]] == [f"{r['id']}.1", f"{r['id']}.2"]

    # a retry is answered from the record: the record still names the first transaction and result
    again = await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "3000000", "split-0001")
    assert again == done
    assert await net.ok(tier1, "GetRequest", "split-0001", evaluate=True) == record


async def test_every_recorded_transaction_is_readable_with_its_result():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registered = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core), "reg-1")
    await net.ok(core, "ConfirmReceivable", registered["id"])
    paid = await net.ok(core, "RecordPayment", registered["id"], "100", "pay-1")
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)}, "offer-1")
    for actor, request_id, transaction, result in [(tier1, "reg-1", "RegisterReceivable", registered),
                                                   (core, "pay-1", "RecordPayment", paid),
                                                   (core, "offer-1", "PublishDiscountOffer", offer)]:
        record = await net.ok(actor, "GetRequest", request_id, evaluate=True)
        assert (record["transaction"], record["result"]) == (transaction, result)


async def test_the_party_its_org_admin_and_the_regulator_may_read_no_one_else():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    await _split(net)
    for reader in (tier1, net.admins[SUPPLIER], net.actors["regulator"]):
        record = await net.ok(reader, "GetRequest", "split-0001", tier1.uscc, evaluate=True)
        assert record["party"] == tier1.uscc and record["transaction"] == "TransferReceivable"
    for key in ("tier2", "core", "bank"):
        await net.refused(net.actors[key], "GetRequest", "split-0001", tier1.uscc, evaluate=True,
                          rule="not-permitted-to-read")
    for admin in (m for m in net.admins if m != SUPPLIER):
        await net.refused(net.admins[admin], "GetRequest", "split-0001", tier1.uscc, evaluate=True,
                          rule="not-permitted-to-read")


async def test_request_ids_are_per_party():
    """Another party's own request id of the same text is its own record; without ``party`` it reads that."""
    net = await standard_net()
    await _split(net)
    await net.refused(net.actors["tier2"], "GetRequest", "split-0001", evaluate=True, rule="not-found")
    await net.refused(net.actors["regulator"], "GetRequest", "split-0001", evaluate=True, rule="not-found")


async def test_an_unknown_request_id_a_bad_one_and_a_missing_party_are_refused():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, _ = await _split(net)
    message = await net.refused(tier1, "GetRequest", "never-sent", evaluate=True, rule="not-found")
    assert "never-sent" in message and tier1.uscc in message
    # an attempt endorsed but never committed leaves no record either
    endorsed = await net.call(tier1, "TransferReceivable", f"{r['id']}.2", net.actors["tier2"].uscc, "100", "lost-1",
                              evaluate=True)
    assert endorsed.status == 200
    await net.refused(tier1, "GetRequest", "lost-1", evaluate=True, rule="not-found")
    await net.refused(tier1, "GetRequest", "bad id!", evaluate=True, rule="request-id-invalid")
    await net.refused(net.admins[SUPPLIER], "GetRequest", "split-0001", evaluate=True, rule="argument-invalid")
    await net.refused(tier1, "GetRequest", "split-0001", "91310000MA1FL0000X", evaluate=True,
                      rule="party-not-registered")


async def test_a_request_without_an_id_leaves_nothing_to_read():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, net.actors["core"], 100_000_00)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100")
    assert not [k for k in net.ledger.state if k.startswith("\x00recfin.request\x00")]
