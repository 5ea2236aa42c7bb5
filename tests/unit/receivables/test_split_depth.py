"""How deep a lineage goes: each partial transfer of a kept part is one split deeper. A lineage splits at most
``lifecycle.MAX_SPLIT_DEPTH`` deep, and the walks over a lineage (its leaves, its provenance) hold at any depth."""

from __future__ import annotations

import json

from chaincode.receivables import lifecycle, tx_settlement
from client.invoices.fingerprint import fingerprint_of
from .support import standard_net


async def _lineage(net, depth: int, face: int = 100_000) -> tuple[dict, str, str]:
    """tier1's confirmed claim, with 1 fen split off to tier2 ``depth`` times, each time from the part kept:
    the root, the deepest part kept and the invoice's fingerprint."""
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    req = net.registration(tier1, core, face)
    r = await net.ok(tier1, "RegisterReceivable", req)
    await net.ok(core, "ConfirmReceivable", r["id"])
    kept = r["id"]
    for _ in range(depth):
        kept = (await net.ok(tier1, "TransferReceivable", kept, tier2.uscc, "1"))["children"][1]
    return r, kept, fingerprint_of(tier1.uscc, "", req["invoices"][0]["number"])


def _depth(node: dict) -> int:
    """Levels of children below ``node`` in a provenance tree, counted without recursion."""
    levels = 0
    while node["children"]:
        node, levels = node["children"][-1], levels + 1
    return levels


async def test_a_lineage_splits_at_most_the_limit_deep_and_the_deepest_part_still_moves_whole():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r, kept, _ = await _lineage(net, lifecycle.MAX_SPLIT_DEPTH)
    assert kept == r["id"] + ".2" * lifecycle.MAX_SPLIT_DEPTH
    message = await net.refused(tier1, "TransferReceivable", kept, tier2.uscc, "1", rule="split-too-deep")
    assert f"{lifecycle.MAX_SPLIT_DEPTH} splits below its root" in message
    provenance = await net.ok(core, "GetProvenance", r["id"], evaluate=True)
    assert _depth(provenance["tree"]) == lifecycle.MAX_SPLIT_DEPTH
    # the parts at the limit still move whole: the 1 fen split off last, and the part kept
    await net.ok(tier2, "TransferReceivable", kept[:-2] + ".1", tier1.uscc, "1")
    moved = await net.ok(tier1, "TransferReceivable", kept, tier2.uscc, str(net.doc(kept)["outstanding"]))
    assert (moved["id"], moved["holder"]) == (kept, tier2.uscc)


async def test_a_lineage_deeper_than_pythons_recursion_limit_is_still_walked(monkeypatch):
    """A ledger may hold a lineage deeper than the limit (written before it); the anti-double-financing
    lookup, a payment against the root and a leaf's ancestors must still be read, not fail with RecursionError."""
    monkeypatch.setattr(lifecycle, "MAX_SPLIT_DEPTH", 1500)
    monkeypatch.setattr(tx_settlement, "PAYMENT_PARTS_MAX", 1501)   # a payment reaching every part of it
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r, kept, fp = await _lineage(net, 1500)

    lookup = await net.ok(tier1, "FindInvoice", fp, evaluate=True)
    assert (lookup["used"], lookup["receivable_id"], lookup["live"]) == (True, r["id"], True)
    ancestors = (await net.ok(core, "GetProvenance", kept, evaluate=True))["ancestors"]
    assert len(ancestors) == 1500 and ancestors[-1]["id"] == r["id"]

    result = await net.call(core, "RecordPayment", r["id"], str(100_000))
    assert result.status == 200, result.message
    allocations = json.loads(result.payload)["allocations"]
    assert len(allocations) == 1501 and sum(a["amount"] for a in allocations) == 100_000
    assert [a["receivable_id"] for a in allocations] == sorted(a["receivable_id"] for a in allocations)  # id order
    assert net.doc(kept)["status"] == "SETTLED"
    assert (await net.ok(tier1, "FindInvoice", fp, evaluate=True))["live"] is False
