"""On a frozen claim, a refusal no lifting of the freeze cures comes before ``receivable-frozen``, the same as on
the claim not frozen: refused ``receivable-frozen`` first, the caller would wait for the regulator's lifting only to
be refused again, for what it could have learnt at once. A step the lifting lets through is still refused by the
freeze."""

from __future__ import annotations

import itertools
import json

from chaincode.receivables import lifecycle
from .support import credit_code, standard_net, transient_terms

_orders = itertools.count(1)


async def _refused_the_same_frozen_or_not(net, rid: str, actor, fn: str, *args, rule: str, **kw) -> str:
    """``fn`` refused by ``rule`` with the same words while ``rid`` is frozen and once the freeze is lifted."""
    reg, n = net.actors["regulator"], next(_orders)
    await net.ok(reg, "FreezeReceivable", rid, f"ORDER-{n}")
    frozen = await net.refused(actor, fn, *args, rule=rule, **kw)
    await net.ok(reg, "UnfreezeReceivable", rid, f"LIFT-{n}", f"ORDER-{n}")
    lifted = await net.refused(actor, fn, *args, rule=rule, **kw)
    assert frozen == lifted, (frozen, lifted)
    return frozen


async def test_a_transfer_of_a_frozen_claim_is_refused_for_the_callers_own_inputs_first():
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    for to, amount, rule in ((credit_code(999), "100", "party-not-registered"),
                             (tier1.uscc, "100", "transfer-to-self"),
                             (bank.uscc, "100", "recipient-cannot-hold"),
                             (core.uscc, "100000", "recipient-cannot-hold"),
                             (tier2.uscc, "100001", "split-exceeds-amount"),
                             (tier2.uscc, "-1", "amount-negative"),
                             (tier2.uscc, "1.5", "amount-not-integer-fen")):
        await _refused_the_same_frozen_or_not(net, r["id"], tier1, "TransferReceivable", r["id"], to, amount,
                                              rule=rule)
    # with a request its holder can still end on the claim: the input is wrong whatever becomes of the request
    await net.ok(tier1, "RequestFinancing", r["id"])
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "TransferReceivable", r["id"], tier1.uscc, "100",
                                          rule="transfer-to-self")


