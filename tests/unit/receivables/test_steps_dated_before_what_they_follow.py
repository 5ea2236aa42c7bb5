"""A step whose timestamp dates it before a change it follows is refused, nothing written.

The peers take a client's timestamp within their time window (15 minutes by default), so around midnight in
China a client whose clock is behind stamps the day before a change that committed first. A payment so dated on
its due date, of a claim marked OVERDUE (which only a day after the due date marks), would be recorded on time
on a claim in arrears; a disbursement so dated before its acceptance would lend, and charge interest, for a day
before the bank had a deal; an early payment so dated before its offer's publication would be a day earlier than
the offer can pay. Each is refused ``timestamp-out-of-order``; sent again with the clock right, it passes.
"""

from __future__ import annotations

import asyncio

from .support import Net, standard_net, transient_terms


async def _claim_due_in(due_in: int, face: int = 1000_00) -> tuple[Net, dict]:
    """A standard network and tier1's claim on core of ``face``, confirmed, due in ``due_in`` days."""
    net = await standard_net()
    return net, await net.confirmed(net.actors["tier1"], net.actors["core"], face, due_in=due_in)


def _just_after_midnight_past(net: Net, due_in: int) -> None:
    """The clock (10:00 in Beijing) moved to one minute past midnight the day after ``due_in`` days from now."""
    net.advance(due_in, hours=14, minutes=1)


def _clock_behind(net: Net) -> None:
    """The next caller's clock ten minutes behind: the day before, just after midnight."""
    net.advance(minutes=-10)


def _clock_right(net: Net) -> None:
    net.advance(minutes=10)


def test_a_payment_dated_on_the_due_date_of_a_claim_marked_overdue_is_refused():
    async def run():
        net, claim = await _claim_due_in(1)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        _just_after_midnight_past(net, 1)
        await net.ok(tier1, "RecordOverdue", claim["id"])
        _clock_behind(net)   # 23:51 on the due date
        assert net.today == claim["due_date"]
        message = await net.refused(core, "RecordPayment", claim["id"], "100000",
                                    rule="timestamp-out-of-order")
        assert f"dates it {claim['due_date']}" in message and "OVERDUE, in arrears from" in message, message
        _clock_right(net)
        paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
        assert paid["status"] == "SETTLED" and paid["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_payment_through_a_split_claim_whose_part_is_overdue_is_refused_so():
    async def run():
        net, claim = await _claim_due_in(1)
        tier2 = net.actors["tier2"]
        split = await net.ok(net.actors["tier1"], "TransferReceivable", claim["id"], tier2.uscc, "30000")
        _just_after_midnight_past(net, 1)
        await net.ok(tier2, "RecordOverdue", split["children"][0])
        _clock_behind(net)
        await net.refused(net.actors["core"], "RecordPayment", claim["id"], "50000", rule="timestamp-out-of-order")

    asyncio.run(run())


def test_a_repayment_dated_on_the_due_date_of_a_claim_marked_overdue_is_refused():
    async def run():
        net, claim = await _claim_due_in(5)
        bank = net.actors["bank"]
        financing = await net.financed(net.actors["tier1"], claim["id"])
        _just_after_midnight_past(net, 5)
        await net.ok(bank, "RecordOverdue", claim["id"])
        _clock_behind(net)
        await net.refused(bank, "RecordRepayment", financing["id"], rule="timestamp-out-of-order")
        _clock_right(net)
        await net.ok(bank, "RecordRepayment", financing["id"])
        assert net.doc(claim["id"])["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_disbursement_dated_before_its_acceptance_is_refused():
    async def run():
        net, claim = await _claim_due_in(30)
        bank = net.actors["bank"]
        _just_after_midnight_past(net, 0)
        accepted_on = net.today
        financing = await net.financed(net.actors["tier1"], claim["id"], disburse=False)
        _clock_behind(net)   # the bank's: the day before the acceptance
        message = await net.refused(bank, "RecordDisbursement", financing["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"AcceptFinancingOffer dated {accepted_on}" in message, message
        _clock_right(net)
        disbursed = await net.ok(bank, "RecordDisbursement", financing["id"], transient=transient_terms())
        assert disbursed["disbursed_on"] == accepted_on

    asyncio.run(run())


def test_an_offer_dated_before_its_request_and_an_acceptance_dated_before_its_offer_are_refused():
    """Each step of a financing is dated from the one before it, so its disbursement, dated from the acceptance,
    never lends for a day before the holder asked."""
    async def run():
        net, claim = await _claim_due_in(30)
        tier1, bank = net.actors["tier1"], net.actors["bank"]
        _just_after_midnight_past(net, 0)
        requested = await net.ok(tier1, "RequestFinancing", claim["id"])
        _clock_behind(net)   # the bank's: the day before the request
        message = await net.refused(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"request {requested['id']} made on {requested['requested_on']}" in message, message
        _clock_right(net)
        offer = await net.ok(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms())
        _clock_behind(net)   # the holder's: the day before the offer
        message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="timestamp-out-of-order")
        assert f"offer {offer['id']} made on {offer['made_on']}" in message, message
        _clock_right(net)
        await net.ok(tier1, "AcceptFinancingOffer", offer["id"])

    asyncio.run(run())


def test_an_early_payment_dated_before_its_offer_was_published_is_refused():
    async def run():
        net, claim = await _claim_due_in(30, 1_000_000)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        _just_after_midnight_past(net, 0)
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.1", "day_count": "ACT/360",
                                                           "expires_on": net.day(5), "receivable_ids": []})
        _clock_behind(net)   # the holder's: 30 days early, a day more than the offer can pay
        message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                    rule="timestamp-out-of-order")
        assert f"publication on {offer['published_on']}" in message, message
        _clock_right(net)
        settled = await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"])
        # 29 days early: 1,000,000 fen x 0.1 x 29 / 360 = 8,055.56, half up 8,056
        assert settled["payments"][-1]["discount"] == 8056

    asyncio.run(run())
