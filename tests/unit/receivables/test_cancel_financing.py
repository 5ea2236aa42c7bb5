"""CancelFinancing: an accepted financing the bank has not disbursed ends, and the claim is a confirmed claim again.

Without it such a financing would stand until the due date, from which on the bank may no longer disburse and
the debtor's payment ends it (RecordPayment): the debtor may not pay before disbursement and the holder may
withdraw only a request not yet accepted.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import BANK, CORE, SUPPLIER, Net, standard_net, terms, transient_terms


async def _accepted(net: Net, *, due_in: int = 30, bank: str = "bank") -> tuple[dict, dict, dict]:
    """A confirmed claim of tier1 on core whose financing by ``bank`` is accepted, not disbursed: claim, financing, offer."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors["core"], 1000, due_in=due_in)
    f, o = await net.offered(tier1, r["id"], net.actors[bank])
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    return r, f, o


async def test_the_holder_ends_a_financing_stuck_past_maturity_and_the_claim_is_confirmed_again():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _accepted(net)
    net.advance(days=31)
    # the holder's other ways out are closed (the debtor's payment would end it too)
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(), rule="past-maturity")
    await net.refused(tier1, "WithdrawFinancing", f["id"], rule="invalid-state")

    result = await net.call(tier1, "CancelFinancing", f["id"], "  not disbursed by the due date ")
    assert result.status == 200, result.message
    cancelled = json.loads(result.payload)
    assert (cancelled["status"], cancelled["cancelled_on"], cancelled["cancellation_reason"]) == \
        ("CANCELLED", net.today, "not disbursed by the due date")
    assert (cancelled["last"]["action"], cancelled["last"]["by"]) == ("CancelFinancing", tier1.uscc)
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "FinancingCancelled" and payload == {
        "event": "FinancingCancelled", "receivable_id": r["id"], "tx_id": result.tx_id, "financing_id": f["id"],
        "financier": bank.uscc, "by": tier1.uscc, "reason": "not disbursed by the due date", "status": "CONFIRMED"}

    doc = net.doc(r["id"])
    assert (doc["status"], doc["financing_id"], doc["financier"], doc["financier_msp"], doc["notice_id"]) == \
        ("CONFIRMED", None, None, None, None)
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]  # the bank's org is no longer needed to change the claim
    assert net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"]) not in net.ledger.state
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert (exposure["exposure"], exposure["financings"]) == ({}, [])
    # the accepted offer and its private terms stay as they were, for the record
    assert await net.ok(tier1, "GetOfferTerms", o["id"], evaluate=True) == terms()
    assert [x["status"] for x in (await net.ok(tier1, "GetFinancing", f["id"], evaluate=True))["offers"]] == ["ACCEPTED"]
    await net.refused(tier1, "CancelFinancing", f["id"], "again", rule="invalid-state")

    # a confirmed claim past its due date: marked overdue (by its holder: the bank left it), then paid to the holder
    await net.refused(bank, "RecordOverdue", r["id"], rule="not-a-party-to-claim")
    assert (await net.ok(tier1, "RecordOverdue", r["id"]))["status"] == "OVERDUE"
    paid = await net.ok(core, "RecordPayment", r["id"], "1000")
    assert (paid["status"], paid["payments"][0]["payee"], paid["payments"][0]["late"]) == ("SETTLED", tier1.uscc, True)


