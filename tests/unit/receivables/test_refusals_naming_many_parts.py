"""A refusal that names the parts of a split claim to act on instead names a few and says how many more
and where to read them all: a lineage a supplier split into hundreds of parts made the whole list run past
the 4096 bytes a response message is cut at (``chaincode.shim``), mid-id, with no count and nothing saying
it was cut short, and the regulator freezing the claim, or the debtor paying through it, read a list of
parts that was not all of them."""

from __future__ import annotations

import re

from chaincode.receivables import queries
from chaincode.receivables.errors import PARTS_NAMED
from chaincode.receivables.queries import PROVENANCE_PARTS_MAX
from .support import split_into, standard_net

PARTS = 150



def _named(message: str, claim: str) -> list[str]:
    return re.findall(re.escape(claim) + r"(?:\.[12])+", message)


async def test_a_freeze_of_a_claim_split_into_many_parts_names_some_and_how_many_more():
    net = await standard_net()
    claim = await split_into(net, PARTS)
    regulator = net.actors["regulator"]
    message = await net.refused(regulator, "FreezeReceivable", claim, "order-1", rule="invalid-state")
    assert not message.endswith("…"), message[-200:]
    named = _named(message.split("names: ", 1)[1], claim)
    assert len(named) == PARTS_NAMED
    assert (f"and {PARTS - PARTS_NAMED} more ({PARTS} in all: GetProvenance {claim} lists them with their "
            f"status, up to {PROVENANCE_PARTS_MAX} parts an answer; ask it again of a part marked children_omitted "
            "for the parts below it)") in message, message[-300:]


async def test_where_a_refusal_says_to_read_all_the_parts_they_are_read(monkeypatch):
    """GetProvenance answers at most PROVENANCE_PARTS_MAX parts: the refusal says so and how to read the rest,
    and doing as it says reaches every part of the claim."""
    monkeypatch.setattr(queries, "PROVENANCE_PARTS_MAX", 40)
    net = await standard_net()
    claim = await split_into(net, PARTS)
    regulator = net.actors["regulator"]
    message = await net.refused(regulator, "FreezeReceivable", claim, "order-1", rule="invalid-state")
    assert (f"({PARTS} in all: GetProvenance {claim} lists them with their status, up to 40 parts an answer; ask "
            "it again of a part marked children_omitted for the parts below it)") in message, message[-300:]
    leaves, to_ask = [], [claim]
    while to_ask:
        nodes = [(await net.ok(regulator, "GetProvenance", to_ask.pop(), evaluate=True))["tree"]]
        while nodes:
            node = nodes.pop()
            if node.get("children_omitted"):
                to_ask.append(node["id"])
            elif node["children"]:
                nodes += node["children"]
            else:
                leaves.append(node["id"])
    assert len(leaves) == len(set(leaves)) == PARTS


async def test_a_payment_a_frozen_part_stops_names_some_other_parts_and_how_many_more():
    net = await standard_net()
    core, regulator = net.actors["core"], net.actors["regulator"]
    claim = await split_into(net, PARTS)
    frozen = (await net.ok(core, "GetProvenance", claim, evaluate=True))["tree"]
    while frozen["children"]:
        frozen = frozen["children"][0]
    await net.ok(regulator, "FreezeReceivable", frozen["id"], "order-1")
    message = await net.refused(core, "RecordPayment", claim, "1000", rule="receivable-frozen")
    assert not message.endswith("…"), message[-200:]
    assert (f"and {PARTS - 1 - PARTS_NAMED} more ({PARTS - 1} in all: GetProvenance {claim} lists them with their "
            f"status, up to {PROVENANCE_PARTS_MAX} parts an answer; ask it again of a part marked children_omitted "
            "for the parts below it) can be paid one by one (RecordPayment on each)") in message, message[-300:]
    assert frozen["id"] not in message.split("its other parts ", 1)[1]