async def test_a_split_of_a_frozen_claim_at_the_depth_limit_is_refused_by_the_limit(monkeypatch):
    monkeypatch.setattr(lifecycle, "MAX_SPLIT_DEPTH", 1)
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    kept = (await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100"))["children"][1]
    said = await _refused_the_same_frozen_or_not(net, kept, tier1, "TransferReceivable", kept, tier2.uscc, "100",
                                                 rule="split-too-deep")
    assert "transfer the whole outstanding amount instead" in said


async def test_a_rejection_or_withdrawal_of_a_frozen_claim_without_a_reason_is_refused_for_it():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.registered(tier1, core, 1000_00, due_in=60)
    for actor, fn in ((core, "RejectReceivable"), (tier1, "WithdrawReceivable")):
        for reason in ("", "   "):
            said = await _refused_the_same_frozen_or_not(net, r["id"], actor, fn, r["id"], reason,
                                                         rule="argument-invalid")
            assert "reason must be 1 to 500 characters" in said


async def test_a_financing_request_on_a_frozen_claim_lent_on_is_refused_by_the_loan():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.financed(tier1, r["id"])
    said = await _refused_the_same_frozen_or_not(net, r["id"], tier1, "RequestFinancing", r["id"],
                                                 rule="financing-already-live")
    assert "has disbursed it, and the debtor pays the bank" in said


async def test_a_financing_request_on_a_frozen_claim_whose_financing_can_still_end_is_refused_by_the_freeze():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    requested, accepted = await net.claims_whose_financing_can_still_end(tier1, core, due_in=60)
    for r in (requested, accepted):
        await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
        await net.refused(tier1, "RequestFinancing", r["id"], rule="receivable-frozen")
        # and a transfer with inputs that are right, which the lifting and the financing's end let through
        await net.refused(tier1, "TransferReceivable", r["id"], net.actors["tier2"].uscc, "100",
                          rule="receivable-frozen")


async def test_a_cancellation_of_a_financing_on_a_frozen_claim_without_a_reason_is_refused_for_it():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f = await net.financed(tier1, r["id"], disburse=False)
    for actor in (tier1, bank):
        said = await _refused_the_same_frozen_or_not(net, r["id"], actor, "CancelFinancing", f["id"], " ",
                                                     rule="argument-invalid")
        assert "reason must be 1 to 500 characters" in said


async def test_a_disbursement_on_a_frozen_claim_is_refused_for_terms_missing_or_not_the_offers():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f = await net.financed(tier1, r["id"], disburse=False)
    for transient, rule in (({}, "terms-missing"), (transient_terms(advance_rate="0.5"), "terms-mismatch")):
        await _refused_the_same_frozen_or_not(net, r["id"], bank, "RecordDisbursement", f["id"],
                                              transient=transient, rule=rule)


async def test_recourse_on_a_frozen_claim_is_refused_for_its_terms_or_a_blank_reason():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    with_recourse = await net.confirmed(tier1, core, 1000_00, due_in=30)
    loan = await net.financed(tier1, with_recourse["id"], terms=transient_terms(recourse=True))
    without = await net.confirmed(tier1, core, 1000_00, due_in=30)
    loan_without = await net.financed(tier1, without["id"])
    net.advance(days=31)
    for step in ("DemandRecourse", "ExerciseRecourse"):
        for rid, fid, reason, transient, rule in (
                (with_recourse["id"], loan["id"], "unpaid", {}, "terms-missing"),
                (with_recourse["id"], loan["id"], "", transient_terms(recourse=True), "argument-invalid"),
                (without["id"], loan_without["id"], "unpaid", transient_terms(), "without-recourse")):
            await _refused_the_same_frozen_or_not(net, rid, bank, step, fid, reason, transient=transient, rule=rule)


async def test_a_financing_request_on_a_claim_past_its_due_date_with_a_financing_not_lent_is_refused_by_the_date():
    """Ending the request or the accepted financing first (the way ``financing-already-live`` named) would only
    lead to the same request refused ``past-maturity``: the due date never moves."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    requested, accepted = await net.claims_whose_financing_can_still_end(tier1, core, due_in=5)
    net.advance(days=6)
    for r in (requested, accepted):
        said = await _refused_the_same_frozen_or_not(net, r["id"], tier1, "RequestFinancing", r["id"],
                                                     rule="past-maturity")
        assert "cannot finance it on or after maturity" in said
        await net.ok(tier1, "RecordOverdue", r["id"])
        said = await _refused_the_same_frozen_or_not(net, r["id"], tier1, "RequestFinancing", r["id"],
                                                     rule="invalid-state")
        assert "while it is OVERDUE" in said and "RecordPayment" in said


async def test_a_financing_offer_on_a_frozen_claim_is_refused_for_its_terms_or_a_second_offer_first():
    """A bank offering on a frozen claim terms missing, that could never be disbursed, or expired already, or a
    second offer on the request, was refused ``receivable-frozen``; once the freeze was lifted, for what it sent."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    yesterday = net.day(-1)
    for transient, rule in (({}, "terms-missing"),
                            (transient_terms(advance_rate="0"), "rate-invalid"),
                            (transient_terms(fees=1000_00), "fees-not-below-advance"),
                            (transient_terms(expires_on=yesterday), "offer-expired")):
        await _refused_the_same_frozen_or_not(net, r["id"], bank, "MakeFinancingOffer", f["id"],
                                              transient=transient, rule=rule)
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    said = await _refused_the_same_frozen_or_not(net, r["id"], bank, "MakeFinancingOffer", f["id"],
                                                 transient=transient_terms(salt="t" * 16), rule="offer-already-made")
    assert "withdraw it first" in said
    # with terms that are right, on a request without the bank's offer, the freeze refuses it
    other = await net.confirmed(tier1, core, 1000_00, due_in=60)
    g = await net.ok(tier1, "RequestFinancing", other["id"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", other["id"], "ORDER-Z")
    await net.refused(bank, "MakeFinancingOffer", g["id"], transient=transient_terms(), rule="receivable-frozen")


async def test_a_payment_discount_or_offer_acceptance_on_a_frozen_claim_is_refused_for_the_callers_input_first():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    unconfirmed = await net.registered(tier1, core, 1000_00, due_in=60)
    await _refused_the_same_frozen_or_not(net, unconfirmed["id"], core, "RecordPayment", unconfirmed["id"], "100",
                                          rule="invalid-state")
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    for amount, rule in (("0", "amount-not-positive"), ("1.5", "amount-not-integer-fen"), ("-1", "amount-negative")):
        await _refused_the_same_frozen_or_not(net, r["id"], core, "RecordPayment", r["id"], amount, rule=rule)
    reg = net.actors["regulator"]
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-P")
    over = await net.refused(core, "RecordPayment", r["id"], "100001", rule="payment-exceeds-outstanding")
    assert "frozen by order 'ORDER-P'" in over   # named too, so that the debtor waits for nothing else
    await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-P", "ORDER-P")
    await net.refused(core, "RecordPayment", r["id"], "100001", rule="payment-exceeds-outstanding")

    expiring = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(1)})
    another = await net.confirmed(tier1, core, 1000_00, due_in=60)
    listed = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20),
                                                         "receivable_ids": [another["id"]]})
    as_read = json.dumps({k: expiring[k] for k in ("apr", "scale", "day_count", "expires_on")})
    changed = json.dumps({**json.loads(as_read), "apr": "0.06"})
    listed_as_read = json.dumps({k: listed[k] for k in ("apr", "scale", "day_count", "expires_on")})
    for offer_id, read, rule in ((expiring["id"], changed, "discount-offer-changed"),
                                 (expiring["id"], "", "terms-missing"),
                                 (listed["id"], listed_as_read, "discount-offer-not-for-receivable")):
        await _refused_the_same_frozen_or_not(net, r["id"], tier1, "AcceptDiscountOffer", offer_id, r["id"], read,
                                              rule=rule)
    _, offer = await net.offered(tier1, r["id"], terms=transient_terms(expires_on=net.day(1)))
    net.advance(days=2)
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "AcceptDiscountOffer", expiring["id"], r["id"],
                                          as_read, rule="offer-expired")
    await _refused_the_same_frozen_or_not(net, r["id"], tier1, "AcceptFinancingOffer", offer["id"],
                                          transient=transient_terms(expires_on=net.day(-1)), rule="offer-expired")
