"""Every fen of a claim stays accounted for across seeded random sequences of splits, payments (on a part
or through a split claim), early-payment discounts, financings (disbursed, repaid, cancelled, taken back
under recourse) and the passing of days: what the parts still owe, plus every payment and every discount
recorded anywhere in the claim's tree, is its face amount after each step, whatever the step did or refused.

test_conservation.py holds splits and payments alone to it; here the steps that pay a bank, forgive a
discount or hand a claim back to its holder come in between. Seeded, not drawn by hypothesis: the same
sequences on every run.
"""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from .support import standard_net, transient_terms

# a claim of one fen, of a few fen (where rounding decides), an ordinary one, and the largest face the cap
# takes with its invoice's 13% tax (the total with tax is capped at 2^53 - 1)
FACES = (1, 3, 12_345, 1_000_000_00, (2**53 - 1) * 100 // 113)
STEPS = ("split", "pay", "pay-through-root", "discount", "finance", "accept", "repay", "cancel",
         "recourse", "overdue", "wait")


def _tree(net, receivable_id: str) -> list[dict]:
    doc = net.doc(receivable_id)
    return [doc, *(node for child in doc["children"] for node in _tree(net, child))]


def _assert_conserved(net, root_id: str, face: int, steps: list) -> None:
    nodes = _tree(net, root_id)
    owed = sum(n["outstanding"] for n in nodes if not n["children"])
    taken_off = sum(p["amount"] + p["discount"] for n in nodes for p in n["payments"])
    assert owed + taken_off == face, steps
    for n in nodes:
        paid = sum(p["amount"] + p["discount"] for p in n["payments"])
        assert all(p["amount"] > 0 and p["discount"] >= 0 for p in n["payments"]), (n["id"], steps)
        if n["children"]:
            # a split's parts add up to what the claim still owed when it was split
            assert sum(net.doc(c)["face_amount"] for c in n["children"]) == n["face_amount"] - paid, steps
        else:
            assert n["outstanding"] == n["face_amount"] - paid >= 0, (n["id"], steps)
            assert (n["status"] == "SETTLED") == (n["outstanding"] == 0), (n["id"], steps)


async def _step(net, rnd: random.Random, root_id: str, discount_offer: dict, terms_of: dict, leaf: dict,
                step: str):
    """Run ``step`` on ``leaf`` (or through the root); what it answered, or None when it does not apply.
    ``terms_of``: each financing's terms, which its bank repeats at disbursement and recourse."""
    core, bank = net.actors["core"], net.actors["bank"]
    holder = next(a for a in net.actors.values() if a.uscc == leaf["holder"])
    requested_only = leaf["financing_id"] is not None and leaf["financier"] is None
    if step == "split" and leaf["status"] == "CONFIRMED" and leaf["financing_id"] is None:
        other = net.actors["tier2" if holder is net.actors["tier1"] else "tier1"]
        return await net.call(holder, "TransferReceivable", leaf["id"], other.uscc,
                              str(rnd.randint(1, leaf["outstanding"])))
    if step in ("pay", "pay-through-root"):
        paid_on = leaf["id"] if step == "pay" else root_id
        amount = rnd.randint(1, sum(n["outstanding"] for n in _tree(net, paid_on) if not n["children"]))
        answer = await net.call(core, "RecordPayment", paid_on, str(amount))
        if answer.status == 200:
            # spread to the fen: the parts' shares make the amount paid, each recorded on its part
            allocations = json.loads(answer.payload)["allocations"]
            assert sum(a["amount"] for a in allocations) == amount
            for a in allocations:
                assert net.doc(a["receivable_id"])["payments"][-1]["amount"] == a["amount"]
        return answer
    if step == "discount":
        return await net.call(holder, "AcceptDiscountOffer", discount_offer["id"], leaf["id"])
    if step in ("finance", "accept") and leaf["status"] == "CONFIRMED" and leaf["financing_id"] is None:
        terms = transient_terms(recourse=True, advance_rate=rnd.choice(["1", "0.9", "0.33"]),
                                fees=rnd.choice([0, 1]))
        request = await net.call(holder, "RequestFinancing", leaf["id"])
        if request.status != 200:
            return request
        financing_id = net.doc(leaf["id"])["financing_id"]
        terms_of[financing_id] = terms
        offer = await net.call(bank, "MakeFinancingOffer", financing_id, transient=terms)
        if offer.status != 200:   # an advance of nothing, or fees taking all of it: the request stays open
            return offer
        accepted = await net.call(holder, "AcceptFinancingOffer", json.loads(offer.payload)["id"])
        if step == "accept" or accepted.status != 200:
            return accepted
        return await net.call(bank, "RecordDisbursement", financing_id, transient=terms)
    if step == "repay" and leaf["notice_id"] and leaf["financing_id"]:
        return await net.call(bank, "RecordRepayment", leaf["financing_id"])
    if step == "cancel" and leaf["financing_id"] and not leaf["notice_id"]:
        if requested_only:
            return await net.call(holder, "WithdrawFinancing", leaf["financing_id"])
        return await net.call(holder, "CancelFinancing", leaf["financing_id"], "terms no longer wanted")
    if step == "recourse" and leaf["notice_id"] and leaf["financing_id"]:
        return await net.call(bank, "ExerciseRecourse", leaf["financing_id"], "unpaid at maturity",
                              transient=terms_of[leaf["financing_id"]])
    if step == "overdue":
        return await net.call(holder, "RecordOverdue", leaf["id"])
    if step == "wait":
        net.advance(rnd.randint(1, 45))
    return None


@pytest.mark.parametrize("seed", range(24))
def test_every_fen_is_accounted_for_across_financing_discounts_and_payments(seed):
    async def run():
        rnd = random.Random(seed)
        net = await standard_net()
        core = net.actors["core"]
        face = FACES[seed % len(FACES)]
        root = await net.confirmed(net.actors["tier1"], core, face, due_in=rnd.choice([30, 120, 364]))
        discount_offer = await net.ok(core, "PublishDiscountOffer", {
            "apr": rnd.choice(["0.05", "1", "0.0000000001"]), "expires_on": net.day(100),
            "day_count": rnd.choice(["ACT/360", "ACT/365"]), "receivable_ids": []})
        steps: list = []
        terms_of: dict = {}
        for _ in range(20):
            open_leaves = [n for n in _tree(net, root["id"]) if not n["children"] and n["outstanding"] > 0]
            if not open_leaves:
                break
            leaf, step = rnd.choice(open_leaves), rnd.choice(STEPS)
            before = net.snapshot()
            answer = await _step(net, rnd, root["id"], discount_offer, terms_of, leaf, step)
            steps.append((step, leaf["id"], getattr(answer, "status", None),
                          getattr(answer, "message", "")[:80]))
            if answer is not None and answer.status != 200 and step not in ("finance", "accept"):
                # a refusal names its rule and writes nothing (a financing's earlier steps may have committed)
                assert "RULE " in answer.message and net.snapshot() == before, steps
            _assert_conserved(net, root["id"], face, steps)

    asyncio.run(run())
