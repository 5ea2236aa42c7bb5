"""An offer on a request whose loan has ended (repaid, or the claim taken back by recourse), or which the debtor's
payment ended from the claim's due date on, is refused naming what ended it and what follows at that stage: the
refusal sent the holder to make a new request (RequestFinancing), which a claim paid in full or past its due date
never gets, and the deal's own bank to wait for one. A request its holder withdrew, or a financing cancelled before
disbursement, still names the new request, its way on; and another bank, which does not read an ended deal, is told
only that the request is no longer open."""

from __future__ import annotations

from .support import Net, standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)
PAID_IN_FULL = "the claim is paid in full, so no financing of it follows, and nothing is left to do on it"
TAKEN_BACK = ("the claim is past its due date, so no financing of it follows: its debtor pays the holder what it "
              "still owes (RecordPayment)")


async def _loan_with_a_lapsed_offer(net: Net, due_in: int = 30) -> tuple[dict, dict, dict, dict]:
    """tier1's claim on core, its request offered on by bank and bank2, bank's offer accepted and disbursed: the
    claim, the request, the accepted offer and bank2's, which lapsed."""
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=due_in)
    f, accepted = await net.offered(a["tier1"], r["id"], a["bank"], terms=WITH_RECOURSE)
    lapsed = await net.ok(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(a["tier1"], "AcceptFinancingOffer", accepted["id"])
    await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=WITH_RECOURSE)
    return r, f, accepted, lapsed


async def _repaid_loan_with_a_lapsed_offer(net: Net) -> tuple[dict, dict, dict, dict]:
    """The loan of :func:`_loan_with_a_lapsed_offer`, its claim then paid in full by core and the loan's repayment
    recorded by bank: the claim, the request, the accepted offer and the lapsed one."""
    r, f, accepted, lapsed = await _loan_with_a_lapsed_offer(net)
    await net.ok(net.actors["core"], "RecordPayment", r["id"], "100000")
    await net.ok(net.actors["bank"], "RecordRepayment", f["id"])
    return r, f, accepted, lapsed


async def _acceptances_refused(net: Net, *offers: dict) -> list[str]:
    return [await net.refused(net.actors["tier1"], "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                              rule="invalid-state") for o in offers]


async def _new_offer_refused(net: Net, bank: str, f: dict) -> str:
    """``bank`` offering again on the request ``f``, which is no longer open: the refusal's message."""
    return await net.refused(net.actors[bank], "MakeFinancingOffer", f["id"], transient=transient_terms(),
                             rule="invalid-state")


async def _assert_the_deals_bank_and_holder_are_told(net: Net, f: dict, *offers: dict, how_it_ended: str) -> None:
    """The holder accepting any of ``offers`` on the ended request ``f``, and the deal's bank offering on it again,
    are each refused naming ``how_it_ended``; the holder is not sent to make a new request."""
    for message in await _acceptances_refused(net, *offers):
        assert message.endswith(f"request {f['id']} has ended, so no offer on it can be accepted: {how_it_ended}"
                                ), message
        assert "RequestFinancing" not in message, message
    message = await _new_offer_refused(net, "bank", f)
    assert message.endswith(f"nothing reopens one: {how_it_ended}"), message


async def test_an_offer_on_a_repaid_loan_names_the_repayment_and_that_no_financing_follows():
    net = await standard_net()
    _, f, accepted, lapsed = await _repaid_loan_with_a_lapsed_offer(net)
    await _assert_the_deals_bank_and_holder_are_told(
        net, f, accepted, lapsed,
        how_it_ended=f"its repayment was recorded on {net.today}, and nothing more is recorded on it; {PAID_IN_FULL}")


async def test_an_offer_on_a_loan_ended_by_recourse_names_it_and_the_debtors_payment_to_the_holder():
    net = await standard_net()
    a = net.actors
    r, f, accepted, lapsed = await _loan_with_a_lapsed_offer(net, due_in=5)
    net.advance(days=6)
    await net.ok(a["bank"], "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE)
    await _assert_the_deals_bank_and_holder_are_told(
        net, f, accepted, lapsed, how_it_ended=f"the claim went back to its holder on {net.today} "
                                               f"(ExerciseRecourse), and nothing more is recorded on it; {TAKEN_BACK}")
    # the holder withdrawing the ended deal is told the same
    message = await net.refused(a["tier1"], "WithdrawFinancing", f["id"], rule="invalid-state")
    assert message.endswith(TAKEN_BACK), message


async def test_an_offer_on_a_request_the_debtors_payment_ended_says_no_financing_follows():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=5)
    f, o = await net.offered(a["tier1"], r["id"])
    net.advance(days=6)
    await net.ok(a["core"], "RecordPayment", r["id"], "100000")
    [message] = await _acceptances_refused(net, o)
    assert f"request {f['id']} has ended, so no offer on it can be accepted: the debtor's payment of the claim, " \
           "from its due date on, ended the request (RecordPayment at " in message, message
    assert message.endswith("no financing follows, as a claim is financed only before its due date"), message


async def test_another_bank_is_told_only_that_the_request_is_no_longer_open():
    net = await standard_net()
    _, f, _, _ = await _repaid_loan_with_a_lapsed_offer(net)
    message = await _new_offer_refused(net, "bank2", f)
    assert message.endswith(f"financing {f['id']} is no longer an open request: offers are made only on open "
                            "requests, and nothing reopens one; the holder makes a new request (RequestFinancing) "
                            "if it still wants financing"), message


async def test_the_banks_offer_sent_again_after_its_acceptance_names_the_live_deal():
    """A bank whose offer the holder accepted, sending the offer again (its answer lost), was told the holder makes
    a new request, which a claim under a live financing is refused: it is told its offer was accepted."""
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000_00, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"], a["bank"])
    await net.ok(a["tier1"], "AcceptFinancingOffer", o["id"])
    for disburse in (False, True):
        if disburse:
            await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
        message = await _new_offer_refused(net, "bank", f)
        assert message.endswith(f"nothing reopens one: its holder accepted {a['bank'].uscc}'s offer {o['id']} on "
                                f"it, and the deal is live (GetFinancing {f['id']} shows it)"), (disburse, message)
