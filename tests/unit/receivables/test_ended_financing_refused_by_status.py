"""A change of a financing that has ended (cancelled, repaid, recoursed) is refused by the financing's status,
frozen claim or not: its bank left the claim and reads it no more, so a refusal naming a freeze ordered since
would tell it the claim is frozen and by which court order, and send it to wait for a lifting after which the
change is refused all the same. A live financing's changes are still refused by the freeze first, but a
disbursed one's cancellation, which no lifting would allow, and an accepted one's repayment or recourse from
its claim's due date on, when no lifting lets it be disbursed: refused naming the cancellation."""

from __future__ import annotations

from .support import Net, standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)
ORDER = "(2026)沪0101财保7号"


async def _bank_refused_by_status(net: Net, financing_id: str) -> None:
    """Every change the bank may send on its financing is refused invalid-state, none naming the freeze."""
    bank = net.actors["bank"]
    for fn, args, kw in (("RecordDisbursement", (), {"transient": WITH_RECOURSE}),
                         ("RecordRepayment", (), {}), ("CancelFinancing", ("again",), {}),
                         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
                         ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE})):
        message = await net.refused(bank, fn, financing_id, *args, rule="invalid-state", **kw)
        assert ORDER not in message and "frozen" not in message, (fn, message)


async def test_a_cancelled_financings_bank_learns_nothing_of_a_freeze_of_the_claim_it_left():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE, disburse=False)
    await net.ok(a["bank"], "CancelFinancing", f["id"], "will not advance")
    await net.ok(a["tier1"], "TransferReceivable", r["id"], a["tier2"].uscc, "100000")
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], ORDER)
    await net.refused(a["bank"], "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    await _bank_refused_by_status(net, f["id"])


async def test_a_recoursed_financings_bank_learns_nothing_of_a_freeze_of_the_claim_it_gave_back():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE)
    net.advance(days=31)
    await net.ok(a["bank"], "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE)
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], ORDER)
    await _bank_refused_by_status(net, f["id"])
    # the holder, still a party, is told the financing is over too, not to wait for the lifting
    await net.refused(a["tier1"], "CancelFinancing", f["id"], "x", rule="invalid-state")


async def test_a_live_financing_on_a_frozen_claim_is_still_refused_by_the_freeze():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE)
    net.advance(days=31)   # past the due date: recourse before it is refused not-yet-due, which no lifting cures
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], ORDER)
    for fn, args, kw in (("RecordRepayment", (), {}),
                         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE})):
        await net.refused(a["bank"], fn, f["id"], *args, rule="receivable-frozen", **kw)


async def test_cancelling_a_disbursed_financing_on_a_frozen_claim_is_refused_as_disbursed_not_as_frozen():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE)
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], ORDER)
    for who in ("tier1", "bank"):
        await net.refused(a[who], "CancelFinancing", f["id"], "x", rule="financing-disbursed")


async def test_an_accepted_financing_past_due_on_a_frozen_claim_is_refused_naming_the_cancellation():
    # its repayment or recourse was refused receivable-frozen, sending the bank to wait for a lifting after
    # which the same step is refused all the same: from the due date on it can never be disbursed
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE, disburse=False)
    net.advance(days=31)
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], ORDER)
    for fn, args, kw in (("RecordRepayment", (), {}),
                         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
                         ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE})):
        message = await net.refused(a["bank"], fn, f["id"], *args, rule="invalid-state", **kw)
        assert f"from its claim's due date {r['due_date']} on it can no longer be" in message, (fn, message)
        assert "end it with CancelFinancing" in message and "frozen" not in message, (fn, message)
    # before the due date the lifting lets the bank disburse, so the freeze is what it waits on
    net2 = await standard_net()
    b = net2.actors
    r2 = await net2.confirmed(b["tier1"], b["core"], 1000_00, due_in=30)
    f2 = await net2.financed(b["tier1"], r2["id"], disburse=False)
    await net2.ok(b["regulator"], "FreezeReceivable", r2["id"], ORDER)
    await net2.refused(b["bank"], "RecordRepayment", f2["id"], rule="receivable-frozen")
