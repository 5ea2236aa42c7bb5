"""Early payments and overdue markings at the edges: the last instant of a day and the first of the next in China
Standard Time (the transaction timestamp's date there, whatever its UTC date), a span over 29 February on either
day-count basis, a claim of 1 fen and one of the largest amount a record holds. Every figure is worked out by hand
in a comment beside it (docs/receivables.md, "Dynamic discounting" and "Day-count arithmetic")."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from .support import standard_net

UTC = timezone.utc
DUE = "2026-03-10"
# 23:59:59.999999 on 9 March in Beijing, and midnight that begins the due date: 16:00 UTC on 9 March
LAST_INSTANT_BEFORE_DUE = datetime(2026, 3, 9, 15, 59, 59, 999999, tzinfo=UTC)
FIRST_INSTANT_OF_DUE = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
# the last instant of the due date in Beijing, and the first of the day after it
LAST_INSTANT_OF_DUE = datetime(2026, 3, 10, 15, 59, 59, 999999, tzinfo=UTC)
FIRST_INSTANT_AFTER_DUE = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def _discount(claim: dict) -> tuple[int, int]:
    """(what the early payment paid, its discount), from the claim the acceptance answers."""
    (payment,) = claim["payments"]
    assert payment["method"] == "dynamic-discount"
    return payment["amount"], payment["discount"]


async def test_an_early_payment_in_the_last_instant_before_the_due_date_is_one_day_early_and_then_none():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    taken = (await net.confirmed(tier1, core, 10_000_00, due_date=DUE))["id"]
    late = (await net.confirmed(tier1, core, 1000_00, due_date=DUE))["id"]
    offer = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": DUE}))["id"]

    net.now = LAST_INSTANT_BEFORE_DUE   # 9 March in Beijing: one day early
    settled = await net.ok(tier1, "AcceptDiscountOffer", offer, taken)
    # on the default basis, ACT/360: 1,000,000 fen x 0.05 x 1 / 360 = 138.89 fen, rounded half up to 139
    # (on ACT/365 it would be 136.99, 137)
    assert _discount(settled) == (999_861, 139)
    assert settled["status"] == "SETTLED" and settled["outstanding"] == 0

    net.now = FIRST_INSTANT_OF_DUE      # 10 March in Beijing, still 9 March in UTC: the due date, nothing early
    await net.refused(tier1, "AcceptDiscountOffer", offer, late, rule="past-maturity")


async def test_a_claim_is_marked_overdue_from_the_first_instant_after_its_due_date_in_beijing():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 1000_00, due_date=DUE))["id"]

    net.now = LAST_INSTANT_OF_DUE       # 23:59:59.999999 on the due date in Beijing: the debtor may still pay
    await net.refused(tier1, "RecordOverdue", claim, rule="not-yet-due")
    net.now = FIRST_INSTANT_AFTER_DUE   # 00:00 on 11 March in Beijing, 10 March in UTC
    marked = await net.ok(tier1, "RecordOverdue", claim)
    assert (marked["status"], marked["overdue_since"]) == ("OVERDUE", "2026-03-11")


@pytest.mark.parametrize("year, basis, days, discount", [
    # 1 February to 1 March 2028 spans 29 February: 29 days. 3,650,000 fen x 0.10 x 29 / 365 = 29,000 exactly
    (2028, "ACT/365", 29, 29_000),
    # the same on ACT/360: 3,650,000 x 0.10 x 29 / 360 = 29,402.78, rounded to 29,403
    (2028, "ACT/360", 29, 29_403),
    # 2027 has no 29 February: 28 days. 3,650,000 x 0.10 x 28 / 365 = 28,000
    (2027, "ACT/365", 28, 28_000),
    # 3,650,000 x 0.10 x 28 / 360 = 28,388.89, rounded to 28,389
    (2027, "ACT/360", 28, 28_389),
])
async def test_days_early_over_february_are_actual_days_on_either_basis(year, basis, days, discount):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    net.now = datetime(year, 2, 1, 2, tzinfo=UTC)   # 10:00 on 1 February in Beijing
    claim = (await net.confirmed(tier1, core, 3_650_000, due_date=f"{year}-03-01"))["id"]
    offer = (await net.ok(core, "PublishDiscountOffer",
                          {"apr": "0.10", "day_count": basis, "expires_on": f"{year}-02-28"}))["id"]
    settled = await net.ok(tier1, "AcceptDiscountOffer", offer, claim)
    assert _discount(settled) == (3_650_000 - discount, discount)
    assert settled["payments"][0]["date"] == f"{year}-02-01"
    assert days == (datetime(year, 3, 1) - datetime(year, 2, 1)).days


async def test_a_one_fen_claim_keeps_its_fen_until_the_discount_rounds_to_it():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    far = (await net.confirmed(tier1, core, 1, due_in=180))["id"]
    near = (await net.confirmed(tier1, core, 1, due_in=179))["id"]
    offer = (await net.ok(core, "PublishDiscountOffer", {"apr": "1", "expires_on": net.day(170)}))["id"]
    # 1 fen x 1 x 180 / 360 = 0.5 fen, rounded half up to 1: the discount would be all that is owed
    await net.refused(tier1, "AcceptDiscountOffer", offer, far, rule="discount-exceeds-amount")
    # 1 fen x 1 x 179 / 360 = 0.497 fen, rounded to 0: paid in full, early
    assert _discount(await net.ok(tier1, "AcceptDiscountOffer", offer, near)) == (1, 0)


@pytest.mark.parametrize("basis, due_in, discount", [
    # 9,007,199,254,740,991 fen (2**53 - 1) x 0.36 x 365 / 365 = 3,242,591,731,706,756.76, rounded to ...757
    ("ACT/365", 365, 3_242_591_731_706_757),
    # x 0.36 x 365 / 360 = 3,287,627,727,980,461.715, rounded to ...462
    ("ACT/360", 365, 3_287_627_727_980_462),
    # x 0.36 x 1 / 360 = 9,007,199,254,740.991, rounded to ...741
    ("ACT/360", 1, 9_007_199_254_741),
])
async def test_the_largest_amount_a_record_holds_is_discounted_exactly(basis, due_in, discount):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    face = 2**53 - 1
    tax = face * 13 // 113   # the invoice's total with tax (价税合计) is the face, itself at the cap
    invoice = {**net.registration(tier1, core, face)["invoices"][0], "amount": face - tax, "tax": tax}
    claim = (await net.confirmed(tier1, core, face, due_in=due_in, invoices=[invoice]))["id"]
    offer = (await net.ok(core, "PublishDiscountOffer",
                          {"apr": "0.36", "day_count": basis, "expires_on": net.day(due_in - 1)}))["id"]
    assert _discount(await net.ok(tier1, "AcceptDiscountOffer", offer, claim)) == (face - discount, discount)
