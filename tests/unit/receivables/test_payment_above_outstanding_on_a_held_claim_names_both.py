"""A payment above what a claim owes is refused ``payment-exceeds-outstanding`` even while a freeze or a financing
holds payments on the claim back, and the refusal names that too: no lifting and no end of the financing makes
such an amount payable, and refused by the freeze alone the debtor waited for the lifting only to be refused
again. Checked before anything the debtor cannot cure itself, on what the payment has read already (the claim,
or the parts of a split claim), so no read is added; a payment within what is owed is refused as before."""

from __future__ import annotations

from .support import standard_net

ORDER = "(2026) Hu 0101 Bao 7"


async def test_a_frozen_claim_refuses_a_payment_above_what_it_owes_naming_the_freeze_too():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(regulator, "FreezeReceivable", r["id"], ORDER)

    said = await net.refused(core, "RecordPayment", r["id"], "100001", rule="payment-exceeds-outstanding")
    assert said == (f"RULE payment-exceeds-outstanding: payment of 1000.01 CNY exceeds the 1000.00 CNY outstanding "
                    f"on {r['id']}: nothing is recorded, as a payment is recorded whole or not at all and the ledger "
                    "keeps no credit above what is owed; pay 1000.00 CNY or less (RecordPayment of 1000.00 CNY "
                    f"(100000 fen) settles it); besides, receivable {r['id']} is frozen by order '{ORDER}': it accepts no change "
                    "until the regulator unfreezes it"), said
    # within what it owes: the freeze alone, as before
    said = await net.refused(core, "RecordPayment", r["id"], "100000", rule="receivable-frozen")
    assert "exceeds" not in said, said
    await net.ok(regulator, "UnfreezeReceivable", r["id"], ORDER + " lifted")
    assert (await net.ok(core, "RecordPayment", r["id"], "100000"))["status"] == "SETTLED"


async def test_a_split_claim_with_a_frozen_part_refuses_a_payment_above_its_parts_naming_the_part():
    net = await standard_net()
    core, tier1, tier2, regulator = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00)
    moved, kept = (await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "40000"))["children"]
    await net.ok(regulator, "FreezeReceivable", moved, ORDER)

    said = await net.refused(core, "RecordPayment", r["id"], "100001", rule="payment-exceeds-outstanding")
    assert said.startswith(f"RULE payment-exceeds-outstanding: payment of 1000.01 CNY exceeds the 1000.00 CNY "
                           f"outstanding on the unpaid parts of {r['id']}: "), said
    assert said.endswith(f"(RecordPayment of 1000.00 CNY (100000 fen) settles them); besides, receivable {moved} is frozen by "
                         f"order '{ORDER}': it accepts no change until the regulator unfreezes it; a payment "
                         f"through {r['id']} is spread over its unpaid parts, {moved} among them, so none is "
                         f"recorded: its other parts {kept} can be paid one by one (RecordPayment on each)"), said


async def test_a_financing_in_progress_refuses_a_payment_above_what_is_owed_naming_the_financing_too():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])

    said = await net.refused(core, "RecordPayment", r["id"], "100001", rule="payment-exceeds-outstanding")
    assert f"settles it); besides, {r['id']} has financing {f['id']} requested" in said, said
    said = await net.refused(core, "RecordPayment", r["id"], "100000", rule="financing-in-progress")
    assert "exceeds" not in said, said


async def test_an_unconfirmed_frozen_claim_is_refused_by_its_status_which_no_lifting_cures():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.registered(tier1, core, 1000_00)
    await net.ok(regulator, "FreezeReceivable", r["id"], ORDER)
    said = await net.refused(core, "RecordPayment", r["id"], "100", rule="invalid-state")
    assert f"cannot record a payment on receivable {r['id']} while it is REGISTERED" in said, said
