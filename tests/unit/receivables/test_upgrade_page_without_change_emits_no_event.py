"""An UpgradeLedger page that writes nothing emits no event, unless it found what its event tells the
regulator.

One event per change: a page over records upgraded already (a ledger written by this version, or a page run
again) changes nothing, so a follower of the events (``recfin events``) must not be told the ledger was
upgraded by it. A page that writes nothing but finds a record it cannot read (or a collision, an invoice
without a current spelling, a claim to reseal) still carries that in its ``LedgerUpgraded`` event, for the
regulator to act on.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys
from .support import REGULATOR, standard_net


async def _page(net, bookmark: str = ""):
    before, events = net.snapshot(), len(net.ledger.events)
    result = await net.call(net.admins[REGULATOR], "UpgradeLedger", "100", bookmark)
    assert result.status == 200, result.message
    return json.loads(result.payload), result.event, net.snapshot() != before, net.ledger.events[events:]


async def test_a_page_over_records_upgraded_already_writes_nothing_and_emits_no_event():
    net = await standard_net()
    await net.confirmed(net.actors["tier1"], net.actors["core"], 1000)
    bookmark, pages = "", 0
    while True:
        page, event, changed, committed = await _page(net, bookmark)
        pages += 1
        assert (page["writes"], changed) == (0, False)
        assert (event, committed) == (None, []), f"page {pages} wrote nothing and emitted {event}"
        if page["done"]:
            break
        bookmark = page["bookmark"]
    assert pages > 1   # every kind of record scanned


async def test_a_page_that_writes_nothing_but_finds_an_unreadable_record_still_tells_it_in_its_event():
    net = await standard_net()
    garbage = net._key(keys.RECEIVABLE, "R-0")
    net.ledger.state[garbage] = b"\xff not json"   # written outside the contract
    page, event, changed, committed = await _page(net)
    assert (page["writes"], page["unreadable"], changed) == (0, [garbage], False)
    assert event is not None and event[0] == "LedgerUpgraded" and len(committed) == 1
    assert json.loads(event[1])["unreadable"] == [garbage]


async def test_a_page_that_writes_emits_its_one_event():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registered = await net.registered(tier1, core, 1000)
    # as a version before it left a claim REGISTERED: no key-level policy
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, registered["id"])]
    page, event, changed, committed = await _page(net)
    assert page["claim_policies"] == 1 and page["writes"] >= 1 and changed
    assert event is not None and event[0] == "LedgerUpgraded" and len(committed) == 1
    assert json.loads(event[1])["writes"] == page["writes"]
