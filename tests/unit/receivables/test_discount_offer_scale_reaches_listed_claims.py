"""A discount offer lists only claims a holder could take it on: a sliding scale whose first tier starts further
from the due date than a listed claim is now is never reached on it (each day brings the claim nearer its due
date), so the publication is refused rather than announced, and listed as open, for a claim no acceptance pays."""

from __future__ import annotations

from .support import standard_net


async def test_a_scale_no_listed_claim_can_reach_is_refused_at_publication():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00, due_in=10)
    message = await net.refused(core, "PublishDiscountOffer",
                                {"scale": [{"min_days_early": 30, "apr": "0.05"}], "expires_on": net.day(5),
                                 "receivable_ids": [r["id"]]}, rule="discount-not-applicable")
    assert r["id"] in message and "10 days from today" in message and "30 days early" in message
    assert "take it out of receivable_ids" in message


async def test_a_scale_reached_on_the_day_of_publication_is_published_and_taken():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00, due_in=30)
    d = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.036"}],
                                                    "expires_on": net.day(5), "receivable_ids": [r["id"]]})
    taken = await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"])
    # 100,000.00 yuan x 3.6% x 30 / 360 = 300.00 yuan
    assert (taken["payments"][-1]["amount"], taken["payments"][-1]["discount"]) == (99_700_00, 300_00)


async def test_an_offer_listing_no_claim_is_judged_on_each_claim_when_taken():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00, due_in=10)
    d = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.05"}],
                                                    "expires_on": net.day(5)})
    await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"], rule="discount-not-applicable")
