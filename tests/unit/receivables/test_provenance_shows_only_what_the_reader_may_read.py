"""GetProvenance shows each part of the tree as the caller may read it, by GetReceivable's rules.

A holder who passed a part on keeps reading the claim it held, but the part moved on: its later holders, states
and amounts are theirs and the debtor's. A part the caller may not read keeps its id, parent and children only.
"""

from __future__ import annotations

from .support import SUPPLIER, standard_net


async def lineage():
    """R (tier1) split to R.1 (tier2), R.1 split to R.1.1 (tier3), R.1.1 split to R.1.1.1 (tier4)."""
    net = await standard_net()
    core, t1, t2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    t3 = await net.party("tier3", SUPPLIER, "supplier", "Tier-3")
    t4 = await net.party("tier4", SUPPLIER, "supplier", "Tier-4")
    r = (await net.confirmed(t1, core, 1000))["id"]
    await net.ok(t1, "TransferReceivable", r, t2.uscc, "400")            # R.1 -> t2
    await net.ok(t2, "TransferReceivable", f"{r}.1", t3.uscc, "100")     # R.1.1 -> t3
    await net.ok(t3, "TransferReceivable", f"{r}.1.1", t4.uscc, "30")    # R.1.1.1 -> t4
    return net, r


def nodes(tree: dict) -> dict[str, dict]:
    """Every node of a provenance tree, by id, without its children."""
    found, pending = {}, [tree]
    while pending:
        node = pending.pop()
        found[node["id"]] = {k: v for k, v in node.items() if k != "children"}
        pending.extend(node["children"])
    return found


async def test_a_former_holder_sees_only_ids_of_the_parts_it_passed_on():
    net, r = await lineage()
    t2 = net.actors["tier2"]
    for part in (f"{r}.1.1", f"{r}.1.1.1"):
        await net.refused(t2, "GetReceivable", part, rule="not-permitted-to-read", evaluate=True)
    seen = nodes((await net.ok(t2, "GetProvenance", f"{r}.1", evaluate=True))["tree"])
    for part, parent in ((f"{r}.1.1", f"{r}.1"), (f"{r}.1.1.1", f"{r}.1.1")):
        assert seen[part] == {"id": part, "parent_id": parent, "status": None, "holder": None, "face_amount": None,
                              "outstanding": None, "redacted": True}
    # its own: the claim asked about and the part it kept, whole and without the flag
    assert (seen[f"{r}.1"]["holder"], seen[f"{r}.1.2"]["holder"], seen[f"{r}.1.2"]["outstanding"]) == \
        (t2.uscc, t2.uscc, 300)
    assert "redacted" not in seen[f"{r}.1"] and "redacted" not in seen[f"{r}.1.2"]
    # the tree keeps its shape: the redacted part still names its children, down to the last holder's
    tree = (await net.ok(t2, "GetProvenance", f"{r}.1", evaluate=True))["tree"]
    assert [c["id"] for c in tree["children"][0]["children"]] == [f"{r}.1.1.1", f"{r}.1.1.2"]


async def test_the_debtor_the_regulator_the_creditor_and_the_last_holder_see_what_they_may_read():
    net, r = await lineage()
    t4 = net.actors["tier4"]
    whole = nodes((await net.ok(net.actors["regulator"], "GetProvenance", r, evaluate=True))["tree"])
    assert not any(n.get("redacted") for n in whole.values()) and whole[f"{r}.1.1.1"]["holder"] == t4.uscc
    # the debtor reads every part; so does the creditor, whose claim every part was split from
    for reader in ("core", "tier1"):
        assert nodes((await net.ok(net.actors[reader], "GetProvenance", r, evaluate=True))["tree"]) == whole, reader
    # the last holder reads its own part whole, and the ancestors it came from as before
    mine = await net.ok(t4, "GetProvenance", f"{r}.1.1.1", evaluate=True)
    assert mine["tree"] == {**whole[f"{r}.1.1.1"], "children": []}
    assert [(a["id"], a["holder"]) for a in mine["ancestors"]] == \
        [(f"{r}.1.1", net.actors["tier3"].uscc), (f"{r}.1", net.actors["tier2"].uscc), (r, net.actors["tier1"].uscc)]
