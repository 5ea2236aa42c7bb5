"""A bank's ``recfin.exposure-version`` on a debtor is read and written by each of its offers on the debtor's claims.
Under the chaincode-level policy alone (any two orgs' peers), the debtor's org and a supplier's, running altered
chaincode, could commit a write giving it a key-level policy of their own, or a value no count parses to, and every
later offer of the bank on that debtor would fail (ENDORSEMENT_POLICY_FAILURE, or refused record-unreadable) for as
long as they liked: a bank shut out of a debtor by the two parties it would lend against. The bank's offer writes the
version under the bank's org alone, so from its first offer on the debtor no two other orgs can seal or rewrite it,
and its later offers commit with the holder's and the bank's peers."""

from __future__ import annotations

import dataclasses

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.store_base import org_policy
from chaincode.testing._memory_peer import Write, WriteRecord

from tests.unit.receivables.support import BANK, CORE, SUPPLIER, standard_net, transient_terms


async def _committed_by_the_debtor_and_a_supplier(net, *writes: Write) -> str:
    """Commit ``writes`` in a transaction the debtor's and the supplier's peers endorse, as altered chaincode would."""
    carrier = await net.ledger.endorse(net.actors["core"].identity, "receivables:WhoAmI", transient={},
                                       timestamp=net.now)
    return net.ledger.commit(dataclasses.replace(carrier, writes=writes), endorsers=(CORE, SUPPLIER))


async def _offer_committed_by_the_holder_and_the_bank(net, request_id: str, version: str = "") -> str:
    args = (request_id, version) if version else (request_id,)
    endorsement = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", *args,
                                           transient=transient_terms(), timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return net.ledger.commit(endorsement, endorsers=(SUPPLIER, BANK))


async def _a_bank_that_offered_once():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    tier1, core = net.actors["tier1"], net.actors["core"]
    requests = [await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000_00))["id"])
                for _ in range(2)]
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0]["id"]) == "VALID"
    return net, net._key(keys.EXPOSURE_VERSION, net.actors["bank"].uscc, core.uscc), requests[1]["id"]


async def test_the_debtor_and_a_supplier_cannot_seal_the_version_of_a_bank_that_offered_on_the_debtor():
    net, version, request = await _a_bank_that_offered_once()
    seal = Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER]))
    assert await _committed_by_the_debtor_and_a_supplier(net, seal) == "ENDORSEMENT_POLICY_FAILURE"
    # the bank's next offer on the debtor, priced on the figures it read, commits with the holder's and its peers
    read = await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "", evaluate=True)
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, str(read["version"])) == "VALID"
    assert net.ledger.state[version] == b"2"


async def test_the_debtor_and_a_supplier_cannot_rewrite_the_version_of_a_bank_that_offered_on_the_debtor():
    net, version, request = await _a_bank_that_offered_once()
    for forged in (b"not a count", b"999999"):
        rewrite = Write(WriteRecord.PUT_STATE, "", version, forged)
        assert await _committed_by_the_debtor_and_a_supplier(net, rewrite) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.ledger.state[version] == b"1"
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, "1") == "VALID"
