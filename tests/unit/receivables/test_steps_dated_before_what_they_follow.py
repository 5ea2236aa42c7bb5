"""A step stamped more than two of the peers' time windows before a change it follows is refused, nothing written.

Peers that check proposal timestamps take each within their window (15 minutes by default) of their own clocks, so
of two honest steps the first may be stamped up to 15 minutes ahead and the second up to 15 minutes behind: both
stand, as docs/receivables.md says the window lets them. Further apart, the client stamped the second wrongly, as
peers without the check let it: a payment dated on time weeks after the claim was marked OVERDUE, or before a lifting
of its freeze or the end of a financing that held it back, both past its due date; a repayment dated before its
disbursement; a disbursement, and the interest it charges, dated days before the acceptance (or the offer, or the
request, it follows); an early payment dated days before its offer was published, or before the claim came to its
holder, for days more than it can pay. Each is refused ``timestamp-out-of-order``; sent again with the clock right,
it passes.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

from chaincode.receivables.dates import start_of
from chaincode.receivables.lifecycle import MISORDER_ALLOWED

from .support import Net, standard_net, transient_terms


async def _claim_due_in(due_in: int, face: int = 1000_00) -> tuple[Net, dict]:
    """A standard network and tier1's claim on core of ``face``, confirmed, due in ``due_in`` days."""
    net = await standard_net()
    return net, await net.confirmed(net.actors["tier1"], net.actors["core"], face, due_in=due_in)


def _clock_behind(net: Net, days: int = 3) -> None:
    """The next caller's clock ``days`` behind, as only peers without the time window check take it."""
    net.advance(-days)


def _clock_right(net: Net, days: int = 3) -> None:
    net.advance(days)


def test_a_payment_stamped_on_time_weeks_after_the_claim_was_marked_overdue_is_refused():
    async def run():
        net, claim = await _claim_due_in(10)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        net.advance(30)
        await net.ok(tier1, "RecordOverdue", claim["id"])
        net.advance(-29)   # the debtor's clock: dated before the due date
        message = await net.refused(core, "RecordPayment", claim["id"], "100000", rule="timestamp-out-of-order")
        # the stamp named is the first instant of the day after the due date, beside that day, not the due date
        arrears_from = date.fromisoformat(claim["due_date"]) + timedelta(days=1)
        assert (f"the marking of {claim['id']} OVERDUE (due {claim['due_date']}), stamped no earlier than the start "
                f"of {arrears_from} in China ({start_of(arrears_from)}), which committed before it") in message, message
        net.advance(29)
        paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
        assert paid["status"] == "SETTLED" and paid["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_payment_stamped_within_the_window_of_the_overdue_marking_stands_on_time():
    """The marking stamped 15 minutes ahead in the last minutes of the due date, the debtor's payment in those
    minutes on its own right clock: both stand, the payment on time."""
    async def run():
        net, claim = await _claim_due_in(1)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        net.advance(1, hours=14, minutes=5)   # 00:05 the day after the due date, in China
        await net.ok(tier1, "RecordOverdue", claim["id"])
        net.advance(minutes=-10)
        paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
        assert paid["payments"][-1]["date"] == claim["due_date"] and paid["payments"][-1]["late"] is False

    asyncio.run(run())


def test_a_payment_through_a_split_claim_whose_part_is_overdue_is_refused_so():
    async def run():
        net, claim = await _claim_due_in(10)
        tier2 = net.actors["tier2"]
        split = await net.ok(net.actors["tier1"], "TransferReceivable", claim["id"], tier2.uscc, "30000")
        net.advance(30)
        await net.ok(tier2, "RecordOverdue", split["children"][0])
        net.advance(-29)
        await net.refused(net.actors["core"], "RecordPayment", claim["id"], "50000", rule="timestamp-out-of-order")

    asyncio.run(run())


def test_a_repayment_stamped_before_the_overdue_marking_is_refused():
    async def run():
        net, claim = await _claim_due_in(5)
        bank = net.actors["bank"]
        financing = await net.financed(net.actors["tier1"], claim["id"])
        net.advance(20)
        await net.ok(bank, "RecordOverdue", claim["id"])
        net.advance(-18)
        await net.refused(bank, "RecordRepayment", financing["id"], rule="timestamp-out-of-order")
        net.advance(18)
        await net.ok(bank, "RecordRepayment", financing["id"])
        assert net.doc(claim["id"])["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_disbursement_stamped_days_before_its_acceptance_is_refused():
    async def run():
        net, claim = await _claim_due_in(30)
        bank = net.actors["bank"]
        financing = await net.financed(net.actors["tier1"], claim["id"], disburse=False)
        _clock_behind(net)   # three more days of interest, for days before the bank had a deal
        message = await net.refused(bank, "RecordDisbursement", financing["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"financing {financing['id']}'s AcceptFinancingOffer" in message, message
        _clock_right(net)
        disbursed = await net.ok(bank, "RecordDisbursement", financing["id"], transient=transient_terms())
        assert disbursed["disbursed_on"] == net.today

    asyncio.run(run())


def test_a_disbursement_stamped_within_the_window_of_its_acceptance_stands():
    async def run():
        net, claim = await _claim_due_in(30)
        financing = await net.financed(net.actors["tier1"], claim["id"], disburse=False)
        net.advance(minutes=-29)
        await net.ok(net.actors["bank"], "RecordDisbursement", financing["id"], transient=transient_terms())

    asyncio.run(run())


def test_an_offer_stamped_before_its_request_and_an_acceptance_before_its_offer_are_refused():
    """Each step of a financing is stamped after the one before it, so its disbursement, stamped after the
    acceptance, never lends for days before the holder asked."""
    async def run():
        net, claim = await _claim_due_in(30)
        tier1, bank = net.actors["tier1"], net.actors["bank"]
        requested = await net.ok(tier1, "RequestFinancing", claim["id"])
        _clock_behind(net)
        message = await net.refused(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms(),
                                    rule="timestamp-out-of-order")
        assert f"financing {requested['id']}'s RequestFinancing" in message, message
        _clock_right(net)
        offer = await net.ok(bank, "MakeFinancingOffer", requested["id"], transient=transient_terms())
        _clock_behind(net)
        message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="timestamp-out-of-order")
        assert f"offer {offer['id']}'s MakeFinancingOffer" in message, message
        _clock_right(net)
        await net.ok(tier1, "AcceptFinancingOffer", offer["id"])

    asyncio.run(run())


def test_an_early_payment_stamped_before_its_offer_was_published_is_refused():
    async def run():
        net, claim = await _claim_due_in(30, 1_000_000)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        net.advance(10)
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.1", "day_count": "ACT/360",
                                                           "expires_on": net.day(5), "receivable_ids": []})
        _clock_behind(net)   # 23 days early: three more than the offer can pay
        message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                    rule="timestamp-out-of-order")
        assert f"discount offer {offer['id']}'s PublishDiscountOffer" in message, message
        _clock_right(net)
        settled = await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"])
        # 20 days early: 1,000,000 fen x 0.1 x 20 / 360 = 5,555.56, half up 5,556
        assert settled["payments"][-1]["discount"] == 5556

    asyncio.run(run())


