"""An offer's expiry is one of its private terms: another bank reading the request learns who offered, not
until when. A bank's next priced offer on the debtor sends, in its arguments, the offers its figures left out
(``uncounted_offers``), and leaves a public ``uncounted`` mark for each: an offer still OPEN left out only
because its own terms had expired must not be among them, or every org would learn that its expiry had
passed. It needs no dropping: its acceptance is refused by its own terms, which the acceptance holds to those
kept under the offer (their hash, on every peer), so two orgs rewriting the offer's record to name terms of
their own cannot revive it."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.receivables.model import OfferTerms

from .support import standard_net, terms, transient_terms


async def _expired_offer_and_a_priced_one():
    """The bank's offer on tier1's claim, expired two days ago while still OPEN, and the bank's next offer on
    the same debtor priced on a read of its exposure after that (its arguments as sent)."""
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    claim = await net.confirmed(tier1, core, 1000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    expiring = terms(expires_on=net.day(1), salt="a" * 16)
    offer = await net.ok(bank, "MakeFinancingOffer", request["id"],
                         transient={"terms": json.dumps(expiring).encode()})
    net.advance(days=3)
    read = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    other = await net.confirmed(tier2, core, 1000_00, due_in=50)
    other_request = await net.ok(tier2, "RequestFinancing", other["id"])
    sent = (other_request["id"], str(read["version"]), json.dumps(read["uncounted_offers"]))
    await net.ok(bank, "MakeFinancingOffer", *sent, transient=transient_terms(salt="b" * 16))
    return net, claim, request, offer, expiring, read, sent


async def test_a_priced_offer_names_no_offer_of_the_bank_whose_private_expiry_has_passed():
    net, claim, request, offer, _, read, sent = await _expired_offer_and_a_priced_one()
    bank, core = net.actors["bank"], net.actors["core"]
    assert offer["id"] not in read["uncounted_offers"] and read["offers"] == []
    assert offer["id"] not in " ".join(sent)                 # the arguments every org reads in the block
    assert net._key(keys.OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer["id"]) not in net.ledger.state
    # what another bank reads of the request still says nothing of the expiry
    view = await net.ok(net.actors["bank2"], "GetFinancing", request["id"], evaluate=True)
    shown = [(o["id"], o["status"], "expires_on" in o) for o in view["offers"]]
    assert shown == [(offer["id"], "OPEN", False)]


async def test_the_expired_offer_is_refused_by_its_own_terms_and_by_terms_two_orgs_put_on_its_record():
    net, claim, request, offer, expiring, _, _ = await _expired_offer_and_a_priced_one()
    tier1 = net.actors["tier1"]
    await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="offer-expired")
    # the debtor's and the holder's orgs rewrite the offer's record (no key-level policy) to name terms of
    # their own, a later expiry among them, and send those
    revived = {**expiring, "expires_on": net.day(20)}
    key = net._key(keys.OFFER, offer["id"])
    record = json.loads(net.ledger.state[key])
    revived_hash = OfferTerms.model_validate(revived).terms_hash()
    net.ledger.state[key] = json.dumps({**record, "terms_hash": revived_hash}).encode()
    message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"],
                                transient={"terms": json.dumps(revived).encode()}, rule="invalid-state")
    assert "changed outside the contract" in message and f"kept in {record['collection']}" in message
    assert net.doc(claim["id"])["financier"] is None
