"""AcceptDiscountOffer refuses a claim past its due date, or settled, for that (past-maturity, invalid-state)
before naming its financing, as TransferReceivable does (lifecycle.ensure_actionable_but_for_financing).

The financing was checked first: a claim whose accepted financing waits on its bank was refused
receivable-financed at or after its due date, and a holder that cancelled the financing for it was then
refused past-maturity; a claim paid in full to its bank was told the financier is paid, not that it is
settled.
"""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_a_claim_past_its_due_date_is_refused_past_maturity_though_its_financing_is_accepted():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=10)
    financing = await net.financed(tier1, claim["id"], disburse=False)   # accepted, not yet disbursed
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    net.advance(days=10)   # the due date

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="past-maturity")
    assert f"fell due on {claim['due_date']}: cannot discount it on or after maturity" in message, message
    assert "financ" not in message, message
    # cancelling the financing, which the refusal used to point at, frees nothing
    await net.ok(tier1, "CancelFinancing", financing["id"], "to take an early payment")
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="past-maturity")


async def test_a_claim_paid_in_full_to_its_bank_is_refused_as_settled():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.financed(tier1, claim["id"], terms=transient_terms())
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    await net.ok(core, "RecordPayment", claim["id"], "100000")   # to the bank; its repayment not yet recorded

    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], rule="invalid-state")
    assert "cannot discount receivable" in message and "while it is SETTLED" in message, message
    assert "the financier, not the holder, is paid" not in message, message
