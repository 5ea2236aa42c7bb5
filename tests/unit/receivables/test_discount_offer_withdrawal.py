"""WithdrawDiscountOffer: the debtor that published an early-payment offer takes it back; no holder can accept it
afterwards, and what was settled under it stays settled."""

from __future__ import annotations

import json

from .support import standard_net


async def _published(net, **over) -> tuple[dict, dict]:
    """A confirmed claim of tier1's on core, and core's open offer covering it."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 10_000, due_in=60)
    offer = {"apr": "0.05", "expires_on": net.day(30), "receivable_ids": [r["id"]], **over}
    return r, await net.ok(core, "PublishDiscountOffer", offer)


async def test_the_debtor_withdraws_its_open_offer_and_no_holder_can_accept_it_any_more():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r, d = await _published(net)
    net.advance(days=2)

    result = await net.call(core, "WithdrawDiscountOffer", d["id"])
    assert result.status == 200, result.message
    withdrawn = json.loads(result.payload)
    assert (withdrawn["status"], withdrawn["withdrawn_on"], withdrawn["published_on"]) == (
        "WITHDRAWN", net.today, d["published_on"])
    assert (withdrawn["last"]["action"], withdrawn["last"]["by"]) == ("WithdrawDiscountOffer", core.uscc)
    assert {k: v for k, v in withdrawn.items() if k not in ("status", "withdrawn_on", "last")} == {
        k: v for k, v in d.items() if k not in ("status", "withdrawn_on", "last")}   # the terms stay on record
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "DiscountOfferWithdrawn"
    assert (payload["offer_id"], payload["debtor"], payload["receivable_ids"], payload["receivable_id"]) == (
        d["id"], core.uscc, [r["id"]], None)
    assert await net.ok(tier1, "GetDiscountOffer", d["id"], evaluate=True) == withdrawn

    message = await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"], rule="discount-offer-withdrawn")
    assert net.today in message
    assert net.doc(r["id"])["status"] == "CONFIRMED"
    listed = await net.ok(tier1, "ListDiscountOffers", "", r["id"], "10", "", "open", evaluate=True)
    assert listed["records"] == []
    listed = await net.ok(tier1, "ListDiscountOffers", "", r["id"], "10", "", "all", evaluate=True)
    assert [o["id"] for o in listed["records"]] == [d["id"]]


async def test_claims_settled_under_an_offer_stay_settled_when_it_is_withdrawn():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    settled, _ = await _published(net)
    other = await net.confirmed(tier1, core, 5_000, due_in=60)
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})   # every payable
    paid = await net.ok(tier1, "AcceptDiscountOffer", d["id"], settled["id"])
    await net.ok(core, "WithdrawDiscountOffer", d["id"])
    assert net.doc(settled["id"]) == paid
    await net.refused(tier1, "AcceptDiscountOffer", d["id"], other["id"], rule="discount-offer-withdrawn")


async def test_only_the_debtor_that_published_it_withdraws_an_offer_and_only_while_it_is_open():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    _, d = await _published(net)
    await net.refused(core2, "WithdrawDiscountOffer", d["id"], rule="not-the-debtor")
    await net.refused(tier1, "WithdrawDiscountOffer", d["id"], rule="role-not-permitted")
    await net.refused(net.actors["regulator"], "WithdrawDiscountOffer", d["id"], rule="role-not-permitted")
    await net.refused(core, "WithdrawDiscountOffer", "D-0000000000000000", rule="not-found")

    await net.ok(core, "WithdrawDiscountOffer", d["id"])
    await net.refused(core, "WithdrawDiscountOffer", d["id"], rule="discount-offer-withdrawn")

    _, on_expiry_day = await _published(net, expires_on=net.day(1))
    _, after_it = await _published(net, expires_on=net.day(1))
    net.advance(days=1)
    await net.ok(core, "WithdrawDiscountOffer", on_expiry_day["id"])   # open to the end of its expiry day
    net.advance(days=1)
    await net.refused(core, "WithdrawDiscountOffer", after_it["id"], rule="offer-expired")


async def test_a_discount_offer_changes_only_with_its_debtors_org_endorsing():
    from chaincode.receivables import keys

    from .support import BANK, CORE, REGULATOR, SUPPLIER

    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r, d = await _published(net)
    # the publication writes new keys (the chaincode policy, any two orgs) and gives them the debtor's org
    offer_key = net._key(keys.DISCOUNT, d["id"])
    index_key = net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc, d["published_on"], d["id"])
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert {key: net.ledger.validation_parameters.get(key) is not None for key in (offer_key, index_key)} == {
        offer_key: True, index_key: True}

    # taking it writes the claim only: the debtor's and the holder's orgs, as for any change to a confirmed claim
    await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"])
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert offer_key not in dict(net.last_writes)

    # withdrawing (or undoing a withdrawal, or rewriting the terms) needs the debtor's org: no two others suffice
    await net.ok(core, "WithdrawDiscountOffer", d["id"])
    assert net.writes_not_endorsed(CORE) == []
    assert net.writes_not_endorsed(SUPPLIER, BANK, REGULATOR) == [(offer_key, [CORE]), (index_key, [CORE])]
