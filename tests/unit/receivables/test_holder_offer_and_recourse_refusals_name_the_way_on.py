"""A call on a claim from a party that does not hold it names the holder and whose identity sends it (and, to the
claim's creditor, that it was transferred), an offer on a request no longer open says nothing reopens it, and
recourse refused by the financing's stage, the due date or the bank says what to do, where each named only what
was wrong."""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_not_the_holder_names_the_holder_and_a_transfer():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    confirmed = await net.confirmed(tier1, core)
    claim = confirmed["id"]
    message = await net.refused(tier2, "RequestFinancing", claim, rule="not-the-holder")
    assert message.endswith(f"only its holder may do this, {tier1.uscc}, so the call has to come from an "
                            f"identity acting for {tier1.uscc}"), message
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(confirmed["outstanding"]))
    message = await net.refused(tier1, "RequestFinancing", claim, rule="not-the-holder")
    assert message.endswith(f"acting for {tier2.uscc}; {tier1.uscc} registered it and it was transferred since "
                            f"(GetProvenance {claim} shows to whom)"), message


async def test_an_offer_on_an_ended_request_says_nothing_reopens_it():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    f = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core))["id"])
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], rule="invalid-state",
                                transient=transient_terms())
    assert message.endswith("offers are made only on open requests, and nothing reopens one; the holder makes a "
                            "new request (RequestFinancing) if it still wants financing"), message


async def test_recourse_refusals_name_the_way_on():
    net = await standard_net()
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    claim = await net.confirmed(tier1, core, due_in=5)
    terms = transient_terms(recourse=True)
    accepted = await net.financed(tier1, claim["id"], terms=terms, disburse=False)
    message = await net.refused(bank, "DemandRecourse", accepted["id"], "unpaid", rule="invalid-state",
                                transient=terms)
    assert message.endswith("an accepted one is disbursed first (RecordDisbursement); a repaid, recoursed or "
                            "ended one has nothing left to recourse (GetFinancing shows how it ended)"), message
    await net.ok(bank, "RecordDisbursement", accepted["id"], transient=terms)
    message = await net.refused(bank, "DemandRecourse", accepted["id"], "unpaid", rule="not-yet-due",
                                transient=terms)
    assert message.endswith(f"so call on it from the day after {claim['due_date']} if the debtor has not paid "
                            "by then"), message
    message = await net.refused(bank2, "ExerciseRecourse", accepted["id"], "unpaid", rule="not-the-financier",
                                transient=terms)
    assert message.endswith("only the bank whose offer was accepted may do this, from an identity acting for "
                            "it; check the financing id"), message
