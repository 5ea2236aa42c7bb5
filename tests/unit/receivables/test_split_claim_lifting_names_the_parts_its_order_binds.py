"""A lifting of a split claim, which no order binds (its parts are frozen each on its own), is refused
``not-frozen`` naming the parts to lift the order on. With ``lifts`` naming the order, those are the parts
that order binds, in effect or queued, not every part frozen: a lifting of that order on a part another
order froze is refused ``freeze-order-not-found``, so naming it sent the regulator to a refusal."""

from __future__ import annotations

from .support import standard_net


async def frozen_parts(net) -> str:
    """tier1's claim split in .1 (tier2's), frozen by ORDER-A, and .2, frozen by ORDER-B, ORDER-A queued."""
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    await net.ok(reg, "FreezeReceivable", f"{claim}.1", "ORDER-A")
    await net.ok(reg, "FreezeReceivable", f"{claim}.2", "ORDER-B")
    await net.ok(reg, "FreezeReceivable", f"{claim}.2", "ORDER-A")
    return claim


async def test_lifting_a_named_order_on_a_split_claim_names_the_parts_it_binds():
    net = await standard_net()
    reg = net.actors["regulator"]
    claim = await frozen_parts(net)
    message = await net.refused(reg, "UnfreezeReceivable", claim, "LIFT-B", "ORDER-B", rule="not-frozen")
    assert message.endswith("order 'ORDER-B' is lifted on those it binds (GetReceivable of a part shows its "
                            f"orders); it binds {claim}.2"), message
    # ORDER-A binds both: in effect on .1, queued on .2
    message = await net.refused(reg, "UnfreezeReceivable", claim, "LIFT-A", "order-a", rule="not-frozen")
    assert message.endswith(f"it binds {claim}.1, {claim}.2"), message
    # as the refusal says
    await net.ok(reg, "UnfreezeReceivable", f"{claim}.2", "LIFT-B", "ORDER-B")


async def test_a_named_order_binding_no_part_is_told_so_with_the_parts_other_orders_froze():
    net = await standard_net()
    reg = net.actors["regulator"]
    claim = await frozen_parts(net)
    message = await net.refused(reg, "UnfreezeReceivable", claim, "LIFT-C", "ORDER-C", rule="not-frozen")
    assert message.endswith("its debt is held in its parts, and order 'ORDER-C' binds none of them; frozen "
                            f"by other orders are {claim}.1, {claim}.2"), message


async def test_without_lifts_every_frozen_part_is_named_as_before():
    net = await standard_net()
    reg = net.actors["regulator"]
    claim = await frozen_parts(net)
    message = await net.refused(reg, "UnfreezeReceivable", claim, "LIFT-A", rule="not-frozen")
    assert message.endswith("the order is lifted on those it binds (GetReceivable of a part shows its "
                            f"orders); frozen are {claim}.1, {claim}.2"), message
