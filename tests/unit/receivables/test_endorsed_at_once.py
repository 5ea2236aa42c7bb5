"""Transactions endorsed at the same time, validated as a peer validates them (``MemoryLedger.endorse`` and
``commit``): what docs/receivables.md says of attestations endorsed at once, checked on the real read sets."""

from __future__ import annotations

import json

from .support import attestation_request, standard_net

NUMBER = "26442000000000000042"
TAX = "reference-tax"


async def endorsed(net, actor, request):
    """``actor``'s attestation ``request`` endorsed on the ledger as it stands, not committed."""
    endorsement = await net.ledger.endorse(actor.identity, "receivables:AttestInvoiceVerification",
                                           json.dumps(request), transient={}, timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return endorsement


async def test_one_attesters_two_attestations_endorsed_at_once_commit_one_and_two_attesters_commit_both():
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,)))
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, sources=(TAX,)))
    net.advance(minutes=1)
    # each reads and writes its attester's newest attestation of the invoice (recfin.attestation-last)
    first = await endorsed(net, bank, attestation_request(tier1.uscc, NUMBER))
    second = await endorsed(net, bank, attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    other = await endorsed(net, bank2, attestation_request(tier1.uscc, NUMBER, outcome="fail"))
    assert net.ledger.commit(first) == "VALID"
    assert net.ledger.commit(second) == "MVCC_READ_CONFLICT"
    assert net.ledger.commit(other) == "VALID"


async def test_two_first_attestations_of_an_invoice_endorsed_at_once_commit_one():
    # each reads the invoice's attestations, a range its twin writes into, and its recfin.attestations-indexed
    # entry, absent, which its twin writes: the validator checks the keys read before the ranges, so the later
    # fails MVCC_READ_CONFLICT
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    first = await endorsed(net, bank, attestation_request(tier1.uscc, NUMBER))
    second = await endorsed(net, bank2, attestation_request(tier1.uscc, NUMBER))
    assert net.ledger.commit(first) == "VALID"
    assert net.ledger.commit(second) == "MVCC_READ_CONFLICT"
