"""Once a bank has accepted to finance a claim, the registry entries naming it (its invoice's fingerprint, its goods
receipt's entry; its root's, for a part of a split claim) name the bank's org in their key-level policy beside the
debtor's and the creditor's. The debtor's and the supplier's orgs, running altered chaincode on their two peers,
can then no longer delete such an entry to register the invoice again as a new claim, for a second bank to
finance. Each altered write set is built by hand, in a transaction a supplier's client submits, and committed
endorsed by the two orgs' peers (``MemoryLedger.commit(..., endorsers=...)``)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.shim import KeyEndorsementPolicy
from chaincode.testing._memory_peer import Write, WriteRecord
from client.invoices.fingerprint import fingerprint_of

from tests.unit.receivables.support import BANK, BANK2, CORE, SUPPLIER, split_into, standard_net, transient_terms

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


async def _deleted_by_debtor_and_supplier(net, entry_key: str) -> str:
    """The validation code of a transaction deleting ``entry_key``, endorsed by the debtor's and the supplier's
    peers alone."""
    tier1 = net.actors["tier1"]
    carrier = await net.ledger.endorse(tier1.identity, "receivables:WhoAmI", transient={}, timestamp=net.now)
    forged = dataclasses.replace(carrier, writes=(Write(kind=WriteRecord.DEL_STATE, collection="", key=entry_key),))
    return net.ledger.commit(forged, endorsers=(CORE, SUPPLIER))


def _entry_keys(net, registration: dict) -> list[str]:
    core = net.actors["core"]
    invoice = registration["invoices"][0]
    return [net._key(keys.FINGERPRINT, fingerprint_of(invoice["seller_tax_id"], "", invoice["number"])),
            net._key(keys.GOODS_RECEIPT, fingerprint.goods_receipt_key(core.uscc, RECEIPT["po_number"],
                                                                        RECEIPT["receipt_number"]))]


def _policy_orgs(net, key: str) -> list[str]:
    return sorted(KeyEndorsementPolicy(net.ledger.validation_parameters[key]).list_orgs())


# a second bank's org beside the first
CONFIG = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, BANK2: ("financier",)})


async def _net():
    net = await standard_net(CONFIG)
    net.ledger.chaincode_policy = endorsement_policy(CONFIG, principal="peer")
    await net.party("bank3", BANK2, "financier", "Third Bank")
    return net


async def _confirmed_claim():
    """The network (_net), a registration of tier1's invoice to core with RECEIPT, and the claim it made, confirmed."""
    net = await _net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registration = net.registration(tier1, core, goods_receipts=[RECEIPT])
    claim = (await net.ok(tier1, "RegisterReceivable", registration))["id"]
    await net.ok(core, "ConfirmReceivable", claim)
    return net, registration, claim


@pytest.mark.parametrize("entry", [0, 1], ids=["invoice fingerprint", "goods receipt"])
async def test_a_financed_claims_entry_is_not_deleted_by_its_debtor_and_supplier_alone(entry):
    net, registration, claim = await _confirmed_claim()
    tier1 = net.actors["tier1"]
    key = _entry_keys(net, registration)[entry]
    assert _policy_orgs(net, key) == [CORE, SUPPLIER]
    await net.financed(tier1, claim, disburse=False)
    assert await _deleted_by_debtor_and_supplier(net, key) == "ENDORSEMENT_POLICY_FAILURE"
    assert key in net.ledger.state
    await net.refused(tier1, "RegisterReceivable", registration, rule="invoice-already-financed")
    assert _policy_orgs(net, key) == [BANK, CORE, SUPPLIER]


async def test_a_financed_parts_root_entries_name_the_bank_and_keep_it_once_repaid():
    net, registration, claim = await _confirmed_claim()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    part = (await net.ok(tier1, "TransferReceivable", claim, net.actors["tier2"].uscc, "40000"))["children"][1]
    f = await net.financed(tier1, part)
    for key in _entry_keys(net, registration):
        assert _policy_orgs(net, key) == [BANK, CORE, SUPPLIER]
    # repaid, the part is settled: the entries still name the bank, and the invoice stays registered
    await net.ok(core, "RecordPayment", part, str(net.doc(part)["outstanding"]), "pay-1")
    await net.ok(net.actors["bank"], "RecordRepayment", f["id"])
    for key in _entry_keys(net, registration):
        assert _policy_orgs(net, key) == [BANK, CORE, SUPPLIER]
        assert await _deleted_by_debtor_and_supplier(net, key) == "ENDORSEMENT_POLICY_FAILURE"
    await net.refused(tier1, "RegisterReceivable", registration, rule="invoice-already-financed")


async def test_an_unfinanced_claims_entries_stay_its_debtors_and_creditors():
    # the release a rejection or withdrawal makes needs those two orgs alone, as before
    net, registration, claim = await _confirmed_claim()
    tier1 = net.actors["tier1"]
    f = (await net.ok(tier1, "RequestFinancing", claim))
    await net.ok(net.actors["bank"], "MakeFinancingOffer", f["id"], transient=transient_terms())
    for key in _entry_keys(net, registration):
        assert _policy_orgs(net, key) == [CORE, SUPPLIER]


async def test_a_split_lineage_financed_by_two_banks_entries_name_both():
    net = await _net()
    claim = await split_into(net, 2)
    parts = [f"{claim}.1", f"{claim}.2"]
    holders = [net.actors["tier2"], net.actors["tier1"]]
    await net.financed(holders[0], parts[0], net.actors["bank"], disburse=False)
    root = json.loads(net.ledger.state[net._key(keys.RECEIVABLE, claim)])
    fp_key = net._key(keys.FINGERPRINT, root["invoices"][0]["fingerprint"])
    assert _policy_orgs(net, fp_key) == [BANK, CORE, SUPPLIER]
    await net.financed(holders[1], parts[1], net.actors["bank3"], disburse=False)
    assert _policy_orgs(net, fp_key) == sorted([BANK, BANK2, CORE, SUPPLIER])
    assert await _deleted_by_debtor_and_supplier(net, fp_key) == "ENDORSEMENT_POLICY_FAILURE"


@pytest.mark.parametrize("entry", [0, 1], ids=["invoice fingerprint", "goods receipt"])
async def test_an_entry_freed_before_acceptance_stops_the_acceptance(entry):
    # before a bank's org guards it, the debtor's and the supplier's orgs can still delete the entry and register the
    # invoice again: the acceptance of an offer on the first claim is then refused, so no two banks finance it
    net, registration, claim = await _confirmed_claim()
    tier1 = net.actors["tier1"]
    _, offer = await net.offered(tier1, claim)
    key = _entry_keys(net, registration)[entry]
    assert await _deleted_by_debtor_and_supplier(net, key) == "VALID"
    message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="invoice-already-financed")
    assert f"no longer names {claim}" in message and "report the key to the network's operators" in message
    assert net.doc(claim)["status"] == "CONFIRMED"
