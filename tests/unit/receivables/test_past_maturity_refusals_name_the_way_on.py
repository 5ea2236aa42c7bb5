"""A debtor too late to confirm a claim is told how the claim, which would otherwise hold its invoices, ends,
and a discount offer listing a claim past its due date says to take it out, where both refusals said only that
the due date had come."""

from __future__ import annotations

from .support import standard_net


async def test_a_claim_past_its_due_date_is_rejected_or_withdrawn_instead_of_confirmed():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.registered(tier1, core, due_in=5))["id"]
    net.advance(days=5)
    message = await net.refused(core, "ConfirmReceivable", claim, rule="past-maturity")
    assert message.endswith("cannot confirm it on or after maturity; reject it (RejectReceivable), or its "
                            f"creditor {tier1.uscc} withdraws it (WithdrawReceivable) and registers the "
                            "claim anew with a due date to come"), message
    await net.ok(core, "RejectReceivable", claim, "no longer owed")


async def test_a_discount_offer_listing_a_claim_past_its_due_date_says_to_take_it_out():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.confirmed(tier1, core, due_in=5))["id"]
    net.advance(days=5)
    offer = {"receivable_ids": [claim], "apr": "0.05", "expires_on": net.day(3)}
    message = await net.refused(core, "PublishDiscountOffer", offer, rule="past-maturity")
    assert message.endswith("cannot offer early payment on it on or after maturity; take it out of "
                            "receivable_ids"), message
