"""ListReceivablesByFinancier: a bank's portfolio, the claims it finances (from the acceptance of its offer until
repayment, cancellation or recourse), page by page, every debtor's or one debtor's; the bank's own, or any bank's
for the regulator."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import Net, standard_net, transient_terms


async def _financed(net: Net, debtor: str, *, bank: str = "bank", disburse: bool = True, due_in: int = 60,
                    terms: dict | None = None) -> tuple[dict, dict]:
    """A confirmed claim of tier1 on ``debtor`` financed by ``bank``: accepted, and disbursed unless told not."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors[debtor], 10_000_00, due_in=due_in)
    f = await net.financed(tier1, r["id"], net.actors[bank], terms=terms, disburse=disburse)
    return r, f


async def _listed(net: Net, who: str, financier: str, debtor: str = "", page_size: int = 100) -> list[str]:
    """The ids of every page of the listing."""
    pages = await net.every_page(net.actors[who], "ListReceivablesByFinancier", financier, debtor, page_size=page_size)
    return [r["id"] for page in pages for r in page["records"]]


async def test_a_bank_lists_the_claims_it_finances_on_every_debtor_by_debtor_then_id():
    net = await standard_net()
    bank, core, core2 = (net.actors[k] for k in ("bank", "core", "core2"))
    # disbursed, and accepted only (not yet disbursed): both live
    on_core = [(await _financed(net, "core"))[0], (await _financed(net, "core", disburse=False))[0]]
    on_core2 = [(await _financed(net, "core2"))[0]]
    of_bank2, _ = await _financed(net, "core", bank="bank2")
    offered = await net.confirmed(net.actors["tier1"], core, 5_000_00)   # offered on, never accepted
    f = await net.ok(net.actors["tier1"], "RequestFinancing", offered["id"])
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())

    by_debtor = sorted([(core.uscc, r["id"]) for r in on_core] + [(core2.uscc, r["id"]) for r in on_core2])
    expected = [i for _, i in by_debtor]
    page = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, "", "100", "", evaluate=True)
    assert [r["id"] for r in page["records"]] == expected
    assert (page["fetched"], page["bookmark"]) == (3, "")
    assert {r["financier"] for r in page["records"]} == {bank.uscc}
    # the records are the claims as GetReceivable answers them
    assert page["records"][0] == await net.ok(bank, "GetReceivable", expected[0], evaluate=True)
    assert await _listed(net, "regulator", bank.uscc) == expected
    assert await _listed(net, "bank2", net.actors["bank2"].uscc) == [of_bank2["id"]]


async def test_pages_follow_bookmarks_to_the_end_with_and_without_a_debtor():
    net = await standard_net()
    bank, core, core2 = (net.actors[k] for k in ("bank", "core", "core2"))
    on_core = sorted([(await _financed(net, "core"))[0]["id"] for _ in range(3)])
    on_core2 = sorted([(await _financed(net, "core2"))[0]["id"] for _ in range(2)])
    everything = on_core + on_core2 if core.uscc < core2.uscc else on_core2 + on_core
    for size in (1, 2, 3, 5):
        assert await _listed(net, "bank", bank.uscc, page_size=size) == everything
    first = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, "", "2", "", evaluate=True)
    assert len(first["records"]) == 2 and first["bookmark"]

    # one debtor's only, page after page; the regulator sees the same
    for size in (1, 2, 100):
        assert await _listed(net, "bank", bank.uscc, core.uscc, size) == on_core
        assert await _listed(net, "regulator", bank.uscc, core2.uscc, size) == on_core2
    assert await _listed(net, "bank", bank.uscc, net.actors["tier2"].uscc) == []   # a debtor it does not finance

    # a bookmark of one debtor's list leads on through that debtor's claims only; on another list it is refused
    one = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, core.uscc, "1", "", evaluate=True)
    rest = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, core.uscc, "10", one["bookmark"],
                        evaluate=True)
    assert [r["id"] for r in one["records"] + rest["records"]] == on_core
    await net.refused(bank, "ListReceivablesByFinancier", bank.uscc, core2.uscc, "10", one["bookmark"],
                      evaluate=True, rule="bookmark-invalid")


async def test_a_claim_that_left_the_bank_is_not_listed():
    net = await standard_net()
    bank, core, tier1 = (net.actors[k] for k in ("bank", "core", "tier1"))
    kept, _ = await _financed(net, "core", due_in=30)
    repaid, f_repaid = await _financed(net, "core", due_in=30)
    cancelled, f_cancelled = await _financed(net, "core", disburse=False)
    with_recourse = transient_terms(recourse=True)
    recoursed, f_recoursed = await _financed(net, "core", due_in=30, terms=with_recourse)
    assert sorted(await _listed(net, "bank", bank.uscc)) == sorted(
        r["id"] for r in (kept, repaid, cancelled, recoursed))

    await net.ok(tier1, "CancelFinancing", f_cancelled["id"], "not disbursed in time")
    net.advance(days=31)   # every claim due in 30 days is past due
    await net.ok(bank, "RecordRepayment", f_repaid["id"])
    await net.ok(bank, "ExerciseRecourse", f_recoursed["id"], "the debtor did not pay", transient=with_recourse)
    assert await _listed(net, "bank", bank.uscc) == [kept["id"]]
    assert await _listed(net, "regulator", bank.uscc, core.uscc) == [kept["id"]]


