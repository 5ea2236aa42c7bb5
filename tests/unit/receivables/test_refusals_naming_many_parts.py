"""A refusal that names the parts of a split claim to act on instead names a few and says how many more
and where to read them all: a lineage a supplier split into hundreds of parts made the whole list run past
the 4096 bytes a response message is cut at (``chaincode.shim``), mid-id, with no count and nothing saying
it was cut short, and the regulator freezing the claim, or the debtor paying through it, read a list of
parts that was not all of them."""

from __future__ import annotations

import re

from chaincode.receivables.errors import PARTS_NAMED
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
    assert (f"and {PARTS - PARTS_NAMED} more ({PARTS} in all: GetProvenance {claim} lists every part "
            "with its status)") in message, message[-300:]


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
    assert (f"and {PARTS - 1 - PARTS_NAMED} more ({PARTS - 1} in all: GetProvenance {claim} lists every part "
            "with its status) can be paid one by one (RecordPayment on each)") in message, message[-300:]
    assert frozen["id"] not in message.split("its other parts ", 1)[1]
