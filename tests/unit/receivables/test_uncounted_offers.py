"""A bank's offer drops the entries of the offers its figures left out (GetFinancierExposure's ``uncounted_offers``,
sent as MakeFinancingOffer's ``uncounted_offers``), so that none of them is accepted past the limit priced against.

The debtor's and the holder's orgs (running altered chaincode) can rewrite an offer's record, or its claim, to hide
the offer from the bank's read, and write it back before the bank's offer comes: no version moves, and the offer's
record says OPEN when the bank's offer reads it. Writing a key in a test stands for such a transaction
(``_as_two_orgs_write``: only keys those two orgs' peers can endorse a change of)."""
from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys

from .support import BANK, SUPPLIER, Net, standard_net, transient_terms
from .test_exposure_entries_guarded import OFFER_MADE, OFFER_MADE_DROPPED, _as_two_orgs_write, _offered, _with_status
from .test_prefetch_read_sets import READS, _Recorded


async def _exposure(net: Net) -> dict:
    return await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, evaluate=True)


async def _priced_offer(net: Net, read: dict, due_in: int = 40) -> dict:
    """The bank's next offer on the debtor, on a new claim, priced on ``read``: its version and uncounted offers."""
    tier1, core, bank = (net.actors[k] for k in ("tier1", "core", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=due_in)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    return await net.ok(bank, "MakeFinancingOffer", f["id"], str(read["version"]),
                        json.dumps(read["uncounted_offers"]), transient=transient_terms(salt=f"{due_in:016d}"))


def _hide(net: Net, how: str, o: dict, r: dict) -> tuple[str, bytes]:
    """Hide offer ``o`` (on claim ``r``) from its bank's figures as the two orgs can: the key rewritten and the value
    to write back."""
    if how == "claim rewritten":
        # before acceptance the claim's key carries the debtor's and the holder's orgs alone
        claim = net._key(keys.RECEIVABLE, r["id"])
        original = net.ledger.state[claim]
        net.ledger.state[claim] = json.dumps({**json.loads(original), "financing_id": None}).encode()
        return claim, original
    offer_key = net._key(keys.OFFER, o["id"])
    original = net.ledger.state[offer_key]
    if how == "record deleted":
        del net.ledger.state[offer_key]
    else:
        _as_two_orgs_write(net, offer_key, _with_status(net, o["id"], "LAPSED"))
    return offer_key, original


@pytest.mark.parametrize("how", ["record rewritten LAPSED", "record deleted", "claim rewritten"])
async def test_an_offer_hidden_from_the_read_and_written_back_is_not_accepted_after_an_offer_priced_on_it(how):
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    key, original = _hide(net, how, o, r)
    read = await _exposure(net)
    assert (read["offered"], read["uncounted_offers"]) == ({}, [o["id"]])
    net.ledger.state[key] = original                                  # written back: the offer is OPEN again
    assert (await _exposure(net))["version"] == read["version"]       # and no version moved
    o2 = await _priced_offer(net, read)
    assert net.writes_not_endorsed(BANK) == []
    assert net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"]) not in net.ledger.state
    assert net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, o["id"]) in net.ledger.state
    # the bank priced its offer on figures without the first: taken, it would be lent past the bank's limit
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-not-listed")
    await net.ok(tier1, "AcceptFinancingOffer", o2["id"])


