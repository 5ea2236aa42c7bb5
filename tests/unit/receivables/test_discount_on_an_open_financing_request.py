"""AcceptDiscountOffer on a claim with a financing request no bank has accepted yet says what the holder can do:
withdraw the request, then take the offer. Once a bank's offer is accepted, the financier is the one paid."""

from __future__ import annotations

from .support import standard_net


async def test_an_open_request_is_named_as_one_the_holder_may_withdraw_before_taking_the_offer():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-financed")
    assert f"open financing request {request['id']} that no bank has accepted yet" in message
    assert "withdraw the request (WithdrawFinancing), then take the offer" in message
    assert "the financier, not the holder, is paid" not in message
    # and that is what it takes
    await net.ok(tier1, "WithdrawFinancing", request["id"])
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"]))["status"] == "SETTLED"


async def test_an_accepted_financing_pays_the_financier_and_the_refusal_says_so():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    financing = await net.financed(tier1, claim["id"], disburse=False)       # accepted, not yet disbursed
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-financed")
    assert f"has live financing {financing['id']}: the financier, not the holder, is paid" in message
