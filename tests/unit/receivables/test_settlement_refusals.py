"""What RecordPayment's refusals tell the debtor, and business dates at the edge of the calendar.

A refusal names the rule broken and what to do next: an accepted financing past its due date can no longer be
disbursed, so waiting for the disbursement is no way out; a split claim whose every part is settled is refused
as a settled claim is, not as a payment above nothing outstanding. A proposal stamped so late on 9999-12-31 UTC
that it is year 10000 in Beijing is refused as the runtime refuses any timestamp outside the calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from chaincode.receivables import dates
from chaincode.shim._errors import InvalidValue

from .support import standard_net, transient_terms


async def test_an_accepted_financing_refuses_the_payment_naming_the_ways_out_until_the_due_date_when_it_ends_it():
    """Before the due date the bank may still disburse, and the refusal names the ways out: disbursement, a
    cancellation, or the due date; from the due date on (RecordDisbursement refused past-maturity) the payment
    ends the financing, as a cancellation would."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000, due_in=3)
    f = await net.financed(tier1, r["id"], disburse=False)
    accepted = f"{r['id']} has financing {f['id']} accepted by {bank.uscc}, not yet disbursed"

    net.advance(days=2)
    assert net.today < r["due_date"]
    message = await net.refused(core, "RecordPayment", r["id"], "1000", rule="financing-in-progress")
    assert message == (f"RULE financing-in-progress: {accepted}: pay after disbursement (to the financier), once "
                       "the holder or the bank cancels it (CancelFinancing), or from its due date "
                       f"{r['due_date']} on, when the bank can no longer disburse it and the payment ends it")

    net.advance(days=1)
    assert net.today == r["due_date"]
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(), rule="past-maturity")
    paid = await net.ok(core, "RecordPayment", r["id"], "1000")
    assert (paid["status"], paid["financier"], paid["payments"][-1]["payee"]) == ("SETTLED", None, tier1.uscc)


async def test_a_split_claim_whose_every_part_is_settled_is_refused_as_a_settled_claim_is():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    whole = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(core, "RecordPayment", whole["id"], "1000")
    await net.refused(core, "RecordPayment", whole["id"], "1", rule="invalid-state")

    split = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "400")
    await net.ok(core, "RecordPayment", split["id"] + ".1", "400")    # one part paid alone
    # while a part is payable, a payment above what it owes is still refused as such
    await net.refused(core, "RecordPayment", split["id"], "601", rule="payment-exceeds-outstanding")
    await net.ok(core, "RecordPayment", split["id"], "600")           # the other through the root
    for amount in ("1", "1000"):
        message = await net.refused(core, "RecordPayment", split["id"], amount, rule="invalid-state")
        assert message == (f"RULE invalid-state: cannot record a payment on receivable {split['id']} while it is "
                           "SPLIT and every part of it is SETTLED: nothing is left to pay on it (a payment reaches "
                           "only a part CONFIRMED or FINANCED or OVERDUE)")


def test_a_timestamp_in_year_10000_in_beijing_is_refused_as_the_shim_refuses_one_outside_the_calendar():
    assert dates.business_date(datetime(9999, 12, 31, 15, 59, 59, 999999, tzinfo=timezone.utc)) == date.max
    for stamp in (datetime(9999, 12, 31, 16, 0, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59)):
        with pytest.raises(InvalidValue, match="the proposal's timestamp 9999-12-31T"):
            dates.business_date(stamp)
        with pytest.raises(InvalidValue):
            dates.earliest_date_still_stamped(stamp)


def test_a_stamp_in_the_first_minutes_of_year_1_still_has_an_earliest_date():
    """The peers' window taken off a stamp of 0001-01-01 00:05 UTC would be before year 1 in UTC; in Beijing it is
    07:50 that day."""
    assert dates.earliest_date_still_stamped(datetime(1, 1, 1, 0, 5, tzinfo=timezone.utc)) == date.min
    assert dates.earliest_date_still_stamped(datetime(2026, 3, 1, 16, 5, tzinfo=timezone.utc)) == date(2026, 3, 1)


async def test_every_transaction_stamped_in_year_10000_in_beijing_is_refused_with_the_shims_text():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000, due_in=30)

    net.now = datetime(9999, 12, 31, 15, 59, tzinfo=timezone.utc)     # 23:59 on 9999-12-31 in Beijing
    assert (await net.ok(core, "GetReceivable", r["id"], evaluate=True))["id"] == r["id"]

    net.now = datetime(9999, 12, 31, 16, 0, tzinfo=timezone.utc)
    expected = ("ValueError: the proposal's timestamp 9999-12-31T16:00:00Z is after 9999-12-31, the last business "
                "date, in China Standard Time (UTC+8): the client that submitted it set it wrongly; submit the "
                "transaction again from a client whose clock is right")
    before = net.snapshot()
    for actor, fn, args, evaluate in ((core, "GetReceivable", (r["id"],), True),
                                      (core, "RecordPayment", (r["id"], "1"), False),
                                      (bank, "GetFinancierExposure", (core.uscc,), True)):
        result = await net.call(actor, fn, *args, evaluate=evaluate)
        assert (result.status, result.message) == (500, expected), fn
    assert net.snapshot() == before


async def test_the_exposure_is_read_at_a_stamp_in_the_first_minutes_of_year_1():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    net.now = datetime(1, 1, 1, 0, 5, tzinfo=timezone.utc)
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert exposure["financier"] == bank.uscc