async def test_the_exposure_lists_the_offers_its_banks_entries_name_that_offered_leaves_out_in_id_order():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    expiring = await net.confirmed(tier1, core, 1000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", expiring["id"])
    expired = await net.ok(bank, "MakeFinancingOffer", request["id"],
                           transient=transient_terms(expires_on=net.day(1), salt="e" * 16))
    r, f, counted = await _offered(net)
    _, lapsing, lapsed = await _offered(net, due_in=40)
    await net.ok(tier1, "WithdrawFinancing", lapsing["id"])           # its offer lapses, after the bank's last offer
    own = net._key(OFFER_MADE, bank.uscc, core.uscc, counted["id"])
    # entries no offer stands behind, new keys two orgs wrote: under the bank's org, an offer id or not, and under
    # the claim's orgs
    ghost = "O-" + "0" * 16
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, ghost), b"\x00", policy_of=own)
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, "O-none"), b"\x00", policy_of=own)
    _as_two_orgs_write(net, net._key(OFFER_MADE, bank.uscc, core.uscc, "O-" + "1" * 16), b"\x00",
                       policy_of=net._key(keys.RECEIVABLE, r["id"]))
    net.advance(days=3)
    read = await _exposure(net)
    assert [row["offer_id"] for row in read["offers"]] == [counted["id"]]
    # the expired one still OPEN is not named: its own terms refuse its acceptance, and named it would tell
    # every org, in the next offer's arguments and its mark, that its private expiry had passed
    assert read["uncounted_offers"] == sorted([lapsed["id"], ghost])
    # the bank's next offer priced on them drops their entries
    await _priced_offer(net, read, due_in=50)
    assert net.writes_not_endorsed(BANK) == []
    assert (await _exposure(net))["uncounted_offers"] == []
    for gone in (lapsed["id"], ghost):
        assert net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, gone) in net.ledger.state
    assert own in net.ledger.state
    assert net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, expired["id"]) not in net.ledger.state


@pytest.mark.parametrize("sent, problem", [
    ("not json", "not a list;"),
    ('{"O-0000000000000000": 1}', "not a list;"),
    ('"O-0000000000000000"', "not a list;"),
    ('["O-none"]', "'O-none' is not an offer id"),
    ('["O-000000000000000G"]', "is not an offer id"),
    ("[1]", "1 is not an offer id"),
    (json.dumps([f"O-{i:016x}" for i in range(1001)]), "lists 1001 uncounted offers on the debtor, more than the 1000 one offer drops"),
])
async def test_uncounted_offers_that_are_not_a_list_of_offer_ids_are_refused_and_change_nothing(sent, problem):
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _offered(net)
    r2 = await net.confirmed(tier1, net.actors["core"], 1000_00, due_in=40)
    f2 = await net.ok(tier1, "RequestFinancing", r2["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f2["id"], "", sent, transient=transient_terms(),
                                rule="argument-invalid")
    assert problem in message and "GetFinancierExposure" in message


async def test_an_id_without_an_entry_is_passed_over_and_an_offer_not_named_stays_acceptable():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r, f, o = await _offered(net)
    nowhere = "O-" + "a" * 16
    read = {**await _exposure(net), "uncounted_offers": [nowhere]}
    await _priced_offer(net, read)
    assert net._key(OFFER_MADE_DROPPED, bank.uscc, core.uscc, nowhere) not in net.ledger.state
    assert net._key(OFFER_MADE, bank.uscc, core.uscc, o["id"]) in net.ledger.state
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])


@pytest.mark.parametrize("first", ["acceptance", "offer"])
async def test_an_acceptance_of_a_named_offer_and_the_offer_naming_it_do_not_both_commit(monkeypatch, first):
    """Each reads a key the other writes, so the one committed second fails MVCC_READ_CONFLICT on the network (the
    memory ledger commits one at a time, so its read and write sets are compared here)."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    _, _, o = await _offered(net)
    r2 = await net.confirmed(tier1, core, 1000_00, due_in=40)
    f2 = await net.ok(tier1, "RequestFinancing", r2["id"])
    read = await _exposure(net)
    offer_args = ("MakeFinancingOffer", f2["id"], str(read["version"]), json.dumps([o["id"]]))
    offer_terms = transient_terms(salt="f" * 16)
    _Recorded(monkeypatch)
    READS.clear()
    if first == "acceptance":
        assert (await net.call(bank, *offer_args, transient=offer_terms, evaluate=True)).status == 200
        endorsed = set(READS)
        await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    else:
        assert (await net.call(tier1, "AcceptFinancingOffer", o["id"], evaluate=True)).status == 200
        endorsed = set(READS)
        await net.ok(bank, *offer_args, transient=offer_terms)
        assert net.writes_not_endorsed(BANK) == [] and net.writes_not_endorsed(SUPPLIER) != []
    written = {("", key) for key, _ in net.last_writes}
    assert endorsed & written
