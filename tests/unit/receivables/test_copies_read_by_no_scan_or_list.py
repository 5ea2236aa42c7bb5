"""A copy of a record under another key (any two orgs running altered chaincode can write a key nobody has written
yet) is held to the rule a point read holds it to (``store_base.stored_under_own_key``) by the reads that do not
go through ``StoreBase._get`` too: UpgradeLedger's scan passes it over and lists its key as ``unreadable``,
rather than writing the real record's policy from what the copy says, and the lists, the statistics and the
debtor's payment record leave it out, as they leave out any other key two orgs wrote outside the contract,
rather than showing it as the claim it names."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys

from .support import BANK, CORE, SUPPLIER, Net, standard_net
from .test_lists_believe_the_claim import forge_entry
from .test_upgrade_seals_and_passes_over import policy_orgs

# sorts after every claim id the net gives out, so the scan reads the real claim first and the copy last
PLANTED = "R-ffffffffffffffff"


def plant_copy(net: Net, claim_id: str, **changed: str) -> str:
    """Write, as two orgs can outside the contract, a copy of the claim under the new key ``PLANTED``, naming the
    claim's own id, with ``changed`` fields, in the state and in the key's history (as the claim's last write
    was, at its time); its key."""
    key = net._key(keys.RECEIVABLE, PLANTED)
    net.ledger.state[key] = json.dumps({**net.doc(claim_id), **changed}, sort_keys=True).encode()
    last_write = net.ledger.history[net._key(keys.RECEIVABLE, claim_id)][-1]
    net.ledger.history[key] = [dataclasses.replace(last_write, tx_id="forged", value=net.ledger.state[key])]
    return key


async def test_the_upgrade_passes_over_a_copy_and_seals_the_claim_it_names_from_the_claim_alone():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.registered(tier1, core)
    claim_key = net._key(keys.RECEIVABLE, claim["id"])
    del net.ledger.validation_parameters[claim_key]   # as a version before it left a claim REGISTERED
    # the copy names the bank's org as the debtor's: sealed from it, the claim would be under the bank and the
    # supplier, who could then confirm it for the debtor
    copy_key = plant_copy(net, claim["id"], debtor_msp=BANK)
    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [copy_key]
    assert policy_orgs(net, claim_key) == [CORE, SUPPLIER]
    assert sum(p["claim_policies"] for p in pages) == 1


async def test_a_copy_an_index_entry_points_at_is_listed_nowhere_and_counted_nowhere():
    net = await standard_net()
    core, core2, tier1, tier2, reg = (net.actors[k] for k in ("core", "core2", "tier1", "tier2", "regulator"))
    claim = await net.confirmed(tier1, core, 1000_00)
    own = await net.confirmed(tier2, core2, 2000_00)
    # a copy naming tier2 as holder and core2 as debtor, with entries under them pointing at it
    plant_copy(net, claim["id"], holder=tier2.uscc, debtor=core2.uscc)
    forge_entry(net, keys.BY_HOLDER, tier2.uscc, PLANTED)
    forge_entry(net, keys.BY_DEBTOR, core2.uscc, PLANTED)
    forge_entry(net, keys.BY_STATUS, "CONFIRMED", PLANTED)

    page = await net.ok(tier2, "ListReceivablesByHolder", tier2.uscc, "10", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own["id"]], 2)
    page = await net.ok(core2, "ListReceivablesByDebtor", core2.uscc, "10", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own["id"]], 2)
    page = await net.ok(reg, "ListReceivablesByStatus", "CONFIRMED", "10", "", evaluate=True)
    assert (sorted(r["id"] for r in page["records"]), page["fetched"]) == (sorted([claim["id"], own["id"]]), 3)
    page = await net.ok(core2, "GetDebtorPaymentRecord", core2.uscc, "10", "", evaluate=True)
    assert ([r["receivable_id"] for r in page["records"]], page["fetched"]) == ([own["id"]], 2)
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["count_by_status"]["CONFIRMED"] == 2
    assert sorted(stats["per_debtor"]) == sorted([core.uscc, core2.uscc])
    assert stats["per_debtor"][core2.uscc][claim["currency"]]["receivables"] == 1
