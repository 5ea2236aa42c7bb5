"""A bank's step on a financing request it has made an offer on, not yet accepted, is refused
not-the-financier naming its open offer: a disbursement, repayment or recourse names the holder's acceptance
(AcceptFinancingOffer) that would make it the financier, where it said to check the financing id, which was the
right one; a cancellation names the offer's withdrawal (WithdrawFinancingOffer), where it only said the bank was
not the financier. A bank with no open offer there is refused as before."""

from __future__ import annotations

import pytest

from .support import standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)
# each step, its arguments after the financing id, and what its refusal names of the open offer
STEPS = (("RecordDisbursement", (), {"transient": WITH_RECOURSE}, "AcceptFinancingOffer"),
         ("RecordRepayment", (), {}, "AcceptFinancingOffer"),
         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}, "AcceptFinancingOffer"),
         ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE}, "AcceptFinancingOffer"),
         ("CancelFinancing", ("credit line withdrawn",), {}, "WithdrawFinancingOffer"))


async def test_a_step_on_a_request_with_the_banks_open_offer_names_that_offer_and_the_way_on():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"], terms=WITH_RECOURSE)
    for fn, args, kw, way_on in STEPS:
        message = await net.refused(a["bank"], fn, f["id"], *args, rule="not-the-financier", **kw)
        assert f"has not accepted its open offer {o['id']} on request {f['id']}" in message, (fn, message)
        assert way_on in message and "check the financing id" not in message, (fn, message)
    # the way a cancellation's refusal names works: the offer is withdrawn and the request stays open
    withdrawn = await net.ok(a["bank"], "WithdrawFinancingOffer", o["id"], "credit line withdrawn")
    assert withdrawn["status"] == "WITHDRAWN"


@pytest.mark.parametrize("fn, args, kw, said", [
    ("RecordDisbursement", (), {"transient": transient_terms()}, "check the financing id"),
    ("CancelFinancing", ("x",), {}, "only the bank whose offer was accepted"),
])
async def test_a_bank_with_no_open_offer_on_the_request_is_refused_as_before(fn, args, kw, said):
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"])
    # another bank, and the bank once its offer is withdrawn, have no offer to name
    for bank in (a["bank2"], a["bank"]):
        if bank is a["bank"]:
            await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms revised")
        message = await net.refused(bank, fn, f["id"], *args, rule="not-the-financier", **kw)
        assert said in message and "has not accepted its open offer" not in message, message


async def test_a_bank_whose_offer_lost_to_another_is_refused_a_cancellation_as_before():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, _ = await net.offered(a["tier1"], r["id"])
    winner = await net.ok(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="w" * 16))
    await net.ok(a["tier1"], "AcceptFinancingOffer", winner["id"])
    message = await net.refused(a["bank"], "CancelFinancing", f["id"], "x", rule="not-the-financier")
    assert "WithdrawFinancingOffer" not in message, message
