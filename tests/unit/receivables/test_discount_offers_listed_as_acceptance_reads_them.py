"""ListDiscountOffers lists the offers acceptance takes: an offer naming another debtor, or debtor org, than
the write that published it (``DiscountRecords._first_published_by``) is refused ``record-unreadable`` by
GetDiscountOffer and AcceptDiscountOffer, and was still listed to the holders, who were shown an offer they
could never take. It is left out now (``fetched`` counts it, as any entry left out), at one read of the
peer's history per offer listed, none for an offer the page leaves out anyway (withdrawn, expired)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.store_base import org_policy
from chaincode.shim._errors import PeerError
from chaincode.shim._peer_options import PeerOptions
from chaincode.testing import _memory_peer
from chaincode.testing._memory_peer import MemoryPeerSession
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from .support import CORE, SUPPLIER
from .test_one_org_rewriting_its_own_keys import CORE2, altered, two_debtor_orgs


@pytest.fixture
def history_reads(monkeypatch) -> list[str]:
    """The keys whose history the peer is asked for, one per read, in order."""
    read = _memory_peer.MemoryPeerSession._get_history
    asked: list[str] = []

    def counted(self, payload: bytes) -> bytes:
        asked.append(_memory_peer.shim_pb2.GetHistoryForKey.FromString(payload).key)
        return read(self, payload)

    monkeypatch.setattr(_memory_peer.MemoryPeerSession, "_get_history", counted)
    return asked


async def _listed(net, debtor) -> list[str]:
    """The ids of ``debtor``'s open offers as its supplier tier1 lists them."""
    page = await net.ok(net.actors["tier1"], "ListDiscountOffers", debtor.uscc, "", "10", "", evaluate=True)
    return [d["id"] for d in page["records"]]


def _rewritten(offer_key: str, **fields: str):
    """The rewrite altered chaincode makes of the offer's key: ``fields`` in its value, still OPEN, and the
    policy of the org it now names set with it."""
    def rewrite(key: str, value: bytes) -> bytes:
        if key != offer_key:
            return value
        if not value.startswith(b"{"):
            return org_policy([fields["debtor_msp"]])
        return json.dumps({**json.loads(value), **fields, "status": "OPEN", "withdrawn_on": None},
                          sort_keys=True).encode()
    return rewrite


async def test_an_offer_its_debtors_org_rewrote_into_another_orgs_is_not_listed_the_others_still_are():
    net = await two_debtor_orgs()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core))["id"]
    kept = await net.ok(core, "PublishDiscountOffer", {"apr": "0.04", "expires_on": net.day(20)})
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    offer_key = net._key(keys.DISCOUNT, offer["id"])
    # the core enterprise's org alone, its peer running altered chaincode, keeps the debtor and names the
    # other org as the debtor's (whose peer would then endorse for it), under that org's policy
    forged = await altered(net, core, "WithdrawDiscountOffer", offer["id"],
                           rewrite=_rewritten(offer_key, debtor_msp=CORE2))
    assert net.ledger.commit(forged, endorsers=(CORE,)) == "VALID"
    await net.refused(tier1, "GetDiscountOffer", offer["id"], claim, rule="record-unreadable")
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim, rule="record-unreadable")
    assert await _listed(net, core) == [kept["id"]]
    page = await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "all", evaluate=True)
    assert ([d["id"] for d in page["records"]], page["fetched"]) == ([kept["id"]], 2)
    assert (await net.ok(tier1, "AcceptDiscountOffer", kept["id"], claim))["status"] == "SETTLED"


async def test_an_offer_rewritten_into_another_debtors_is_not_listed_under_that_debtor():
    net = await two_debtor_orgs()
    core, other, tier1 = net.actors["core"], net.actors["other-core"], net.actors["tier1"]
    owed_by_other = (await net.confirmed(tier1, other))["id"]
    own = await net.ok(other, "PublishDiscountOffer", {"apr": "0.04", "expires_on": net.day(20)})
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    offer_key = net._key(keys.DISCOUNT, offer["id"])
    forged = await altered(net, core, "WithdrawDiscountOffer", offer["id"],
                           rewrite=_rewritten(offer_key, debtor=other.uscc, debtor_msp=CORE2))
    # and the other debtor's entry for it, a new key, which any two orgs write (the core enterprise's and
    # a supplier's): the offer is then found under the other debtor, in its place
    entry = next(w for w in forged.writes if w.key.startswith(net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc)))
    entry = dataclasses.replace(entry, key=net._key(keys.DISCOUNT_BY_DEBTOR, other.uscc, offer["published_on"],
                                                    offer["id"]))
    forged = dataclasses.replace(forged, writes=(*forged.writes, entry))
    assert net.ledger.commit(forged, endorsers=(CORE, SUPPLIER)) == "VALID"
    await net.refused(tier1, "AcceptDiscountOffer", offer["id"], owed_by_other, rule="record-unreadable")
    assert await _listed(net, other) == [own["id"]]
    by_claim = await net.ok(tier1, "ListDiscountOffers", "", owed_by_other, "10", "", evaluate=True)
    assert [d["id"] for d in by_claim["records"]] == [own["id"]]
    assert await _listed(net, core) == []


