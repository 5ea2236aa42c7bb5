"""A financing request, until an offer on it is accepted, its offers and their ``recfin.open-offer`` entries carry
no key-level policy: the chaincode-level policy recfin deploys (any two orgs' peers) alone guards them. Two orgs,
neither the claim's debtor's nor its holder's (the bank's and the regulator's here), running altered chaincode, can
commit a write that gives one a key-level policy of their own, and Fabric validates every later write of it
against that policy. The holder's withdrawal of the request, the acceptance of another offer and the debtor's
payment ending the request all write those keys, so the claim would be held hostage: none of them, endorsed by the
claim's own orgs, would commit while those two refused to endorse it. The contract gives these keys no policy, so
one there is none of its own: a step ending the request leaves such a key as it is, and commits (the claim says
which financing is live, so a request or an offer left so is acted on no more)."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG

from tests.unit.receivables.support import BANK, CORE, SUPPLIER, standard_net, transient_terms

from .test_claim_index_entry_two_orgs_sealed import sealed_by_two_other_orgs


async def _requested_with_two_offers(*, due_in: int = 90):
    """A claim with a financing request and two banks' open offers on it; the request and the offers sealed by the
    bank's and the regulator's orgs."""
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=due_in))["id"]
    request = await net.ok(tier1, "RequestFinancing", claim)
    offers = [await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
              for bank in (net.actors["bank"], net.actors["bank2"])]
    await sealed_by_two_other_orgs(net, (keys.FINANCING, request["id"]), (keys.OFFER, offers[1]["id"]),
                                    (keys.OPEN_OFFER, offers[1]["financier"], core.uscc, offers[1]["id"]))
    return net, claim, request["id"], offers


async def _committed_by_the_claims_orgs(net, actor, fn: str, *args: str, transient: dict | None = None) -> str:
    endorsement = await net.ledger.endorse(actor.identity, f"receivables:{fn}", *args, transient=transient or {},
                                           timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return net.ledger.commit(endorsement, endorsers=(CORE, SUPPLIER))


async def test_the_holder_withdraws_a_request_two_other_orgs_sealed():
    net, claim, request, _ = await _requested_with_two_offers()
    tier1 = net.actors["tier1"]
    assert await _committed_by_the_claims_orgs(net, tier1, "WithdrawFinancing", request) == "VALID"
    assert net.doc(claim).get("financing_id") is None
    # the claim names no request, so the holder asks again
    await net.ok(tier1, "RequestFinancing", claim)


async def test_the_debtor_pays_a_claim_whose_request_two_other_orgs_sealed():
    net, claim, request, _ = await _requested_with_two_offers(due_in=5)
    net.advance(days=6)
    assert await _committed_by_the_claims_orgs(net, net.actors["core"], "RecordPayment", claim, "100000") == "VALID"
    assert net.doc(claim)["status"] == "SETTLED"


async def test_the_holder_accepts_an_offer_beside_one_two_other_orgs_sealed():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 1000_00))["id"]
    request = await net.ok(tier1, "RequestFinancing", claim)
    taken, sealed = [await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
                     for bank in (net.actors["bank"], net.actors["bank2"])]
    await sealed_by_two_other_orgs(net, (keys.OFFER, sealed["id"]),
                                    (keys.OPEN_OFFER, sealed["financier"], core.uscc, sealed["id"]))
    terms = await net.ledger.evaluate(tier1.identity, "receivables:GetOfferTerms", taken["id"], transient={},
                                      timestamp=net.now)
    endorsement = await net.ledger.endorse(tier1.identity, "receivables:AcceptFinancingOffer", taken["id"],
                                           transient={"terms": terms.payload}, timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    # the claim's key names the debtor's and the holder's orgs, the taken offer's bank's entries its own
    assert net.ledger.commit(endorsement, endorsers=(CORE, SUPPLIER, BANK)) == "VALID"
    assert net.doc(claim)["financier"] == taken["financier"]
