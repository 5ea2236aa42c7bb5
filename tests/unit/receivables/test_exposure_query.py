"""GetFinancierExposure: a bank's outstanding financed principal on one debtor's claims, its own only, and what
its open offers there would add."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.shim._peer_options import PeerOptions

from .support import Net, standard_net, transient_terms


async def _financed(net: Net, bank: str, debtor: str, face: int, *, advance: str = "0.9", disburse: bool = True,
                    due_in: int = 60, currency: str = "CNY") -> tuple[dict, dict]:
    """A confirmed claim of tier1 on ``debtor`` financed by ``bank`` (accepted, and disbursed unless told not)."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors[debtor], face, due_in=due_in, currency=currency)
    f = await net.financed(tier1, r["id"], net.actors[bank], terms=transient_terms(advance_rate=advance),
                           disburse=disburse)
    return r, f


async def _exposure(net: Net, who: str, debtor: str, financier: str = "") -> dict:
    return await net.ok(net.actors[who], "GetFinancierExposure", net.actors[debtor].uscc, financier, evaluate=True)


async def test_a_bank_sees_its_own_principal_on_the_debtor_and_nothing_of_other_banks_or_debtors():
    net = await standard_net()
    bank = net.actors["bank"]
    a, _ = await _financed(net, "bank", "core", 100_000)                    # principal 90,000
    b, _ = await _financed(net, "bank", "core", 50_000, advance="0.8", disburse=False)  # accepted: 40,000 to come
    await _financed(net, "bank", "core2", 70_000)                           # another debtor
    await _financed(net, "bank2", "core", 30_000)                           # another bank
    offered = await net.confirmed(net.actors["tier1"], net.actors["core"], 9_000)  # offered on, not accepted
    f = await net.ok(net.actors["tier1"], "RequestFinancing", offered["id"])
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())

    seen = await _exposure(net, "bank", "core")
    assert (seen["financier"], seen["debtor"], seen["exposure"]) == (bank.uscc, net.actors["core"].uscc, {"CNY": 130_000})
    rows = {row["receivable_id"]: row for row in seen["financings"]}
    assert set(rows) == {a["id"], b["id"]}
    assert (rows[a["id"]]["status"], rows[a["id"]]["principal"], rows[a["id"]]["currency"]) == ("DISBURSED", 90_000, "CNY")
    assert (rows[b["id"]]["status"], rows[b["id"]]["principal"]) == ("ACCEPTED", 40_000)
    assert seen["offered"] == {"CNY": 8_100} and [o["receivable_id"] for o in seen["offers"]] == [offered["id"]]
    assert await _exposure(net, "bank", "core", bank.uscc) == seen  # naming itself is the same
    assert (await _exposure(net, "regulator", "core", bank.uscc)) == seen
    assert (await _exposure(net, "bank2", "core"))["exposure"] == {"CNY": 27_000}
    assert (await _exposure(net, "bank", "core2"))["exposure"] == {"CNY": 63_000}


