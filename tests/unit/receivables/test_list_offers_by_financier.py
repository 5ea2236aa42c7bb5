"""ListOffersByFinancier: a bank's offers still OPEN, page by page, every debtor's or one debtor's; the bank's own,
or any bank's for the regulator. Without it a bank found the offers it could withdraw only debtor by debtor
(GetFinancierExposure), and only those a holder could still accept today."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import Net, standard_net, transient_terms


async def _offer(net: Net, debtor: str, *, bank: str = "bank", due_in: int = 60, **terms: str) -> tuple[dict, dict]:
    """tier1's confirmed claim on ``debtor``, its financing request and ``bank``'s open offer on it: (request,
    offer)."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors[debtor], 10_000_00, due_in=due_in)
    f, o = await net.offered(tier1, r["id"], net.actors[bank], terms=transient_terms(**terms))
    return f, o


async def _listed(net: Net, who: str, financier: str, debtor: str = "", page_size: int = 100) -> list[str]:
    """The offer ids of every page of the listing."""
    pages = await net.every_page(net.actors[who], "ListOffersByFinancier", financier, debtor, page_size=page_size)
    return [o["id"] for page in pages for o in page["records"]]


async def test_a_bank_lists_its_open_offers_on_every_debtor_by_debtor_then_id_as_public_records():
    net = await standard_net()
    bank, core, core2 = (net.actors[k] for k in ("bank", "core", "core2"))
    on_core = [await _offer(net, "core") for _ in range(2)]
    on_core2 = [await _offer(net, "core2")]
    _, of_bank2 = await _offer(net, "core", bank="bank2")
    await net.financed(net.actors["tier1"], (await net.confirmed(net.actors["tier1"], core, 1_000_00))["id"])

    by_debtor = sorted([(core.uscc, o["id"]) for _, o in on_core] + [(core2.uscc, o["id"]) for _, o in on_core2])
    page = await net.ok(bank, "ListOffersByFinancier", bank.uscc, "", "100", "", evaluate=True)
    assert [(o["debtor"], o["id"]) for o in page["records"]] == by_debtor
    assert (page["fetched"], page["bookmark"]) == (3, "")
    # each row: the offer's public record as GetFinancing shows it, and its claim's debtor; no private term
    f, o = on_core2[0]
    public = (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["offers"]
    row = next(row for row in page["records"] if row["id"] == o["id"])
    assert row == {**public[0], "debtor": core2.uscc}
    assert row["receivable_id"] == f["receivable_id"] and "expires_on" not in row and "advance_rate" not in row
    assert await _listed(net, "regulator", bank.uscc) == [i for _, i in by_debtor]
    assert await _listed(net, "bank2", net.actors["bank2"].uscc) == [of_bank2["id"]]


async def test_pages_follow_bookmarks_to_the_end_with_and_without_a_debtor():
    net = await standard_net()
    bank, core, core2 = (net.actors[k] for k in ("bank", "core", "core2"))
    on_core = sorted([(await _offer(net, "core"))[1]["id"] for _ in range(3)])
    on_core2 = sorted([(await _offer(net, "core2"))[1]["id"] for _ in range(2)])
    everything = on_core + on_core2 if core.uscc < core2.uscc else on_core2 + on_core
    for size in (1, 2, 3, 5):
        assert await _listed(net, "bank", bank.uscc, page_size=size) == everything
    for size in (1, 2, 100):
        assert await _listed(net, "bank", bank.uscc, core.uscc, size) == on_core
        assert await _listed(net, "regulator", bank.uscc, core2.uscc, size) == on_core2
    assert await _listed(net, "bank", bank.uscc, net.actors["tier2"].uscc) == []   # a debtor it made no offer on

    # a bookmark of one debtor's list leads on through that debtor's offers only; on another list it is refused
    one = await net.ok(bank, "ListOffersByFinancier", bank.uscc, core.uscc, "1", "", evaluate=True)
    rest = await net.ok(bank, "ListOffersByFinancier", bank.uscc, core.uscc, "10", one["bookmark"], evaluate=True)
    assert [o["id"] for o in one["records"] + rest["records"]] == on_core
    await net.refused(bank, "ListOffersByFinancier", bank.uscc, core2.uscc, "10", one["bookmark"], evaluate=True,
                      rule="bookmark-invalid")
    await net.refused(bank, "ListReceivablesByFinancier", bank.uscc, core.uscc, "10", one["bookmark"],
                      evaluate=True, rule="bookmark-invalid")


async def test_accepted_lapsed_and_withdrawn_offers_leave_the_list_and_an_expired_one_stays():
    net = await standard_net()
    bank, tier1 = net.actors["bank"], net.actors["tier1"]
    f_accepted, accepted = await _offer(net, "core")
    f_withdrawn_request, lapsed_by_withdrawal = await _offer(net, "core")
    f_other_bank, lapsed_by_acceptance = await _offer(net, "core")
    _, withdrawn = await _offer(net, "core")
    _, expiring = await _offer(net, "core", expires_on=net.day(3))
    _, staying = await _offer(net, "core")
    assert len(await _listed(net, "bank", bank.uscc)) == 6

    await net.ok(tier1, "AcceptFinancingOffer", accepted["id"])
    await net.ok(tier1, "WithdrawFinancing", f_withdrawn_request["id"])
    bank2_offer = await net.ok(net.actors["bank2"], "MakeFinancingOffer", f_other_bank["id"],
                               transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", bank2_offer["id"])
    await net.ok(bank, "WithdrawFinancingOffer", withdrawn["id"], "terms revised")
    net.advance(days=5)   # past the expiring offer's last day: still OPEN, as nothing was written
    assert sorted(await _listed(net, "bank", bank.uscc)) == sorted([expiring["id"], staying["id"]])
    # the exposure query, which reads the terms, tells the expired one apart
    exposure = await net.ok(bank, "GetFinancierExposure", net.actors["core"].uscc, "", evaluate=True)
    assert [o["offer_id"] for o in exposure["offers"]] == [staying["id"]]
    assert await _listed(net, "bank2", net.actors["bank2"].uscc) == []   # accepted: no longer open


async def test_the_list_reads_no_private_data(monkeypatch):
    """The expiry is one of the private terms: the list stays a public read, answered by any peer."""
    from chaincode.shim._stub import ChaincodeStub

    net = await standard_net()
    bank = net.actors["bank"]
    _, o = await _offer(net, "core")
    private_reads = []
    point, batched = ChaincodeStub._get, ChaincodeStub._get_many

    async def noted_point(self, key, collection):
        if collection:
            private_reads.append(key)
        return await point(self, key, collection)

    async def noted_batch(self, keys_, collection):
        if collection:
            private_reads.extend(keys_)
        return await batched(self, keys_, collection)

    monkeypatch.setattr(ChaincodeStub, "_get", noted_point)
    monkeypatch.setattr(ChaincodeStub, "_get_many", noted_batch)
    assert await _listed(net, "bank", bank.uscc) == [o["id"]]
    assert await _listed(net, "regulator", bank.uscc, net.actors["core"].uscc) == [o["id"]]
    assert private_reads == []


async def test_an_entry_out_of_step_with_its_offer_or_claim_shows_nothing():
    """The offer and its claim decide, not the index: an entry naming the bank on another bank's offer, on an
    offer no longer open, under a debtor not its claim's, or on no offer at all is scanned and left out."""
    net = await standard_net()
    bank, core, core2 = net.actors["bank"], net.actors["core"], net.actors["core2"]
    _, own = await _offer(net, "core")
    _, on_core2 = await _offer(net, "core2")
    _, others = await _offer(net, "core", bank="bank2")
    _, withdrawn = await _offer(net, "core")
    await net.ok(bank, "WithdrawFinancingOffer", withdrawn["id"], "terms revised")
    stale = [(bank.uscc, core.uscc, others["id"]), (bank.uscc, core.uscc, withdrawn["id"]),
             (bank.uscc, core.uscc, on_core2["id"]), (bank.uscc, core.uscc, "O-0000000000000000")]
    for entry in stale:
        net.ledger.state[net._key(keys.OPEN_OFFER, *entry)] = keys.INDEX_VALUE

    page = await net.ok(bank, "ListOffersByFinancier", bank.uscc, core.uscc, "100", "", evaluate=True)
    assert ([o["id"] for o in page["records"]], page["fetched"]) == ([own["id"]], 5)
    by_debtor = sorted([(core.uscc, own["id"]), (core2.uscc, on_core2["id"])])
    assert await _listed(net, "bank", bank.uscc) == [i for _, i in by_debtor]
    assert await _listed(net, "regulator", bank.uscc, core2.uscc) == [on_core2["id"]]   # once, under its debtor


async def test_only_the_bank_itself_and_the_regulator_list_a_bank_and_refusals_change_nothing():
    """Who may list, and the refusals, are ListReceivablesByFinancier's: a code of no bank is said, not answered
    with an empty page that reads as "no open offers"; each refusal leaves the ledger as it was."""
    net = await standard_net()
    a = net.actors
    bank, bank2, core = a["bank"].uscc, a["bank2"].uscc, a["core"].uscc
    await _offer(net, "core")
    unregistered = "91310000MA1K0000X9"
    refusals = [   # caller, (financier, debtor, page size, bookmark), rule, words of the message
        *[(who, (bank, "", "10", ""), "not-permitted-to-read", "a bank lists only its own open offers")
          for who in ("bank2", "core", "tier1")],
        ("bank", (bank2, core, "10", ""), "not-permitted-to-read", "a bank lists only its own open offers"),
        # who asks comes before whether the code names anyone: another bank learns nothing of it
        ("bank", (unregistered, "", "10", ""), "not-permitted-to-read", "a bank lists only its own open offers"),
        *[(who, ("", "", "10", ""), "argument-invalid", "financier is empty: name the bank whose open offers")
          for who in ("bank", "regulator")],
        ("regulator", (core, "", "10", ""), "argument-invalid", f"{core} is a "),
        ("core", (core, "", "10", ""), "argument-invalid", "not a financier: name a bank"),
        ("regulator", (unregistered, "", "10", ""), "party-not-registered", unregistered),
        *[("bank", (bank, "", size, ""), "page-size-invalid", "ask for 1 to 100") for size in ("0", "101", "x")],
        # a bookmark from below the bank's range would page on through other banks' entries
        *[("bank", (bank, "", "10", bookmark), "bookmark-invalid", "is not a bookmark of this list")
          for bookmark in ("\x00recfin.open-offer\x00", "\x00", f"\x00recfin.by-financier\x00{bank}\x00")],
        ("bank", (bank, "a\x00b", "10", ""), "argument-invalid", "U+0000"),
    ]
    for who, args, rule, words in refusals:
        message = await net.refused(a[who], "ListOffersByFinancier", *args, evaluate=True, rule=rule)
        assert words in message, (who, args, message)
