"""A holder's acceptance of a discount offer takes a business request id, as the other retried writes do: sent
again with it after its answer was lost, the acceptance that committed is answered with its claim and nothing is
written twice, where it was refused (invalid-state) and told apart from another acceptance only by what the
offer's terms pay on the claim, so that another offer of the same debtor paying the same was named as the
caller's own first attempt. The same id for another offer, claim or terms is request-id-reused."""

from __future__ import annotations

import json

from chaincode.receivables.model import DiscountTerms

from .support import standard_net
from .test_idempotency import ledger_state


async def _terms_of(net, actor, offer_id: str, claim_id: str) -> str:
    read = await net.ok(actor, "GetDiscountOffer", offer_id, claim_id, evaluate=True)
    return DiscountTerms.as_read(read)


async def _two_offers_paying_the_same(net):
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 10_000_00, due_in=60)
    taken = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    other = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20),
                                                        "receivable_ids": [r["id"]]})
    return r, taken, other


async def test_an_acceptance_sent_again_with_its_request_id_returns_the_claim_it_settled_and_writes_nothing():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, taken, _ = await _two_offers_paying_the_same(net)
    terms = await _terms_of(net, tier1, taken["id"], r["id"])
    settled = await net.ok(tier1, "AcceptDiscountOffer", taken["id"], r["id"], terms, "accept-7")
    assert settled["status"] == "SETTLED"
    net.advance(1)   # a retry the next day is answered as it was: the claim settled on the first day
    before = ledger_state(net)
    again = await net.call(tier1, "AcceptDiscountOffer", taken["id"], r["id"], terms, "accept-7")
    assert again.status == 200, again.message
    assert json.loads(again.payload) == settled
    assert again.event is None and ledger_state(net) == before
    record = await net.ok(tier1, "GetRequest", "accept-7", evaluate=True)
    assert (record["transaction"], record["tx_id"]) == ("AcceptDiscountOffer", settled["last"]["tx_id"])


async def test_the_request_id_of_one_acceptance_is_refused_for_another_offer_paying_the_same():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, taken, other = await _two_offers_paying_the_same(net)
    terms = await _terms_of(net, tier1, taken["id"], r["id"])
    await net.ok(tier1, "AcceptDiscountOffer", taken["id"], r["id"], terms, "accept-7")
    said = await net.refused(tier1, "AcceptDiscountOffer", other["id"], r["id"],
                             await _terms_of(net, tier1, other["id"], r["id"]), "accept-7",
                             rule="request-id-reused")
    assert "for other arguments" in said, said
    # under a new id, the other offer is refused by the claim's status, not named as this caller's first attempt:
    # the acceptance that settled it is named as one under another request id, and how to tell whether it was
    settled = net.doc(r["id"])
    said = await net.refused(tier1, "AcceptDiscountOffer", other["id"], r["id"],
                             await _terms_of(net, tier1, other["id"], r["id"]), "accept-8", rule="invalid-state")
    assert said.endswith(f"while it is SETTLED: only when CONFIRMED; it is paid in full, which is final: nothing is left to pay "
                         f"on it, and no step acts on it again; {tier1.uscc} settled it by an acceptance "
                         f"under another request id, in transaction {settled['last']['tx_id']} at "
                         f"{settled['last']['at']}: if that was this acceptance sent before, GetRequest of the id "
                         "it was sent with (recfin request get ID) returns it"), said
    assert "sent again" not in said


async def test_an_acceptance_refused_records_nothing_so_its_request_id_stays_usable():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r, taken, _ = await _two_offers_paying_the_same(net)
    terms = await _terms_of(net, tier1, taken["id"], r["id"])
    await net.refused(tier1, "AcceptDiscountOffer", taken["id"], r["id"], terms.replace("0.05", "0.04"),
                      "accept-7", rule="discount-offer-changed")
    settled = await net.ok(tier1, "AcceptDiscountOffer", taken["id"], r["id"], terms, "accept-7")
    assert settled["status"] == "SETTLED"


async def test_the_request_id_is_the_acceptances_optional_last_parameter():
    net = await standard_net()
    meta = json.loads((await net.ledger.evaluate(net.admins["SupplierMSP"].identity,
                                                 "org.hyperledger.fabric:GetMetadata")).payload)
    txs = {t["name"]: t for t in meta["contracts"]["receivables"]["transactions"]}
    assert [p["name"] for p in txs["AcceptDiscountOffer"]["parameters"]] == [
        "offer_id", "receivable_id", "as_read", "request_id"]
