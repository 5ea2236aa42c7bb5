"""GetProvenance shows an ancestor this peer cannot read (a newer contract version wrote it, or no version did)
where it lies among the ancestors, redacted, and names its key, as it does a part of the tree: it refused the
whole answer, to the holder of the part asked about, over one record above it. Unread, the ancestor does not tell
its parent: the answer goes on from the claim its id extends where that claim lists it among its children, and
says where it cannot (``parent_unknown``)."""

from __future__ import annotations

from chaincode.receivables import keys

from .test_provenance_shows_only_what_the_reader_may_read import lineage, nodes
from .test_queries_name_what_they_pass_over import as_newer_version_wrote
from .test_unreadable_records import forge

REDACTED = {"status": None, "holder": None, "face_amount": None, "outstanding": None, "redacted": True}


async def test_an_ancestor_of_a_newer_version_is_shown_where_it_lies_and_the_chain_goes_on_to_the_root():
    net, r = await lineage()
    key = net._key(keys.RECEIVABLE, f"{r}.1.1")
    as_newer_version_wrote(net, key)
    answer = await net.ok(net.actors["tier4"], "GetProvenance", f"{r}.1.1.1", evaluate=True)
    assert [a["id"] for a in answer["ancestors"]] == [f"{r}.1.1", f"{r}.1", r]
    assert answer["ancestors"][0] == {"id": f"{r}.1.1", "parent_id": f"{r}.1", **REDACTED}
    assert answer["ancestors"][1]["holder"] == net.actors["tier2"].uscc   # the rest as before, whole
    assert (answer["newer_version"], answer["unreadable"]) == ([key], [])
    assert nodes(answer["tree"])[f"{r}.1.1.1"]["holder"] == net.actors["tier4"].uscc


async def test_an_ancestor_whose_parent_cannot_be_told_ends_the_ancestors_saying_so():
    net, r = await lineage()
    newer, garbage = net._key(keys.RECEIVABLE, f"{r}.1.1"), net._key(keys.RECEIVABLE, f"{r}.1")
    as_newer_version_wrote(net, newer)
    forge(net, garbage, b"garbage")
    answer = await net.ok(net.actors["regulator"], "GetProvenance", f"{r}.1.1.1", evaluate=True)
    # the claim its id extends is unreadable too, so nothing says it lists the part: no parent is made up
    assert answer["ancestors"] == [{"id": f"{r}.1.1", "parent_id": None, **REDACTED, "parent_unknown": True}]
    assert (answer["newer_version"], answer["unreadable"], answer["root_id"]) == ([newer], [], r)
    # asked from the part whose parent is that unreadable one, it is shown there; the root goes on from it
    answer = await net.ok(net.actors["regulator"], "GetProvenance", f"{r}.1.2", evaluate=True)
    assert [a.get("redacted", False) for a in answer["ancestors"]] == [True, False]
    assert (answer["ancestors"][0]["parent_id"], answer["unreadable"]) == (r, [garbage])