async def test_an_entry_out_of_step_with_its_claim_shows_nothing():
    """The claim decides, not the index: an entry naming the bank on a claim the bank does not finance (another
    bank's, or one never financed) is scanned and left out, so it never shows the bank a claim it may not read."""
    net = await standard_net()
    bank, core = net.actors["bank"], net.actors["core"]
    own, _ = await _financed(net, "core")
    others, _ = await _financed(net, "core", bank="bank2")
    never = await net.confirmed(net.actors["tier1"], core, 1_000_00)
    for r in (others, never):
        net.ledger.state[net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])] = keys.INDEX_VALUE
    await net.refused(bank, "GetReceivable", others["id"], evaluate=True, rule="not-permitted-to-read")

    page = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, core.uscc, "100", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own["id"]], 3)
    assert await _listed(net, "regulator", bank.uscc) == [own["id"]]


async def test_an_entry_under_another_debtor_or_left_from_a_repaid_financing_shows_nothing():
    """The entry's bank and debtor must be the claim's live financing's: a claim the bank does finance, on core2,
    is not listed again under core; a repaid claim still names its bank, but its financing is over."""
    net = await standard_net()
    bank, core, core2 = net.actors["bank"], net.actors["core"], net.actors["core2"]
    on_core2, _ = await _financed(net, "core2")
    repaid, f_repaid = await _financed(net, "core", due_in=30)
    net.advance(days=31)
    await net.ok(bank, "RecordRepayment", f_repaid["id"])
    assert net.doc(repaid["id"])["financier"] == bank.uscc
    for r, debtor in ((on_core2, core), (repaid, core)):
        net.ledger.state[net._key(keys.BY_FINANCIER, bank.uscc, debtor.uscc, r["id"])] = keys.INDEX_VALUE
    assert await _listed(net, "bank", bank.uscc, core.uscc) == []
    assert await _listed(net, "bank", bank.uscc) == [on_core2["id"]]          # once, under its own debtor
    assert await _listed(net, "regulator", bank.uscc, core2.uscc) == [on_core2["id"]]


async def test_a_code_that_names_no_bank_is_said_not_answered_with_an_empty_page():
    net = await standard_net()
    reg, core = net.actors["regulator"], net.actors["core"]
    message = await net.refused(reg, "ListReceivablesByFinancier", core.uscc, "", "10", "", evaluate=True,
                                rule="argument-invalid")
    assert f"{core.uscc} is a " in message and "not a financier: name a bank" in message
    await net.refused(reg, "ListReceivablesByFinancier", "91310000MA1K0000X9", "", "10", "", evaluate=True,
                      rule="party-not-registered")
    # a party naming itself that is no bank: told so, as GetFinancierExposure tells it
    await net.refused(core, "ListReceivablesByFinancier", core.uscc, "", "10", "", evaluate=True,
                      rule="argument-invalid")


async def test_only_the_bank_itself_and_the_regulator_list_and_refusals_change_nothing():
    net = await standard_net()
    bank, bank2, core = net.actors["bank"], net.actors["bank2"], net.actors["core"]
    await _financed(net, "core")
    for who in ("bank2", "core", "tier1"):
        message = await net.refused(net.actors[who], "ListReceivablesByFinancier", bank.uscc, "", "10", "",
                                    evaluate=True, rule="not-permitted-to-read")
        assert "only the claims it finances" in message
    await net.refused(bank, "ListReceivablesByFinancier", bank2.uscc, core.uscc, "10", "", evaluate=True,
                      rule="not-permitted-to-read")
    for who in ("bank", "regulator"):
        message = await net.refused(net.actors[who], "ListReceivablesByFinancier", "", "", "10", "", evaluate=True,
                                    rule="argument-invalid")
        assert "financier is empty" in message
    for size in ("0", "101", "x"):
        await net.refused(bank, "ListReceivablesByFinancier", bank.uscc, "", size, "", evaluate=True,
                          rule="page-size-invalid")
    # a bookmark from below the bank's range would page on through other banks' entries
    # ... and one at or past its range's end (prefix + U+10FFFF) is none a page returned either
    for bookmark in ("\x00recfin.by-financier\x00", "\x00", f"\x00recfin.by-holder\x00{bank.uscc}\x00",
                     f"\x00recfin.by-financier\x00{bank.uscc}\x00\U0010ffff",
                     f"\x00recfin.by-financier\x00{bank.uscc}\x00\U0010ffffz"):
        await net.refused(bank, "ListReceivablesByFinancier", bank.uscc, "", "10", bookmark, evaluate=True,
                          rule="bookmark-invalid")
    await net.refused(bank, "ListReceivablesByFinancier", bank.uscc, "a\x00b", "10", "", evaluate=True,
                      rule="argument-invalid")
