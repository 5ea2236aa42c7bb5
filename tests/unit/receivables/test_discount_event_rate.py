"""DiscountOfferAccepted carries the rate in fixed point, as the stored offer holds it: a small rate written by
``str(Decimal)`` would read "1E-7" in the event beside "0.0000001" in the offer."""

from __future__ import annotations

import json

from .support import standard_net


async def test_a_small_rate_is_written_in_the_event_as_the_offer_stores_it():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 10_000, due_in=60)
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.0000001", "expires_on": net.day(30),
                                                    "receivable_ids": [r["id"]]})
    await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"])
    (_, name, payload) = net.ledger.events[-1]
    assert name == "DiscountOfferAccepted"
    assert json.loads(payload)["apr"] == d["apr"] == "0.0000001"
