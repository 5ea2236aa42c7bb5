"""A step the claim's state refuses whatever a freeze (a disbursed financing withdrawn, a notice acknowledged
again, an offer withdrawn accepted, a claim marked overdue twice) is refused by that state on a frozen claim
too: refused ``receivable-frozen``, its caller would wait for the lifting only to be refused again. A step the
lifting would let through is still refused ``receivable-frozen``."""

from __future__ import annotations

from .support import standard_net


async def _refused_the_same_frozen_or_not(net, rid: str, actor, fn: str, *args, rule: str, says: str) -> None:
    reg = net.actors["regulator"]
    await net.ok(reg, "FreezeReceivable", rid, "ORDER-A")
    frozen = await net.refused(actor, fn, *args, rule=rule)
    # named: called twice on a claim, the helper lifts the order it recorded again with the same lifting
    # order, which without lifts is refused as a lifting sent again (lifting-sent-again)
    await net.ok(reg, "UnfreezeReceivable", rid, "LIFT-A", "ORDER-A")
    lifted = await net.refused(actor, fn, *args, rule=rule)
    # the same but for what a status refusal adds where the regulator's step is the claim's last change
    # (test_docs_say_a_freeze_hides_the_step_sent_again): the freeze there, its lifting here
    assert says in frozen and frozen.partition("; the regulator's")[0] == lifted.partition("; the regulator's")[0]


async def test_a_disbursed_financing_is_refused_withdrawal_by_its_status_and_an_acknowledged_notice_by_its():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f = await net.financed(tier1, r["id"])
    withdrawal_refused = "is DISBURSED: only a request not yet accepted can be withdrawn"
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "WithdrawFinancing", f["id"],
                                          rule="invalid-state", says=withdrawal_refused)
    await net.ok(core, "AcknowledgeAssignment", f["notice_id"])
    await _refused_the_same_frozen_or_not(net, r["id"], core, "AcknowledgeAssignment", f["notice_id"],
                                          rule="invalid-state", says="is already ACKNOWLEDGED")


async def test_a_withdrawn_offer_is_refused_acceptance_by_its_status_on_a_frozen_claim():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    _, offer = await net.offered(tier1, r["id"])
    await net.ok(bank, "WithdrawFinancingOffer", offer["id"], "limit reached")
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "AcceptFinancingOffer", offer["id"],
                                          rule="invalid-state", says="is WITHDRAWN on financing REQUESTED")


async def test_a_claim_marked_overdue_is_refused_a_second_marking_by_its_status_on_a_frozen_claim():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=5)
    net.advance(days=6)
    await net.ok(tier1, "RecordOverdue", r["id"])
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "RecordOverdue", r["id"], rule="invalid-state",
                                          says="while it is OVERDUE: only when CONFIRMED or FINANCED")


async def test_the_steps_a_lifting_lets_through_are_still_refused_by_the_freeze():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=5)
    f, offer = await net.offered(tier1, r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="receivable-frozen")
    await net.refused(tier1, "WithdrawFinancing", f["id"], rule="receivable-frozen")
    net.advance(days=6)
    await net.refused(tier1, "RecordOverdue", r["id"], rule="receivable-frozen")

    d = await net.confirmed(tier1, core, 1000_00, due_in=60)
    loan = await net.financed(tier1, d["id"])
    await net.ok(reg, "FreezeReceivable", d["id"], "ORDER-B")
    await net.refused(core, "AcknowledgeAssignment", loan["notice_id"], rule="receivable-frozen")


async def test_a_claim_past_its_due_date_or_confirmed_is_refused_by_that_on_a_frozen_claim_too():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    unconfirmed = await net.registered(tier1, core, 1000_00, due_in=5)
    confirmed = await net.confirmed(tier1, core, 1000_00, due_in=5)
    net.advance(days=6)
    uid = unconfirmed["id"]
    await _refused_the_same_frozen_or_not(net, uid, core, "ConfirmReceivable", uid,
                                          rule="past-maturity", says="cannot confirm it on or after maturity")
    rid = confirmed["id"]
    for actor, fn, *args, rule, says in (
            (tier1, "WithdrawReceivable", rid, "mistake", "invalid-state", "cannot withdraw receivable"),
            (core, "RejectReceivable", rid, "not owed", "invalid-state", "cannot reject receivable"),
            (tier1, "TransferReceivable", rid, tier2.uscc, "100", "past-maturity", "cannot split or"),
            (tier1, "RequestFinancing", rid, "past-maturity", "cannot finance it on or after maturity")):
        await _refused_the_same_frozen_or_not(net, rid, actor, fn, *args, rule=rule, says=says)


async def test_a_second_request_on_a_frozen_claim_is_refused_by_the_freeze_which_keeps_the_first_live():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.ok(tier1, "RequestFinancing", r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    await net.refused(tier1, "RequestFinancing", r["id"], rule="receivable-frozen")
