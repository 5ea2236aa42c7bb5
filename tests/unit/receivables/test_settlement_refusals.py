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


async def test_a_split_claim_whose_every_part_is_settled_is_refused_as_a_settled_claim_is():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    whole = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(core, "RecordPayment", whole["id"], "1000")
    await net.refused(core, "RecordPayment", whole["id"], "1", rule="invalid-state")

    split = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "400")
    await net.ok(core, "RecordPayment", split["id"] + ".1", "400")    # one part paid alone
    # while a part is payable, a payment above what it owes is still refused as such
    await net.refused(core, "RecordPayment", split["id"], "601", rule="payment-exceeds-outstanding")
    await net.ok(core, "RecordPayment", split["id"], "600")           # the other through the root
    for amount in ("1", "1000"):
        message = await net.refused(core, "RecordPayment", split["id"], amount, rule="invalid-state")
        assert message == (f"RULE invalid-state: cannot record a payment on receivable {split['id']} while it is "
                           "SPLIT and every part of it is SETTLED: nothing is left to pay on it (a payment reaches "
                           "only a part CONFIRMED or FINANCED or OVERDUE)")
