"""A discount offer or an attestation is held to its key's first write, read from the peer's history
(``StoreBase.first_value``). The peer's history is not always whole: Fabric ends a history query at its
``ledger.state.totalQueryLimit`` (newest first, without a word), and a peer joined from a snapshot has none
before it. And a peer may keep none at all (``ledger.history.enableHistoryDatabase: false``)."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys
from chaincode.receivables.store_base import org_policy
from chaincode.shim._errors import PeerError
from chaincode.testing import _memory_peer

from .support import (BANK, BANK2, CORE, SUPPLIER, TWO_BANK_ORGS, Net, attestation_request,
                      forgeable_attestation, two_bank_net)
from .test_one_org_rewriting_its_own_keys import CORE2, two_debtor_orgs


async def test_an_offer_rewritten_past_the_peers_history_limit_is_still_held_to_its_publication():
    net = await two_debtor_orgs()
    net.ledger.total_query_limit = 3   # the peer's totalQueryLimit (100000 by default), small for the test
    core, other, tier1 = net.actors["core"], net.actors["other-core"], net.actors["tier1"]
    owed_by_other = (await net.confirmed(tier1, other))["id"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    offer_key = net._key(keys.DISCOUNT, offer["id"])
    forged_value = json.dumps({**json.loads(net.ledger.state[offer_key]), "debtor": other.uscc,
                               "debtor_msp": CORE2}, sort_keys=True).encode()
    # altered chaincode on the core enterprise's peer writes the offer in the other debtor's name as often
    # as the peer's history shows, under its own org's policy, then sets the other org's with the last one:
    # no write of the history the peer returns names the debtor that published it
    # (each endorsed while the offer was still the core enterprise's: altered chaincode needs no read of it)
    endorsements = []
    for _ in range(net.ledger.total_query_limit):
        net.advance(minutes=1)
        endorsements.append(await net.ledger.endorse(core.identity, "receivables:WithdrawDiscountOffer",
                                                     offer["id"], transient={}, timestamp=net.now))
    for endorsement in endorsements:
        policy = org_policy([CORE2] if endorsement is endorsements[-1] else [CORE])
        writes = tuple(dataclasses.replace(w, value=forged_value if w.value.startswith(b"{") else policy)
                       for w in endorsement.writes if w.key == offer_key)
        forged = dataclasses.replace(endorsement, writes=writes, reads={}, range_reads=())
        assert net.ledger.commit(forged, endorsers=(CORE,)) == "VALID"
    assert net.ledger.validation_parameters[offer_key] == org_policy([CORE2])
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], owed_by_other,
                                rule="history-unavailable")
    assert "totalQueryLimit" in message and "snapshot" in message
    assert net.doc(owed_by_other)["status"] == "CONFIRMED"


async def test_a_withdrawn_offer_is_read_as_before_its_history_holding_its_publication():
    net = await two_debtor_orgs()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core))["id"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    await net.ok(core, "WithdrawDiscountOffer", offer["id"])
    read = await net.ok(tier1, "GetDiscountOffer", offer["id"], claim, evaluate=True)
    assert read["status"] == "WITHDRAWN"


async def test_a_peer_without_a_history_database_refuses_naming_the_setting(monkeypatch):
    net = await two_debtor_orgs()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core))["id"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})

    def no_history_database(self, payload):
        # Fabric's answer (core/chaincode/handler.go HandleGetHistoryForKey) on a peer whose core.yaml has
        # ledger.history.enableHistoryDatabase false
        raise PeerError("history database is not enabled")

    monkeypatch.setattr(_memory_peer.MemoryPeerSession, "_get_history", no_history_database)
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim, rule="history-unavailable")
    assert "ledger.history.enableHistoryDatabase" in message


async def test_an_attestation_rewritten_past_the_peers_history_limit_counts_for_nothing():
    net = two_bank_net()
    net.ledger.total_query_limit = 3
    forge = await forgeable_attestation(net)
    tier1, bank, request, record_key = forge.tier1, forge.bank, forge.request, forge.record_key
    # the bank's peer, running altered chaincode, rewrites its record in the other bank's name as often as
    # the peer's history shows, under its own org's policy, setting the other bank's with the last one
    endorsements = []
    for _ in range(net.ledger.total_query_limit):
        net.advance(minutes=1)
        endorsements.append(await net.ledger.endorse(bank.identity, "receivables:AttestInvoiceVerification",
                                                     json.dumps(request), transient={}, timestamp=net.now))
    for endorsement in endorsements:
        put = next(w for w in endorsement.writes if w.value.startswith(b"{"))
        policy = next(w for w in endorsement.writes if w.key == put.key and not w.value.startswith(b"{"))
        orgs = [BANK2] if endorsement is endorsements[-1] else [BANK]
        forged = dataclasses.replace(endorsement, reads={}, range_reads=(), writes=(
            dataclasses.replace(put, key=record_key, value=forge.forged_record),
            dataclasses.replace(policy, key=record_key, value=org_policy(orgs))))
        assert net.ledger.commit(forged, endorsers=(BANK,)) == "VALID"
    assert net.ledger.validation_parameters[record_key] == org_policy([BANK2])
    listed = await net.ok(tier1, "GetInvoiceAttestations", forge.attested["fingerprint"], evaluate=True)
    assert [a["attester"] for a in listed] == []


async def test_an_attestation_is_counted_as_before_its_history_holding_its_first_write():
    net = Net(TWO_BANK_ORGS)
    core = await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    tier1 = await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    bank = await net.party("bank", BANK, "financier", "First Bank")
    registration = net.registration(tier1, core)
    invoice = registration["invoices"][0]
    attested = await net.ok(bank, "AttestInvoiceVerification",
                            attestation_request(tier1.uscc, invoice["number"], invoice=invoice))
    listed = await net.ok(tier1, "GetInvoiceAttestations", attested["fingerprint"], evaluate=True)
    assert [a["attester"] for a in listed] == [bank.uscc]
    await net.ok(tier1, "RegisterReceivable", registration)
