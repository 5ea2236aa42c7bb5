"""A ReceivableSplit event names what moved (``amount``, to ``children[0]``) and what the holder kept (``kept``, in
``children[1]``): a follower of the events keeps each part's balance from them alone, however often the parts are
split and paid, without reading a claim. Before, the event named the part transferred only, and the kept part's
balance could be had only by reading it (or from a balance the follower had to have followed from the root)."""

from __future__ import annotations

import json

from .support import standard_net


def _balances_from_events(events: list[tuple[str, str, bytes]]) -> dict[str, int]:
    """Each claim's outstanding amount as the events alone tell it."""
    balances: dict[str, int] = {}
    for _, name, raw in events:
        e = json.loads(raw)
        if name == "ReceivableRegistered":
            balances[e["receivable_id"]] = e["face_amount"]
        elif name == "ReceivableSplit":
            moved, kept = e["children"]
            balances[e["receivable_id"]] = 0
            balances[moved], balances[kept] = e["amount"], e["kept"]
        elif name == "PaymentRecorded":
            balances.update({a["receivable_id"]: a["outstanding"] for a in e["allocations"]})
    return balances


async def test_a_follower_of_the_events_keeps_every_parts_balance_without_reading_a_claim():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    rid = (await net.confirmed(tier1, core, 1000_00))["id"]
    await net.ok(core, "RecordPayment", rid, "10000")                         # 900.00 left when it is split
    first = await net.ok(tier1, "TransferReceivable", rid, tier2.uscc, "30000")
    moved, kept = first["children"]
    await net.ok(core, "RecordPayment", kept, "5000")
    await net.ok(tier1, "TransferReceivable", kept, tier2.uscc, "20000")     # the part kept, split again

    [split, _] = [json.loads(raw) for _, name, raw in net.ledger.events if name == "ReceivableSplit"]
    assert (split["amount"], split["kept"], split["children"]) == (30000, 60000, [moved, kept])
    followed = _balances_from_events(net.ledger.events)
    on_the_ledger = {i: (await net.ok(core, "GetReceivable", i, evaluate=True))["outstanding"] for i in followed}
    assert followed == on_the_ledger
    assert followed[f"{kept}.2"] == 35000
