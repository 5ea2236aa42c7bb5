"""A transfer that ending the claim's financing would not let through is refused for what stops it, not
sent to end the financing.

A claim past its due date, or settled (paid in full to its bank, whose repayment record is still to come),
was refused receivable-financed, naming WithdrawFinancing, CancelFinancing or the debtor's payment to the bank
as the way out: a holder that ended its financing so was refused again (past-maturity), and a claim paid in
full was told the debtor still pays.
"""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_a_claim_past_its_due_date_is_refused_past_maturity_whatever_stage_its_financing_is_at():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    requested = await net.confirmed(tier1, core, 1000_00, due_in=10)
    f = await net.ok(tier1, "RequestFinancing", requested["id"])
    accepted = await net.confirmed(tier1, core, 1000_00, due_in=10)
    await net.financed(tier1, accepted["id"], disburse=False)
    net.advance(days=10)   # the due date

    for claim in (requested, accepted):
        refused = await net.refused(tier1, "TransferReceivable", claim["id"], tier2.uscc, "100",
                                    rule="past-maturity")
        assert "Financing" not in refused
    # ending the request, as the refusal used to advise, frees nothing
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    await net.refused(tier1, "TransferReceivable", requested["id"], tier2.uscc, "100", rule="past-maturity")


async def test_a_claim_paid_in_full_to_its_bank_is_refused_as_settled():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    terms = transient_terms()
    claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.financed(tier1, claim["id"], terms=terms)
    await net.ok(core, "RecordPayment", claim["id"], "100000")   # to the bank; its repayment not yet recorded

    refused = await net.refused(tier1, "TransferReceivable", claim["id"], tier2.uscc, "100",
                                rule="invalid-state")
    assert "while it is SETTLED" in refused and "pays the bank" not in refused
