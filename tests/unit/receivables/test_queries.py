"""Queries: by id, history, provenance, paginated lists, the regulator's statistics."""

from __future__ import annotations

import pytest

from .support import standard_net


async def test_history_says_who_did_what_when_in_which_transaction():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.registered(tier1, core, 1000)
    net.advance(days=1)
    await net.ok(core, "ConfirmReceivable", r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "order-7")
    history = await net.ok(tier1, "GetReceivableHistory", r["id"], evaluate=True)
    assert [h["action"] for h in history] == ["RegisterReceivable", "ConfirmReceivable", "FreezeReceivable"]
    assert [h["by"] for h in history] == [tier1.uscc, core.uscc, reg.uscc]
    assert [h["status"] for h in history] == ["REGISTERED", "CONFIRMED", "CONFIRMED"]
    assert history[2]["frozen"] is True
    assert len({h["tx_id"] for h in history}) == 3
    assert all(h["timestamp"] for h in history)


async def test_provenance_shows_ancestors_and_the_tree_below():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    await net.ok(tier2, "TransferReceivable", f"{r['id']}.1", tier1.uscc, "100")
    leaf = f"{r['id']}.1.1"
    p = await net.ok(tier1, "GetProvenance", leaf, evaluate=True)
    assert [a["id"] for a in p["ancestors"]] == [f"{r['id']}.1", r["id"]]
    assert p["root_id"] == r["id"] and p["tree"]["children"] == []
    root = await net.ok(tier1, "GetProvenance", r["id"], evaluate=True)
    tree = root["tree"]
    assert [c["id"] for c in tree["children"]] == [f"{r['id']}.1", f"{r['id']}.2"]
    assert [c["face_amount"] for c in tree["children"][0]["children"]] == [100, 300]


async def test_lists_paginate_with_bookmarks():
    net = await standard_net()
    core, tier1, tier2, reg = net.actors["core"], net.actors["tier1"], net.actors["tier2"], net.actors["regulator"]
    ids = [(await net.registered(tier1, core, 1000 + i))["id"] for i in range(5)]
    other = await net.registered(tier2, core, 7)
    seen, bookmark = [], ""
    for _ in range(5):
        page = await net.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "2", bookmark, evaluate=True)
        seen += [rec["id"] for rec in page["records"]]
        bookmark = page["bookmark"]
        assert len(page["records"]) <= 2
        if not bookmark:
            break
    assert sorted(seen) == sorted(ids)
    page = await net.ok(core, "ListReceivablesByDebtor", core.uscc, "100", "", evaluate=True)
    assert sorted(rec["id"] for rec in page["records"]) == sorted(ids + [other["id"]])
    await net.ok(core, "ConfirmReceivable", ids[0])
    page = await net.ok(reg, "ListReceivablesByStatus", "CONFIRMED", "100", "", evaluate=True)
    assert [rec["id"] for rec in page["records"]] == [ids[0]]
    page = await net.ok(reg, "ListReceivablesByStatus", "REGISTERED", "100", "", evaluate=True)
    assert ids[0] not in [rec["id"] for rec in page["records"]] and len(page["records"]) == 5
    await net.refused(reg, "ListReceivablesByStatus", "PAID", "10", "", evaluate=True, rule="argument-invalid")
    await net.refused(reg, "ListReceivablesByStatus", "CONFIRMED", "0", "", evaluate=True, rule="page-size-invalid")
    await net.refused(reg, "ListReceivablesByStatus", "CONFIRMED", "101", "", evaluate=True, rule="page-size-invalid")


