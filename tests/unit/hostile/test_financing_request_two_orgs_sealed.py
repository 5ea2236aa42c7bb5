"""A financing request's record is written under the key-level policy of its claim's own orgs (the debtor's and the
holder's), from ``RequestFinancing`` on: under the chaincode-level policy alone (any two orgs' peers), two orgs
neither of them (the bank's and the regulator's here), running altered chaincode, could commit a write giving it a
key-level policy of their own, against which Fabric validates every later write of it, and the acceptance of an
offer, which must write it, would fail ENDORSEMENT_POLICY_FAILURE while those two refused to endorse it. Such a seal
now fails validation itself. The offers on a request and their ``recfin.open-offer`` entries still carry no policy;
a step ending the request leaves one sealed so as it is, and so does it a request an earlier contract version wrote
(with no policy) and two orgs sealed, and commits (the claim says which financing is live, so a request or an offer
left so is acted on no more)."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.store_base import org_policy

from tests.unit.receivables.support import BANK, CORE, SUPPLIER, standard_net, transient_terms

from .test_claim_index_entry_two_orgs_sealed import seal_of_two_other_orgs, sealed_by_two_other_orgs


async def _requested_with_two_offers(*, due_in: int = 90, earlier_version: bool = False):
    """A claim with a financing request and two banks' open offers on it; the second offer sealed by the bank's
    and the regulator's orgs, which try to seal the request too (``earlier_version``: a request with no policy,
    as an earlier contract version wrote it, which they do seal)."""
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=due_in))["id"]
    request = await net.ok(tier1, "RequestFinancing", claim)
    if earlier_version:
        del net.ledger.validation_parameters[net._key(keys.FINANCING, request["id"])]
    offers = [await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
              for bank in (net.actors["bank"], net.actors["bank2"])]
    await sealed_by_two_other_orgs(net, (keys.OFFER, offers[1]["id"]),
                                    (keys.OPEN_OFFER, offers[1]["financier"], core.uscc, offers[1]["id"]))
    expected = "VALID" if earlier_version else "ENDORSEMENT_POLICY_FAILURE"
    assert await seal_of_two_other_orgs(net, (keys.FINANCING, request["id"])) == expected
    return net, claim, request["id"], offers


async def _committed_by_the_claims_orgs(net, actor, fn: str, *args: str, transient: dict | None = None,
                                       bank: str | None = None) -> str:
    """How ``fn``, endorsed by the claim's own orgs' peers (and ``bank``'s), is validated."""
    endorsement = await net.ledger.endorse(actor.identity, f"receivables:{fn}", *args, transient=transient or {},
                                           timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return net.ledger.commit(endorsement, endorsers=(CORE, SUPPLIER, *([bank] if bank else [])))


async def test_two_other_orgs_cannot_seal_a_request():
    net, claim, request, _ = await _requested_with_two_offers()
    assert net.ledger.validation_parameter("", net._key(keys.FINANCING, request)) == org_policy([CORE, SUPPLIER])


async def test_the_holder_accepts_an_offer_on_a_request_two_other_orgs_tried_to_seal():
    net, claim, request, (taken, _) = await _requested_with_two_offers()
    tier1 = net.actors["tier1"]
    terms = await net.ledger.evaluate(tier1.identity, "receivables:GetOfferTerms", taken["id"], transient={},
                                      timestamp=net.now)
    accepted = await _committed_by_the_claims_orgs(net, tier1, "AcceptFinancingOffer", taken["id"],
                                                   transient={"terms": terms.payload}, bank=BANK)
    assert accepted == "VALID"
    assert net.doc(claim)["financier"] == taken["financier"]
    # the deal's record is its holder's and its bank's from the acceptance on
    assert net.ledger.validation_parameter("", net._key(keys.FINANCING, request)) == org_policy([BANK, SUPPLIER])


async def _withdrawn_by_the_holder(*, earlier_version: bool = False) -> str:
    """Withdraw the request of _requested_with_two_offers as its holder, endorsed by the claim's own orgs; check
    that it commits and that the claim names no request, so the holder asks again; return the status the request's
    own record was left with."""
    net, claim, request, _ = await _requested_with_two_offers(earlier_version=earlier_version)
    tier1 = net.actors["tier1"]
    assert await _committed_by_the_claims_orgs(net, tier1, "WithdrawFinancing", request) == "VALID"
    assert net.doc(claim).get("financing_id") is None
    left = (await net.ok(tier1, "GetFinancing", request))["status"]
    await net.ok(tier1, "RequestFinancing", claim)
    return left


async def test_the_holder_withdraws_a_request_two_other_orgs_tried_to_seal():
    # the request's own record says it ended: no other org's policy kept the withdrawal from writing it
    assert await _withdrawn_by_the_holder() == "WITHDRAWN"


async def test_the_holder_withdraws_an_earlier_versions_request_two_other_orgs_sealed():
    # left as the two orgs sealed it: the claim no longer names it
    assert await _withdrawn_by_the_holder(earlier_version=True) == "REQUESTED"


async def test_the_debtor_pays_a_claim_whose_request_two_other_orgs_tried_to_seal():
    net, claim, request, _ = await _requested_with_two_offers(due_in=5)
    net.advance(days=6)
    assert await _committed_by_the_claims_orgs(net, net.actors["core"], "RecordPayment", claim, "100000") == "VALID"
    assert net.doc(claim)["status"] == "SETTLED"
    assert (await net.ok(net.actors["tier1"], "GetFinancing", request))["status"] == "WITHDRAWN"


async def test_the_debtor_pays_a_claim_whose_earlier_versions_request_two_other_orgs_sealed():
    net, claim, request, _ = await _requested_with_two_offers(due_in=5, earlier_version=True)
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
    # the claim's key names the debtor's and the holder's orgs, the taken offer's bank's entries its own
    assert await _committed_by_the_claims_orgs(net, tier1, "AcceptFinancingOffer", taken["id"],
                                               transient={"terms": terms.payload}, bank=BANK) == "VALID"
    assert net.doc(claim)["financier"] == taken["financier"]
