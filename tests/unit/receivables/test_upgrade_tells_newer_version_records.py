"""UpgradeLedger on a peer whose contract is older than records on the ledger (a chaincode server left on an earlier
release, or a channel taken back to one) tells the records a newer version wrote from those no version wrote: it
lists them in ``newer_version`` (install the channel's version, then run it again), not in ``unreadable`` (find who
wrote each), writes nothing for them, and upgrades the rest, as it does past any record it cannot read."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import standard_net
from .test_newer_version_records import as_newer_version_wrote
from .test_upgrade_seals_and_passes_over import discount_keys, policy_orgs


async def test_records_a_newer_version_wrote_are_listed_apart_and_the_rest_upgraded():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    newer = await net.confirmed(tier1, core)
    f, o = await net.offered(tier1, newer["id"])   # an open offer on the newer version's claim
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    offer_key, entry = discount_keys(net, d["id"])
    del net.ledger.validation_parameters[offer_key]   # an offer still to seal, scanned after them
    claim_key, financing_key = net._key(keys.RECEIVABLE, newer["id"]), net._key(keys.FINANCING, f["id"])
    for key in (claim_key, financing_key):
        as_newer_version_wrote(net, key)
    garbage = net._key(keys.RECEIVABLE, "R-0")   # and a value no version wrote
    net.ledger.state[garbage] = b"\xff not json"

    pages = await net.upgrade_pages()
    # the offer is readable, its claim is not: the offers' page lists the claim's key, as the claims' page does
    assert list(dict.fromkeys(k for p in pages for k in p["newer_version"])) == [claim_key, financing_key]
    assert [k for p in pages for k in p["unreadable"]] == [garbage]
    assert policy_orgs(net, offer_key) == [core.msp]   # the records after them were upgraded
    events = [json.loads(payload) for _, name, payload in net.ledger.events if name == "LedgerUpgraded"]
    assert list(dict.fromkeys(k for e in events for k in e["newer_version"])) == [claim_key, financing_key]


async def test_a_ledger_of_this_version_lists_none():
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    await net.offered(net.actors["tier1"], r["id"])
    pages = await net.upgrade_pages()
    assert all(p["newer_version"] == [] and p["unreadable"] == [] for p in pages)


async def test_done_is_said_of_the_pages_not_of_the_records_passed_over():
    """The last page says done while records a newer version wrote stay as they were: the published description
    of ``done`` says that much, not that the ledger is upgraded."""
    net = await standard_net()
    newer = await net.confirmed(net.actors["tier1"], net.actors["core"])
    claim_key = net._key(keys.RECEIVABLE, newer["id"])
    as_newer_version_wrote(net, claim_key)
    pages = await net.upgrade_pages()
    assert pages[-1]["done"] and claim_key in [k for p in pages for k in p["newer_version"]]
    meta = await net.ledger.evaluate(net.actors["tier1"].identity, "org.hyperledger.fabric:GetMetadata")
    done = json.loads(meta.payload)["components"]["schemas"]["LedgerUpgrade"]["properties"]["done"]["description"]
    assert done.startswith("no page is left to read") and "the ledger is upgraded" not in done
    assert "unreadable and newer_version were passed over, nothing written for them" in done
