"""GetProvenance shows a part of the tree this peer cannot read (a newer contract version wrote it, or no version
did) where it lies, redacted, and names its key (``unreadable``, ``newer_version``), as the lists name what they
pass over: it refused the whole tree, to the holder of every other part, over one part of another holder's."""

from __future__ import annotations

from chaincode.receivables import keys

from .test_provenance_shows_only_what_the_reader_may_read import lineage, nodes
from .test_queries_name_what_they_pass_over import as_newer_version_wrote
from .test_unreadable_records import forge


async def test_a_part_of_a_newer_version_is_shown_where_it_lies_and_named():
    net, r = await lineage()
    key = net._key(keys.RECEIVABLE, f"{r}.1.1")
    as_newer_version_wrote(net, key)
    for reader in (net.actors["tier1"], net.actors["regulator"]):
        answer = await net.ok(reader, "GetProvenance", r, evaluate=True)
        seen = nodes(answer["tree"])
        assert seen[f"{r}.1.1"] == {"id": f"{r}.1.1", "parent_id": f"{r}.1", "status": None, "holder": None,
                                    "face_amount": None, "outstanding": None, "redacted": True}
        assert f"{r}.1.1.1" not in seen   # what lies below it this peer cannot tell
        assert seen[f"{r}.2"]["holder"] == net.actors["tier1"].uscc   # the rest of the tree as before
        assert (answer["newer_version"], answer["unreadable"]) == ([key], [])


async def test_a_part_no_version_wrote_is_named_unreadable_and_a_whole_tree_names_none():
    net, r = await lineage()
    whole = await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True)
    assert (whole["newer_version"], whole["unreadable"]) == ([], [])
    key = net._key(keys.RECEIVABLE, f"{r}.1.1.1")
    forge(net, key, b"garbage")
    answer = await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True)
    assert nodes(answer["tree"])[f"{r}.1.1.1"]["redacted"] is True
    assert (answer["newer_version"], answer["unreadable"]) == ([], [key])
