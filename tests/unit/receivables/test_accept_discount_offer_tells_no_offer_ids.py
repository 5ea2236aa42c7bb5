"""AcceptDiscountOffer tells no caller which discount-offer ids exist, as GetDiscountOffer tells none.

The caller is checked as the claim's holder before the offer is read: anyone else gets the same refusal for a
real offer id and a made-up one. The holder, always a supplier, may read every debtor's offers, so it is told that
another debtor's offer does not cover its claim, as GetDiscountOffer with the claim tells it.
"""

from __future__ import annotations

import pytest

from .support import standard_net

MADE_UP = "D-0000000000000000"


async def offer_on_a_claim():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20),
                                                        "receivable_ids": [claim["id"]]})
    return net, claim["id"], offer["id"]


@pytest.mark.parametrize("caller", ["bank", "core2", "tier2", "core", "regulator"])
async def test_a_caller_not_holding_the_claim_gets_one_refusal_for_a_real_and_a_made_up_offer(caller):
    net, claim, offer = await offer_on_a_claim()
    who = net.actors[caller]
    refusals = [await net.refused(who, "AcceptDiscountOffer", offer_id, claim, rule="not-the-holder")
                for offer_id in (offer, MADE_UP)]
    assert refusals[0] == refusals[1]      # word for word: the offer is not looked at


async def test_the_holder_given_another_debtors_offer_is_told_it_does_not_cover_the_claim():
    net, claim, _ = await offer_on_a_claim()
    tier1, core2 = net.actors["tier1"], net.actors["core2"]
    theirs = (await net.ok(core2, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)}))["id"]
    await net.refused(tier1, "AcceptDiscountOffer", theirs, claim, rule="discount-offer-not-for-receivable")
    await net.refused(tier1, "GetDiscountOffer", theirs, claim, rule="discount-offer-not-for-receivable")
    await net.refused(tier1, "AcceptDiscountOffer", MADE_UP, claim, rule="not-found")


async def test_the_holder_takes_its_debtors_offer_as_before():
    net, claim, offer = await offer_on_a_claim()
    settled = await net.ok(net.actors["tier1"], "AcceptDiscountOffer", offer, claim)
    assert settled["status"] == "SETTLED"
