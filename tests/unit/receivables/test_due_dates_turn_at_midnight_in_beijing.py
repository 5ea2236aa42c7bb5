"""A claim's due date begins at midnight in China Standard Time (UTC+8), the transaction timestamp's date there:
16:00 UTC is already the next business day, 15:59 UTC still the one before. Registration, confirmation and
transfer each take their date so, not the UTC date of their timestamp."""

from __future__ import annotations

from datetime import datetime, timezone

from .support import standard_net

DUE = "2026-03-10"
LAST_MINUTE_BEFORE = datetime(2026, 3, 9, 15, 59, tzinfo=timezone.utc)   # 23:59 on 9 March in Beijing
FIRST_MINUTE_OF_DUE = datetime(2026, 3, 9, 16, 0, tzinfo=timezone.utc)   # 00:00 on 10 March in Beijing


async def test_registration_confirmation_and_transfer_are_refused_from_midnight_of_the_due_date_in_beijing():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    unconfirmed = await net.registered(tier1, core, 1000_00, due_date=DUE)
    confirmed = await net.confirmed(tier1, core, 1000_00, due_date=DUE)

    net.now = LAST_MINUTE_BEFORE
    assert net.today == "2026-03-09"
    await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000_00, due_date=DUE))
    split = await net.ok(tier1, "TransferReceivable", confirmed["id"], tier2.uscc, "100")

    net.now = FIRST_MINUTE_OF_DUE   # still 9 March in UTC
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000_00, due_date=DUE),
                                rule="due-date-passed")
    assert f"due date {DUE} is not after today {DUE}" in message
    message = await net.refused(core, "ConfirmReceivable", unconfirmed["id"], rule="past-maturity")
    assert f"fell due on {DUE}: cannot confirm it on or after maturity" in message
    transferred, _ = split["children"]
    message = await net.refused(tier2, "TransferReceivable", transferred, tier1.uscc, "100", rule="past-maturity")
    assert f"fell due on {DUE}: cannot split or transfer it on or after maturity" in message
