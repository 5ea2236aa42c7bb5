"""WithdrawFinancing of a financing that has ended (cancelled, repaid, recoursed) is refused saying how and
when it ended and what is left, as a bank's step on it is: it said only that a request not yet accepted can
be withdrawn, leaving the holder of a cancelled one unaware that a new request (RequestFinancing) is its way
on. Of a request already withdrawn (by its holder, or by the debtor's payment from the due date on) it says
what ended it and when, and CancelFinancing of it too: both said only which status the step needs."""

from __future__ import annotations

from .support import standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)
ONLY_A_REQUEST = "only a request not yet accepted can be withdrawn"


async def test_withdrawing_a_cancelled_financing_names_its_cancellation_and_a_new_request():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], disburse=False)
    net.advance(days=2)
    await net.ok(a["tier1"], "CancelFinancing", f["id"], "the money did not come")
    net.advance(days=1)
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert f"financing {f['id']} is CANCELLED: {ONLY_A_REQUEST}: it was cancelled on {net.day(-1)}, before " \
           "any disbursement" in message, message
    assert "new request (RequestFinancing)" in message, message


async def test_withdrawing_a_recoursed_financing_says_when_the_claim_came_back():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 2000_00, due_in=5)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE)
    net.advance(days=6)
    await net.ok(a["bank"], "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE)
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert message.endswith(f"financing {f['id']} is RECOURSED: {ONLY_A_REQUEST}: the claim went back to "
                            f"its holder on {net.today} (ExerciseRecourse), and nothing more is recorded on "
                            "it; the claim is past its due date, so no financing of it follows: its debtor pays "
                            "the holder what it still owes (RecordPayment)"), message


async def test_withdrawing_or_cancelling_a_withdrawn_request_names_the_withdrawal_and_a_new_request():
    # it said only that a request not yet accepted can be withdrawn (or an accepted financing cancelled)
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, _ = await net.offered(a["tier1"], r["id"])
    withdrawn = await net.ok(a["tier1"], "WithdrawFinancing", f["id"])
    net.advance(days=1)
    how = (f"its holder withdrew the request (WithdrawFinancing at {withdrawn['last']['at']}), its open "
           "offers lapsed, and nothing more is recorded on it; a new financing of the claim, if any, starts "
           "with its holder's new request (RequestFinancing)")
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert f"financing {f['id']} is WITHDRAWN: {ONLY_A_REQUEST}: {how}" in message, message
    message = await net.refused(a["tier1"], "CancelFinancing", f["id"], "x", rule="invalid-state")
    assert f"can be cancelled: {how}" in message, message


async def test_withdrawing_a_request_the_payment_ended_says_no_financing_follows():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=5)
    f = await net.ok(a["tier1"], "RequestFinancing", r["id"])
    net.advance(days=6)
    await net.ok(a["core"], "RecordPayment", r["id"], "100000")
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert f"{ONLY_A_REQUEST}: the debtor's payment of the claim, from its due date on, ended the request " \
           "(RecordPayment at " in message, message
    assert message.endswith("no financing follows, as a claim is financed only before its due date"), message
