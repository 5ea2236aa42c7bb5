"""A bank's step on a financing request it has made an offer on, not yet accepted, is refused
not-the-financier naming its open offer and the holder's acceptance (AcceptFinancingOffer) that would make
it the financier: it said to check the financing id, which was the right one."""

from __future__ import annotations

from .support import standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)
STEPS = (("RecordDisbursement", (), {"transient": WITH_RECOURSE}), ("RecordRepayment", (), {}),
         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE}),
         ("ExerciseRecourse", ("unpaid",), {"transient": WITH_RECOURSE}))


async def test_a_step_on_a_request_with_the_banks_open_offer_names_the_holders_acceptance():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"], terms=WITH_RECOURSE)
    for fn, args, kw in STEPS:
        message = await net.refused(a["bank"], fn, f["id"], *args, rule="not-the-financier", **kw)
        assert f"has not accepted its open offer {o['id']} on request {f['id']}" in message, (fn, message)
        assert "AcceptFinancingOffer" in message and "check the financing id" not in message, (fn, message)


async def test_a_bank_with_no_open_offer_on_the_request_is_still_told_to_check_the_id():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"])
    for bank in (a["bank2"], a["bank"]):
        if bank is a["bank"]:
            await net.ok(bank, "WithdrawFinancingOffer", o["id"], "terms revised")
        message = await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(),
                                    rule="not-the-financier")
        assert "check the financing id" in message and "AcceptFinancingOffer" not in message, message
