"""What RecordPayment's refusals tell the debtor, and business dates at the edge of the calendar.

A refusal names the rule broken and what to do next: an accepted financing past its due date can no longer be
disbursed, so waiting for the disbursement is no way out; a split claim whose every part is settled is refused
as a settled claim is, not as a payment above nothing outstanding. A proposal stamped so late on 9999-12-31 UTC
that it is year 10000 in Beijing is refused as the runtime refuses any timestamp outside the calendar.
"""

from __future__ import annotations

from .support import standard_net, transient_terms


async def test_an_accepted_financing_refuses_the_payment_naming_the_way_out_that_is_still_open():
    """Before the due date the bank may still disburse; from the due date on (RecordDisbursement refused
    past-maturity) only cancelling the financing lets the debtor pay, and the refusal says only that."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000, due_in=3)
    f = await net.financed(tier1, r["id"], disburse=False)
    accepted = f"{r['id']} has financing {f['id']} accepted by {bank.uscc}, not yet disbursed"

    net.advance(days=2)
    assert net.today < r["due_date"]
    message = await net.refused(core, "RecordPayment", r["id"], "1000", rule="financing-in-progress")
    assert message == (f"RULE financing-in-progress: {accepted}: pay after disbursement (to the financier) or once "
                       "the holder or the bank cancels it (CancelFinancing)")

    net.advance(days=1)
    assert net.today == r["due_date"]
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(), rule="past-maturity")
    for _ in range(2):   # on the due date, and after it
        message = await net.refused(core, "RecordPayment", r["id"], "1000", rule="financing-in-progress")
        assert message == (f"RULE financing-in-progress: {accepted}, and from its due date {r['due_date']} on the "
                           "bank can no longer disburse it: pay once the holder or the bank cancels it "
                           "(CancelFinancing)")
        net.advance(days=1)

    await net.ok(tier1, "CancelFinancing", f["id"], "not disbursed by the due date")
    assert (await net.ok(core, "RecordPayment", r["id"], "1000"))["status"] == "SETTLED"
