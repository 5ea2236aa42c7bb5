"""A payment through a split claim, its parts held by suppliers of two orgs, some paid in part before, is spread
over the parts still payable exactly as docs/receivables.md says (property-based): each part gets the whole fen of
payment x its outstanding / their total, and the fen left over go one each to the parts with the largest
remainders, ties in id order; the shares add up to the payment to the fen, none exceeds its part, and each part
owes what it owed less its share."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings, strategies as st

from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import CORE, SUPPLIER, Net

SUPPLIER2 = "Supplier2MSP"
PAYABLE = ("CONFIRMED", "FINANCED", "OVERDUE")


def _leaves(net: Net, claim_id: str) -> list[dict]:
    doc = net.doc(claim_id)
    return [doc] if not doc["children"] else [leaf for child in doc["children"] for leaf in _leaves(net, child)]


def _largest_remainder(payment: int, owed: dict[str, int]) -> dict[str, int]:
    """The documented allocation, worked out here on its own."""
    total = sum(owed.values())
    shares = {part: payment * o // total for part, o in owed.items()}
    remainders = sorted(owed, key=lambda part: (-(payment * owed[part] % total), part))
    for part in remainders[:payment - sum(shares.values())]:
        shares[part] += 1
    return shares


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(face=st.integers(2, 10**11), cuts=st.lists(st.integers(1, 999), min_size=1, max_size=5),
       paid_first=st.lists(st.integers(0, 999), min_size=6, max_size=6), payment_permille=st.integers(1, 1000),
       pick=st.integers(0, 10**6))
def test_a_payment_through_a_split_claim_is_spread_by_largest_remainder(face, cuts, paid_first, payment_permille,
                                                                        pick):
    async def run():
        net = Net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER2: ("supplier",)}))
        core = await net.party("core", CORE, "core_enterprise")
        holders = [await net.party("tier1", SUPPLIER, "supplier"), await net.party("s2", SUPPLIER2, "supplier")]
        claim = (await net.confirmed(holders[0], core, face))["id"]
        for permille in cuts:   # a part picked among the leaves split again, part of it to the other org's supplier
            leaves = _leaves(net, claim)
            leaf = leaves[pick % len(leaves)]
            amount = leaf["outstanding"] * permille // 1000
            if not 0 < amount < leaf["outstanding"]:
                continue
            holder = next(h for h in holders if h.uscc == leaf["holder"])
            other = next(h for h in holders if h is not holder)
            await net.ok(holder, "TransferReceivable", leaf["id"], other.uscc, str(amount))
        for leaf, permille in zip(_leaves(net, claim), paid_first):   # some parts paid in part, or in full
            if (amount := leaf["outstanding"] * permille // 1000) > 0:
                await net.ok(core, "RecordPayment", leaf["id"], str(amount))
        owed = {leaf["id"]: leaf["outstanding"] for leaf in _leaves(net, claim) if leaf["status"] in PAYABLE}
        if not owed:
            return
        payment = max(1, sum(owed.values()) * payment_permille // 1000)
        answer = await net.ok(core, "RecordPayment", claim, str(payment))
        shares = {a["receivable_id"]: a["amount"] for a in answer["allocations"]}
        expected = _largest_remainder(payment, owed)
        assert {part: share for part, share in shares.items() if share} == \
            {part: share for part, share in expected.items() if share}
        assert sum(shares.values()) == payment
        for part, was in owed.items():
            assert 0 <= expected[part] <= was
            after = net.doc(part)
            assert after["outstanding"] == was - expected[part]
            assert after["status"] == ("SETTLED" if after["outstanding"] == 0 else "CONFIRMED")

    asyncio.run(run())
