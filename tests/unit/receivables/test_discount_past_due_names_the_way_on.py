"""An early payment taken on a claim that has fallen due is refused ``past-maturity``, and the refusal says what
is left, as a transfer's does: the due date never moves, and the debtor pays the claim whole. It said only that
the due date had come."""

from __future__ import annotations

from .support import standard_net


async def test_a_discount_on_or_after_the_due_date_says_the_claim_is_paid_not_early():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    whole = (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    split = (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    parts = (await net.ok(tier1, "TransferReceivable", split, tier2.uscc, str(400_00)))["children"]
    offer = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(40)}))["id"]
    net.advance(days=30)   # the due date itself
    way_on = ("cannot discount it on or after maturity; a claim that has fallen due is paid, no longer paid "
              f"early: its debtor {core.uscc} pays what is outstanding (RecordPayment)")
    for holder, receivable in ((tier1, whole), (tier2, parts[0]), (tier1, split)):
        message = await net.refused(holder, "AcceptDiscountOffer", offer, receivable, rule="past-maturity")
        assert message.endswith(way_on), message
    await net.ok(core, "RecordPayment", whole, str(1000_00))
