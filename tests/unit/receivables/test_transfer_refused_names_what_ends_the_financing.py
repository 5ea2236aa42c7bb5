"""A transfer of a claim with a live financing is refused naming what ends the financing at its stage.

The refusal said "settle or withdraw the financing first" whatever the stage: WithdrawFinancing ends only a
request no offer of which was accepted, and refuses an accepted or disbursed financing, so a holder that took
the advice was refused again.
"""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_each_stage_of_the_financing_names_its_own_way_out():
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    terms = transient_terms()
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)

    f, o = await net.offered(tier1, r["id"], terms=terms)
    requested = await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "100000",
                                  rule="receivable-financed")
    assert "WithdrawFinancing" in requested and "CancelFinancing" not in requested

    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    accepted = await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "100000",
                                 rule="receivable-financed")
    assert "CancelFinancing" in accepted and "WithdrawFinancing" not in accepted
    # the way it names is open to the holder
    await net.refused(tier1, "WithdrawFinancing", f["id"], rule="invalid-state")

    await net.ok(bank, "RecordDisbursement", f["id"], transient=terms)
    disbursed = await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "100000",
                                  rule="receivable-financed")
    assert "disbursed" in disbursed and "Withdraw" not in disbursed and "CancelFinancing" not in disbursed
