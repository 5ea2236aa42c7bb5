"""AcceptDiscountOffer on a claim with a financing request no bank has accepted yet says what the holder can do:
withdraw the request, then take the offer. Once a bank's offer is accepted, the financier is the one paid, and the
refusal names what ends the financing at its stage, as a transfer's does (lifecycle.financing_way_out): it named
no way out, though a holder may cancel a financing not yet disbursed and then take the offer."""

from __future__ import annotations

import pytest

from .support import standard_net, transient_terms


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
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    financing = await net.financed(tier1, claim["id"], disburse=False)       # accepted, not yet disbursed
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-financed")
    assert (f"has live financing {financing['id']}: the financier, not the holder, is paid; the holder or "
            f"{bank.uscc} cancels it first (CancelFinancing), as it is not yet disbursed") in message
    assert "WithdrawFinancing" not in message
    # and that is what it takes
    await net.ok(tier1, "CancelFinancing", financing["id"], "to take an early payment")
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"]))["status"] == "SETTLED"


async def test_a_disbursed_financing_is_named_as_one_the_debtor_pays_the_bank_on():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    financing = await net.financed(tier1, claim["id"])
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="receivable-financed")
    assert (f"has live financing {financing['id']}: the financier, not the holder, is paid; {bank.uscc} has "
            "disbursed it, and the debtor pays the bank") in message
    assert "CancelFinancing" not in message and "WithdrawFinancing" not in message


@pytest.mark.parametrize("offer_kind, rule", [
    ("for another claim", "discount-offer-not-for-receivable"),
    ("another debtor's", "discount-offer-not-for-receivable"),
    ("withdrawn", "discount-offer-withdrawn"),
    ("a scale no tier of which is reached", "discount-not-applicable"),
])
async def test_an_offer_the_holder_could_not_take_is_refused_for_itself_not_for_the_open_request(offer_kind, rule):
    # withdrawing the request lapses the banks' offers on it: the advice to withdraw comes only for an offer the
    # holder could then take, or the holder would give up the bank's offer for nothing
    net = await standard_net()
    tier1, core, core2 = (net.actors[k] for k in ("tier1", "core", "core2"))
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    await net.ok(net.actors["bank"], "MakeFinancingOffer", request["id"], transient=transient_terms())
    other = await net.confirmed(tier1, core, 100_000, due_in=60)
    publisher, offer = core, {"apr": "0.05", "expires_on": net.day(10)}
    if offer_kind == "for another claim":
        offer["receivable_ids"] = [other["id"]]
    elif offer_kind == "another debtor's":
        publisher = core2
    elif offer_kind == "a scale no tier of which is reached":
        offer = {"scale": [{"min_days_early": 90, "apr": "0.05"}], "expires_on": net.day(10)}
    published = await net.ok(publisher, "PublishDiscountOffer", offer)
    if offer_kind == "withdrawn":
        await net.ok(core, "WithdrawDiscountOffer", published["id"])
    message = await net.refused(tier1, "AcceptDiscountOffer", published["id"], claim["id"], rule=rule)
    assert "WithdrawFinancing" not in message
    # the request and the bank's offer on it stand
    assert (await net.ok(tier1, "GetFinancing", request["id"], evaluate=True))["status"] == "REQUESTED"
