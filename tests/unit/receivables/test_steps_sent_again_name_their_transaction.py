"""A debtor's confirmation, acknowledgement or withdrawal of a discount offer, or a holder's acceptance of a
discount offer sent without a request id, sent again after its answer was lost (a timeout, Ctrl-C) is refused by
the record's status, and the refusal
names the transaction the first attempt committed in, as a bank's disbursement or repayment does: the caller
learns that it committed, where the status alone could as well be another's change. Named only when that same
step by the caller's party is the record's last change, and only to a caller the transaction lets read it."""

from __future__ import annotations

from .support import standard_net


def _first_attempt(step: str, status: str, done: dict) -> str:
    return (f"; the {step} that made it {status} committed in transaction {done['last']['tx_id']} at "
            f"{done['last']['at']}: sent again, it records nothing twice")


def _confirmed_by(claim: dict) -> str:
    """What a refusal of a confirmed claim says of where it stands and what is left."""
    return (f"; its debtor {claim['debtor']} confirmed it on {claim['confirmed_on']}, an irrevocable promise to pay "
            f"that no step undoes: what is left is for the debtor to pay it by its due date {claim['due_date']} "
            "(RecordPayment)")


async def test_a_confirmation_sent_again_names_its_transaction_to_its_debtor_alone():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    confirmed = await net.confirmed(tier1, core)
    said = await net.refused(core, "ConfirmReceivable", confirmed["id"], rule="invalid-state")
    assert said.endswith(f"cannot confirm receivable {confirmed['id']} while it is CONFIRMED: only when "
                         f"REGISTERED{_confirmed_by(confirmed)}"
                         f"{_first_attempt('ConfirmReceivable', 'CONFIRMED', confirmed)}"), said
    # another core enterprise may not read the claim: refused as before, naming no transaction
    said = await net.refused(core2, "ConfirmReceivable", confirmed["id"], rule="not-the-debtor")
    assert confirmed["last"]["tx_id"] not in said, said


async def test_a_confirmation_refused_after_a_later_change_names_no_transaction():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    confirmed = await net.confirmed(tier1, core)
    await net.ok(tier1, "TransferReceivable", confirmed["id"], tier2.uscc, str(confirmed["outstanding"]))
    said = await net.refused(core, "ConfirmReceivable", confirmed["id"], rule="invalid-state")
    assert said.endswith(f"while it is CONFIRMED: only when REGISTERED{_confirmed_by(confirmed)}"), said


async def test_an_acknowledgement_sent_again_names_its_transaction_to_its_debtor_alone():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    notice_id = (await net.financed(tier1, r["id"]))["notice_id"]
    acknowledged = await net.ok(core, "AcknowledgeAssignment", notice_id)
    said = await net.refused(core, "AcknowledgeAssignment", notice_id, rule="invalid-state")
    assert said.endswith(f"notice {notice_id} is already ACKNOWLEDGED"
                         f"{_first_attempt('AcknowledgeAssignment', 'ACKNOWLEDGED', acknowledged)}"), said
    said = await net.refused(core2, "AcknowledgeAssignment", notice_id, rule="not-the-debtor")
    assert acknowledged["last"]["tx_id"] not in said, said


async def test_a_discount_acceptance_sent_again_names_its_transaction_for_the_offer_taken_alone():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 10_000_00, due_in=60)
    taken = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    other = await net.ok(core, "PublishDiscountOffer", {"apr": "0.08", "expires_on": net.day(30)})
    settled = await net.ok(tier1, "AcceptDiscountOffer", taken["id"], r["id"])
    plain = (f"cannot discount receivable {r['id']} while it is SETTLED: only when CONFIRMED; it is paid in full, "
             "which is final: nothing is left to pay on it, and no step acts on it again")

    said = await net.refused(tier1, "AcceptDiscountOffer", taken["id"], r["id"], rule="invalid-state")
    assert said.endswith(plain + _first_attempt("AcceptDiscountOffer", "SETTLED", settled)), said
    # the same holder with another offer: no acceptance of that one committed
    said = await net.refused(tier1, "AcceptDiscountOffer", other["id"], r["id"], rule="invalid-state")
    assert said.endswith(plain), said
    # a supplier that does not hold the claim is told no more than before
    said = await net.refused(tier2, "AcceptDiscountOffer", taken["id"], r["id"], rule="not-the-holder")
    assert settled["last"]["tx_id"] not in said, said


async def test_a_withdrawal_of_a_discount_offer_sent_again_names_its_transaction_and_sends_no_one_to_the_debtor():
    """The debtor is the one withdrawing: a refusal telling it to ask the debtor for a new offer is advice for a
    holder, and said nothing of whether its own withdrawal committed."""
    net = await standard_net()
    core = net.actors["core"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    withdrawn = await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    said = await net.refused(core, "WithdrawDiscountOffer", offer["id"], rule="discount-offer-withdrawn")
    assert said.endswith(f"discount offer {offer['id']} was withdrawn on {withdrawn['withdrawn_on']}: no holder "
                         "can take it any more, so there is nothing to withdraw"
                         + _first_attempt("WithdrawDiscountOffer", "WITHDRAWN", withdrawn)), said
    assert "ask the debtor" not in said
