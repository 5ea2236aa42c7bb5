"""The refusals of a discount offer's publication and acceptance say what to do instead, where each said
only what was wrong: an expiry before today (give one of today or later), a claim split already (list its
parts, which the refusal names, rather than take the claim out), an offer expired (ask the debtor for a new
one), one that does not cover the claim (take one that does), and a scale whose first tier the claim is too
near its due date to reach (it never will: the days early only shrink). Each changes nothing."""

from __future__ import annotations

from chaincode.receivables.model import DiscountTerms

from .support import standard_net


async def test_a_publication_expiring_before_today_says_to_give_today_or_later():
    net = await standard_net()
    message = await net.refused(net.actors["core"], "PublishDiscountOffer",
                                {"apr": "0.05", "expires_on": net.day(-1)}, rule="offer-expired")
    assert "give an expires_on of today or later" in message, message


async def test_a_publication_listing_a_claim_split_already_names_its_parts_to_list():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 100_000, due_in=60))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    message = await net.refused(core, "PublishDiscountOffer",
                                {"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [claim]},
                                rule="invalid-state")
    assert f"list its parts still CONFIRMED instead: {claim}.1, {claim}.2" in message, message
    # listed as the refusal says, the parts are offered on
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10),
                                                        "receivable_ids": [f"{claim}.1", f"{claim}.2"]})
    assert (await net.ok(tier2, "AcceptDiscountOffer", offer["id"], f"{claim}.1"))["status"] == "SETTLED"


async def test_an_expired_offer_says_to_ask_the_debtor_for_a_new_one():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    read = await net.ok(tier1, "GetDiscountOffer", offer["id"], claim["id"], evaluate=True)
    net.advance(days=11)
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                DiscountTerms.as_read(read), rule="offer-expired")
    assert "ask the debtor for a new offer" in message, message


async def test_an_offer_not_covering_the_claim_says_to_take_one_that_does():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    listed = await net.confirmed(tier1, core, 100_000, due_in=60)
    other = await net.confirmed(tier1, core, 100_000, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10),
                                                        "receivable_ids": [listed["id"]]})
    read = await net.ok(tier1, "GetDiscountOffer", offer["id"], listed["id"], evaluate=True)
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], other["id"],
                                DiscountTerms.as_read(read), rule="discount-offer-not-for-receivable")
    assert f"take one that covers {other['id']}" in message, message


async def test_a_scale_the_claim_is_too_near_its_due_date_for_says_so_for_good():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=29)
    offer = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.04"}],
                                                        "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="discount-not-applicable")
    assert "whose scale starts at 30 days early" in message and "can no longer be taken" in message, message
