"""CancelFinancing by a bank whose offer on the request is still open (the holder has not accepted it) is
refused not-the-financier naming that offer and its withdrawal (WithdrawFinancingOffer): it only said the
bank was not the financier, leaving it to guess that its offer was never accepted."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_cancelling_a_request_with_the_banks_open_offer_names_the_offer_and_its_withdrawal():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"])
    message = await net.refused(a["bank"], "CancelFinancing", f["id"], "credit line withdrawn",
                                rule="not-the-financier")
    assert f"has not accepted its open offer {o['id']} on request {f['id']}" in message, message
    assert "WithdrawFinancingOffer" in message, message
    # the way the refusal names works: the offer is withdrawn and the request stays open for the holder
    withdrawn = await net.ok(a["bank"], "WithdrawFinancingOffer", o["id"], "credit line withdrawn")
    assert withdrawn["status"] == "WITHDRAWN"


async def test_a_bank_with_no_open_offer_on_the_request_is_refused_as_before():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"])
    # another bank, and the bank once its offer is withdrawn, have no offer to name
    for bank in (a["bank2"], a["bank"]):
        if bank is a["bank"]:
            await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms revised")
        message = await net.refused(bank, "CancelFinancing", f["id"], "x", rule="not-the-financier")
        assert "only the bank whose offer was accepted" in message and "WithdrawFinancingOffer" not in message


async def test_a_bank_whose_offer_lost_to_another_is_refused_as_before():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, _ = await net.offered(a["tier1"], r["id"])
    winner = await net.ok(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="w" * 16))
    await net.ok(a["tier1"], "AcceptFinancingOffer", winner["id"])
    message = await net.refused(a["bank"], "CancelFinancing", f["id"], "x", rule="not-the-financier")
    assert "WithdrawFinancingOffer" not in message, message
