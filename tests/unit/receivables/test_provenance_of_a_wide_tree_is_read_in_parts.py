"""GetProvenance reads at most ``queries.PROVENANCE_PARTS_MAX`` parts below the claim asked about in one evaluate.

A claim split again and again has a tree bounded only by the split depth, and one answer listed every part,
reading each part's key in one evaluate. Now the tree is read level by level up to that many parts: a node whose
children would pass it comes with ``children_omitted`` and no children, as a node 64 levels down does, and
GetProvenance of that node answers the parts below it, so every part is still read, each in one answer."""

from __future__ import annotations

import pytest

from chaincode.receivables import queries
from chaincode.receivables.store import Store

from .support import SUPPLIER, standard_net

BOUND = 4


def parts(tree: dict) -> list[dict]:
    """Every node below ``tree``'s root."""
    found, pending = [], list(tree["children"])
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(node["children"])
    return found


async def wide_lineage():
    """R split, both its parts split, and their parts split: 14 parts over three levels."""
    net = await standard_net()
    core, t1, t2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    t3 = await net.party("tier3", SUPPLIER, "supplier", "Tier-3")
    r = (await net.confirmed(t1, core, 8000))["id"]
    await net.ok(t1, "TransferReceivable", r, t2.uscc, "4000")                        # R.1 t2, R.2 t1
    await net.ok(t2, "TransferReceivable", f"{r}.1", t3.uscc, "2000")                 # R.1.1 t3, R.1.2 t2
    await net.ok(t1, "TransferReceivable", f"{r}.2", t3.uscc, "2000")                 # R.2.1 t3, R.2.2 t1
    for holder, part in ((t3, f"{r}.1.1"), (t2, f"{r}.1.2"), (t3, f"{r}.2.1"), (t1, f"{r}.2.2")):
        await net.ok(holder, "TransferReceivable", part, t3.uscc if holder is not t3 else t2.uscc, "1000")
    return net, r


@pytest.fixture
def part_reads(monkeypatch):
    """The ids of the claims Store.receivable reads, from when the fixture is asked for."""
    read: list[str] = []
    plain = Store.receivable

    async def counted(self, receivable_id, *args, **kw):
        read.append(receivable_id)
        return await plain(self, receivable_id, *args, **kw)

    monkeypatch.setattr(Store, "receivable", counted)
    return read


async def test_a_tree_wider_than_the_bound_is_answered_in_parts_each_part_once(monkeypatch, part_reads):
    net, r = await wide_lineage()
    regulator = net.actors["regulator"]
    monkeypatch.setattr(queries, "PROVENANCE_PARTS_MAX", BOUND)
    part_reads.clear()
    first = await net.ok(regulator, "GetProvenance", r, evaluate=True)
    below = parts(first["tree"])
    assert len(below) == BOUND
    assert len([each for each in part_reads if each.startswith(f"{r}.")]) <= BOUND
    # level by level: the claim's parts and theirs, the deepest left out, each cut node saying so
    assert sorted(node["id"] for node in below) == [f"{r}.1", f"{r}.1.1", f"{r}.1.2", f"{r}.2"]
    cut = sorted(node["id"] for node in below if node.get("children_omitted"))
    assert cut == [f"{r}.1.1", f"{r}.1.2", f"{r}.2"]
    assert all(node["children"] == [] for node in below if node.get("children_omitted"))

    # GetProvenance of each node cut answers what lies below it: every part, once, across the answers
    seen, asked = [node["id"] for node in below], list(cut)
    while asked:
        answer = await net.ok(regulator, "GetProvenance", asked.pop(), evaluate=True)
        more = parts(answer["tree"])
        assert len(more) <= BOUND
        seen.extend(node["id"] for node in more)
        asked.extend(node["id"] for node in more if node.get("children_omitted"))
    whole = [f"{r}.{a}" for a in ("1", "2")] + [f"{r}.{a}.{b}" for a in "12" for b in "12"] + \
        [f"{r}.{a}.{b}.{c}" for a in "12" for b in "12" for c in "12"]
    assert sorted(seen) == sorted(whole)


async def test_a_tree_within_the_bound_is_answered_whole():
    net, r = await wide_lineage()
    tree = (await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True))["tree"]
    assert len(parts(tree)) == 14 and not any(node.get("children_omitted") for node in parts(tree))
