"""A payment through a split claim one part's financing holds back (accepted and not yet disbursed, or
requested, before the due date) is refused whole, as the payment is spread over every part: the refusal names
the claim's other parts, which the debtor pays one by one, as it does for a part frozen. From the due date on
the payment ends that financing instead (test_payment_ends_an_accepted_financing_at_maturity.py)."""

from __future__ import annotations

from .support import standard_net


async def test_a_payment_a_parts_financing_holds_back_names_the_parts_paid_one_by_one():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "40000")
    transferred, kept = f"{r['id']}.1", f"{r['id']}.2"
    await net.financed(tier2, transferred, disburse=False)   # accepted, not yet disbursed
    for days in (0, 29):   # on the day it is accepted, and on the day before the due date
        net.advance(days)
        message = await net.refused(core, "RecordPayment", r["id"], "10000", rule="financing-in-progress")
        assert f"{transferred} has financing" in message
        assert (f"its other parts {kept} can be paid one by one (RecordPayment on each)") in message
    paid = await net.ok(core, "RecordPayment", kept, "60000")
    assert paid["status"] == "SETTLED"
