"""Refusals that leave a financing stuck name the transaction that moves it on.

From the due date on, an accepted financing can never be disbursed, and until it ends the debtor's payment
is refused too (``financing-in-progress``): the bank's disbursement was refused ``past-maturity`` saying only
that there was nothing to finance, not that the financing must now be cancelled. An offer that expired before
its acceptance blocks its bank's new offer on the request (``offer-already-made``) until the bank withdraws
it: the holder was told only the expiry date.
"""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_a_disbursement_from_the_due_date_on_is_refused_naming_the_cancellation():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    terms = transient_terms()
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], terms=terms, disburse=False)
    net.advance(days=30)   # the due date

    message = await net.refused(bank, "RecordDisbursement", f["id"], transient=terms, rule="past-maturity")
    assert f["id"] in message and "CancelFinancing" in message

    # the way it names is open: the bank cancels, and the debtor pays the holder
    await net.ok(bank, "CancelFinancing", f["id"], "not disbursed by the due date")
    paid = await net.ok(core, "RecordPayment", r["id"], "100000")
    assert (paid["status"], paid["payments"][0]["payee"]) == ("SETTLED", tier1.uscc)


async def test_an_expired_offer_is_refused_naming_how_the_holder_gets_a_new_one():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f, o = await net.offered(tier1, r["id"], terms=transient_terms(expires_on=net.today))
    net.advance(days=1)

    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-expired")
    assert bank.uscc in message and "WithdrawFinancingOffer" in message

    # the way it names is open: the bank withdraws the expired offer and offers again, and the holder accepts
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "expired")
    again = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(salt="t" * 16))
    assert (await net.ok(tier1, "AcceptFinancingOffer", again["id"]))["status"] == "ACCEPTED"
