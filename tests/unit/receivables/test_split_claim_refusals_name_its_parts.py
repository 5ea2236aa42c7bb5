"""A claim split already is refused naming its parts, which hold its debt now, to act on instead: a transfer
or split of it, marking it overdue, and a payment through it that a frozen part stops (its other parts can be
paid one by one). Each said only that the claim is SPLIT, or that the frozen part accepts no change.

A refusal naming the parts comes only when the parts could take the action: past the due date a split claim is
refused past-maturity for a transfer, and before it not-yet-due for marking it overdue, as its parts would be.
"""

from __future__ import annotations

from .support import standard_net


async def split_claim(net, due_in: int = 30) -> str:
    """A claim of tier1 on core, 400.00 of it transferred to tier2: parts .1 (tier2's) and .2 (tier1's)."""
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=due_in))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    return claim


async def test_a_transfer_of_a_split_claim_names_its_parts_to_transfer_instead():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = await split_claim(net)
    message = await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, "100", rule="invalid-state")
    # only the holder's own part: the one passed to tier2 is tier2's to move
    assert (f"cannot split or transfer receivable {claim} while it is SPLIT: only when CONFIRMED; its debt "
            f"is held in its parts now, of which {claim}.2 held by {tier1.uscc} is CONFIRMED: split or "
            "transfer it instead") in message, message
    # as the refusal says: the holder's part moves
    await net.ok(tier1, "TransferReceivable", f"{claim}.2", tier2.uscc, "100")


async def test_a_split_claim_past_its_due_date_is_refused_for_that_not_sent_to_its_parts():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = await split_claim(net, due_in=10)
    net.advance(days=10)
    message = await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, "100", rule="past-maturity")
    assert "parts" not in message, message
    await net.refused(tier1, "TransferReceivable", f"{claim}.2", tier2.uscc, "100", rule="past-maturity")


async def test_marking_a_split_claim_overdue_names_its_parts_to_mark_instead():
    net = await standard_net()
    core = net.actors["core"]
    claim = await split_claim(net, due_in=10)
    net.advance(days=11)
    message = await net.refused(core, "RecordOverdue", claim, rule="invalid-state")
    assert (f"cannot mark overdue receivable {claim} while it is SPLIT: its debt is held in its parts now, "
            f"of which {claim}.1, {claim}.2 are still CONFIRMED or FINANCED: mark those overdue instead"
            ) in message, message
    assert (await net.ok(core, "RecordOverdue", f"{claim}.1"))["status"] == "OVERDUE"


async def test_a_split_claim_not_yet_due_is_refused_not_yet_due_not_sent_to_its_parts():
    net = await standard_net()
    core = net.actors["core"]
    claim = await split_claim(net, due_in=10)
    message = await net.refused(core, "RecordOverdue", claim, rule="not-yet-due")
    assert "parts" not in message, message
    await net.refused(core, "RecordOverdue", f"{claim}.1", rule="not-yet-due")


async def test_a_payment_a_frozen_part_stops_names_the_other_parts_to_pay_one_by_one():
    net = await standard_net()
    core, regulator = net.actors["core"], net.actors["regulator"]
    claim = await split_claim(net)
    await net.ok(regulator, "FreezeReceivable", f"{claim}.1", "order-1")
    message = await net.refused(core, "RecordPayment", claim, "1000", rule="receivable-frozen")
    assert (f"receivable {claim}.1 is frozen by order 'order-1': it accepts no change until the regulator "
            f"unfreezes it; a payment through {claim} is spread over its unpaid parts, {claim}.1 among them, "
            f"so none is recorded: its other parts {claim}.2 can be paid one by one (RecordPayment on each)"
            ) in message, message
    # as the refusal says
    paid = await net.ok(core, "RecordPayment", f"{claim}.2", "1000")
    assert paid["outstanding"] == 600_00 - 1000


async def test_a_payment_every_part_of_which_is_frozen_names_no_part_to_pay():
    net = await standard_net()
    core, regulator = net.actors["core"], net.actors["regulator"]
    claim = await split_claim(net)
    for part in (f"{claim}.1", f"{claim}.2"):
        await net.ok(regulator, "FreezeReceivable", part, "order-1")
    message = await net.refused(core, "RecordPayment", claim, "1000", rule="receivable-frozen")
    assert message.endswith("it accepts no change until the regulator unfreezes it"), message
