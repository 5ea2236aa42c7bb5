"""A second financing request on a claim names the live financing and what ends it at its stage, and an offer
whose expiry has gone by says which expiry to give, where both refusals named only what was wrong."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_a_second_request_names_the_live_financing_and_what_ends_it():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = (await net.confirmed(tier1, core))["id"]
    f = await net.ok(tier1, "RequestFinancing", claim)
    message = await net.refused(tier1, "RequestFinancing", claim, rule="financing-already-live")
    assert (f"already has live financing {f['id']} (GetFinancing {f['id']} shows it): at most one per receivable, "
            "so a new request waits until it ends; its holder withdraws the request first (WithdrawFinancing)"
            ) in message, message
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    message = await net.refused(tier1, "RequestFinancing", claim, rule="financing-already-live")
    assert message.endswith(f"the holder or {bank.uscc} cancels it first (CancelFinancing), as it is not yet "
                            "disbursed"), message


async def test_an_offer_expiring_before_today_says_which_expiry_to_give():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    f = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core))["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], rule="offer-expired",
                                transient=transient_terms(expires_on=net.day(-1)))
    assert message.endswith(f"before today {net.today}: give an expires_on of today or later, the last day the "
                            "holder may accept it"), message
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(expires_on=net.today))
