"""A claim marked overdue on or before its due date is told the first day it can be marked, the day after that
date, as recourse refused then is; the refusal said only that the claim was not overdue."""

from __future__ import annotations

from .support import standard_net


async def test_a_claim_marked_overdue_on_its_due_date_is_told_the_day_after():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.confirmed(tier1, core, due_in=2))["id"]
    net.advance(days=2)   # the due date itself: the debtor may still pay that day
    message = await net.refused(tier1, "RecordOverdue", claim, rule="not-yet-due")
    assert message.endswith(f"{claim} is due {net.today}; today is {net.today}: it is not overdue, as its "
                            f"debtor may pay it until its due date ends; mark it overdue (RecordOverdue) "
                            f"from {net.day(1)} if it is unpaid by then"), message
    net.advance(days=1)
    assert (await net.ok(tier1, "RecordOverdue", claim))["overdue_since"] == net.today


async def test_a_split_claim_marked_overdue_before_its_due_date_is_told_the_day_after():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = (await net.confirmed(tier1, core, due_in=30))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "1000")
    message = await net.refused(core, "RecordOverdue", claim, rule="not-yet-due")
    assert message.endswith(f"mark it overdue (RecordOverdue) from {net.day(31)} if it is unpaid by then"), message


async def test_a_claim_due_on_the_calendars_last_day_is_refused_without_failing():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.registered_in_year_9999(tier1, core, 5000, due_date="9999-12-31"))["id"]
    await net.ok(core, "ConfirmReceivable", claim)
    message = await net.refused(tier1, "RecordOverdue", claim, rule="not-yet-due")
    assert message.endswith("the calendar has no day after it on which it could be marked overdue"), message