@pytest.mark.parametrize("size", ["²", "٣", "１０", "1" * 5000, "0" * 4 + "1", " 5", "5 ", "+5", ""])
async def test_a_page_size_of_anything_but_one_to_three_ascii_digits_is_refused_by_rule(size):
    """str.isdigit() passes superscripts (int() then fails), Arabic-Indic and full-width digits (int() reads them)
    and digit strings too long for int(): none of them may get past the rule as a crash or as a number."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    await net.registered(tier1, net.actors["core"], 1000)
    message = await net.refused(tier1, "ListReceivablesByHolder", tier1.uscc, size, "", evaluate=True,
                                rule="page-size-invalid")
    assert len(message) < 200  # a long size is cut short in the message


async def test_statistics_exposure_financed_share_overdue():
    net = await standard_net()
    core, core2, tier1, bank, reg = (net.actors[k] for k in ("core", "core2", "tier1", "bank", "regulator"))
    a = await net.confirmed(tier1, core, 3000, due_in=30)
    b = await net.confirmed(tier1, core, 1000, due_in=10)
    c = await net.confirmed(tier1, core2, 500, due_in=60)
    await net.registered(tier1, core2, 9999)  # not confirmed: no exposure
    f, o = await net.offered(tier1, a["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.ok(core2, "RecordPayment", c["id"], "100")
    net.advance(days=11)
    await net.ok(tier1, "RecordOverdue", b["id"])
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["per_debtor"][core.uscc] == {"CNY": {"exposure": 4000, "financed": 3000, "overdue": 1000,
                                                      "receivables": 2, "financed_share": "0.7500"}}
    assert stats["per_debtor"][core2.uscc] == {"CNY": {"exposure": 400, "financed": 0, "overdue": 0,
                                                       "receivables": 1, "financed_share": "0.0000"}}
    assert stats["total"] == {"CNY": {"exposure": 4400, "financed": 3000, "overdue": 1000, "receivables": 3,
                                      "financed_share": "0.6818"}}
    assert stats["count_by_status"]["REGISTERED"] == 1 and stats["count_by_status"]["FINANCED"] == 1


async def test_a_claim_unpaid_past_its_due_date_is_overdue_in_the_statistics_before_anyone_marks_it():
    """RecordOverdue is bookkeeping its parties may never run: the regulator's overdue figure counts a CONFIRMED or
    FINANCED claim unpaid past its due date all the same, from the day after it fell due (the business date)."""
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    confirmed = await net.confirmed(tier1, core, 1000, due_in=5)
    financed = await net.confirmed(tier1, core, 3000, due_in=5)
    f, o = await net.offered(tier1, financed["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.confirmed(tier1, core, 500, due_in=30)          # not yet due
    paid = await net.confirmed(tier1, core, 700, due_in=5)
    await net.ok(core, "RecordPayment", paid["id"], "700")     # settled: owes nothing, overdue or not

    async def overdue() -> int:
        return (await net.ok(reg, "GetStatistics", evaluate=True))["total"]["CNY"]["overdue"]

    net.advance(days=5)
    assert await overdue() == 0                                 # due today: not yet late
    net.advance(days=1)
    assert (net.doc(confirmed["id"])["status"], net.doc(financed["id"])["status"]) == ("CONFIRMED", "FINANCED")
    assert await overdue() == 4000                              # neither is marked, both are late
    await net.ok(tier1, "RecordOverdue", confirmed["id"])
    assert await overdue() == 4000                              # marking it changes nothing in the figure
    await net.ok(core, "RecordPayment", confirmed["id"], "400")
    assert await overdue() == 3600                              # what is still owed on it


async def test_statistics_keep_each_currency_apart_per_debtor_and_in_total():
    net = await standard_net()
    core, core2, tier1, bank, reg = (net.actors[k] for k in ("core", "core2", "tier1", "bank", "regulator"))
    await net.confirmed(tier1, core, 3000, due_in=30)
    usd = await net.confirmed(tier1, core, 1000, due_in=30, currency="USD")
    await net.confirmed(tier1, core2, 500, due_in=30, currency="USD")
    f, o = await net.offered(tier1, usd["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    # added up regardless of currency, core's exposure would read 4000 with a financed share of 0.2500
    assert stats["per_debtor"][core.uscc] == {
        "CNY": {"exposure": 3000, "financed": 0, "overdue": 0, "receivables": 1, "financed_share": "0.0000"},
        "USD": {"exposure": 1000, "financed": 1000, "overdue": 0, "receivables": 1, "financed_share": "1.0000"}}
    assert stats["per_debtor"][core2.uscc] == {
        "USD": {"exposure": 500, "financed": 0, "overdue": 0, "receivables": 1, "financed_share": "0.0000"}}
    assert stats["total"] == {
        "CNY": {"exposure": 3000, "financed": 0, "overdue": 0, "receivables": 1, "financed_share": "0.0000"},
        "USD": {"exposure": 1500, "financed": 1000, "overdue": 0, "receivables": 2, "financed_share": "0.6667"}}
    assert sum(stats["count_by_status"].values()) == 3  # claims are counted, not amounts: one count for all


async def test_readers_of_a_receivable():
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    r = await net.confirmed(tier1, core, 1000)
    await net.refused(tier2, "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    await net.refused(bank, "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    await net.ok(tier1, "RequestFinancing", r["id"])
    # a bank may read a claim while it is asked to finance it
    assert (await net.ok(bank, "GetReceivable", r["id"], evaluate=True))["id"] == r["id"]
    await net.refused(tier1, "GetReceivable", "R-nope", evaluate=True, rule="not-found")


async def test_find_invoice_follows_the_registry_through_the_lifecycle():
    from chaincode.receivables import fingerprint

    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    req = net.registration(tier1, core, 1000, invoice_no="26312000000012345678")
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", "26312000000012345678")

    async def find(actor=bank):
        return await net.ok(actor, "FindInvoice", fp, evaluate=True)

    assert await find() == {"fingerprint": fp, "used": False, "receivable_id": None, "live": False}
    r = await net.ok(tier1, "RegisterReceivable", req)
    assert await find() == {"fingerprint": fp, "used": True, "receivable_id": r["id"], "live": True}
    # rejection releases the invoice: unused again, and it may back a new claim
    await net.ok(core, "RejectReceivable", r["id"], "not delivered")
    assert await find(tier1) == {"fingerprint": fp, "used": False, "receivable_id": None, "live": False}
    r = await net.ok(tier1, "RegisterReceivable", req)
    await net.ok(core, "ConfirmReceivable", r["id"])
    # after a split the root is SPLIT, its children carry the claim: still live, still the root's id
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    assert await find(core) == {"fingerprint": fp, "used": True, "receivable_id": r["id"], "live": True}
    await net.ok(core, "RecordPayment", f"{r['id']}.1", "400")
    assert (await find())["live"] is True  # the other child is unpaid
    await net.ok(core, "RecordPayment", f"{r['id']}.2", "600")
    # settled: no longer live, but the invoice stays used; a paid invoice backs no new claim
    assert await find(net.actors["regulator"]) == {"fingerprint": fp, "used": True, "receivable_id": r["id"],
                                                   "live": False}
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")


async def test_find_invoice_refuses_what_is_not_a_fingerprint():
    from chaincode.receivables import fingerprint

    net = await standard_net()
    tier1 = net.actors["tier1"]
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", "26312000000012345678")
    for bad in ["", fp.upper(), fp[:63], fp + "a", f" {fp}", "26312000000012345678", "x" * 5000]:
        msg = await net.refused(tier1, "FindInvoice", bad, evaluate=True, rule="fingerprint-invalid")
        assert len(msg) < 600


async def test_a_bookmark_this_list_did_not_return_is_refused():
    """The peer starts a page at whatever bookmark it is given: one forged below the range would list other
    holders' claims (tier1's credit code sorts before tier2's), so only a bookmark of the same list is taken."""
    net = await standard_net()
    core, core2, tier1, tier2 = (net.actors[k] for k in ("core", "core2", "tier1", "tier2"))
    assert tier1.uscc < tier2.uscc and core.uscc < core2.uscc
    for _ in range(3):
        await net.registered(tier1, core, 1000)
    await net.registered(tier2, core2, 1000)
    await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    first = await net.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "1", "", evaluate=True)
    assert first["bookmark"]
    below = ["\x00recfin.by-holder\x00", "\x00recfin.a", "\x00", first["bookmark"]]
    for bookmark in below:  # the last one is tier1's own, used on tier2's list
        await net.refused(tier2, "ListReceivablesByHolder", tier2.uscc, "10", bookmark, evaluate=True,
                          rule="bookmark-invalid")
    await net.refused(core2, "ListReceivablesByDebtor", core2.uscc, "10", "\x00recfin.by-debtor\x00", evaluate=True,
                      rule="bookmark-invalid")
    await net.refused(net.actors["regulator"], "ListReceivablesByStatus", "REGISTERED", "10", "\x00recfin.by-status\x00",
                      evaluate=True, rule="bookmark-invalid")
    await net.refused(core2, "GetDebtorPaymentRecord", core2.uscc, "10", "\x00recfin.by-debtor\x00", evaluate=True,
                      rule="bookmark-invalid")
    await net.refused(core2, "ListDiscountOffers", core2.uscc, "", "10", "\x00recfin.discount-by-debtor\x00",
                      evaluate=True, rule="bookmark-invalid")
    # the bookmark the list returned still leads to its next page, and only to the caller's own claims
    second = await net.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "5", first["bookmark"], evaluate=True)
    assert len(second["records"]) == 2 and {r["holder"] for r in second["records"]} == {tier1.uscc}