async def test_payments_to_the_bank_reduce_it_and_repayment_closes_it():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    r, f = await _financed(net, "bank", "core", 100_000)
    await net.ok(core, "AcknowledgeAssignment", (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["notice_id"])
    await net.ok(core, "RecordPayment", r["id"], "30000")  # to the bank, after the assignment notice
    [row] = (await _exposure(net, "bank", "core"))["financings"]
    assert (row["principal"], row["collected"], row["outstanding_principal"]) == (90_000, 30_000, 60_000)
    await net.ok(core, "RecordPayment", r["id"], "70000")  # more than the principal: nothing left out
    seen = await _exposure(net, "bank", "core")
    assert seen["exposure"] == {"CNY": 0} and seen["financings"][0]["outstanding_principal"] == 0
    await net.ok(bank, "RecordRepayment", f["id"])
    # nothing out and nothing on offer; the version its offer moved stays where it left it, and the accepted offer
    # is listed as left out of offered until the bank's next offer on the debtor drops its entry
    assert await _exposure(net, "bank", "core") == {"financier": bank.uscc, "debtor": core.uscc, "version": 1,
                                                    "exposure": {}, "financings": [], "offered": {}, "offers": [],
                                                    "uncounted_offers": [f["accepted_offer_id"]],
                                                    "unreadable": [], "newer_version": []}


async def test_principal_in_each_currency_is_summed_apart_never_across_currencies():
    net = await standard_net()
    cny, _ = await _financed(net, "bank", "core", 100_000)                                   # CNY 90,000 out
    usd, _ = await _financed(net, "bank", "core", 50_000, currency="USD")                     # USD 45,000 out
    await _financed(net, "bank", "core", 20_000, advance="0.5", disburse=False, currency="USD")  # USD 10,000 to come
    seen = await _exposure(net, "bank", "core")
    assert seen["exposure"] == {"CNY": 90_000, "USD": 55_000}  # one sum of fen would say 145,000 of nothing
    assert {row["receivable_id"]: row["currency"] for row in seen["financings"]}[usd["id"]] == "USD"
    assert {row["receivable_id"]: row["currency"] for row in seen["financings"]}[cny["id"]] == "CNY"


async def test_a_bank_may_not_read_another_banks_exposure_and_only_banks_and_the_regulator_ask():
    net = await standard_net()
    await _financed(net, "bank2", "core", 10_000)
    core = net.actors["core"].uscc
    bank2 = net.actors["bank2"].uscc
    message = await net.refused(net.actors["bank"], "GetFinancierExposure", core, bank2, evaluate=True,
                                rule="not-permitted-to-read")
    assert "its own exposure only" in message
    for who in ("core", "tier1"):
        await net.refused(net.actors[who], "GetFinancierExposure", core, "", evaluate=True, rule="role-not-permitted")
    reg = net.actors["regulator"]
    await net.refused(reg, "GetFinancierExposure", core, "", evaluate=True, rule="argument-invalid")
    await net.refused(reg, "GetFinancierExposure", core, net.actors["tier1"].uscc, evaluate=True,
                      rule="argument-invalid")
    await net.refused(reg, "GetFinancierExposure", "91310000MA1K0000XX", bank2, evaluate=True,
                      rule="party-not-registered")


async def test_without_the_private_record_on_this_peer_the_answer_says_where_to_ask():
    net = await standard_net()
    _, f = await _financed(net, "bank", "core", 10_000)
    financing = await net.ok(net.actors["bank"], "GetFinancing", f["id"], evaluate=True)
    private = net.ledger.private_state[financing["collection"]]
    for key in [k for k in private if keys.DISBURSEMENT in k]:
        del private[key]
    message = await net.refused(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "",
                                evaluate=True, rule="not-found")
    assert financing["collection"] in message


async def test_a_zero_or_tiny_rate_is_stored_as_sent_and_read_back_by_every_query():
    """A rate keeps its fixed-point form ("0.0000000000", not "0E-10"), so the terms a query re-reads
    parse again, and a tiny discount apr is accepted as the caller wrote it."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 100_000, due_in=60)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    terms = transient_terms(discount_rate="0.0000000000")
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=terms)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])            # accepted, not yet disbursed
    assert (await net.ok(bank, "GetOfferTerms", o["id"], evaluate=True))["discount_rate"] == "0.0000000000"
    assert (await _exposure(net, "bank", "core"))["exposure"] == {"CNY": 90_000}
    assert (await _exposure(net, "regulator", "core", bank.uscc))["exposure"] == {"CNY": 90_000}
    other = await net.confirmed(tier1, core, 100_000, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.0000005", "expires_on": net.day(30),
                                                        "receivable_ids": [other["id"]]})
    assert offer["apr"] == "0.0000005"


# ---------------------------------------------------------------- open offers: what acceptance would add


async def _offer(net: Net, bank: str, claim: dict, **terms) -> tuple[dict, dict]:
    """A request of tier1 on ``claim`` and ``bank``'s offer on it: (financing, offer)."""
    return await net.offered(net.actors["tier1"], claim["id"], net.actors[bank], terms=transient_terms(**terms))


async def test_open_offers_count_apart_from_what_is_out_at_the_advance_acceptance_would_make():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    out, _ = await _financed(net, "bank", "core", 100_000)                       # 90,000 out
    paid = await net.confirmed(tier1, core, 200_000, due_in=60)
    await net.ok(core, "RecordPayment", paid["id"], "50000")                     # 150,000 left to finance
    f1, o1 = await _offer(net, "bank", paid, advance_rate="0.8")                # would advance 120,000
    usd = await net.confirmed(tier1, core, 30_001, due_in=60, currency="USD")
    _, o2 = await _offer(net, "bank", usd, advance_rate="0.5")                   # 15,000.5: half up, 15,001
    other_bank = await net.confirmed(tier1, core, 70_000, due_in=60)
    await _offer(net, "bank2", other_bank)                                       # bank2's: not bank's

    seen = await _exposure(net, "bank", "core")
    assert seen["exposure"] == {"CNY": 90_000} and [c["receivable_id"] for c in seen["financings"]] == [out["id"]]
    assert seen["offered"] == {"CNY": 120_000, "USD": 15_001}
    rows = {o["offer_id"]: o for o in seen["offers"]}
    assert set(rows) == {o1["id"], o2["id"]}
    assert {k: rows[o1["id"]][k] for k in ("receivable_id", "financing_id", "currency", "outstanding", "advance",
                                          "expires_on")} == \
        {"receivable_id": paid["id"], "financing_id": f1["id"], "currency": "CNY", "outstanding": 150_000,
         "advance": 120_000, "expires_on": "2026-12-31"}
    assert await _exposure(net, "regulator", "core", bank.uscc) == seen
    assert (await _exposure(net, "bank2", "core"))["offered"] == {"CNY": 63_000}

    # accepted and disbursed, the offer's advance is the principal out: counted once, now in exposure
    await net.ok(tier1, "AcceptFinancingOffer", o1["id"])
    await net.ok(bank, "RecordDisbursement", f1["id"], transient=transient_terms(advance_rate="0.8"))
    seen = await _exposure(net, "bank", "core")
    assert (seen["exposure"], seen["offered"]) == ({"CNY": 210_000}, {"USD": 15_001})
    assert [o["offer_id"] for o in seen["offers"]] == [o2["id"]]


async def test_offers_that_can_no_longer_be_accepted_are_not_counted_and_an_accepted_one_only_once():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claims = [await net.confirmed(tier1, core, 10_000 * n, due_in=30) for n in (1, 2, 3, 4, 5)]
    expiring = await _offer(net, "bank", claims[0], expires_on=net.day(5))        # 9,000 until day 5
    withdrawn = await _offer(net, "bank", claims[1])                               # 18,000
    lapsed = await _offer(net, "bank", claims[2])                                  # 27,000
    accepted = await _offer(net, "bank", claims[3])                                # 36,000
    staying = await _offer(net, "bank", claims[4])                                 # 45,000: stays open
    assert (await _exposure(net, "bank", "core"))["offered"] == {"CNY": 135_000}

    await net.ok(tier1, "WithdrawFinancing", withdrawn[0]["id"])                   # the request withdrawn
    bank2_offer = await net.ok(net.actors["bank2"], "MakeFinancingOffer", lapsed[0]["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", bank2_offer["id"])                # another bank's accepted
    await net.ok(tier1, "AcceptFinancingOffer", accepted[1]["id"])                # the bank's own accepted
    seen = await _exposure(net, "bank", "core")
    assert [c["receivable_id"] for c in seen["financings"]] == [claims[3]["id"]]
    assert {o["offer_id"] for o in seen["offers"]} == {expiring[1]["id"], staying[1]["id"]}
    assert (seen["exposure"], seen["offered"]) == ({"CNY": 36_000}, {"CNY": 9_000 + 45_000})

    net.advance(days=6)                                                           # past the first offer's expiry
    seen = await _exposure(net, "bank", "core")
    assert [o["offer_id"] for o in seen["offers"]] == [staying[1]["id"]]
    assert (seen["exposure"], seen["offered"]) == ({"CNY": 36_000}, {"CNY": 45_000})

    net.advance(days=30)                                                          # the claims fell due: none takes
    assert (await _exposure(net, "bank", "core"))["offered"] == {}                # an acceptance any more


async def test_a_frozen_claims_offer_still_counts_since_lifting_the_freeze_makes_it_acceptable():
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 10_000, due_in=30)
    _, offer = await _offer(net, "bank", claim)
    await net.ok(net.actors["regulator"], "FreezeReceivable", claim["id"], "order-1")
    assert [o["offer_id"] for o in (await _exposure(net, "bank", "core"))["offers"]] == [offer["id"]]


async def test_without_an_open_offers_terms_on_this_peer_the_answer_says_where_to_ask():
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 10_000, due_in=30)
    _, offer = await _offer(net, "bank", claim)
    private = net.ledger.private_state[offer["collection"]]
    for key in [k for k in private if offer["id"] in k]:
        del private[key]
    message = await net.refused(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "",
                                evaluate=True, rule="not-found")
    assert offer["id"] in message and offer["collection"] in message


