"""The transfers of docs/receivables.md's state machine ("The state machine") are the contract's: a transfer of a
part of a `CONFIRMED` claim makes it `SPLIT`, its children `<id>.1` and `<id>.2` `CONFIRMED`, and a whole transfer
leaves it `CONFIRMED`, the same record with a new holder.

A supplier's engineer follows a claim by the diagram: one that showed every transfer ending in `SPLIT` would have
it look for children a whole transfer never makes.
"""

from __future__ import annotations

import re
from pathlib import Path

from .receivables.support import standard_net

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "receivables.md").read_text(encoding="utf-8")


def diagram() -> str:
    section = PAGE[PAGE.index("## The state machine"):]
    return section[section.index("```"):section.index("```", section.index("```") + 3)]


def test_the_diagram_says_what_each_transfer_leaves():
    text = " ".join(re.sub(r"<?─+>?|[│┤┼┴└├▼]", " ", diagram()).split())
    assert "CONFIRMED transfer of a part (holder) SPLIT (children <id>.1, <id>.2: CONFIRMED;" in text, text
    assert "a whole transfer stays CONFIRMED)" in text, text


async def test_a_transfer_of_a_part_splits_the_claim_and_a_whole_one_keeps_it():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    part = await net.confirmed(tier1, core, 1000_00)
    split = await net.ok(tier1, "TransferReceivable", part["id"], tier2.uscc, "30000")
    assert (split["status"], split["children"]) == ("SPLIT", [f"{part['id']}.1", f"{part['id']}.2"])
    assert [net.doc(child)["status"] for child in split["children"]] == ["CONFIRMED", "CONFIRMED"]
    whole = await net.confirmed(tier1, core, 1000_00)
    moved = await net.ok(tier1, "TransferReceivable", whole["id"], tier2.uscc, "100000")
    assert (moved["id"], moved["status"], moved["holder"], moved["children"]) == \
        (whole["id"], "CONFIRMED", tier2.uscc, [])
