"""What one org can do alone, running altered chaincode on its own peer: write the keys whose key-level
policy names its org only (its parties, its discount offers, its attestations, ...). The network's
chaincode-level policy is the one recfin deploys (any two orgs' peers), and each altered write set is built
by hand, as altered chaincode would, then committed endorsed by that org's peer alone
(``MemoryLedger.commit(..., endorsers=...)``). A record so rewritten to speak for another org is refused by
every transaction that would act on it, or counted for nothing."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.receivables.store_base import org_policy

from .support import CORE, SUPPLIER, Net

CORE2 = "Core2MSP"
TWO_DEBTOR_ORGS = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, CORE2: ("core_enterprise",)})


async def two_debtor_orgs() -> Net:
    net = Net(TWO_DEBTOR_ORGS)
    net.ledger.chaincode_policy = endorsement_policy(TWO_DEBTOR_ORGS, principal="peer")
    await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    await net.party("other-core", CORE2, "core_enterprise", "Other Debtor")
    await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    return net


async def altered(net: Net, actor, fn: str, *args: str, rewrite):
    """An endorsement of ``fn`` as ``actor``'s org's peer would make it running altered chaincode: the
    write set of the real transaction, each public value passed through ``rewrite(key, value)``."""
    endorsement = await net.ledger.endorse(actor.identity, f"receivables:{fn}", *args, transient={},
                                           timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    writes = tuple(dataclasses.replace(w, value=rewrite(w.key, w.value)) if w.value and not w.collection
                   else w
                   for w in endorsement.writes)
    return dataclasses.replace(endorsement, writes=writes)


async def test_a_debtor_org_cannot_rewrite_its_discount_offer_into_another_debtors_and_settle_its_claim():
    net = await two_debtor_orgs()
    core, other, tier1 = net.actors["core"], net.actors["other-core"], net.actors["tier1"]
    owed_by_other = (await net.confirmed(tier1, other))["id"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    offer_key = net._key(keys.DISCOUNT, offer["id"])

    def as_the_other_debtors(key: str, value: bytes) -> bytes:
        if key != offer_key:
            return value
        if not value.startswith(b"{"):     # the key's policy: the other debtor's org's, as its own offer's
            return org_policy([CORE2])
        return json.dumps({**json.loads(value), "debtor": other.uscc, "debtor_msp": CORE2,
                           "status": "OPEN", "withdrawn_on": None}, sort_keys=True).encode()

    # the offer's key is under the core enterprise's org alone: its peer alone makes the rewrite valid, the
    # key-level policy it sets with it included
    forged = await altered(net, core, "WithdrawDiscountOffer", offer["id"], rewrite=as_the_other_debtors)
    assert net.ledger.commit(forged, endorsers=(CORE,)) == "VALID"
    assert json.loads(net.ledger.state[offer_key])["debtor_msp"] == CORE2
    assert net.ledger.validation_parameters[offer_key] == org_policy([CORE2])
    # the other debtor's peer, running the contract, would take the offer for its own and endorse the
    # claim's settlement on it: the holder's acceptance is refused, the offer's key being under another org
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], owed_by_other,
                                rule="record-unreadable")
    assert CORE2 in message and CORE in message
    assert net.doc(owed_by_other)["status"] == "CONFIRMED"
    await net.refused(tier1, "GetDiscountOffer", offer["id"], owed_by_other, rule="record-unreadable")


async def test_a_discount_offer_under_its_debtors_org_is_taken_as_before():
    net = await two_debtor_orgs()
    other, tier1 = net.actors["other-core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, other))["id"]
    offer = await net.ok(other, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim))["status"] == "SETTLED"

