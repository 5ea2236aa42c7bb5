"""A request's offers are read whole however many there are: a bank's withdrawn offers stay listed under
the request (``recfin.by-financing``), so a bank that offers and withdraws again and again grows the list,
and one plain range query stops without a word at the peer's ``ledger.state.totalQueryLimit``. An open offer
past it would be neither listed (GetFinancing) nor lapsed when the holder accepts another offer, staying
OPEN on a request that has ended."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from .support import standard_net, transient_terms


async def _request_with_offers(net, withdrawn: int) -> tuple[dict, list[dict]]:
    """tier1's request, on which bank2 offered and withdrew ``withdrawn`` times, then each bank's open offer,
    in id order."""
    core, tier1, bank, bank2 = (net.actors[k] for k in ("core", "tier1", "bank", "bank2"))
    r = await net.confirmed(tier1, core)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    for _ in range(withdrawn):
        o = await net.ok(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms())
        await net.ok(bank2, "WithdrawFinancingOffer", o["id"], "terms revised")
    open_offers = [await net.ok(b, "MakeFinancingOffer", f["id"], transient=transient_terms())
                   for b in (bank, bank2)]
    return f, sorted(open_offers, key=lambda o: o["id"])


def _entries(net, financing_id: str) -> list[str]:
    """The offer ids the request's ``recfin.by-financing`` entries name, in key order."""
    prefix = net._key(keys.BY_FINANCING, financing_id)[:-1]
    return sorted(k[len(prefix):].strip("\x00") for k in net.ledger.state if k.startswith(prefix))


async def test_an_open_offer_past_the_query_limit_lapses_when_the_holder_accepts_another():
    net = await standard_net()
    f, (first, last) = await _request_with_offers(net, withdrawn=12)
    entries = _entries(net, f["id"])
    assert len(entries) == 14
    # the peer's limit ends one query just before the later open offer
    net.ledger.total_query_limit = entries.index(last["id"])
    await net.ok(net.actors["tier1"], "AcceptFinancingOffer", first["id"])
    lapsed = json.loads(net.ledger.state[net._key(keys.OFFER, last["id"])])
    assert lapsed["status"] == "LAPSED"
    open_entry = net._key(keys.OPEN_OFFER, lapsed["financier"], net.actors["core"].uscc, last["id"])
    assert open_entry not in net.ledger.state


async def test_get_financing_lists_every_offer_of_the_request_past_the_query_limit():
    net = await standard_net()
    f, (first, last) = await _request_with_offers(net, withdrawn=12)
    net.ledger.total_query_limit = 5
    offers = (await net.ok(net.actors["tier1"], "GetFinancing", f["id"], evaluate=True))["offers"]
    assert [o["id"] for o in offers] == _entries(net, f["id"])
    assert sorted(o["id"] for o in offers if o["status"] == "OPEN") == [first["id"], last["id"]]
