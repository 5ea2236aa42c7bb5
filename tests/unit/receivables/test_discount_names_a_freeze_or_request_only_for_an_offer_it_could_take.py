"""AcceptDiscountOffer names a claim's freeze, or its open financing request, only for an offer the holder
could take: an offer withdrawn, expired, another debtor's, out of reach or whose discount would leave nothing
to pay is refused for that, as it is once the freeze is lifted or the request withdrawn, and as the SDK's
pricing (``price_early_payment``) says before it names either.

The freeze and the request were named first: the holder waited on the regulator, or withdrew its request and
let the banks' offers on it lapse, and was then refused the offer all the same."""

from __future__ import annotations

from .support import standard_net


async def test_a_withdrawn_offer_on_a_frozen_claim_is_refused_as_withdrawn():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=20)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    await net.ok(regulator, "FreezeReceivable", claim["id"], "ORDER-1")

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="discount-offer-withdrawn")
    assert "ORDER-1" not in message and "unfreeze" not in message, message


async def test_an_open_offer_on_a_frozen_claim_names_the_freeze():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=20)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    await net.ok(tier1, "RequestFinancing", claim["id"])
    await net.ok(regulator, "FreezeReceivable", claim["id"], "ORDER-1")
    # the freeze before the request, as the SDK's pricing names them: no withdrawal lets the offer on
    # meanwhile
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-frozen")


async def test_a_discount_leaving_nothing_to_pay_is_refused_for_that_before_the_open_request():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=200)
    await net.ok(core, "RecordPayment", claim["id"], "99999")    # 1 fen left
    # 100% a year for 200 days ACT/360 on 1 fen: 0.56 fen, half up 1 fen, all of it
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "1", "expires_on": net.day(30)})
    financing = await net.ok(tier1, "RequestFinancing", claim["id"])

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="discount-exceeds-amount")
    assert "WithdrawFinancing" not in message, message
    await net.ok(tier1, "WithdrawFinancing", financing["id"])
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="discount-exceeds-amount")
