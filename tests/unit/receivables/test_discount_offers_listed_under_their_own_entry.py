"""ListDiscountOffers lists an offer only under its own ``recfin.discount-by-debtor`` entry (debtor, publication
date, id). Any two orgs can write an entry under the debtor, a new key: one naming the debtor alone failed every
list of the debtor's offers as an internal error (IndexError), for its suppliers, the debtor and by any of its
claims alike; one naming an offer under another date listed that offer twice, out of publication order. Such an
entry is scanned and left out, as one naming another debtor's offer is."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import standard_net


async def _published(net) -> tuple[dict, dict]:
    """A confirmed claim of tier1's on core, and core's open offer on it."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_000_00, due_in=180)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                        "receivable_ids": [claim["id"]]})
    return claim, offer


async def _listed(net, claim: dict) -> list[tuple[str, list[str], int]]:
    """The offer ids of each list of core's offers (by debtor as tier1 and as core, by claim as tier1), with the
    entries each scanned."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    pages = [await net.ok(tier1, "ListDiscountOffers", core.uscc, "", "10", "", evaluate=True),
             await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "all", evaluate=True),
             await net.ok(tier1, "ListDiscountOffers", "", claim["id"], "10", "", evaluate=True)]
    return [([d["id"] for d in page["records"]], page["fetched"]) for page in pages]


async def test_an_entry_naming_the_debtor_alone_is_left_out_and_the_offers_still_listed():
    net = await standard_net()
    claim, offer = await _published(net)
    debtor = net.actors["core"].uscc
    for attributes in ([debtor], [debtor, offer["published_on"]]):
        net.ledger.state[net._key(keys.DISCOUNT_BY_DEBTOR, *attributes)] = keys.INDEX_VALUE
    assert await _listed(net, claim) == [([offer["id"]], 3)] * 3


async def test_an_entry_naming_an_offer_under_another_date_does_not_list_it_twice():
    net = await standard_net()
    claim, offer = await _published(net)
    net.ledger.state[net._key(keys.DISCOUNT_BY_DEBTOR, net.actors["core"].uscc, "2026-01-01",
                              offer["id"])] = keys.INDEX_VALUE
    assert await _listed(net, claim) == [([offer["id"]], 2)] * 3