def test_a_payment_stamped_on_time_before_a_lifting_that_committed_past_the_due_date_is_refused():
    """Frozen until days after its due date, the claim could not be paid on time: a payment stamped before the
    lifting, which committed first, would be recorded on time all the same."""
    async def run():
        net, claim = await _claim_due_in(10)
        core, regulator = net.actors["core"], net.actors["regulator"]
        net.advance(5)
        await net.ok(regulator, "FreezeReceivable", claim["id"], "ORDER-1")
        net.advance(15)
        await net.ok(regulator, "UnfreezeReceivable", claim["id"], "LIFT-1")
        net.advance(-12)   # the debtor's clock: dated before the due date
        message = await net.refused(core, "RecordPayment", claim["id"], "100000", rule="timestamp-out-of-order")
        assert f"{claim['id']}'s UnfreezeReceivable" in message, message
        net.advance(12)
        paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
        assert paid["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_payment_stamped_on_time_before_a_cancellation_past_the_due_date_is_refused():
    """An accepted financing holds the payment back until its due date; cancelled days after it, the claim was
    paid late, whatever the debtor's clock says."""
    async def run():
        net, claim = await _claim_due_in(5)
        core, tier1 = net.actors["core"], net.actors["tier1"]
        financing = await net.financed(tier1, claim["id"], disburse=False)
        net.advance(8)
        await net.ok(tier1, "CancelFinancing", financing["id"], "the bank is too slow")
        net.advance(-6)
        message = await net.refused(core, "RecordPayment", claim["id"], "100000", rule="timestamp-out-of-order")
        assert f"{claim['id']}'s CancelFinancing" in message, message
        net.advance(6)
        assert (await net.ok(core, "RecordPayment", claim["id"], "100000"))["payments"][-1]["late"] is True

    asyncio.run(run())


def test_a_payment_through_a_split_claim_stamped_before_a_parts_lifting_is_refused():
    async def run():
        net, claim = await _claim_due_in(10)
        tier2, regulator = net.actors["tier2"], net.actors["regulator"]
        split = await net.ok(net.actors["tier1"], "TransferReceivable", claim["id"], tier2.uscc, "30000")
        net.advance(5)
        await net.ok(regulator, "FreezeReceivable", split["children"][0], "ORDER-1")
        net.advance(15)
        await net.ok(regulator, "UnfreezeReceivable", split["children"][0], "LIFT-1")
        net.advance(-12)
        message = await net.refused(net.actors["core"], "RecordPayment", claim["id"], "50000",
                                    rule="timestamp-out-of-order")
        assert f"{split['children'][0]}'s UnfreezeReceivable" in message, message

    asyncio.run(run())


def test_a_repayment_stamped_before_its_disbursement_is_refused():
    """The debtor's payment it records would be dated before the bank lent anything."""
    async def run():
        net, claim = await _claim_due_in(30)
        bank = net.actors["bank"]
        net.advance(5)
        financing = await net.financed(net.actors["tier1"], claim["id"])
        _clock_behind(net)
        message = await net.refused(bank, "RecordRepayment", financing["id"], rule="timestamp-out-of-order")
        assert f"{claim['id']}'s RecordDisbursement" in message, message
        _clock_right(net)
        await net.ok(bank, "RecordRepayment", financing["id"])

    asyncio.run(run())


def test_an_early_payment_stamped_before_the_transfer_to_its_holder_is_refused():
    """Published before the transfer, the offer's own stamp does not bound it: stamped before the claim came to
    its holder, the early payment would be reckoned for days more than the holder held it."""
    async def run():
        net, claim = await _claim_due_in(30, 1_000_000)
        core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.1", "day_count": "ACT/360",
                                                           "expires_on": net.day(20), "receivable_ids": []})
        net.advance(10)
        await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "1000000")
        _clock_behind(net)
        message = await net.refused(tier2, "AcceptDiscountOffer", offer["id"], claim["id"],
                                    rule="timestamp-out-of-order")
        assert f"{claim['id']}'s TransferReceivable" in message, message
        _clock_right(net)
        await net.ok(tier2, "AcceptDiscountOffer", offer["id"], claim["id"])

    asyncio.run(run())


