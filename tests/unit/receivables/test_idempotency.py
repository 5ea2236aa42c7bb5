"""Business request ids: a retried transaction (new tx id, same request id) has its effect exactly once."""

from __future__ import annotations

import copy
import json

from chaincode.receivables import keys

from .support import standard_net


def ledger_state(net) -> tuple:
    """Everything a transaction could change: state, private state, policies, history, committed events."""
    return (*net.snapshot(), copy.deepcopy(net.ledger.history), list(net.ledger.events))


async def replayed(net, actor, fn, *args) -> dict:
    """Submit again (a new proposal, so a new tx id); assert it succeeds and changes nothing."""
    before = ledger_state(net)
    result = await net.call(actor, fn, *args)
    assert result.status == 200, result.message
    assert result.event is None, "a replay must not emit a second event"
    assert ledger_state(net) == before, "a replay changed the ledger"
    return json.loads(result.payload)


async def test_a_split_replayed_after_it_committed_returns_the_same_children_and_moves_nothing():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    first = await net.call(tier1, "TransferReceivable", r["id"], tier2.uscc, "3000000", "req-transfer-1")
    assert first.status == 200 and first.event is not None
    done = json.loads(first.payload)
    assert done["children"] == [f"{r['id']}.1", f"{r['id']}.2"]

    again = await replayed(net, tier1, "TransferReceivable", r["id"], tier2.uscc, "3000000", "req-transfer-1")
    assert again == done
    assert [c["id"] for c in again["children_records"]] == done["children"]
    assert net.doc(f"{r['id']}.1")["holder"] == tier2.uscc and net.doc(f"{r['id']}.1")["outstanding"] == 3_000_000
    assert net.doc(f"{r['id']}.2")["outstanding"] == 7_000_000
    assert not any(k.startswith("\x00recfin.receivable\x00" + r["id"] + ".1.") for k in net.ledger.state)


async def test_a_whole_transfer_replayed_after_the_holder_changed_is_answered_not_refused():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    done = await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "10000000", "move-all")
    # tier1 no longer holds the claim: without the request id the retry is refused
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "10000000", rule="not-the-holder")
    assert await replayed(net, tier1, "TransferReceivable", r["id"], tier2.uscc, "10000000", "move-all") == done
    assert net.doc(r["id"])["holder"] == tier2.uscc


async def test_an_attempt_that_never_committed_does_not_block_its_retry():
    """The first attempt was endorsed but lost (MVCC conflict, timeout): the retry with the same id takes effect once."""
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    lost = await net.call(tier1, "TransferReceivable", r["id"], tier2.uscc, "2500000", "hot-1", evaluate=True)
    assert lost.status == 200
    assert net.doc(r["id"])["status"] == "CONFIRMED"  # nothing committed
    done = await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "2500000", "hot-1")
    assert net.doc(r["id"])["status"] == "SPLIT"
    assert await replayed(net, tier1, "TransferReceivable", r["id"], tier2.uscc, "2500000", "hot-1") == done


async def test_a_payment_replayed_does_not_pay_twice():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00)
    paid = await net.ok(core, "RecordPayment", r["id"], "4000000", "pay-0001")
    assert net.doc(r["id"])["outstanding"] == 6_000_000
    assert await replayed(net, core, "RecordPayment", r["id"], "4000000", "pay-0001") == paid
    doc = net.doc(r["id"])
    assert doc["outstanding"] == 6_000_000 and len(doc["payments"]) == 1
    # a payment that settled the claim, replayed, is answered too (the claim is no longer payable)
    settled = await net.ok(core, "RecordPayment", r["id"], "6000000", "pay-0002")
    assert await replayed(net, core, "RecordPayment", r["id"], "6000000", "pay-0002") == settled
    # a new request id is a new payment, refused on its merits
    await net.refused(core, "RecordPayment", r["id"], "6000000", "pay-0003", rule="invalid-state")


async def test_a_registration_replayed_returns_the_same_receivable():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    reg = net.registration(tier1, core, 100_000_00)
    done = await net.ok(tier1, "RegisterReceivable", reg, "reg-1")
    assert await replayed(net, tier1, "RegisterReceivable", reg, "reg-1") == done
    ids = [k for k in net.ledger.state if k.startswith("\x00recfin.receivable\x00")]
    assert len(ids) == 1
    # without the request id the same invoices are refused, as before
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-already-financed")


