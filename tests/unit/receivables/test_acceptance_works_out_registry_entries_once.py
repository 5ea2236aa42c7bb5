"""AcceptFinancingOffer works out which registry entries name the claim's root once: it refuses the acceptance while
one of the entries the root was registered under no longer names it (invoice-already-financed), and gives those that
do the bank's org. Counts, never timings: the entries are gone through once per acceptance, of a whole claim and of
a part, invoice and goods receipt entries alike, and the bank's org still joins each."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.store_registry import RegistryRecords

from .support import standard_net, transient_terms
from .test_registry_and_attestation_policies import policy_orgs


@pytest.fixture
def worked_out(monkeypatch) -> list[str]:
    """The root claim of each time the registry entries naming a claim are worked out."""
    seen: list[str] = []
    original = RegistryRecords._registry_entries_and_sharing

    async def counted(self, r, fingerprints):
        seen.append(r.id)
        return await original(self, r, fingerprints)

    monkeypatch.setattr(RegistryRecords, "_registry_entries_and_sharing", counted)
    return seen


@pytest.mark.parametrize("part", [False, True], ids=["whole-claim", "part-of-a-claim"])
async def test_an_acceptance_works_out_the_roots_registry_entries_once(worked_out, part):
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = await net.confirmed(tier1, core, 1000_00,
                                goods_receipts=[{"po_number": "PO-1", "receipt_number": "GR-1"}])
    holder, financed = tier1, claim["id"]
    if part:
        await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000")
        holder, financed = tier2, f"{claim['id']}.1"
    _, offer = await net.offered(holder, financed)
    worked_out.clear()
    await net.ok(holder, "AcceptFinancingOffer", offer["id"], transient=transient_terms())
    assert worked_out == [claim["id"]]
    # and the bank's org joined each entry naming the root, the invoice's and the goods receipt's
    root = json.loads(net.ledger.state[net._key(keys.RECEIVABLE, claim["id"])])
    entries = [net._key(keys.FINGERPRINT, root["invoices"][0]["fingerprint"]),
               net._key(keys.GOODS_RECEIPT, root["goods_receipts"][0]["receipt_key"])]
    bank_msp = net.actors["bank"].msp
    assert all(bank_msp in policy_orgs(net, key) for key in entries)
