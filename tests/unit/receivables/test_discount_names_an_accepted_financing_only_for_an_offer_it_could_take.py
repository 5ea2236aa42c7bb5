"""AcceptDiscountOffer on a claim under a financing its holder accepted names that financing, and
CancelFinancing as its way out, only for an offer the holder could take: an offer withdrawn, expired, another
debtor's or whose scale the claim no longer reaches is refused for that, as it is once the financing is
cancelled.

The financing was named first: the holder, told to cancel the bank's financing, lost it, and was then
refused the offer all the same."""

from __future__ import annotations

import pytest

from .support import Net, standard_net


async def _withdrawn(net: Net) -> dict:
    core = net.actors["core"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    return offer


async def _expiring_tomorrow(net: Net) -> dict:   # taken two days on
    return await net.ok(net.actors["core"], "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(1)})


async def _another_debtors(net: Net) -> dict:
    return await net.ok(net.actors["core2"], "PublishDiscountOffer",
                        {"apr": "0.05", "expires_on": net.day(30)})


async def _scale_beyond_the_due_date(net: Net) -> dict:
    return await net.ok(net.actors["core"], "PublishDiscountOffer",
                        {"scale": [{"min_days_early": 30, "apr": "0.05"}], "expires_on": net.day(30)})


@pytest.mark.parametrize("publish, refused_by", [
    (_withdrawn, "discount-offer-withdrawn"), (_expiring_tomorrow, "offer-expired"),
    (_another_debtors, "discount-offer-not-for-receivable"),
    (_scale_beyond_the_due_date, "discount-not-applicable"),
])
async def test_an_offer_no_cancellation_lets_on_is_refused_for_itself_not_its_financing(publish, refused_by):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=20)
    offer = await publish(net)
    financing = await net.financed(tier1, claim["id"], disburse=False)   # accepted, not yet disbursed
    net.advance(days=2)

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule=refused_by)
    assert "CancelFinancing" not in message and financing["id"] not in message, message
    # cancelled, the financing would have freed nothing: the offer is refused by the same rule
    await net.ok(tier1, "CancelFinancing", financing["id"], "to take an early payment")
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule=refused_by)


async def test_an_offer_the_holder_could_take_names_the_accepted_financing_and_its_cancellation():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=20)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    financing = await net.financed(tier1, claim["id"], disburse=False)

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="receivable-financed")
    assert f"has live financing {financing['id']}: the financier, not the holder, is paid" in message, message
    assert "cancels it first (CancelFinancing), as it is not yet disbursed" in message, message
    await net.ok(tier1, "CancelFinancing", financing["id"], "to take an early payment")
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"]))["status"] == "SETTLED"


async def test_a_disbursed_financing_is_named_whatever_the_offer():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=20)
    offer = await _withdrawn(net)
    await net.financed(tier1, claim["id"])
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="receivable-financed")
    assert "has disbursed it, and the debtor pays the bank" in message, message
