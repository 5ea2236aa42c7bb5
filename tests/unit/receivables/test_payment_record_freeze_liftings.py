"""GetDebtorPaymentRecord dates the lifting of freeze orders as it dates the orders, one date per order, so
that a reader can tell whether an order still bound a claim on its due date (the risk features count a
claim whose every order was lifted before it fell due as any other)."""

from __future__ import annotations

from .support import standard_net


async def _record(net, claim_id: str, as_of: str = "") -> dict:
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", net.actors["core"].uscc, "100", "",
                        as_of, evaluate=True)
    return next(r for r in page["records"] if r["receivable_id"] == claim_id)


async def test_an_order_lifted_before_the_due_date_is_dated_and_the_claim_reads_free():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    net.advance(5)
    await net.ok(reg, "FreezeReceivable", claim, "ORDER-1")
    frozen_on = net.today
    net.advance(10)
    await net.ok(reg, "UnfreezeReceivable", claim, "ORDER-1-LIFT")
    lifted_on = net.today
    net.advance(25)   # 10 days past due
    await net.ok(core, "RecordPayment", claim, "1000")
    record = await _record(net, claim)
    assert (record["freezes"], record["unfreezes"], record["frozen"]) == ([frozen_on], [lifted_on], False)
    assert (record["settled_on"], record["days_late"]) == (net.today, 10)
    # as of the day before the lifting the order still bound it: no lifting yet
    before = await _record(net, claim, as_of=net.day(-26))
    assert (before["freezes"], before["unfreezes"], before["frozen"]) == ([frozen_on], [], True)


async def test_a_queued_order_keeps_the_claim_bound_until_it_is_lifted_too():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    net.advance(2)
    await net.ok(reg, "FreezeReceivable", claim, "ORDER-1")
    net.advance(1)
    await net.ok(reg, "FreezeReceivable", claim, "ORDER-2")   # queued behind ORDER-1
    net.advance(1)
    await net.ok(reg, "UnfreezeReceivable", claim, "LIFT-1")   # ORDER-2 takes effect
    first_lift = net.today
    record = await _record(net, claim)
    assert (len(record["freezes"]), record["unfreezes"], record["frozen"]) == (2, [first_lift], True)
    net.advance(1)
    await net.ok(reg, "UnfreezeReceivable", claim, "LIFT-2")
    record = await _record(net, claim)
    assert (len(record["freezes"]), record["frozen"]) == (2, False)
    assert record["unfreezes"] == [first_lift, net.today]


async def test_a_lifting_recorded_before_liftings_were_kept_is_dated_too():
    """A claim an earlier contract unfroze has no ``last_unfreeze``: the lifting is read from the orders each
    write of the claim holds, not from that field."""
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    claim = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    net.advance(1)
    await net.ok(reg, "FreezeReceivable", claim, "ORDER-1")
    net.advance(1)
    await net.ok(reg, "UnfreezeReceivable", claim, "LIFT-1")
    lifted_on = net.today
    net.store_as_earlier(claim, "last_unfreeze", "queued_freezes")
    record = await _record(net, claim)
    assert (record["unfreezes"], record["frozen"]) == ([lifted_on], False)