# ---------------------------------------------------------------- the index of open offers

def _open_entries(net: Net) -> set[tuple[str, ...]]:
    """The ``recfin.open-offer`` entries in the world state: (bank, debtor, offer id)."""
    prefix = net._key(keys.OPEN_OFFER)
    return {tuple(key[len(prefix):-1].split("\x00")) for key in net.ledger.state if key.startswith(prefix)}


async def test_an_offer_is_indexed_while_open_and_leaves_the_index_on_every_path_that_ends_it():
    net = await standard_net()
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    claims = [await net.confirmed(tier1, core, 10_000, due_in=30) for _ in range(4)]
    withdrawn = await _offer(net, "bank", claims[0])
    others_accepted = await _offer(net, "bank", claims[1])
    rival = await net.ok(bank2, "MakeFinancingOffer", others_accepted[0]["id"], transient=transient_terms())
    own_accepted = await _offer(net, "bank", claims[2])
    lapsing = await net.ok(bank2, "MakeFinancingOffer", own_accepted[0]["id"], transient=transient_terms())
    overdue = await _offer(net, "bank", claims[3])
    assert _open_entries(net) == {(bank.uscc, core.uscc, o["id"]) for _, o in (withdrawn, others_accepted, own_accepted,
                                                                               overdue)} | \
        {(bank2.uscc, core.uscc, rival["id"]), (bank2.uscc, core.uscc, lapsing["id"])}

    await net.ok(tier1, "WithdrawFinancing", withdrawn[0]["id"])       # lapses the bank's offer
    await net.ok(tier1, "AcceptFinancingOffer", rival["id"])           # lapses the bank's, and leaves itself
    await net.ok(tier1, "AcceptFinancingOffer", own_accepted[1]["id"])  # leaves itself, lapses bank2's
    assert _open_entries(net) == {(bank.uscc, core.uscc, overdue[1]["id"])}
    await net.ok(bank, "CancelFinancing", own_accepted[0]["id"], "will not advance")  # writes no entry back
    assert _open_entries(net) == {(bank.uscc, core.uscc, overdue[1]["id"])}

    # a claim marked overdue leaves its offer OPEN (its request can only be withdrawn now): still indexed,
    # but not counted, as no holder can accept it; the withdrawal then takes it out
    net.advance(days=31)
    await net.ok(core, "RecordOverdue", claims[3]["id"])
    assert (await _exposure(net, "bank", "core"))["offers"] == []
    assert _open_entries(net) == {(bank.uscc, core.uscc, overdue[1]["id"])}
    await net.ok(tier1, "WithdrawFinancing", overdue[0]["id"])
    assert _open_entries(net) == set()


