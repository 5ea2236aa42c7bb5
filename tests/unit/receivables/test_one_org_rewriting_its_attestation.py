"""An attester's org, running altered chaincode on its own peer, rewrites an attestation it made (its key
under that org's key-level policy alone) into one in another org's attester's name: the network validates it
with that org's peer alone endorsing (the chaincode-level policy recfin deploys, any two orgs' peers, is not
asked: the transaction writes no key without a key-level policy), and the record then counts for nothing."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables.store_base import org_policy

from .support import BANK, BANK2, forgeable_attestation, two_bank_net


async def test_a_bank_org_cannot_rewrite_its_attestation_into_another_banks_failure_of_the_invoice():
    net = two_bank_net()
    forge = await forgeable_attestation(net)
    tier1, bank, other_bank, record_key = forge.tier1, forge.bank, forge.other_bank, forge.record_key
    # the record's key is under the bank's org alone: its peer alone makes valid a transaction that writes
    # only it (the write set of a new attestation, cut down and rewritten as altered chaincode would)
    net.advance(minutes=1)
    endorsement = await net.ledger.endorse(bank.identity, "receivables:AttestInvoiceVerification",
                                           json.dumps(forge.request), transient={}, timestamp=net.now)
    put = next(w for w in endorsement.writes if w.value.startswith(b"{"))
    policy = next(w for w in endorsement.writes if w.key == put.key and not w.value.startswith(b"{"))
    # the other bank's org's policy set with it, as the contract gives that bank's own attestations
    forged = dataclasses.replace(endorsement, writes=(
        dataclasses.replace(put, key=record_key, value=forge.forged_record),
        dataclasses.replace(policy, key=record_key, value=org_policy([BANK2]))))
    assert net.ledger.commit(forged, endorsers=(BANK,)) == "VALID"
    assert json.loads(net.ledger.state[record_key])["attester"] == other_bank.uscc
    assert net.ledger.validation_parameters[record_key] == org_policy([BANK2])
    # the other bank never attested the invoice: no record counts as its failure, nor is listed as its
    listed = await net.ok(tier1, "GetInvoiceAttestations", forge.attested["fingerprint"], evaluate=True)
    assert [a["attester"] for a in listed] == []
    # nor is it the bank's pass any more: a new attestation is what registers the invoice
    message = await net.refused(tier1, "RegisterReceivable", forge.registration, rule="invoice-not-attested")
    assert f"unreadable, no attestation this contract recorded ({forge.attested['id']})" in message
