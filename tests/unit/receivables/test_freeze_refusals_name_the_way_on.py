"""A bank's step on a financing that no lifting of a freeze would let through (a disbursement from the claim's
due date on, a disbursed financing disbursed again) is refused by that on a frozen claim too, where it said
receivable-frozen and sent the bank to wait for a lifting after which the step was refused all the same; a
step the lifting lets through (a repayment before the disbursement it follows) is refused by the freeze still."""

from __future__ import annotations

from .support import standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)


async def _refused_the_same_frozen_or_not(net, rid: str, actor, fn: str, *args, rule: str, says: str,
                                          **kw) -> None:
    reg = net.actors["regulator"]
    await net.ok(reg, "FreezeReceivable", rid, "ORDER-A")
    frozen = await net.refused(actor, fn, *args, rule=rule, **kw)
    await net.ok(reg, "UnfreezeReceivable", rid, "LIFT-A")
    assert says in frozen and frozen == await net.refused(actor, fn, *args, rule=rule, **kw), frozen


async def test_a_disbursement_past_the_due_date_is_refused_by_that_on_a_frozen_claim():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=5)
    f = await net.financed(a["tier1"], r["id"], disburse=False)
    net.advance(days=6)
    await _refused_the_same_frozen_or_not(net, r["id"], a["bank"], "RecordDisbursement", f["id"],
                                          transient=transient_terms(), rule="past-maturity",
                                          says=f"financing {f['id']} can no longer be disbursed; end it with "
                                               "CancelFinancing")


async def test_a_disbursed_financing_disbursed_again_is_refused_by_its_status_on_a_frozen_claim():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"])
    await _refused_the_same_frozen_or_not(net, r["id"], a["bank"], "RecordDisbursement", f["id"],
                                          transient=transient_terms(), rule="invalid-state",
                                          says="is DISBURSED: disbursement follows acceptance, once")


async def test_a_step_the_lifting_lets_through_is_still_refused_by_the_freeze():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f = await net.financed(a["tier1"], r["id"], terms=WITH_RECOURSE, disburse=False)
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], "ORDER-A")
    # accepted, the financing is disbursed once the freeze is lifted, and repaid or recoursed after
    for fn, args, kw in (("RecordDisbursement", (), {"transient": WITH_RECOURSE}),
                         ("RecordRepayment", (), {}),
                         ("DemandRecourse", ("unpaid",), {"transient": WITH_RECOURSE})):
        await net.refused(a["bank"], fn, f["id"], *args, rule="receivable-frozen", **kw)