async def test_a_discount_offer_replayed_publishes_no_second_offer():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00)
    offer = {"apr": "0.05", "expires_on": net.day(30), "receivable_ids": [r["id"]]}
    done = await net.ok(core, "PublishDiscountOffer", offer, "disc-1")
    assert await replayed(net, core, "PublishDiscountOffer", offer, "disc-1") == done
    offers = [k for k in net.ledger.state if k.startswith("\x00" + keys.DISCOUNT + "\x00")]
    assert offers == [net._key(keys.DISCOUNT, done["id"])]
    # the same id for other terms is refused; a new id is a new offer
    message = await net.refused(core, "PublishDiscountOffer", {**offer, "apr": "0.06"}, "disc-1",
                                rule="request-id-reused")
    assert "GetRequest (recfin request get disc-1) shows what it applied" in message, message
    # the same terms written otherwise are the same request: a client that sent "0.050" before its SDK sent rates
    # in one spelling retries with "0.05", and gets its offer back
    assert await replayed(net, core, "PublishDiscountOffer", {**offer, "apr": "0.050"}, "disc-1") == done
    await net.refused(core, "PublishDiscountOffer", {**offer, "apr": "0.05", "receivable_ids": []}, "disc-1",
                      rule="request-id-reused")
    again = await net.ok(core, "PublishDiscountOffer", offer, "disc-2")
    assert again["id"] != done["id"]
    # without a request id, publishing twice gives two offers, as before
    first = await net.ok(core, "PublishDiscountOffer", offer)
    second = await net.ok(core, "PublishDiscountOffer", offer)
    assert first["id"] != second["id"]


async def test_the_same_request_id_with_other_arguments_is_refused():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000000", "req-9")
    kept = f"{r['id']}.2"
    await net.refused(tier1, "TransferReceivable", kept, tier2.uscc, "1000000", "req-9", rule="request-id-reused")
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000001", "req-9", rule="request-id-reused")
    reg = net.registration(tier1, core, 1_000_00)
    await net.refused(tier1, "RegisterReceivable", reg, "req-9", rule="request-id-reused")  # another transaction
    await net.ok(core, "RecordPayment", kept, "100", "pay-1")
    await net.refused(core, "RecordPayment", kept, "200", "pay-1", rule="request-id-reused")


async def test_request_ids_are_per_party():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    a = await net.confirmed(tier1, core, 100_000_00)
    b = await net.confirmed(tier2, core, 50_000_00)
    moved_a = await net.ok(tier1, "TransferReceivable", a["id"], tier2.uscc, "1000000", "shared-id")
    moved_b = await net.ok(tier2, "TransferReceivable", b["id"], tier1.uscc, "1000000", "shared-id")
    assert moved_a["children"] != moved_b["children"]
    assert net.doc(f"{b['id']}.1")["holder"] == tier1.uscc
    records = [k for k in net.ledger.state if k.startswith("\x00" + keys.REQUEST + "\x00")]
    assert sorted(records) == sorted([net._key(keys.REQUEST, tier1.uscc, "shared-id"),
                                      net._key(keys.REQUEST, tier2.uscc, "shared-id")])


async def test_a_malformed_request_id_is_refused_and_none_keeps_the_old_behaviour():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    for bad in ("has space", "x" * 129, "é", "a\x00b"):
        await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "100", bad, rule="request-id-invalid")
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100")
    await net.ok(tier1, "TransferReceivable", f"{r['id']}.2", tier2.uscc, "100", "")
    assert not any(k.startswith("\x00" + keys.REQUEST + "\x00") for k in net.ledger.state)


async def test_a_refused_request_records_nothing_so_the_id_stays_usable():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 100_000_00)
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "999999999", "req-x", rule="split-exceeds-amount")
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000", "req-x")


async def test_the_request_id_is_published_as_the_optional_last_parameter():
    net = await standard_net()
    meta = json.loads((await net.ledger.evaluate(net.admins["SupplierMSP"].identity,
                                                 "org.hyperledger.fabric:GetMetadata")).payload)
    txs = {t["name"]: t for t in meta["contracts"]["receivables"]["transactions"]}
    for name in ("RegisterReceivable", "TransferReceivable", "RecordPayment", "PublishDiscountOffer",
                 "AttestInvoiceVerification"):
        assert txs[name]["parameters"][-1]["name"] == "request_id"
