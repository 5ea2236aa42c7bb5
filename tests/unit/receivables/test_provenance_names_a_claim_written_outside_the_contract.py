"""GetProvenance shows a claim of the lineage whose record no split writes (written outside the contract by the
orgs its key-level policy names, running altered chaincode) where it lies, redacted, with nothing below it, and
names its key in ``unreadable``, as it shows a part this peer cannot read: it refused the whole provenance, so
two orgs rewriting one part deep in a lineage denied the regulator and the claim's creditor the tree of every
other part, for good. The claim asked about itself is still refused ``invalid-state`` where its own record lists
such parts or names such a parent (``test_lineage_walks_end``): that record is the one in question."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .test_provenance_shows_only_what_the_reader_may_read import lineage, nodes
from .test_unreadable_records import forge


def _rewrite(net, receivable_id: str, **fields) -> str:
    """The claim's record rewritten with ``fields``; its key."""
    key = net._key(keys.RECEIVABLE, receivable_id)
    forge(net, key, json.dumps({**net.doc(receivable_id), **fields}, sort_keys=True).encode())
    return key


async def test_a_part_listing_one_part_twice_is_named_and_the_rest_of_the_tree_answered():
    net, r = await lineage()
    key = _rewrite(net, f"{r}.1.1", children=[f"{r}.1.1.1", f"{r}.1.1.1"])
    for reader in (net.actors["regulator"], net.actors["tier1"]):
        answer = await net.ok(reader, "GetProvenance", r, evaluate=True)
        seen = nodes(answer["tree"])
        assert seen[f"{r}.1.1"] == {"id": f"{r}.1.1", "parent_id": f"{r}.1", "status": None, "holder": None,
                                    "face_amount": None, "outstanding": None, "redacted": True}
        assert f"{r}.1.1.1" not in seen and f"{r}.1.1.2" not in seen   # its word on its parts is not taken
        assert seen[f"{r}.1.2"]["holder"] == net.actors["tier2"].uscc    # the rest of the tree as before
        assert seen[f"{r}.2"]["holder"] == net.actors["tier1"].uscc
        assert (answer["unreadable"], answer["newer_version"]) == ([key], [])


async def test_a_part_listing_a_part_not_its_own_is_named_and_the_walk_ends():
    net, r = await lineage()
    key = _rewrite(net, f"{r}.1", children=[r, f"{r}.1.1"])
    answer = await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True)
    seen = nodes(answer["tree"])
    assert seen[f"{r}.1"]["redacted"] is True and f"{r}.1.1" not in seen
    assert answer["unreadable"] == [key]


async def test_a_part_naming_another_claim_as_its_parent_is_not_shown_as_a_part_of_this_one():
    net, r = await lineage()
    other = (await net.confirmed(net.actors["tier1"], net.actors["core"], 1000))["id"]
    key = _rewrite(net, f"{r}.1.1", parent_id=other)
    answer = await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True)
    seen = nodes(answer["tree"])
    assert seen[f"{r}.1.1"] == {"id": f"{r}.1.1", "parent_id": f"{r}.1", "status": None, "holder": None,
                                "face_amount": None, "outstanding": None, "redacted": True}
    assert answer["unreadable"] == [key]


async def test_an_ancestor_naming_a_parent_its_id_does_not_extend_is_named_and_the_ancestors_go_on():
    net, r = await lineage()
    other = (await net.confirmed(net.actors["tier1"], net.actors["core"], 1000))["id"]
    key = _rewrite(net, f"{r}.1", parent_id=other)
    answer = await net.ok(net.actors["regulator"], "GetProvenance", f"{r}.1.1", evaluate=True)
    # shown where it lies, as an ancestor this peer cannot read: its parent the claim its id extends, which lists it
    assert answer["ancestors"][0] == {"id": f"{r}.1", "parent_id": r, "status": None, "holder": None,
                                      "face_amount": None, "outstanding": None, "redacted": True}
    assert answer["ancestors"][1]["id"] == r and answer["ancestors"][1]["holder"] == net.actors["tier1"].uscc
    assert answer["unreadable"] == [key]
