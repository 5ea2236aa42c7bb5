"""A transfer of a frozen claim its bank has lent on (its financing disbursed) is refused by the loan, as on a claim
not frozen: a disbursed financing ends only once the claim is paid (or taken back, overdue, by recourse), after
which the claim never moves, so no lifting lets it be transferred. Refused ``receivable-frozen``, the holder would
wait for the regulator's lifting only to be refused again. A claim whose financing its holder can still end (a
request, an accepted financing not yet disbursed) is refused by the freeze: the lifting and that end let it move."""

from __future__ import annotations

from .support import standard_net


async def test_a_frozen_claim_lent_on_is_refused_a_transfer_by_its_loan_as_when_not_frozen():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.financed(tier1, r["id"])
    for amount in ("40000", "100000"):   # a split, and the whole claim
        free = await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, amount, rule="receivable-financed")
        await net.ok(reg, "FreezeReceivable", r["id"], f"ORDER-{amount}")
        frozen = await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, amount,
                                   rule="receivable-financed")
        assert frozen == free and "has disbursed it, and the debtor pays the bank" in frozen, frozen
        await net.ok(reg, "UnfreezeReceivable", r["id"], f"LIFT-{amount}", f"ORDER-{amount}")


async def test_a_frozen_claim_whose_financing_can_still_end_is_refused_a_transfer_by_the_freeze():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    requested, accepted = await net.claims_whose_financing_can_still_end(tier1, core, due_in=60)
    for r in (requested, accepted):
        await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
        await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "100000", rule="receivable-frozen")