async def test_statistics_count_every_claim_past_the_peers_query_limit():
    """A range query that is not paginated stops at the peer's totalQueryLimit without a word; the regulator's
    figures must not stop with it (here a limit of 3 rows against 5 claims and their other records)."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    for face in (100, 200, 300, 400, 500):
        await net.confirmed(tier1, core, face, due_in=30)
    net.ledger.total_query_limit = 3
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["total"]["CNY"]["exposure"] == 1500 and stats["total"]["CNY"]["receivables"] == 5
    assert stats["count_by_status"]["CONFIRMED"] == 5


async def test_a_financed_claim_marked_overdue_still_counts_as_financed():
    """RecordOverdue moves a disbursed claim from FINANCED to OVERDUE; the bank's money is still out on it."""
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 3000, due_in=10)
    await net.financed(tier1, r["id"], bank)
    net.advance(days=11)
    await net.ok(tier1, "RecordOverdue", r["id"])
    assert net.doc(r["id"])["status"] == "OVERDUE"
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["total"] == {"CNY": {"exposure": 3000, "financed": 3000, "overdue": 3000, "receivables": 1,
                                      "financed_share": "1.0000"}}
    assert stats["count_by_status"]["OVERDUE"] == 1 and stats["count_by_status"]["FINANCED"] == 0


async def test_a_split_claim_counts_once_as_split_and_its_parts_under_their_own_status():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    await net.ok(core, "RecordPayment", f"{r['id']}.1", "400")
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    counts = stats["count_by_status"]
    assert (counts["SPLIT"], counts["SETTLED"], counts["CONFIRMED"]) == (1, 1, 1)
    assert sum(counts.values()) == 3
    assert stats["total"]["CNY"]["exposure"] == 600 and stats["total"]["CNY"]["receivables"] == 1
