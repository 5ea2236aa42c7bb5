"""A walk along a lineage (a payment through a split claim, the parts a refusal names, GetProvenance) reads each
claim at most once, and ends: a part's id is the id of the claim it was split from with a dot and its number
after it (``keys.child_id``), and a split lists each of its two parts once. A claim record two orgs wrote as a
new key (altered chaincode, under the chaincode-level policy alone) could list its own ancestor as its part, or
one part twice at every level; walked on its word, a payment or a provenance read of it never ended, holding the
chaincode server's one event loop, and so every transaction of the org's peers, for good. Such a record is now
refused ``invalid-state``, naming it, and nothing is written."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import standard_net

PLANTED = "R-00000000000000ee"
OTHER = "R-00000000000000ef"


async def _net_and_a_claim_record():
    """The standard network and a record of tier1's claim on core, CONFIRMED, to plant copies of."""
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 1000_00)
    return net, net.doc(claim["id"])


def _plant(net, record: dict, receivable_id: str, **fields) -> None:
    net.plant({**record, "id": receivable_id, **fields}, keys.RECEIVABLE, receivable_id)


async def test_a_planted_claim_listing_one_part_twice_is_refused_not_paid_twice():
    net, record = await _net_and_a_claim_record()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    part = f"{PLANTED}.1"
    _plant(net, record, PLANTED, root_id=PLANTED, status="SPLIT", outstanding=0, children=[part, part])
    _plant(net, record, part, root_id=PLANTED, parent_id=PLANTED, face_amount=500_00, outstanding=500_00)
    message = await net.refused(core, "RecordPayment", PLANTED, "100000", rule="invalid-state")
    assert f"claim {PLANTED} lists {part} as one of its parts, twice" in message
    assert f"the record of {PLANTED} was written outside the contract" in message
    await net.refused(tier1, "TransferReceivable", PLANTED, tier2.uscc, "100", rule="invalid-state")
    await net.refused(tier1, "GetProvenance", PLANTED, rule="invalid-state")


async def test_a_planted_claim_listing_its_own_ancestor_as_its_part_is_refused_and_the_walk_ends():
    net, record = await _net_and_a_claim_record()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    # each names the other as its part and as the claim it was split from, twice over
    split = {"root_id": PLANTED, "status": "SPLIT", "outstanding": 0}
    _plant(net, record, PLANTED, **split, parent_id=OTHER, children=[OTHER, OTHER])
    _plant(net, record, OTHER, **split, parent_id=PLANTED, children=[PLANTED, PLANTED])
    message = await net.refused(core, "RecordPayment", PLANTED, "100000", rule="invalid-state")
    assert (f"claim {PLANTED} lists {OTHER} as one of its parts, but its id is not {PLANTED}'s with a part's "
            "number after it") in message
    await net.refused(tier1, "TransferReceivable", PLANTED, tier2.uscc, "100", rule="invalid-state")
    message = await net.refused(tier1, "GetProvenance", PLANTED, rule="invalid-state")
    assert f"receivable {PLANTED} names {OTHER} as the claim it was split from" in message


async def test_a_planted_part_naming_a_real_claim_as_its_parent_is_not_shown_in_that_claims_lineage():
    net, record = await _net_and_a_claim_record()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    split = await net.ok(tier1, "TransferReceivable", record["id"], tier2.uscc, "40000")
    # a claim of tier1's on core, said to be split from that claim, under an id no split of it writes
    _plant(net, record, PLANTED, root_id=record["id"], parent_id=record["id"], face_amount=900_00,
           outstanding=900_00)
    message = await net.refused(tier1, "GetProvenance", PLANTED, rule="invalid-state")
    assert f"receivable {PLANTED} names {record['id']} as the claim it was split from" in message
    # the claim's own parts still read as its lineage
    kept = await net.ok(tier1, "GetProvenance", split["children"][1], evaluate=True)
    assert [a["id"] for a in kept["ancestors"]] == [record["id"]]
