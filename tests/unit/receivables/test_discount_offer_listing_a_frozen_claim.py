"""A debtor may list a frozen claim in its early-payment offer: publishing writes nothing of the claim, a freeze
ordered after the publication would leave the offer listing it all the same, and an offer listing no claims covers
it anyway. Its holder takes the offer once the freeze is lifted, while the offer is open and the claim not due;
meanwhile the acceptance is refused ``receivable-frozen``, naming until when the offer can still be taken, so the
holder knows whether waiting for the lifting can still bring the early payment."""

from __future__ import annotations

from .support import standard_net


async def test_an_offer_listing_a_frozen_claim_is_published_and_taken_once_the_freeze_is_lifted():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = await net.confirmed(tier1, core, 1000_00, due_in=40)
    await net.ok(reg, "FreezeReceivable", claim["id"], "ORDER-1")
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20),
                                                        "receivable_ids": [claim["id"]]})
    assert offer["receivable_ids"] == [claim["id"]]

    said = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-frozen")
    assert "ORDER-1" in said and f"until {net.day(20)}" in said, said

    await net.ok(reg, "UnfreezeReceivable", claim["id"], "LIFT-1", "ORDER-1")
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"]))["status"] == "SETTLED"


async def test_the_refusal_names_the_day_before_the_due_date_where_that_comes_before_the_expiry():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = await net.confirmed(tier1, core, 1000_00, due_in=10)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    await net.ok(reg, "FreezeReceivable", claim["id"], "ORDER-1")
    said = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-frozen")
    assert f"until {net.day(9)}" in said and claim["due_date"] in said, said


async def test_on_a_sliding_scale_the_refusal_names_the_last_day_its_first_tier_is_reached():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = await net.confirmed(tier1, core, 1000_00, due_in=40)
    offer = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.05"}],
                                                        "expires_on": net.day(35)})
    await net.ok(reg, "FreezeReceivable", claim["id"], "ORDER-1")
    said = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-frozen")
    assert f"until {net.day(10)}" in said and "30 days early" in said, said
