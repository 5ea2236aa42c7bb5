"""A claim its debtor never confirmed is refused a payment, or marking it overdue, naming a way on still open.

The refusal named its confirmation "before its due date" even once that date had come, when ConfirmReceivable
is refused past-maturity: from the due date on (in Beijing time, by the transaction's timestamp) it names what is
left, as the confirmation's own refusal does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .support import standard_net


async def test_a_claim_never_confirmed_is_refused_naming_the_confirmation_only_while_it_can_be_made():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.registered(tier1, core, 1000_00, due_in=3)
    before_due = (f"; its debtor {core.uscc} confirms it first (ConfirmReceivable), before its due date "
                  f"{claim['due_date']}")
    refused_calls = ((core, "RecordPayment", (claim["id"], "100")), (tier1, "RecordOverdue", (claim["id"],)))
    for actor, fn, args in refused_calls:
        message = await net.refused(actor, fn, *args, rule="invalid-state")
        assert message.endswith(before_due), message

    # 23:30 UTC on the day before the due date is 07:30 on the due date in Beijing: confirming is over
    due = datetime.fromisoformat(claim["due_date"]).replace(tzinfo=timezone.utc)
    net.now = due - timedelta(minutes=30)
    assert net.today == claim["due_date"]
    past_due = (f"; it fell due on {claim['due_date']} unconfirmed, and its debtor {core.uscc} can no "
                f"longer confirm it: the debtor rejects it (RejectReceivable), or its creditor {tier1.uscc} "
                "withdraws it (WithdrawReceivable) and registers the claim anew with a due date to come")
    for actor, fn, args in refused_calls:
        message = await net.refused(actor, fn, *args, rule="invalid-state")
        assert message.endswith(past_due), message
    await net.refused(core, "ConfirmReceivable", claim["id"], rule="past-maturity")
    # as the refusal says
    assert (await net.ok(core, "RejectReceivable", claim["id"], "never delivered"))["status"] == "REJECTED"


async def test_a_claim_never_confirmed_is_refused_a_transfer_or_financing_naming_a_way_still_open():
    """The transfer, the financing request and the acceptance of a discount are refused on a claim its debtor
    never confirmed by the same rule: from its due date on they name what is left, not the confirmation."""
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = await net.registered(tier1, core, 1000_00, due_in=3)
    due = datetime.fromisoformat(claim["due_date"]).replace(tzinfo=timezone.utc)
    net.now = due - timedelta(minutes=30)
    assert net.today == claim["due_date"]
    for fn, args in (("TransferReceivable", (claim["id"], tier2.uscc, "100.00")),
                     ("RequestFinancing", (claim["id"],))):
        message = await net.refused(tier1, fn, *args, rule="invalid-state")
        assert f"it fell due on {claim['due_date']} unconfirmed" in message, message
        assert "confirms it first" not in message
