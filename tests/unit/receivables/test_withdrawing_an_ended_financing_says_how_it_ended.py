"""WithdrawFinancing of a financing that has ended (cancelled, repaid, recoursed) is refused saying how and
when it ended and what is left, as a bank's step on it is: it said only that a request not yet accepted can
be withdrawn, leaving the holder of a cancelled one unaware that a new request (RequestFinancing) is its way
on."""

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
                            "it"), message
