"""A bank's step on a financing that no lifting of a freeze would let through (a disbursement from the claim's
due date on, a disbursed financing disbursed again) is refused by that on a frozen claim too, where it said
receivable-frozen and sent the bank to wait for a lifting after which the step was refused all the same; a
step the lifting lets through (a repayment before the disbursement it follows) is refused by the freeze still.
And the regulator's own refusals say the way on: ``not-frozen`` the lifting the claim keeps and, of a split
claim, its frozen parts, where it said only that the claim is not frozen; ``already-frozen`` where the order
stands and how another queues and this one is lifted, where it named the order alone."""

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


async def test_lifting_a_claim_no_order_binds_names_the_lifting_it_keeps():
    net = await standard_net()
    a, reg = net.actors, net.actors["regulator"]
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    message = await net.refused(reg, "UnfreezeReceivable", r["id"], "LIFT-A", rule="not-frozen")
    assert message.endswith(f"{r['id']} is not frozen: no freeze order binds it, so there is nothing to "
                            "lift (it records no lifting); check the receivable id against the order "
                            "(GetReceivable shows a claim's freeze orders)"), message
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-A")
    # the lifting retried, as after a lost answer: its first call committed
    message = await net.refused(reg, "UnfreezeReceivable", r["id"], "LIFT-A", rule="not-frozen")
    lifted = f"its last lifting, by order 'LIFT-A' on {net.today}, lifted order 'ORDER-A'"
    assert f"nothing to lift ({lifted})" in message, message


async def test_lifting_a_split_claim_names_its_frozen_parts():
    net = await standard_net()
    a, reg = net.actors, net.actors["regulator"]
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    await net.ok(a["tier1"], "TransferReceivable", r["id"], a["tier2"].uscc, "30000")
    message = await net.refused(reg, "UnfreezeReceivable", r["id"], "LIFT-A", rule="not-frozen")
    assert message.endswith("its debt is held in its parts, and none of them is frozen either"), message
    await net.ok(reg, "FreezeReceivable", f"{r['id']}.2", "ORDER-A")
    message = await net.refused(reg, "UnfreezeReceivable", r["id"], "LIFT-A", rule="not-frozen")
    assert message.endswith("the order is lifted on those it binds (GetReceivable of a part shows its "
                            f"orders); frozen are {r['id']}.2"), message


async def test_freezing_under_an_order_that_binds_the_claim_already_names_where_it_stands_and_the_way_on():
    net = await standard_net()
    a, reg = net.actors, net.actors["regulator"]
    rid = (await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30))["id"]
    for order in ("ORDER-A", "ORDER-B", "ORDER-C"):
        await net.ok(reg, "FreezeReceivable", rid, order)
    way_on = ("an order binds a claim once, so nothing is recorded; an order of another reference is "
              "queued behind those binding the claim (FreezeReceivable), and this one is lifted by "
              "UnfreezeReceivable with lifts")
    claim = net.doc(rid)
    first, last = claim["frozen"], claim["queued_freezes"][-1]
    assert first["tx_id"] != last["tx_id"]

    def recorded(order: dict) -> str:   # the freeze that recorded the order, as other refusals name a step's
        return f"(recorded by {reg.uscc} on {net.today} in transaction {order['tx_id']})"

    message = await net.refused(reg, "FreezeReceivable", rid, "order-a", rule="already-frozen")
    assert message.endswith(f"{rid} is already frozen by order 'ORDER-A' ('order-a' is that order, "
                            "compared regardless of spacing, case and full-width forms), in effect "
                            f"{recorded(first)}: {way_on} 'ORDER-A'"), message
    message = await net.refused(reg, "FreezeReceivable", rid, "ORDER-C", rule="already-frozen")
    assert message.endswith(f"{rid} is already frozen by order 'ORDER-C', queued behind order 'ORDER-A' "
                            "(2 of 2 in the queue), taking effect once the orders before it are lifted "
                            f"{recorded(last)}: {way_on} 'ORDER-C'"), message