async def test_a_page_reads_the_history_of_the_offers_it_lists_only(history_reads):
    net = await two_debtor_orgs()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    offers = [await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
              for _ in range(3)]
    # published the same day: listed by id
    offers.sort(key=lambda d: d["id"])
    withdrawn = await net.ok(core, "WithdrawDiscountOffer", offers[1]["id"])
    assert withdrawn["status"] == "WITHDRAWN"
    open_ids = [offers[0]["id"], offers[2]["id"]]

    history_reads.clear()
    assert await _listed(net, core) == open_ids
    assert sorted(history_reads) == sorted(net._key(keys.DISCOUNT, i) for i in open_ids)
    history_reads.clear()
    page = await net.ok(tier1, "ListDiscountOffers", core.uscc, "", "10", "", "all", evaluate=True)
    # the withdrawn offer listed as before, with its withdrawal
    assert [(d["id"], d["status"]) for d in page["records"]] == [
        (offers[0]["id"], "OPEN"), (offers[1]["id"], "WITHDRAWN"), (offers[2]["id"], "OPEN")]
    assert len(history_reads) == 3


async def test_a_peer_without_a_history_database_refuses_the_list_naming_the_setting(monkeypatch):
    net = await two_debtor_orgs()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})

    def no_history_database(self, payload):
        raise PeerError("history database is not enabled")

    monkeypatch.setattr(_memory_peer.MemoryPeerSession, "_get_history", no_history_database)
    # an empty page would read as "no offers": the list is refused, as a read of any of them is
    message = await net.refused(tier1, "ListDiscountOffers", core.uscc, "", "10", "", rule="history-unavailable",
                                evaluate=True)
    assert "ledger.history.enableHistoryDatabase" in message


async def test_an_offer_whose_history_the_peer_cuts_before_its_publication_is_left_out():
    net = await two_debtor_orgs()
    core = net.actors["core"]
    cut = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    await net.ok(core, "WithdrawDiscountOffer", cut["id"])
    net.advance(days=1)
    whole = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    # the peer's totalQueryLimit, small for the test: the withdrawn offer's history ends at its withdrawal
    # (and each page at one offer)
    net.ledger.total_query_limit = 1
    await net.refused(core, "GetDiscountOffer", cut["id"], rule="history-unavailable", evaluate=True)
    first = await net.ok(core, "ListDiscountOffers", core.uscc, "", "1", "", "all", evaluate=True)
    second = await net.ok(core, "ListDiscountOffers", core.uscc, "", "1", first["bookmark"], "all",
                          evaluate=True)
    assert [([d["id"] for d in page["records"]], page["fetched"]) for page in (first, second)] == [
        ([], 1), ([whole["id"]], 1)]


async def test_a_suppliers_page_reads_its_offers_publisher_records_in_one_round_trip(monkeypatch, history_reads):
    """A supplier is shown only offers a member of their debtor's org is shown to have published
    (``queries.shown_whoever_published``): that costs the page one GET_STATE_MULTIPLE more, of the publisher
    records of the offers it would list otherwise, and no read of an offer's history more (the one the page reads
    anyway answers it). The debtor's own page reads no publisher record."""
    net = await two_debtor_orgs()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    core = net.actors["core"]
    offers = sorted([(await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)}))["id"]
                     for _ in range(3)])
    await net.ok(core, "WithdrawDiscountOffer", offers[1])
    publisher_key = net._key(keys.DISCOUNT_PUBLISHER)
    batches: list[list[str]] = []
    one_by_one: list[str] = []
    get_state, get_multiple = MemoryPeerSession._get_state, MemoryPeerSession._get_state_multiple

    def one(session, payload):
        if (key := shim_pb2.GetState.FromString(payload).key).startswith(publisher_key):
            one_by_one.append(key)
        return get_state(session, payload)

    def many(session, payload):
        if wanted := [k for k in shim_pb2.GetStateMultiple.FromString(payload).keys if k.startswith(publisher_key)]:
            batches.append(wanted)
        return get_multiple(session, payload)

    monkeypatch.setattr(MemoryPeerSession, "_get_state", one)
    monkeypatch.setattr(MemoryPeerSession, "_get_state_multiple", many)
    history_reads.clear()
    assert await _listed(net, core) == [offers[0], offers[2]]
    assert (sorted(batches), one_by_one) == ([sorted(net._key(keys.DISCOUNT_PUBLISHER, i)
                                                     for i in (offers[0], offers[2]))], [])
    assert len(history_reads) == 2
    batches.clear()
    page = await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "all", evaluate=True)
    assert len(page["records"]) == 3 and (batches, one_by_one) == ([], [])
