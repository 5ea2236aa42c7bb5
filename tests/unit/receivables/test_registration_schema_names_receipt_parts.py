"""The registration's published schema says what a goods receipt backs as the contract decides it: one
claim, or, given with a part, one claim per part of its delivery."""

from __future__ import annotations

import json

from .support import standard_net


async def test_the_published_goods_receipts_description_allows_a_claim_per_part_as_registration_does():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    part = {"po_number": "PO-1", "receipt_number": "GR-1", "part": {"received": 2000}}
    for _ in range(2):   # two claims, each for a part of the one delivery
        await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, goods_receipts=[part]))

    read = await net.ledger.evaluate(core.identity, "org.hyperledger.fabric:GetMetadata", transient={},
                                     timestamp=net.now)
    transactions = json.loads(read.payload)["contracts"]["receivables"]["transactions"]
    register = next(t for t in transactions if t["name"] == "RegisterReceivable")
    registration = register["parameters"][0]["schema"]
    described = registration["properties"]["goods_receipts"]["description"]
    assert "one claim per part" in described
    assert "each backs one claim" not in described
