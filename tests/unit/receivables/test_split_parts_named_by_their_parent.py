"""A payment through a split claim reaches only the parts whose records name it as the claim they were split
from: a SPLIT claim record two orgs wrote as a new key (altered chaincode, under the chaincode-level policy
alone), owed by a debtor of theirs and listing another debtor's financed claim as its part, let that debtor
record a payment settling the other's claim, the holder's and the bank's peers running this contract
endorsing, as paid to the bank."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import CORE, SUPPLIER, standard_net

PLANTED = "R-00000000000000ee"


async def test_a_planted_split_claim_listing_another_debtors_claim_pays_nothing_of_it():
    net = await standard_net()
    tier1, core, core2 = net.actors["tier1"], net.actors["core"], net.actors["core2"]
    owed_by_another = await net.confirmed(tier1, core2, 1000_00)
    await net.financed(tier1, owed_by_another["id"])
    held = net.ledger.state[net._key(keys.RECEIVABLE, owed_by_another["id"])]
    own = await net.confirmed(tier1, core, 500_00)
    planted = {**net.doc(own["id"]), "id": PLANTED, "root_id": PLANTED, "status": "SPLIT", "outstanding": 0,
               "children": [owed_by_another["id"]]}
    net.ledger.state[net._key(keys.RECEIVABLE, PLANTED)] = json.dumps(planted, sort_keys=True).encode()
    message = await net.refused(core, "RecordPayment", PLANTED, "100000", rule="invalid-state")
    assert f"claim {PLANTED} lists {owed_by_another['id']} as one of its parts" in message
    assert net.ledger.state[net._key(keys.RECEIVABLE, owed_by_another["id"])] == held


async def test_a_payment_through_a_split_claim_still_reaches_its_parts():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1000_00)
    await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000")
    paid = await net.ok(core, "RecordPayment", claim["id"], "100000")
    assert sorted(a["amount"] for a in paid["allocations"]) == [40000, 60000]
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
