"""A claim split again and again, each part passed between two suppliers on a day of its own: every claim of the
lineage keeps its history (who, what, when, in which transaction) from the write that created it to its split,
and the provenance of the deepest part names every ancestor up to the root, as the root's tree holds every part
once with the amounts adding up at every split."""

from __future__ import annotations

from .support import standard_net

DEPTH = 12


async def test_each_part_of_a_deep_lineage_tells_who_split_it_when_and_in_which_transaction():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    root = await net.confirmed(tier1, core, 1_000_003)
    registered = [h["tx_id"] for h in await net.ok(reg, "GetReceivableHistory", root["id"], evaluate=True)]
    chain, splits = [root["id"]], []   # each split: (its tx id, its time, who split)
    holder, other = tier1, tier2
    for _ in range(DEPTH):
        net.advance(days=1)
        part, amount = chain[-1], net.doc(chain[-1])["outstanding"]
        result = await net.call(holder, "TransferReceivable", part, other.uscc, str(amount // 2))
        assert result.status == 200, result.message
        splits.append((result.tx_id, net.now.isoformat(), holder))
        chain.append(f"{part}.1")   # the part transferred: the other supplier's, to split in turn
        holder, other = other, holder

    for depth, claim in enumerate(chain):
        history = await net.ok(reg, "GetReceivableHistory", claim, evaluate=True)
        # written by its registration and confirmation (the root) or by the split of the claim it was split from,
        # then by its own split (all but the deepest part), and by nothing else
        created = registered if depth == 0 else [splits[depth - 1][0]]
        split = [splits[depth][0]] if depth < DEPTH else []
        assert [h["tx_id"] for h in history] == created + split, claim
        if depth:   # a part: its first write is the split that made it, by the supplier that split it
            tx_id, when, by = splits[depth - 1]
            first = history[0]
            assert (first["tx_id"], first["timestamp"], first["by"], first["msp_id"], first["action"]) == \
                (tx_id, when, by.uscc, by.msp, "TransferReceivable"), claim
        if depth < DEPTH:   # split in turn: its last write says by whom and when, and that it owes nothing itself
            _, when, by = splits[depth]
            last = history[-1]
            assert (last["timestamp"], last["by"], last["status"], last["outstanding"]) == \
                (when, by.uscc, "SPLIT", 0), claim

    deepest = await net.ok(holder, "GetProvenance", chain[-1], evaluate=True)
    assert [a["id"] for a in deepest["ancestors"]] == chain[-2::-1]
    assert [a["parent_id"] for a in deepest["ancestors"]] == chain[-3::-1] + [None]

    seen = []

    def walk(node: dict) -> None:
        seen.append(node["id"])
        if node["children"]:
            assert sum(child["face_amount"] for child in node["children"]) == node["face_amount"], node["id"]
        for child in node["children"]:
            walk(child)

    walk((await net.ok(reg, "GetProvenance", root["id"], evaluate=True))["tree"])
    assert len(seen) == len(set(seen)) == 2 * DEPTH + 1
    assert set(chain) <= set(seen)
