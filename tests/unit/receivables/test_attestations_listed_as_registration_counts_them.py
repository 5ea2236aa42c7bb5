"""GetInvoiceAttestations lists an invoice's attestations as a registration counts them: a record in an attester's
name dated after the newest its own entry names (``recfin.attestation-last``, under the attester's org, which
each of its attestations writes) is one two other orgs wrote as a new key, and is named in ``unreadable``, not
listed. It was listed as the attester's: a bank reading the list before lending on an invoice, or an auditor, read
a forged pass dated after the attester's failure as the attester's newest word, where a registration under
``require_attestation`` refuses the invoice on that failure."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import standard_net
from .test_registry_and_attestation_policies import a_pass_forged_after, a_pass_then_a_failure


async def _a_failure_and_a_pass_forged_after_it():
    net = await standard_net()
    _, passed, failed = await a_pass_then_a_failure(net)
    a_pass_forged_after(net, failed)
    return net, passed, failed


async def test_a_pass_forged_in_a_banks_name_after_its_failure_is_not_listed_as_its_newest():
    net, passed, failed = await _a_failure_and_a_pass_forged_after_it()
    fp = failed["fingerprint"]
    for reader in ("regulator", "bank", "tier1", "core"):
        listed = await net.ok(net.actors[reader], "GetInvoiceAttestations", fp, evaluate=True)
        assert [(a["id"], a["outcome"]) for a in listed] == [(passed["id"], "pass"), (failed["id"], "fail")]
        answer = await net.ok(net.actors[reader], "GetInvoiceAttestations", fp, "object", evaluate=True)
        assert [a["id"] for a in answer["attestations"]] == [passed["id"], failed["id"]]
        assert (answer["unreadable"], answer["newer_version"]) == ([net._key(keys.ATTESTATION, fp, "A-forged")], [])

