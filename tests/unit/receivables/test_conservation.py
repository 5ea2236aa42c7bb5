"""Amounts are conserved under random splits, transfers and pro-rata payments (property-based)."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings, strategies as st

from .support import standard_net

# a step: (which leaf, by position among the open leaves; fraction of it to split off, in per-mille; to which supplier)
steps = st.lists(st.tuples(st.integers(0, 50), st.integers(1, 1000), st.sampled_from(["tier1", "tier2"])),
                 min_size=1, max_size=8)


async def _leaves(net, rid: str) -> list[dict]:
    doc = net.doc(rid)
    if not doc["children"]:
        return [doc]
    out = []
    for c in doc["children"]:
        out.extend(await _leaves(net, c))
    return out


def _check_tree(net, rid: str) -> None:
    doc = net.doc(rid)
    if doc["children"]:
        kids = [net.doc(c) for c in doc["children"]]
        assert sum(k["face_amount"] for k in kids) == doc["face_amount"] - sum(p["amount"] for p in doc["payments"])
        for k in kids:
            assert k["parent_id"] == rid and k["root_id"] == doc["root_id"]
            _check_tree(net, k["id"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(face=st.integers(1, 10**12), plan=steps, payments=st.lists(st.integers(1, 1000), max_size=4))
def test_random_splits_and_payments_conserve_the_face_amount(face, plan, payments):
    async def run():
        net = await standard_net()
        core = net.actors["core"]
        r = await net.confirmed(net.actors["tier1"], core, face, due_in=60)
        for pick, permille, to in plan:
            open_leaves = [leaf for leaf in await _leaves(net, r["id"]) if leaf["outstanding"] > 0]
            leaf = open_leaves[pick % len(open_leaves)]
            amount = max(1, leaf["outstanding"] * permille // 1000)
            holder = next(a for a in net.actors.values() if a.uscc == leaf["holder"])
            recipient = net.actors[to] if net.actors[to].uscc != holder.uscc else net.actors["tier1" if to == "tier2" else "tier2"]
            await net.ok(holder, "TransferReceivable", leaf["id"], recipient.uscc, str(amount))
            leaves = await _leaves(net, r["id"])
            assert sum(x["outstanding"] for x in leaves) == face
            _check_tree(net, r["id"])
        paid = 0
        for permille in payments:
            outstanding = sum(x["outstanding"] for x in await _leaves(net, r["id"]))
            amount = outstanding * permille // 1000
            if amount == 0:
                continue
            result = await net.ok(core, "RecordPayment", r["id"], str(amount))
            assert sum(a["amount"] for a in result["allocations"]) == amount
            paid += amount
            leaves = await _leaves(net, r["id"])
            assert sum(x["outstanding"] for x in leaves) == face - paid
            assert sum(p["amount"] for x in leaves for p in x["payments"]) == paid
            for x in leaves:
                assert x["outstanding"] >= 0
                assert (x["status"] == "SETTLED") == (x["outstanding"] == 0)

    asyncio.run(run())


def _nodes(net, rid: str) -> list[dict]:
    doc = net.doc(rid)
    return [doc, *(node for child in doc["children"] for node in _nodes(net, child))]


# a step: split off (which open leaf, per-mille of it, to which supplier) or pay (which node: the root, a split part
# or a leaf; per-mille of what is still owed under it), drawn in one sequence so parts are split after payments
mixed_steps = st.lists(st.one_of(
    st.tuples(st.just("split"), st.integers(0, 50), st.integers(1, 1000), st.sampled_from(["tier1", "tier2"])),
    st.tuples(st.just("pay"), st.integers(0, 50), st.integers(1, 1000))), min_size=1, max_size=10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(face=st.integers(1, 10**12), plan=mixed_steps)
def test_splits_of_partly_paid_parts_and_payments_on_any_node_conserve_the_face_amount(face, plan):
    async def run():
        net = await standard_net()
        core = net.actors["core"]
        r = await net.confirmed(net.actors["tier1"], core, face, due_in=60)
        for step in plan:
            nodes = _nodes(net, r["id"])
            open_leaves = [n for n in nodes if not n["children"] and n["outstanding"] > 0]
            if not open_leaves:
                break
            if step[0] == "split":
                _, pick, permille, to = step
                leaf = open_leaves[pick % len(open_leaves)]
                holder = next(a for a in net.actors.values() if a.uscc == leaf["holder"])
                recipient = net.actors[to] if net.actors[to].uscc != holder.uscc else \
                    net.actors["tier1" if to == "tier2" else "tier2"]
                amount = max(1, leaf["outstanding"] * permille // 1000)
                await net.ok(holder, "TransferReceivable", leaf["id"], recipient.uscc, str(amount))
            else:
                _, pick, permille = step
                payable = [n for n in nodes if n["status"] in ("SPLIT", "CONFIRMED")
                           and sum(x["outstanding"] for x in _nodes(net, n["id"]) if not x["children"]) > 0]
                node = payable[pick % len(payable)]
                owed = sum(x["outstanding"] for x in _nodes(net, node["id"]) if not x["children"])
                amount = max(1, owed * permille // 1000)
                result = await net.ok(core, "RecordPayment", node["id"], str(amount))
                assert sum(a["amount"] for a in result["allocations"]) == amount
            nodes = _nodes(net, r["id"])
            # what the leaves still owe and every payment recorded anywhere in the tree make the face amount
            assert sum(n["outstanding"] for n in nodes if not n["children"]) + \
                sum(p["amount"] for n in nodes for p in n["payments"]) == face
            for n in nodes:
                paid = sum(p["amount"] for p in n["payments"])
                if n["children"]:
                    assert sum(net.doc(c)["face_amount"] for c in n["children"]) == n["face_amount"] - paid
                else:
                    assert n["outstanding"] == n["face_amount"] - paid >= 0
                    assert (n["status"] == "SETTLED") == (n["outstanding"] == 0)

    asyncio.run(run())
