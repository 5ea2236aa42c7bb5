"""An offer's expiry is one of its private terms: no public record or event carries it, and acceptance takes the
terms as transient data, checked against the offer's hash, to decide it. An offer an earlier contract wrote with a
public expiry holds to that one as well."""
import json

from tests.unit.receivables.support import standard_net, transient_terms


async def _offered(net, **terms):
    A = net.actors
    r = await net.confirmed(A["tier1"], A["core"])
    f, o = await net.offered(A["tier1"], r["id"], A["bank"], terms=transient_terms(**terms))
    return f, o


def _with_public_expiry(net, offer_id: str, expires_on: str) -> None:
    """The offer as a contract before the expiry became private wrote it: the expiry in clear."""
    key = net._key("recfin.offer", offer_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "expires_on": expires_on}).encode()


async def test_no_public_record_or_event_carries_the_expiry_and_a_competing_bank_reads_none():
    net = await standard_net()
    f, o = await _offered(net, expires_on=net.day(30))
    assert "expires_on" not in o
    assert "expires_on" not in json.loads(net.ledger.state[net._key("recfin.offer", o["id"])])
    assert "expires_on" not in json.loads(net.ledger.events[-1][2])
    seen = await net.ok(net.actors["bank2"], "GetFinancing", f["id"], evaluate=True)
    assert [o["id"]] == [x["id"] for x in seen["offers"]] and "expires_on" not in seen["offers"][0]
    await net.refused(net.actors["bank2"], "GetOfferTerms", o["id"], evaluate=True, rule="not-permitted-to-read")


async def test_a_legacy_public_expiry_is_shown_only_to_the_holder_the_bank_and_the_regulator():
    net = await standard_net()
    f, o = await _offered(net, expires_on=net.day(30))
    _with_public_expiry(net, o["id"], net.day(30))
    for who, shown in (("bank2", False), ("bank", True), ("tier1", True), ("regulator", True)):
        seen = await net.ok(net.actors[who], "GetFinancing", f["id"], evaluate=True)
        assert ("expires_on" in seen["offers"][0]) is shown, who


async def test_acceptance_without_the_terms_with_other_terms_or_after_their_expiry_is_refused_and_changes_nothing():
    net = await standard_net()
    t1 = net.actors["tier1"]
    f, o = await _offered(net, expires_on=net.day(2))
    before = net.snapshot()
    await net.refused(t1, "AcceptFinancingOffer", o["id"], transient={}, rule="terms-missing")
    await net.refused(t1, "AcceptFinancingOffer", o["id"], transient=transient_terms(expires_on=net.day(90)),
                      rule="terms-mismatch")
    net.advance(days=3)
    await net.refused(t1, "AcceptFinancingOffer", o["id"], rule="offer-expired")
    assert net.snapshot() == before


async def test_the_offers_own_terms_accept_it_until_their_expiry():
    net = await standard_net()
    f, o = await _offered(net, expires_on=net.day(2))
    net.advance(days=2)
    accepted = await net.ok(net.actors["tier1"], "AcceptFinancingOffer", o["id"])
    assert accepted["status"] == "ACCEPTED" and accepted["accepted_offer_id"] == o["id"]


async def test_a_legacy_offer_is_held_to_its_public_expiry_as_well():
    net = await standard_net()
    t1 = net.actors["tier1"]
    f, o = await _offered(net, expires_on=net.day(30))
    _with_public_expiry(net, o["id"], net.day(1))
    net.advance(days=2)
    await net.refused(t1, "AcceptFinancingOffer", o["id"], rule="offer-expired")
    exposure = await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, evaluate=True)
    assert exposure["offers"] == []
    _with_public_expiry(net, o["id"], net.day(0))
    assert (await net.ok(t1, "AcceptFinancingOffer", o["id"]))["status"] == "ACCEPTED"


async def test_the_banks_exposure_reads_each_open_offers_expiry_from_its_terms():
    net = await standard_net()
    f, o = await _offered(net, expires_on=net.day(5))
    core = net.actors["core"].uscc
    exposure = await net.ok(net.actors["bank"], "GetFinancierExposure", core, evaluate=True)
    assert [(x["offer_id"], x["expires_on"]) for x in exposure["offers"]] == [(o["id"], net.day(5))]
    net.advance(days=6)
    assert (await net.ok(net.actors["bank"], "GetFinancierExposure", core, evaluate=True))["offers"] == []


async def test_terms_stored_with_an_exponent_rate_are_read_in_digits_and_accept_the_offer_sent_back_as_read():
    from chaincode.receivables import keys
    from chaincode.receivables.model import OfferTerms, canonical_json

    net = await standard_net()
    t1 = net.actors["tier1"]
    f, o = await _offered(net, discount_rate="0.0000000000", expires_on=net.day(30))
    # as a contract before 9555fad stored them: the rate as str(Decimal) wrote it, the hash over that
    collection, key = o["collection"], net._key(keys.TERMS, o["id"])
    stored = {**json.loads(net.ledger.private_state[collection][key]), "discount_rate": "0E-10"}
    net.ledger.private_state[collection][key] = canonical_json(stored)
    offer_key = net._key("recfin.offer", o["id"])
    legacy_hash = OfferTerms.from_stored(canonical_json(stored)).legacy_terms_hash()
    net.ledger.state[offer_key] = json.dumps({**json.loads(net.ledger.state[offer_key]),
                                              "terms_hash": legacy_hash}).encode()
    read = await net.ok(t1, "GetOfferTerms", o["id"], evaluate=True)
    assert read["discount_rate"] == "0.0000000000"
    # the harness sends back exactly what GetOfferTerms returned, as the refusal message tells a caller to
    assert (await net.ok(t1, "AcceptFinancingOffer", o["id"]))["status"] == "ACCEPTED"
