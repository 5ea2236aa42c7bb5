"""An offer's terms are private data whose key any two orgs' peers can write first: a rate stored there in
exponent form beyond what any rate has ("1E999999999") is refused record-unreadable naming the key, without
its fixed-point text (for that one, a gigabyte of zeros) ever being built. Terms a contract before 9555fad
stored ("0E-10", "5E-7") still read in digits.

The text a read builds is measured (tracemalloc's peak), never the time it takes: a rate of 10^7 zeros in
fixed point is 10 MB, far above what reading and refusing the terms otherwise takes."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from chaincode.receivables import keys
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import OfferTerms
from .support import Net, standard_net, transient_terms

TEN_MEGABYTES_IN_DIGITS = ("1E10000000", "1E-10000000")
# what the refused read may take at its peak: a tenth of the text it would build for either rate above
PEAK_BYTES = 1_000_000


def _stored_terms(**rates: str) -> bytes:
    return json.dumps({**json.loads(transient_terms()["terms"]), **rates}).encode()


@pytest.mark.parametrize("rate", TEN_MEGABYTES_IN_DIGITS)
@pytest.mark.parametrize("field", ["advance_rate", "discount_rate"])
def test_a_stored_rate_beyond_a_rates_places_is_refused_without_building_its_digits(field, rate):
    stored = _stored_terms(**{field: rate})
    tracemalloc.start()
    try:
        with pytest.raises(RuleViolation) as refused:
            OfferTerms.from_stored(stored)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"reading {rate} took {peak} bytes at its peak"
    assert refused.value.code == "rate-invalid"
    assert refused.value.detail.startswith(f"{field} is {rate!r}: give a rate as a decimal string fraction")


@pytest.mark.parametrize("rate", ["1E-11", "1E+2", "1E1", "12345678901234E-10", "-5E-7", "NaN", "Infinity"])
def test_a_stored_exponent_form_no_rate_of_the_grammar_takes_is_refused(rate):
    with pytest.raises(RuleViolation, match="^RULE rate-invalid: discount_rate is "):
        OfferTerms.from_stored(_stored_terms(discount_rate=rate))


@pytest.mark.parametrize("rate, digits", [("0E-10", "0.0000000000"), ("5E-7", "0.0000005"),
                                          ("1.234E-7", "0.0000001234"), ("1E-10", "0.0000000001")])
def test_terms_a_contract_before_9555fad_stored_still_read_in_digits(rate, digits):
    assert OfferTerms.from_stored(_stored_terms(discount_rate=rate)).discount_rate == digits


async def _terms_rewritten(rate: str) -> tuple[Net, dict, str]:
    """An open offer whose stored terms say ``rate`` for the discount rate: (net, offer, the terms' label)."""
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 100_000, due_in=60)
    _, offer = await net.offered(net.actors["tier1"], claim["id"])
    collection, key = offer["collection"], net._key(keys.TERMS, offer["id"])
    net.ledger.private_state[collection][key] = _stored_terms(discount_rate=rate)
    return net, offer, f"{keys.TERMS} [{offer['id']}] of collection {collection}"


@pytest.mark.parametrize("reader, function", [("tier1", "GetOfferTerms"), ("bank", "GetFinancierExposure")])
async def test_a_read_of_terms_holding_such_a_rate_is_refused_naming_their_key(reader, function):
    net, offer, label = await _terms_rewritten(TEN_MEGABYTES_IN_DIGITS[0])
    arguments = [offer["id"]] if function == "GetOfferTerms" else [net.actors["core"].uscc, ""]
    tracemalloc.start()
    try:
        message = await net.refused(net.actors[reader], function, *arguments, evaluate=True,
                                    rule="record-unreadable")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{function} took {peak} bytes at its peak"
    assert f"the stored {label} is no record this contract wrote" in message, message
