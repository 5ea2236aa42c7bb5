"""JSON the receivables contract reads itself (AcceptDiscountOffer's ``as_read``, the transient offer
``terms``) is refused ``argument-invalid`` where an object holds a key twice, as the runtime refuses in a JSON
parameter: readers differ on which value wins, so one reading the acceptance on the ledger could read other
terms than those taken."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables.model import DiscountTerms, OfferTerms, parse_request
from chaincode.receivables.errors import RuleViolation

from .support import standard_net, terms
from .test_discount_offer_as_read import _offered


async def test_as_read_holding_the_rate_twice_is_refused_naming_the_key_and_settles_nothing():
    net = await standard_net()
    claim, offer, read = await _offered(net)
    as_read = DiscountTerms.as_read(read)
    assert as_read.startswith('{"apr":"0.05"')
    twice = '{"apr":"0.01",' + as_read[1:]   # a first-wins reader reads 0.01; pydantic the 0.05 of the offer
    message = await net.refused(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"], twice,
                                rule="argument-invalid")
    assert "the key 'apr' appears more than once in one object: send each key once" in message
    assert net.doc(claim["id"])["status"] == "CONFIRMED"


@pytest.mark.parametrize("raw", [
    '{"advance_rate": "0.5", ' + json.dumps(terms())[1:],
    ('{"advance_rate": "0.5", ' + json.dumps(terms())[1:]).encode(),
])
def test_terms_holding_a_key_twice_are_refused_as_text_and_as_bytes(raw):
    with pytest.raises(RuleViolation) as refused:
        parse_request(OfferTerms, raw, "terms")
    assert str(refused.value) == ("RULE argument-invalid: terms: the key 'advance_rate' appears more than "
                                  "once in one object: send each key once")


def test_terms_with_each_key_once_are_read():
    assert parse_request(OfferTerms, json.dumps(terms()), "terms") == OfferTerms.model_validate(terms())
