"""A repayment or recourse of an accepted financing never disbursed, once its claim is due, is refused
(invalid-state) naming the cancellation: from the due date on the financing can no longer be disbursed
(past-maturity), and only CancelFinancing ends it. The refusal sent the bank to disburse first
(RecordDisbursement), the one step then refused for good."""

from __future__ import annotations

from .support import standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)


async def test_repayment_and_recourse_of_an_undisbursed_financing_past_due_name_the_cancellation():
    net = await standard_net()
    a = net.actors
    bank = a["bank"]
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=5)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE, disburse=False)
    before_due = await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=WITH_RECOURSE,
                                   rule="invalid-state")
    assert "an accepted one is disbursed first (RecordDisbursement)" in before_due  # still its way on

    net.advance(days=6)
    await net.refused(bank, "RecordDisbursement", f["id"], transient=WITH_RECOURSE, rule="past-maturity")
    for fn, args, kw in (("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
                         ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
                         ("RecordRepayment", (), {})):
        message = await net.refused(bank, fn, f["id"], *args, rule="invalid-state", **kw)
        assert f"financing {f['id']} is ACCEPTED and was never disbursed" in message, (fn, message)
        assert f"from its claim's due date {r['due_date']} on it can no longer be" in message, (fn, message)
        assert "end it with CancelFinancing" in message and "RecordDisbursement" not in message, (fn, message)
    cancelled = await net.ok(bank, "CancelFinancing", f["id"], "not disbursed by the due date")
    assert cancelled["status"] == "CANCELLED"
