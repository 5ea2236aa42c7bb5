"""A payment above what a claim owes is refused naming what to do: how much is outstanding and on what, that
nothing of the payment is recorded (no credit is kept for the excess), and the payment that settles the claim, in
yuan and in the integer fen RecordPayment takes (a caller who sent "700.00" as shown was refused again), which
then, sent as named, does."""

from __future__ import annotations

from .support import standard_net


async def test_a_payment_above_a_claims_outstanding_names_the_payment_that_settles_it():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(core, "RecordPayment", r["id"], "30000")

    message = await net.refused(core, "RecordPayment", r["id"], "100000", rule="payment-exceeds-outstanding")
    assert message == (f"RULE payment-exceeds-outstanding: payment of 1000.00 CNY exceeds the 700.00 CNY "
                       f"outstanding on {r['id']}: nothing is recorded, as a payment is recorded whole or not at "
                       "all and the ledger keeps no credit above what is owed; pay 700.00 CNY or less "
                       "(RecordPayment of 700.00 CNY (70000 fen) settles it)")

    assert (await net.ok(core, "RecordPayment", r["id"], "70000"))["status"] == "SETTLED"


async def test_a_payment_above_a_split_claims_unpaid_parts_names_them_and_the_payment_that_settles_them():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    split = await net.confirmed(tier1, core, 1000_00)
    transferred, kept = (await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "40000"))["children"]
    await net.ok(core, "RecordPayment", transferred, "10000")

    message = await net.refused(core, "RecordPayment", split["id"], "90001", rule="payment-exceeds-outstanding")
    assert message == (f"RULE payment-exceeds-outstanding: payment of 900.01 CNY exceeds the 900.00 CNY "
                       f"outstanding on the unpaid parts of {split['id']}: nothing is recorded, as a payment is "
                       "recorded whole or not at all and the ledger keeps no credit above what is owed; pay "
                       "900.00 CNY or less (RecordPayment of 900.00 CNY (90000 fen) settles them)")

    paid = await net.ok(core, "RecordPayment", split["id"], "90000")
    assert {a["receivable_id"]: a["outstanding"] for a in paid["allocations"]} == {transferred: 0, kept: 0}
