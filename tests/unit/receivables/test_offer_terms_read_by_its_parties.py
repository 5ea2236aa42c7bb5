"""An offer's private terms are read by the bank that made it and the holder it was made to, as the private
record beside them says, not as the offer's public record or an ended request says.

An offer's record, and a request until its acceptance, have no key-level policy: any two orgs running altered
chaincode can rewrite them. Named there, another party of a member org of the terms' collection (a second bank
of the offering bank's org, a second supplier of the holder's) would read the terms from its own org's
peer, which holds them. The record ``MakeFinancingOffer`` writes beside the terms, under the collection's
endorsement policy (the holder's and the bank's orgs), says whose offer it is and to whom.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import standard_net, transient_terms

REFUSED = "not-permitted-to-read"


def _rewrite(net, object_type: str, object_id: str, **fields) -> None:
    """What two orgs running altered chaincode could write to a key without a key-level policy."""
    key = net._key(object_type, object_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), **fields}).encode()


async def _an_offer():
    """The standard net, and the bank's offer (advance rate 0.8123) on tier1's request on a claim on core."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], bank, terms=transient_terms(advance_rate="0.8123"))
    return net, f, o


async def _terms(net, who: str, offer_id: str):
    return await net.call(net.actors[who], "GetOfferTerms", offer_id, evaluate=True)


async def test_another_bank_of_the_offering_banks_org_named_on_the_offer_record_does_not_read_the_terms():
    net, f, o = await _an_offer()
    _rewrite(net, keys.OFFER, o["id"], financier=net.actors["bank2"].uscc)

    refused = await _terms(net, "bank2", o["id"])
    assert refused.status != 200 and REFUSED in refused.message
    assert "0.8123" not in refused.message
    # the holder it was made to and the regulator still read them, the bank once its record is written back
    for reader in ("tier1", "regulator"):
        read = await _terms(net, reader, o["id"])
        assert read.status == 200, (reader, read.message)
        assert json.loads(read.payload)["advance_rate"] == "0.8123"
    _rewrite(net, keys.OFFER, o["id"], financier=net.actors["bank"].uscc)
    read = await _terms(net, "bank", o["id"])
    assert read.status == 200 and json.loads(read.payload)["advance_rate"] == "0.8123"


async def test_another_supplier_of_the_holders_org_named_on_a_made_up_ended_request_does_not_read_the_terms():
    net, f, o = await _an_offer()
    # a new financing key (any two orgs can write one) naming tier2 as the holder of an ended request, and the
    # offer rewritten to be of it
    made_up = {**json.loads(net.ledger.state[net._key(keys.FINANCING, f["id"])]),
               "id": "F-00000000000000ff", "holder": net.actors["tier2"].uscc, "status": "WITHDRAWN"}
    net.ledger.state[net._key(keys.FINANCING, made_up["id"])] = json.dumps(made_up).encode()
    _rewrite(net, keys.OFFER, o["id"], financing_id=made_up["id"])

    refused = await _terms(net, "tier2", o["id"])
    assert refused.status != 200 and REFUSED in refused.message


async def test_another_banks_exposure_does_not_list_an_offer_rewritten_to_name_it():
    net, f, o = await _an_offer()
    bank, bank2, core = net.actors["bank"], net.actors["bank2"], net.actors["core"]
    _rewrite(net, keys.OFFER, o["id"], financier=bank2.uscc)
    net.ledger.state[net._key(keys.OPEN_OFFER, bank2.uscc, core.uscc, o["id"])] = keys.INDEX_VALUE

    exposure = await net.ok(bank2, "GetFinancierExposure", core.uscc, evaluate=True)
    assert exposure["offers"] == [] and exposure["offered"] == {}   # neither its advance nor its expiry
    regulator = net.actors["regulator"]
    read = await net.ok(regulator, "GetFinancierExposure", core.uscc, bank2.uscc, evaluate=True)
    assert read["offers"] == []

    # written back, the offer is the bank's in its own figures
    _rewrite(net, keys.OFFER, o["id"], financier=bank.uscc)
    own = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert [row["offer_id"] for row in own["offers"]] == [o["id"]] and own["offers"][0]["advance"] == 81230
