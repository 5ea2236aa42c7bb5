"""WithdrawFinancingOffer of an offer the holder accepted names CancelFinancing only for a financing not yet
disbursed: it told the bank to cancel a financing it had disbursed, or even been repaid on, which
CancelFinancing then refused (financing-disbursed, invalid-state)."""

from __future__ import annotations

from .support import standard_net


async def test_an_accepted_offer_of_a_disbursed_or_repaid_financing_is_not_sent_to_cancellation_alone():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"])
    await net.ok(a["bank"], "RecordRepayment", f["id"])
    message = await net.refused(a["bank"], "WithdrawFinancingOffer", f["accepted_offer_id"], "terms revised",
                                rule="invalid-state")
    assert "if not yet disbursed" in message and "repayment" in message, message
    assert "end financing" not in message, message