async def test_the_bank_ends_it_before_maturity_and_the_claim_is_financed_again_or_transferred():
    net = await standard_net()
    core, tier1, tier2, bank, bank2 = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2"))
    r, f, o = await _accepted(net, due_in=60)
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE, SUPPLIER]
    cancelled = await net.ok(bank, "CancelFinancing", f["id"], "credit line withdrawn")
    assert (cancelled["status"], cancelled["last"]["by"]) == ("CANCELLED", bank.uscc)
    # the bank is no party to the claim any more; its own offer's terms it still reads
    await net.refused(bank, "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    assert await net.ok(bank, "GetOfferTerms", o["id"], evaluate=True) == terms()
    assert (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["status"] == "CANCELLED"

    # financed again, by another bank
    again = await net.ok(tier1, "RequestFinancing", r["id"])
    assert again["id"] != f["id"] and net.doc(r["id"])["financing_id"] == again["id"]
    o2 = await net.ok(bank2, "MakeFinancingOffer", again["id"], transient=transient_terms(salt="t" * 16))
    await net.ok(tier1, "AcceptFinancingOffer", o2["id"])
    assert (net.doc(r["id"])["status"], net.doc(r["id"])["financier"]) == ("FINANCED", bank2.uscc)
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE, SUPPLIER]
    await net.refused(bank, "CancelFinancing", again["id"], "not mine", rule="not-the-financier")

    # or transferred, once that one is cancelled too
    await net.ok(tier1, "CancelFinancing", again["id"], "a better price elsewhere")
    split = await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    assert [c["holder"] for c in split["children_records"]] == [tier2.uscc, tier1.uscc]


async def test_an_overdue_claim_stays_overdue_when_its_financing_is_cancelled():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, _ = await _accepted(net)
    net.advance(days=31)
    assert (await net.ok(tier1, "RecordOverdue", r["id"]))["status"] == "OVERDUE"
    assert net.doc(r["id"])["financing_id"] == f["id"]
    result = await net.call(bank, "CancelFinancing", f["id"], "will not disburse a claim past due")
    assert result.status == 200, result.message
    assert json.loads(result.event[1])["status"] == "OVERDUE"
    doc = net.doc(r["id"])
    assert (doc["status"], doc["financing_id"], doc["financier"]) == ("OVERDUE", None, None)
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]
    stats = await net.ok(net.actors["regulator"], "GetStatistics", evaluate=True)
    assert stats["per_debtor"][core.uscc]["CNY"]["financed"] == 0
    paid = await net.ok(core, "RecordPayment", r["id"], "1000")
    assert paid["payments"][0]["payee"] == tier1.uscc


async def test_only_an_accepted_undisbursed_financing_of_an_unfrozen_claim_is_cancelled():
    net = await standard_net()
    core, tier1, tier2, bank, bank2, reg = (
        net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2", "regulator"))
    r, f, _ = await _accepted(net)

    # who: the holder and the accepted bank only
    await net.refused(core, "CancelFinancing", f["id"], "x", rule="role-not-permitted")
    await net.refused(reg, "CancelFinancing", f["id"], "x", rule="role-not-permitted")
    await net.refused(tier2, "CancelFinancing", f["id"], "x", rule="not-the-holder")
    await net.refused(bank2, "CancelFinancing", f["id"], "x", rule="not-the-financier")
    await net.refused(tier1, "CancelFinancing", "F-0000000000000000", "x", rule="not-found")
    # what: a reason of 1 to 500 characters
    await net.refused(tier1, "CancelFinancing", f["id"], "   ", rule="argument-invalid")
    await net.refused(tier1, "CancelFinancing", f["id"], "x" * 501, rule="argument-invalid")
    # a frozen claim accepts no change
    await net.ok(reg, "FreezeReceivable", r["id"], "order-1")
    await net.refused(tier1, "CancelFinancing", f["id"], "x", rule="receivable-frozen")
    await net.refused(bank, "CancelFinancing", f["id"], "x", rule="receivable-frozen")
    await net.ok(reg, "UnfreezeReceivable", r["id"], "lift-1")

    # disbursed: repayment is the way out
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    for who in (tier1, bank):
        message = await net.refused(who, "CancelFinancing", f["id"], "x", rule="financing-disbursed")
        assert "RecordRepayment" in message

    # a request not yet accepted is withdrawn, not cancelled; a withdrawn one is over
    requested = await net.confirmed(tier1, core, 1000)
    f2 = await net.ok(tier1, "RequestFinancing", requested["id"])
    message = await net.refused(tier1, "CancelFinancing", f2["id"], "x", rule="invalid-state")
    assert "WithdrawFinancing" in message
    await net.ok(tier1, "WithdrawFinancing", f2["id"])
    await net.refused(tier1, "CancelFinancing", f2["id"], "x", rule="invalid-state")

    # repaid: over as well
    net.advance(days=30)
    await net.ok(bank, "RecordRepayment", f["id"])
    await net.refused(bank, "CancelFinancing", f["id"], "x", rule="invalid-state")
