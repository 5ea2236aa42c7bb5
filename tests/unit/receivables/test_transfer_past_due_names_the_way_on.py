"""A transfer or split of a claim that has fallen due is refused ``past-maturity``, and the refusal says what
is left, as the due date never moves: the debtor pays it. It said only that the due date had come."""

from __future__ import annotations

from .support import standard_net


async def test_a_transfer_on_or_after_the_due_date_says_the_claim_is_paid_not_moved():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    whole = await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(1000_00))
    split = (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    parts = (await net.ok(tier1, "TransferReceivable", split, tier2.uscc, str(400_00)))["children"]
    net.advance(days=30)
    way_on = ("cannot split or transfer it on or after maturity; a claim that has fallen due is paid, no "
              f"longer moved: its debtor {core.uscc} pays it (RecordPayment)")
    for holder, receivable in ((tier2, whole["id"]), (tier2, parts[0]), (tier1, split)):
        message = await net.refused(holder, "TransferReceivable", receivable, tier1.uscc if holder is tier2
                                    else tier2.uscc, "100", rule="past-maturity")
        assert message.endswith(way_on), message
    await net.ok(core, "RecordPayment", whole["id"], str(1000_00))


async def test_a_transfer_of_a_claim_marked_overdue_says_what_is_left_not_only_when_confirmed():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
    net.advance(days=31)
    await net.ok(tier1, "RecordOverdue", claim["id"])
    message = await net.refused(tier1, "TransferReceivable", claim["id"], tier2.uscc, "100",
                                rule="invalid-state")
    # an OVERDUE claim is never CONFIRMED again: the refusal said "only when CONFIRMED" and nothing more
    assert message == (f"RULE invalid-state: cannot split or transfer receivable {claim['id']} while it is "
                       f"OVERDUE: it fell due on {claim['due_date']} unpaid; a claim that has fallen due is "
                       f"paid, no longer moved: its debtor {core.uscc} pays it (RecordPayment)"), message
    await net.ok(core, "RecordPayment", claim["id"], str(1000_00))