def test_a_payment_stamped_within_the_window_of_the_claims_last_change_stands():
    async def run():
        net, claim = await _claim_due_in(30)
        await net.ok(net.actors["tier1"], "TransferReceivable", claim["id"], net.actors["tier2"].uscc, "100000")
        net.advance(minutes=-29)
        await net.ok(net.actors["core"], "RecordPayment", claim["id"], "100000")

    asyncio.run(run())


def test_a_payment_exactly_two_windows_before_the_claims_last_change_stands_a_moment_earlier_is_refused():
    """The allowance is the other order checks' own (``MISORDER_ALLOWED``, 30 minutes): a stamp that far before the
    change stands, one a microsecond further is refused."""
    async def run():
        net, claim = await _claim_due_in(30)
        await net.ok(net.actors["tier1"], "TransferReceivable", claim["id"], net.actors["tier2"].uscc, "100000")
        net.advance(minutes=-MISORDER_ALLOWED.total_seconds() / 60, microseconds=-1)
        await net.refused(net.actors["core"], "RecordPayment", claim["id"], "100000", rule="timestamp-out-of-order")
        net.advance(microseconds=1)
        await net.ok(net.actors["core"], "RecordPayment", claim["id"], "100000")

    asyncio.run(run())


def test_a_payment_after_a_change_stamped_in_the_first_minutes_of_year_1_is_recorded():
    """A client whose clock is wrong can stamp a change of the claim 0001-01-01T00:10Z (peers without the time
    window check take it): the payment that follows it, stamped right, was an internal error (OverflowError:
    the allowance taken off a stamp in the first 30 minutes of year 1), and no payment of the claim could ever
    be recorded."""
    async def run():
        net, claim = await _claim_due_in(30)
        regulator, right = net.actors["regulator"], net.now
        net.now = datetime(1, 1, 1, 0, 10, tzinfo=timezone.utc)
        await net.ok(regulator, "FreezeReceivable", claim["id"], "ORDER-1")
        await net.ok(regulator, "UnfreezeReceivable", claim["id"], "LIFT-1")
        net.now = right
        paid = await net.ok(net.actors["core"], "RecordPayment", claim["id"], "100000")
        assert paid["status"] == "SETTLED" and paid["payments"][-1]["late"] is False

    asyncio.run(run())
