"""An offer the holder may no longer accept (withdrawn by its bank, accepted already, or on a request that has
ended) is refused naming the financing and what the holder can do, where the refusal named only the two
statuses."""

from __future__ import annotations

from .support import assert_told_to_request_again, standard_net, transient_terms


async def test_an_offer_not_open_names_what_the_holder_can_do():
    net = await standard_net()
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    claim = (await net.confirmed(tier1, core))["id"]
    f, o = await net.offered(tier1, claim)
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms repriced")
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="invalid-state")
    assert message.endswith(f"offer {o['id']} is WITHDRAWN on financing REQUESTED: only an open offer on "
                            f"an open request can be accepted; ask {bank.uscc} for a new offer, or accept "
                            f"another bank's open offer on {f['id']}"), message

    o2 = await net.ok(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", o2["id"])
    message = await net.refused(tier1, "AcceptFinancingOffer", o2["id"], transient=transient_terms(),
                                rule="invalid-state")
    assert message.endswith(f"it was accepted already, and nothing is to be done (GetFinancing {f['id']} "
                            "shows the deal)"), message


async def test_an_offer_on_an_ended_request_says_to_request_again():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.confirmed(tier1, core))["id"]
    f, o = await net.offered(tier1, claim)
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    await assert_told_to_request_again(net, tier1, claim, f["id"], o["id"])