def _counting_reads(monkeypatch) -> dict[str, int]:
    """Count what the stub asks the peer for: point reads, and keys read in batches (private data included)."""
    from chaincode.shim._stub import ChaincodeStub

    count = {"point": 0, "batched": 0}
    point, batched = ChaincodeStub._get, ChaincodeStub._get_many

    async def counted_point(self, key, collection):
        count["point"] += 1
        return await point(self, key, collection)

    async def counted_batch(self, keys_, collection):
        count["batched"] += len(keys_)
        return await batched(self, keys_, collection)

    monkeypatch.setattr(ChaincodeStub, "_get", counted_point)
    monkeypatch.setattr(ChaincodeStub, "_get_many", counted_batch)
    return count


async def _reads_of_exposure(net: Net, monkeypatch) -> tuple[dict[str, int], dict]:
    count = _counting_reads(monkeypatch)
    seen = await _exposure(net, "bank", "core")
    monkeypatch.undo()
    return dict(count), seen


async def test_the_debtors_settled_claims_and_other_banks_requests_cost_the_count_no_read(monkeypatch):
    net = await standard_net()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    tier1, core = net.actors["tier1"], net.actors["core"]
    offers = [(await _offer(net, "bank", await net.confirmed(tier1, core, 10_000, due_in=60)))[1] for _ in range(2)]
    reads, seen = await _reads_of_exposure(net, monkeypatch)
    assert {o["offer_id"] for o in seen["offers"]} == {o["id"] for o in offers}

    for _ in range(6):                                   # the debtor's history: claims paid off
        paid = await net.confirmed(tier1, core, 10_000, due_in=60)
        await net.ok(core, "RecordPayment", paid["id"], "10000")
    for bank in ("bank2", "bank2", "bank2"):              # requests another bank offered on
        await _offer(net, bank, await net.confirmed(tier1, core, 10_000, due_in=60))
    await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 10_000, due_in=60))["id"])  # none yet
    assert await _reads_of_exposure(net, monkeypatch) == (reads, seen)

    # more open offers of the bank add keys to the batches, not round trips: their terms too are read together
    for _ in range(2):
        await _offer(net, "bank", await net.confirmed(tier1, core, 10_000, due_in=60))
    more, seen = await _reads_of_exposure(net, monkeypatch)
    assert len(seen["offers"]) == 4 and more["point"] == reads["point"] and more["batched"] > reads["batched"]


