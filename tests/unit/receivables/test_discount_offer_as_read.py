"""AcceptDiscountOffer settles only on the terms its holder read (``as_read``).

A discount offer's key is under its debtor org's key-level policy alone, and no transaction changes an offer's
terms: that org, running altered chaincode or signing as the only endorser, can rewrite them after the holder
read them. Taken by id alone, the claim would settle at the rewritten rate (a 0.05 APR read, 0.95 taken:
527,638.89 instead of 975,138.89 CNY on a 1,000,000.00 claim 179 days early). The holder passes the terms it
read, and any that differ refuse the acceptance, naming each, and change nothing.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.model import DiscountTerms

from .support import standard_net


async def _offered(net, **terms) -> tuple[dict, dict, dict]:
    """A confirmed 1,000,000.00 CNY claim of tier1's on core, due in 180 days; core's offer on it (``terms``,
    by default a flat 0.05 APR); and the offer as tier1 reads it, with its claim."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_000_00, due_in=180)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                        "receivable_ids": [claim["id"]], **terms})
    return claim, offer, await net.ok(tier1, "GetDiscountOffer", offer["id"], claim["id"], evaluate=True)


def _rewrite_offer(net, offer_id: str, **changes) -> bytes:
    """The offer's record with ``changes``, as the debtor's org alone may write it (its key-level policy); the
    record as it was."""
    key = net._key(keys.DISCOUNT, offer_id)
    original = net.ledger.state[key]
    net.ledger.state[key] = json.dumps({**json.loads(original), **changes}).encode()
    return original


async def _refused_as_changed(net, claim: dict, offer: dict, read: dict) -> str:
    return await net.refused(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"],
                             DiscountTerms.as_read(read), rule="discount-offer-changed")


async def test_an_offer_whose_rate_its_debtor_rewrote_after_the_holder_read_it_is_refused_settling_nothing():
    net = await standard_net()
    claim, offer, read = await _offered(net)
    assert read["apr"] == "0.05"
    _rewrite_offer(net, offer["id"], apr="0.95")
    net.advance(days=1)
    message = await _refused_as_changed(net, claim, offer, read)
    assert "apr 0.95, read as 0.05" in message and "GetDiscountOffer" in message
    assert net.doc(claim["id"])["status"] == "CONFIRMED" and net.doc(claim["id"])["payments"] == []


async def test_the_offer_written_back_is_taken_on_the_terms_read_at_the_published_rate():
    net = await standard_net()
    claim, offer, read = await _offered(net)
    original = _rewrite_offer(net, offer["id"], apr="0.95")
    net.advance(days=1)
    await _refused_as_changed(net, claim, offer, read)
    net.ledger.state[net._key(keys.DISCOUNT, offer["id"])] = original
    settled = await net.ok(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"],
                           DiscountTerms.as_read(read))
    paid = settled["payments"][-1]
    assert (settled["status"], paid["amount"], paid["discount"]) == ("SETTLED", 975_138_89, 24_861_11)


async def test_the_terms_read_in_another_spelling_of_the_same_rate_are_the_same_terms():
    net = await standard_net()
    claim, offer, read = await _offered(net)
    settled = await net.ok(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"],
                           json.dumps({**json.loads(DiscountTerms.as_read(read)), "apr": "0.0500"}))
    assert settled["status"] == "SETTLED"


@pytest.mark.parametrize("changes, named", [
    ({"apr": None, "scale": [{"min_days_early": 1, "apr": "0.9"}]},
     ["apr none, read as 0.05", "scale [1:0.9], read as none"]),
    ({"day_count": "ACT/365"}, ["day_count ACT/365, read as ACT/360"]),
    ({"expires_on": "2026-12-31"}, ["expires_on 2026-12-31, read as 2026-04-01"]),
])
async def test_each_term_that_differs_from_the_read_is_named(changes, named):
    net = await standard_net()
    claim, offer, read = await _offered(net)
    _rewrite_offer(net, offer["id"], **changes)
    message = await _refused_as_changed(net, claim, offer, read)
    assert all(text in message for text in named), message


async def test_a_scale_rewritten_tier_by_tier_is_refused():
    net = await standard_net()
    tiers = [{"min_days_early": 30, "apr": "0.04"}, {"min_days_early": 90, "apr": "0.05"}]
    claim, offer, read = await _offered(net, apr=None, scale=tiers)
    _rewrite_offer(net, offer["id"], scale=[tiers[0], {"min_days_early": 90, "apr": "0.5"}])
    message = await _refused_as_changed(net, claim, offer, read)
    assert "scale [30:0.04, 90:0.5], read as [30:0.04, 90:0.05]" in message


async def test_claims_the_offer_lists_besides_are_no_term_of_the_holders_acceptance():
    """The holder of a claim sees only the listed claims it may read; its own claim's coverage is checked
    anyway."""
    net = await standard_net()
    claim, offer, read = await _offered(net)
    _rewrite_offer(net, offer["id"], receivable_ids=[claim["id"], "R-" + "0" * 16])
    assert (await net.ok(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"],
                         DiscountTerms.as_read(read)))["status"] == "SETTLED"


async def test_an_acceptance_without_the_terms_read_is_refused_saying_what_to_send():
    """A client from before ``as_read`` sends two arguments: refused, not settled on whatever the offer says
    now."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    claim, offer, _ = await _offered(net)
    before = net.snapshot()
    result = await net.ledger.submit(tier1.identity, "receivables:AcceptDiscountOffer", offer["id"],
                                     claim["id"], transient={}, timestamp=net.now)
    assert result.status != 200 and "RULE terms-missing:" in result.message
    assert "as_read" in result.message and "GetDiscountOffer" in result.message
    assert net.snapshot() == before
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"], "", rule="terms-missing")


async def test_the_missing_terms_tell_a_caller_who_may_not_take_the_offer_nothing_new():
    """Without ``as_read``, whoever does not hold the claim is refused as before, whatever the offer id."""
    net = await standard_net()
    claim, offer, _ = await _offered(net)
    for who in ("tier2", "bank", "core"):
        await net.refused(net.actors[who], "AcceptDiscountOffer", offer["id"], claim["id"], "",
                          rule="not-the-holder")


@pytest.mark.parametrize("as_read", ['{"apr": "0.05"}', "[]", "0.05",
                                     '{"apr": "0.05", "expires_on": "2026-04-01", "receivable_ids": []}'])
async def test_terms_that_are_no_terms_are_refused_as_an_invalid_argument(as_read):
    net = await standard_net()
    claim, offer, _ = await _offered(net)
    message = await net.refused(net.actors["tier1"], "AcceptDiscountOffer", offer["id"], claim["id"], as_read,
                                rule="argument-invalid")
    assert "as_read" in message
