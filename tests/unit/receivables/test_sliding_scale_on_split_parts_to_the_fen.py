"""Early payments on a sliding scale, taken on every part of a split, partly paid claim at and around the scale's
tier boundaries, are priced exactly as docs/receivables.md says, and every fen stays accounted for (property-based).

Each part settles at outstanding x (1 - apr x days early / basis), the discount rounded half up to the fen, at the
apr of the highest tier whose ``min_days_early`` the days early reach (a tier applies from its own day on); none
reached is ``discount-not-applicable``, a discount of all that is owed ``discount-exceeds-amount``. Whatever each
acceptance did, what the parts still owe plus every payment and discount recorded in the tree is the face amount.
"""

from __future__ import annotations

import asyncio
from fractions import Fraction

from hypothesis import HealthCheck, given, settings, strategies as st

from .support import standard_net

BASES = {"ACT/360": 360, "ACT/365": 365}
APRS = ("0.0001", "0.05", "0.123456789", "0.36", "1")


def _tree(net, receivable_id: str) -> list[dict]:
    doc = net.doc(receivable_id)
    return [doc, *(node for child in doc["children"] for node in _tree(net, child))]


def _priced(outstanding: int, tiers: list[tuple[int, str]], days_early: int, basis: str) -> tuple[str, int] | None:
    """(the rule refusing the early payment, or "" for none; the discount in fen) as the docs price it."""
    reached = [(days, apr) for days, apr in tiers if days <= days_early]
    if not reached:
        return "discount-not-applicable", 0
    apr = max(reached)[1]
    exact = Fraction(outstanding) * Fraction(apr) * days_early / BASES[basis]
    discount = int(exact + Fraction(1, 2))   # half up: exact is never negative
    return ("discount-exceeds-amount", discount) if discount >= outstanding else ("", discount)


scale = st.dictionaries(st.integers(1, 60), st.sampled_from(APRS), min_size=1, max_size=3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(face=st.integers(1, 10**12), splits=st.lists(st.integers(1, 999), max_size=4),
       paid_permille=st.integers(0, 999), tiers=scale, due_in=st.integers(2, 90),
       around=st.integers(-1, 1), pick=st.integers(0, 10**6), basis=st.sampled_from(sorted(BASES)))
def test_a_scale_prices_each_split_part_to_the_fen_at_its_tier_boundaries(face, splits, paid_permille, tiers,
                                                                          due_in, around, pick, basis):
    async def run():
        net = await standard_net()
        core, suppliers = net.actors["core"], (net.actors["tier1"], net.actors["tier2"])
        root = (await net.confirmed(suppliers[0], core, face, due_in=due_in))["id"]
        kept = root
        for permille in splits:   # the part the first supplier keeps split again, awkward amounts to the other
            owed = net.doc(kept)["outstanding"]
            amount = owed * permille // 1000
            if amount == 0 or amount == owed:
                break
            split = await net.ok(suppliers[0], "TransferReceivable", kept, suppliers[1].uscc, str(amount))
            kept = split["children"][1]
        if (amount := face * paid_permille // 1000) > 0:
            await net.ok(core, "RecordPayment", root, str(amount))   # spread pro rata over the parts
        offer = await net.ok(core, "PublishDiscountOffer", {
            "scale": [{"min_days_early": days, "apr": apr} for days, apr in sorted(tiers.items())],
            "day_count": basis, "expires_on": net.day(due_in), "receivable_ids": []})
        # the day a tier starts to apply, or the day either side of it, or any day before the due date
        boundary = sorted(tiers)[pick % len(tiers)]
        days_early = min(max(boundary + around, 1), due_in) if pick % 4 else 1 + pick % due_in
        net.advance(due_in - days_early)
        for part in [n for n in _tree(net, root) if not n["children"] and n["outstanding"] > 0]:
            part_holder = next(a for a in suppliers if a.uscc == part["holder"])
            refusal, discount = _priced(part["outstanding"], sorted(tiers.items()), days_early, basis)
            if refusal:
                await net.refused(part_holder, "AcceptDiscountOffer", offer["id"], part["id"], rule=refusal)
                continue
            settled = await net.ok(part_holder, "AcceptDiscountOffer", offer["id"], part["id"])
            early = settled["payments"][-1]
            assert (early["amount"], early["discount"]) == (part["outstanding"] - discount, discount), \
                (part["outstanding"], days_early, tiers, basis)
            assert settled["status"] == "SETTLED" and settled["outstanding"] == 0
        nodes = _tree(net, root)
        owed = sum(n["outstanding"] for n in nodes if not n["children"])
        assert owed + sum(p["amount"] + p["discount"] for n in nodes for p in n["payments"]) == face

    asyncio.run(run())
