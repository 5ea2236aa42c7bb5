"""A bank's next offer on a debtor reads every offer the bank has open there, and drops the entries of those no
longer open (``OfferRecords._drop_offers_made``). The contract keeps the answer for each offer's stored value
(``store_offers._offer_status``), as the same records come up offer after offer: an offer that changed since the
bank's last offer, and a value copied under another offer's key, are each read as they stand now."""
from __future__ import annotations

import json

from chaincode.receivables import keys, store_offers

from .support import standard_net
from .test_exposure_entries_guarded import OFFER_MADE, OFFER_MADE_DROPPED, _as_two_orgs_write, _offered


def _entry_and_mark(net, offer_id: str) -> tuple[bool, dict | None]:
    """Whether the bank's entry of the offer stands, and its dropped mark, if any."""
    core, bank = net.actors["core"], net.actors["bank"]
    mark = net.ledger.state.get(net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer_id))
    return (net._key(OFFER_MADE, bank.uscc, core.uscc, offer_id) in net.ledger.state,
            json.loads(mark) if mark else None)


async def test_an_offer_accepted_since_the_banks_last_offer_read_it_open_loses_its_entry():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    _, _, first = await _offered(net, due_in=30)
    _, _, second = await _offered(net, due_in=40)      # reads the first, open: its entry stays
    assert _entry_and_mark(net, first["id"]) == (True, None)
    await net.ok(tier1, "AcceptFinancingOffer", first["id"])
    await _offered(net, due_in=50)                     # reads the first again, accepted now
    standing, mark = _entry_and_mark(net, first["id"])
    assert not standing and mark["dropped"] == "closed"
    assert _entry_and_mark(net, second["id"]) == (True, None)


async def test_an_open_offers_value_copied_under_another_offers_key_is_no_open_offer_there():
    net = await standard_net()
    _, _, first = await _offered(net, due_in=30)
    _, _, second = await _offered(net, due_in=40)      # reads the first's value, open, under its own key
    first_value = net.ledger.state[net._key(keys.OFFER, first["id"])]
    # two orgs copy it over the second's record: it names the first's id, another key's
    _as_two_orgs_write(net, net._key(keys.OFFER, second["id"]), first_value)
    await _offered(net, due_in=50)
    standing, mark = _entry_and_mark(net, second["id"])
    assert not standing and mark["dropped"] == "closed"
    assert _entry_and_mark(net, first["id"]) == (True, None)


async def test_an_offers_value_longer_than_any_the_contract_writes_is_read_but_not_kept():
    # two orgs can rewrite an offer's key with a value of any length that still parses (here padded with
    # spaces): each bank's offer reads it, and a server keeping each such value would hold a thousand of them
    net = await standard_net()
    _, _, first = await _offered(net, due_in=30)
    _, _, second = await _offered(net, due_in=40)
    key = net._key(keys.OFFER, first["id"])
    _as_two_orgs_write(net, key, net.ledger.state[key] + b" " * 100_000)
    store_offers._kept_offer_status.cache_clear()
    await _offered(net, due_in=50)                     # reads the first, open still, and the second
    assert _entry_and_mark(net, first["id"]) == (True, None)
    assert store_offers._kept_offer_status.cache_info().currsize == 1   # the second's value alone