async def test_every_open_offer_counts_however_many_pages_its_entries_take(monkeypatch):
    from chaincode.receivables import store_base

    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    for _ in range(5):
        await _offer(net, "bank", await net.confirmed(tier1, core, 10_000, due_in=60))
    monkeypatch.setattr(store_base, "ENTRY_PAGE_SIZE", 2)      # three pages
    seen = await _exposure(net, "bank", "core")
    assert len(seen["offers"]) == 5 and seen["offered"] == {"CNY": 5 * 9_000}


async def test_every_financing_counts_past_the_peers_query_limit():
    """The bank's principal on a debtor is read from its ``recfin.by-financier`` entries page by page: a plain
    range query would stop at the peer's totalQueryLimit (here 2 rows) and answer too little."""
    net = await standard_net()
    for _ in range(3):
        await _financed(net, "bank", "core", 10_000)                        # 9,000 out each
    net.ledger.total_query_limit = 2
    seen = await _exposure(net, "bank", "core")
    assert seen["exposure"] == {"CNY": 27_000} and len(seen["financings"]) == 3


async def test_an_offer_counts_on_the_day_its_terms_expire_as_acceptance_still_takes_it():
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 10_000, due_in=30)
    _, offer = await _offer(net, "bank", claim, expires_on=net.day(5))
    net.advance(days=5)                                                           # the expiry day itself
    seen = await _exposure(net, "bank", "core")
    assert [o["offer_id"] for o in seen["offers"]] == [offer["id"]] and seen["offered"] == {"CNY": 9_000}
    assert seen["offers"][0]["expires_on"] == net.today
    await net.ok(net.actors["tier1"], "AcceptFinancingOffer", offer["id"])


async def test_an_offer_stops_counting_on_the_claims_due_date_as_acceptance_refuses_it():
    net = await standard_net()
    claim = await net.confirmed(net.actors["tier1"], net.actors["core"], 10_000, due_in=30)
    _, offer = await _offer(net, "bank", claim)
    net.advance(days=29)                                                          # the day before: still counts
    assert [o["offer_id"] for o in (await _exposure(net, "bank", "core"))["offers"]] == [offer["id"]]
    net.advance(days=1)                                                           # the due date
    assert claim["due_date"] == net.today
    seen = await _exposure(net, "bank", "core")
    assert (seen["offers"], seen["offered"]) == ([], {})
    await net.refused(net.actors["tier1"], "AcceptFinancingOffer", offer["id"], rule="past-maturity")
