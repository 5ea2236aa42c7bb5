"""The contract's transactions committed as Fabric's validator judges them, told whose peers endorsed
(``MemoryLedger.commit(..., endorsers=...)``): the claim's key-level policy, set when it is registered,
binds its confirmation and transfer; a financing offer's terms, private data, need the terms collection's
own endorsement policy (the holder's and the bank's peers), which the offer's public keys do not."""

from __future__ import annotations

import json

from .support import BANK, CORE, SUPPLIER, standard_net, transient_terms


async def endorse(net, actor, fn, *args, transient=None):
    endorsement = await net.ledger.endorse(actor.identity, f"receivables:{fn}", *args,
                                           transient=transient or {}, timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return endorsement


async def test_a_claims_policy_set_at_registration_binds_its_confirmation_not_the_registration():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registration = await endorse(net, tier1, "RegisterReceivable", json.dumps(net.registration(tier1, core)))
    # the registration sets the claim's key-level policy, which binds from the next transaction only
    assert net.ledger.commit(registration, endorsers=(SUPPLIER,)) == "VALID"
    claim = json.loads(registration.result.payload)["id"]
    assert net.claim_policy_orgs(claim) == [CORE, SUPPLIER]
    confirmation = await endorse(net, core, "ConfirmReceivable", claim)
    assert net.ledger.commit(confirmation, endorsers=(CORE,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.doc(claim)["status"] == "REGISTERED"
    confirmation = await endorse(net, core, "ConfirmReceivable", claim)
    assert net.ledger.commit(confirmation, endorsers=(CORE, SUPPLIER)) == "VALID"
    assert net.doc(claim)["status"] == "CONFIRMED"


async def test_a_confirmed_claim_is_transferred_only_with_its_debtors_endorsement_too():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core))["id"]
    before = net.snapshot()
    transfer = await endorse(net, tier1, "TransferReceivable", claim, tier2.uscc, str(100_000_00))
    assert net.ledger.commit(transfer, endorsers=(SUPPLIER,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.snapshot() == before
    transfer = await endorse(net, tier1, "TransferReceivable", claim, tier2.uscc, str(100_000_00))
    assert net.ledger.commit(transfer, endorsers=(SUPPLIER, CORE)) == "VALID"
    assert net.snapshot() != before


async def test_financing_terms_need_the_holders_and_the_banks_peers():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    claim = (await net.confirmed(tier1, core))["id"]
    financing = await net.ok(tier1, "RequestFinancing", claim)
    before = net.snapshot()
    offer = await endorse(net, bank, "MakeFinancingOffer", financing["id"], transient=transient_terms())
    private = [write for write in offer.writes if write.collection]
    assert {write.collection for write in private} == {f"terms-{SUPPLIER}-{BANK}"}
    # its public writes alone the bank's peer may endorse: the terms collection's policy is what fails it
    assert net.ledger.endorsement_policies_met([w for w in offer.writes if not w.collection], (BANK,))
    assert not net.ledger.endorsement_policies_met(private, (BANK,))
    assert net.ledger.commit(offer, endorsers=(BANK,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.snapshot() == before
    offer = await endorse(net, bank, "MakeFinancingOffer", financing["id"], transient=transient_terms())
    assert net.ledger.commit(offer, endorsers=(BANK, SUPPLIER)) == "VALID"
    assert net.ledger.private_state[f"terms-{SUPPLIER}-{BANK}"]
