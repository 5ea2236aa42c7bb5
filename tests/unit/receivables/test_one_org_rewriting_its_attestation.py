"""An attester's org, running altered chaincode on its own peer, rewrites an attestation it made (its key
under that org's key-level policy alone) into one in another org's attester's name: the network validates it
with that org's peer alone endorsing (the chaincode-level policy recfin deploys, any two orgs' peers, is not
asked: the transaction writes no key without a key-level policy), and the record then counts for nothing."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.receivables.store_base import org_policy

from .support import BANK, CORE, SUPPLIER, Net, attestation_request


BANK2 = "Bank2MSP"
TWO_BANK_ORGS = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, BANK2: ("financier",)},
                              require_attestation=True)


async def test_a_bank_org_cannot_rewrite_its_attestation_into_another_banks_failure_of_the_invoice():
    net = Net(TWO_BANK_ORGS)
    net.ledger.chaincode_policy = endorsement_policy(TWO_BANK_ORGS, principal="peer")
    core = await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    tier1 = await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    bank = await net.party("bank", BANK, "financier", "First Bank")
    other_bank = await net.party("other-bank", BANK2, "financier", "Other Bank")
    registration = net.registration(tier1, core)
    invoice = registration["invoices"][0]
    request = attestation_request(tier1.uscc, invoice["number"], invoice=invoice)
    attested = await net.ok(bank, "AttestInvoiceVerification", request)
    record_key = net._key(keys.ATTESTATION, attested["fingerprint"], attested["id"])

    record = json.loads(net.ledger.state[record_key])
    forged_record = json.dumps({**record, "attester": other_bank.uscc, "outcome": "fail",
                                "attested": {**record["attested"], "msp_id": BANK2}}, sort_keys=True).encode()
    # the record's key is under the bank's org alone: its peer alone makes valid a transaction that writes
    # only it (the write set of a new attestation, cut down and rewritten as altered chaincode would)
    net.advance(minutes=1)
    endorsement = await net.ledger.endorse(bank.identity, "receivables:AttestInvoiceVerification",
                                           json.dumps(request), transient={}, timestamp=net.now)
    put = next(w for w in endorsement.writes if w.value.startswith(b"{"))
    policy = next(w for w in endorsement.writes if w.key == put.key and not w.value.startswith(b"{"))
    # the other bank's org's policy set with it, as the contract gives that bank's own attestations
    forged = dataclasses.replace(endorsement, writes=(
        dataclasses.replace(put, key=record_key, value=forged_record),
        dataclasses.replace(policy, key=record_key, value=org_policy([BANK2]))))
    assert net.ledger.commit(forged, endorsers=(BANK,)) == "VALID"
    assert json.loads(net.ledger.state[record_key])["attester"] == other_bank.uscc
    assert net.ledger.validation_parameters[record_key] == org_policy([BANK2])
    # the other bank never attested the invoice: no record counts as its failure, nor is listed as its
    listed = await net.ok(tier1, "GetInvoiceAttestations", attested["fingerprint"], evaluate=True)
    assert [a["attester"] for a in listed] == []
    # nor is it the bank's pass any more: a new attestation is what registers the invoice
    message = await net.refused(tier1, "RegisterReceivable", registration, rule="invoice-not-attested")
    assert f"unreadable, no attestation this contract recorded ({attested['id']})" in message
