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

from .support import standard_net, transient_terms


def _just_after_midnight_past(net, due_in: int) -> None:
    """The clock (10:00 in Beijing) moved to one minute past midnight the day after ``due_in`` days from now."""
    net.advance(due_in, hours=14, minutes=1)


def test_a_payment_dated_on_the_due_date_of_a_claim_marked_overdue_is_refused():
    async def run():
        net = await standard_net()
        core, tier1 = net.actors["core"], net.actors["tier1"]
        claim = await net.confirmed(tier1, core, 1000_00, due_in=1)
        _just_after_midnight_past(net, 1)
        await net.ok(tier1, "RecordOverdue", claim["id"])
        net.advance(minutes=-10)   # the debtor's clock ten minutes behind: 23:51 on the due date
        assert net.today == claim["due_date"]
        message = await net.refused(core, "RecordPayment", claim["id"], "100000",
                                    rule="timestamp-out-of-order")
        assert f"dates it {claim['due_date']}" in message and "OVERDUE, in arrears from" in message, message
        net.advance(minutes=10)
        paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
        assert paid["status"] == "SETTLED" and paid["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_payment_through_a_split_claim_whose_part_is_overdue_is_refused_so():
    async def run():
        net = await standard_net()
        core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
        claim = await net.confirmed(tier1, core, 1000_00, due_in=1)
        split = await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "30000")
        transferred = split["children"][0]
        _just_after_midnight_past(net, 1)
        await net.ok(tier2, "RecordOverdue", transferred)
        net.advance(minutes=-10)
        await net.refused(core, "RecordPayment", claim["id"], "50000", rule="timestamp-out-of-order")

    asyncio.run(run())


def test_a_repayment_dated_on_the_due_date_of_a_claim_marked_overdue_is_refused():
    async def run():
        net = await standard_net()
        core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
        claim = await net.confirmed(tier1, core, 1000_00, due_in=5)
        financing = await net.financed(tier1, claim["id"])
        _just_after_midnight_past(net, 5)
        await net.ok(bank, "RecordOverdue", claim["id"])
        net.advance(minutes=-10)
        await net.refused(bank, "RecordRepayment", financing["id"], rule="timestamp-out-of-order")
        net.advance(minutes=10)
        await net.ok(bank, "RecordRepayment", financing["id"])
        assert net.doc(claim["id"])["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_disbursement_dated_before_its_acceptance_is_refused():
    async def run():
        net = await standard_net()
        core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
        claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
        _just_after_midnight_past(net, 0)
        accepted_on = net.today
        financing = await net.financed(tier1, claim["id"], disburse=False)
        net.advance(minutes=-10)   # the bank's clock behind: the day before the acceptance
        message = await net.refused(bank, "RecordDisbursement", financing["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"AcceptFinancingOffer dated {accepted_on}" in message, message
        net.advance(minutes=10)
        disbursed = await net.ok(bank, "RecordDisbursement", financing["id"], transient=transient_terms())
        assert disbursed["disbursed_on"] == accepted_on

    asyncio.run(run())


def test_an_early_payment_dated_before_its_offer_was_published_is_refused():
    async def run():
        net = await standard_net()
        core, tier1 = net.actors["core"], net.actors["tier1"]
        claim = await net.confirmed(tier1, core, 1_000_000, due_in=30)
        _just_after_midnight_past(net, 0)
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.1", "day_count": "ACT/360",
                                                           "expires_on": net.day(5), "receivable_ids": []})
        net.advance(minutes=-10)   # the holder's clock behind: 30 days early, a day more than the offer can pay
        message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                    rule="timestamp-out-of-order")
        assert f"publication on {offer['published_on']}" in message, message
        net.advance(minutes=10)
        settled = await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"])
        # 29 days early: 1,000,000 fen x 0.1 x 29 / 360 = 8,055.56, half up 8,056
        assert settled["payments"][-1]["discount"] == 8056

    asyncio.run(run())


def test_an_offer_dated_before_its_request_and_an_acceptance_dated_before_its_offer_are_refused():
    """Each step of a financing is dated from the one before it, so its disbursement, dated from the acceptance,
    never lends for a day before the holder asked."""
    async def run():
        net = await standard_net()
        core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
        claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
        _just_after_midnight_past(net, 0)
        requested = await net.ok(tier1, "RequestFinancing", claim["id"])
        net.advance(minutes=-10)   # the bank's clock behind: the day before the request
        message = await net.refused(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"request {requested['id']} made on {requested['requested_on']}" in message, message
        net.advance(minutes=10)
        offer = await net.ok(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms())
        net.advance(minutes=-10)   # the holder's clock behind: the day before the offer
        message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="timestamp-out-of-order")
        assert f"offer {offer['id']} made on {offer['made_on']}" in message, message
        net.advance(minutes=10)
        await net.ok(tier1, "AcceptFinancingOffer", offer["id"])

    asyncio.run(run())
