"""GetDebtorPaymentRecord: a debtor's claims as the ledger stood on a date, for banks, the debtor and the regulator."""

from __future__ import annotations

import json
from datetime import date, timedelta

from chaincode.receivables import keys

from .support import Net, standard_net, transient_terms


async def _history(net: Net) -> dict:
    """On core, from 2 March (day 0): A paid on time, B marked overdue and paid 15 days late, C rejected,
    D split (part to tier2), E financed by bank2 and frozen then unfrozen; one claim on core2."""
    core, core2, tier1, tier2, bank2, reg = (net.actors[k] for k in ("core", "core2", "tier1", "tier2", "bank2",
                                                                       "regulator"))
    ids = {"start": date.fromisoformat(net.today)}
    ids["A"] = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    ids["B"] = (await net.confirmed(tier1, core, 2000, due_in=30))["id"]
    ids["C"] = (await net.registered(tier2, core, 500, due_in=60))["id"]
    ids["D"] = (await net.confirmed(tier1, core, 4000, due_in=90))["id"]
    ids["E"] = (await net.confirmed(tier1, core, 3000, due_in=90))["id"]
    ids["other"] = (await net.confirmed(tier1, core2, 700, due_in=90))["id"]
    net.advance(1)
    await net.ok(core, "RejectReceivable", ids["C"], "not delivered")
    net.advance(1)
    await net.ok(tier1, "TransferReceivable", ids["D"], tier2.uscc, "1500")
    net.advance(1)
    f, o = await net.offered(tier1, ids["E"], bank2)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    net.advance(2)
    await net.ok(reg, "FreezeReceivable", ids["E"], "ORDER-1")
    net.advance(1)
    await net.ok(reg, "UnfreezeReceivable", ids["E"], "ORDER-2")
    net.advance(14)  # day 20
    await net.ok(core, "RecordPayment", ids["A"], "1000")
    net.advance(11)  # day 31
    await net.ok(tier1, "RecordOverdue", ids["B"])
    net.advance(14)  # day 45
    await net.ok(core, "RecordPayment", ids["B"], "2000")
    net.advance(5)  # day 50
    return ids


async def _records(net: Net, who: str, debtor: str, as_of: str = "", page_size: str = "100") -> dict:
    return await net.ok(net.actors[who], "GetDebtorPaymentRecord", debtor, page_size, "", as_of, evaluate=True)


def _day(ids: dict, n: int) -> str:
    return (ids["start"] + timedelta(days=n)).isoformat()


async def test_each_claim_says_when_it_was_confirmed_settled_rejected_split_financed_frozen():
    net = await standard_net()
    ids = await _history(net)
    core = net.actors["core"]
    page = await _records(net, "regulator", core.uscc)
    assert page["debtor"] == core.uscc and page["as_of"] == net.today and page["holder_ids"] == "credit-code"
    by_id = {r["receivable_id"]: r for r in page["records"]}
    d = ids["D"]
    assert sorted(by_id) == sorted([ids["A"], ids["B"], ids["C"], d, f"{d}.1", f"{d}.2", ids["E"]])  # not core2's
    a, b, c, e = (by_id[ids[k]] for k in "ABCE")
    assert (a["status"], a["settled_on"], a["days_late"], a["overdue"]) == ("SETTLED", _day(ids, 20), 0, False)
    assert (a["confirmed_on"], a["registered_on"], a["outstanding"]) == (_day(ids, 0), _day(ids, 0), 0)
    assert (b["marked_overdue_on"], b["settled_on"], b["days_late"]) == (_day(ids, 31), _day(ids, 45), 15)
    assert (c["status"], c["rejected_on"], c["confirmed_on"], c["days_late"]) == ("REJECTED", _day(ids, 1), None, 0)
    assert (by_id[d]["status"], by_id[d]["split_on"]) == ("SPLIT", _day(ids, 2))
    part = by_id[f"{d}.1"]
    assert (part["parent_id"], part["face_amount"], part["holder"]) == (d, 1500, net.actors["tier2"].uscc)
    assert (part["registered_on"], part["confirmed_on"]) == (_day(ids, 2), _day(ids, 0))
    assert (e["status"], e["financed_on"], e["freezes"], e["frozen"]) == ("FINANCED", _day(ids, 3), [_day(ids, 5)], False)
    assert (e["overdue"], e["days_late"]) == (False, 0)


async def test_an_unpaid_claim_past_its_due_date_is_overdue_with_its_days_late():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000, due_in=10)
    net.advance(14)
    [record] = (await _records(net, "bank", core.uscc))["records"]
    assert (record["overdue"], record["days_late"], record["marked_overdue_on"], record["status"]) == (
        True, 4, None, "CONFIRMED")
    on_due_date = (await _records(net, "bank", core.uscc, as_of=net.day(-4)))["records"][0]
    assert (on_due_date["overdue"], on_due_date["days_late"]) == (False, 0)
    assert on_due_date["receivable_id"] == r["id"]


async def test_each_claim_carries_its_currency():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    yuan = await net.confirmed(tier1, core, 1000, due_in=30)
    dollars = await net.confirmed(tier1, core, 2000, due_in=30, currency="USD")
    records = (await _records(net, "bank", core.uscc))["records"]
    assert {r["receivable_id"]: r["currency"] for r in records} == {yuan["id"]: "CNY", dollars["id"]: "USD"}


async def test_nothing_recorded_after_as_of_shows():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    first = await net.confirmed(tier1, core, 1000, due_in=30)
    net.advance(10)
    seen_then = await _records(net, "bank", core.uscc)  # today is day 10
    day_10 = net.today
    later = await net.confirmed(tier1, core, 5000, due_in=30)  # registered on day 10, after the read
    net.advance(5)
    await net.ok(net.actors["regulator"], "FreezeReceivable", first["id"], "ORDER-9")
    net.advance(30)
    await net.ok(tier1, "RecordOverdue", later["id"])
    await net.ok(core, "RecordPayment", later["id"], "5000")
    await net.ok(net.actors["regulator"], "UnfreezeReceivable", first["id"], "ORDER-10")
    await net.ok(core, "RecordPayment", first["id"], "1000")

    # day 10's answer, read 35 days later, lacks only the claim registered after the first read that day
    again = await _records(net, "bank", core.uscc, as_of=day_10)
    assert [r for r in again["records"] if r["receivable_id"] != later["id"]] == seen_then["records"]
    now = {r["receivable_id"]: r for r in (await _records(net, "bank", core.uscc))["records"]}
    assert now[first["id"]]["settled_on"] == net.today and now[first["id"]]["freezes"] == [net.day(-30)]
    assert now[later["id"]]["days_late"] == 5
    before = await _records(net, "bank", core.uscc, as_of=net.day(-46))  # the day before anything was registered
    assert before["records"] == [] and before["fetched"] == 2


async def test_a_bank_sees_each_holder_as_its_own_token_and_no_terms_or_financiers():
    net = await standard_net()
    await _history(net)
    core, tier1, tier2, bank, bank2 = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2"))
    mine = await _records(net, "bank", core.uscc)
    theirs = await _records(net, "bank2", core.uscc)
    assert mine["holder_ids"] == theirs["holder_ids"] == "token"
    assert {r["holder"] for r in mine["records"]} == {keys.holder_token(bank.uscc, core.uscc, h.uscc)
                                                      for h in (tier1, tier2)}
    assert not {r["holder"] for r in mine["records"]} & {r["holder"] for r in theirs["records"]}
    text = json.dumps(mine)
    for secret in (tier1.uscc, tier2.uscc, bank2.uscc, "advance_rate", "discount_rate", "financier", "ORDER-1"):
        assert secret not in text, secret
    own = await _records(net, "core", core.uscc)  # the debtor knows its suppliers
    assert own["holder_ids"] == "credit-code" and {r["holder"] for r in own["records"]} == {tier1.uscc, tier2.uscc}


async def test_financiers_the_debtor_and_the_regulator_may_read_it_no_one_else():
    net = await standard_net()
    core, core2 = net.actors["core"], net.actors["core2"]
    await net.confirmed(net.actors["tier1"], core, 1000)
    for who in ("bank", "bank2", "core", "regulator"):
        assert len((await _records(net, who, core.uscc))["records"]) == 1, who
    for who in ("tier1", "tier2", "core2"):
        message = await net.refused(net.actors[who], "GetDebtorPaymentRecord", core.uscc, "10", "", "",
                                    evaluate=True, rule="not-permitted-to-read")
        assert "financiers, the debtor itself and the regulator" in message
    await net.refused(core2, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True, rule="not-permitted-to-read")


async def test_arguments_are_checked():
    net = await standard_net()
    bank, core = net.actors["bank"], net.actors["core"]
    fn = "GetDebtorPaymentRecord"
    assert (await _records(net, "bank", core.uscc, as_of=net.day(30)))["as_of"] == net.today  # the ledger knows no later
    await net.refused(bank, fn, core.uscc, "10", "", "2026-02-30", evaluate=True, rule="date-invalid")
    await net.refused(bank, fn, core.uscc, "0", "", evaluate=True, rule="page-size-invalid")
    await net.refused(bank, fn, "91310000MA1K0000XX", "10", "", evaluate=True, rule="party-not-registered")


async def test_pages_follow_the_receivable_ids_and_add_up_to_the_whole():
    net = await standard_net()
    await _history(net)
    core = net.actors["core"]
    whole = [r["receivable_id"] for r in (await _records(net, "bank", core.uscc))["records"]]
    assert whole == sorted(whole)
    pages = await net.every_page(net.actors["bank"], "GetDebtorPaymentRecord", core.uscc, page_size=2)
    assert all(page["fetched"] <= 2 for page in pages)
    assert [r["receivable_id"] for page in pages for r in page["records"]] == whole


async def test_each_record_lists_the_dated_payments_made_by_as_of():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 3000, due_in=30))["id"]
    net.advance(10)
    await net.ok(core, "RecordPayment", claim, "1000")
    day_10 = net.today
    net.advance(5)
    await net.ok(core, "RecordPayment", claim, "500")

    def record(page: dict) -> dict:
        return next(r for r in page["records"] if r["receivable_id"] == claim)

    assert record(await _records(net, "regulator", core.uscc, as_of=net.day(-6)))["payments"] == []
    then = record(await _records(net, "regulator", core.uscc, as_of=day_10))
    assert (then["payments"], then["outstanding"]) == ([{"paid_on": day_10, "amount": 1000}], 2000)
    now = record(await _records(net, "regulator", core.uscc))
    assert now["payments"] == [{"paid_on": day_10, "amount": 1000}, {"paid_on": net.today, "amount": 500}]
    assert now["outstanding"] == 1500 and now["status"] == "CONFIRMED"


async def test_a_financing_cancelled_before_disbursement_leaves_no_financed_date():
    net = await standard_net()
    core, tier1, bank2 = net.actors["core"], net.actors["tier1"], net.actors["bank2"]
    claim = (await net.confirmed(tier1, core, 3000, due_in=90))["id"]
    net.advance(1)
    f, o = await net.offered(tier1, claim, bank2)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    financed_day = net.today
    net.advance(2)
    await net.ok(tier1, "CancelFinancing", f["id"], "financed elsewhere")

    def record(page: dict) -> dict:
        return next(r for r in page["records"] if r["receivable_id"] == claim)

    while_live = record(await _records(net, "bank", core.uscc, as_of=net.day(-1)))
    assert (while_live["status"], while_live["financed_on"]) == ("FINANCED", financed_day)
    after = record(await _records(net, "bank", core.uscc))
    assert (after["status"], after["financed_on"]) == ("CONFIRMED", None)
    net.advance(1)  # financed anew: the live financing's day shows
    f, o = await net.offered(tier1, claim, bank2)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert record(await _records(net, "bank", core.uscc))["financed_on"] == net.today


async def test_a_financing_that_ended_in_repayment_keeps_its_financed_date():
    net = await standard_net()
    core, tier1, bank2 = net.actors["core"], net.actors["tier1"], net.actors["bank2"]
    claim = (await net.confirmed(tier1, core, 3000, due_in=30))["id"]
    f, o = await net.offered(tier1, claim, bank2)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    financed_day = net.today
    await net.ok(bank2, "RecordDisbursement", f["id"], transient=transient_terms())
    net.advance(30)
    await net.ok(bank2, "RecordRepayment", f["id"])
    record = next(r for r in (await _records(net, "regulator", core.uscc))["records"] if r["receivable_id"] == claim)
    assert (record["status"], record["financed_on"]) == ("SETTLED", financed_day)
    assert record["payments"] == [{"paid_on": net.today, "amount": 3000}]


async def test_an_early_payment_through_a_discount_offer_shows_what_it_took_off_the_claim():
    """The holder was paid the outstanding less the discount; the discount was forgiven with it, so the record's
    amounts add up to the face and none of the claim reads as still owed."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, 360_000, due_in=90))["id"]
    await net.ok(core, "RecordPayment", claim, "60000")
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(60),
                                                        "receivable_ids": [claim]})
    first_day = net.today
    net.advance(30)  # 60 days early: 300,000 x 0.06 x 60 / 360 = 3,000 forgiven, 297,000 paid
    await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim)
    assert (net.doc(claim)["payments"][1]["amount"], net.doc(claim)["payments"][1]["discount"]) == (297_000, 3_000)
    record = next(r for r in (await _records(net, "regulator", core.uscc))["records"] if r["receivable_id"] == claim)
    assert record["payments"] == [{"paid_on": first_day, "amount": 60_000}, {"paid_on": net.today, "amount": 300_000}]
    assert record["face_amount"] - sum(p["amount"] for p in record["payments"]) == record["outstanding"] == 0
    assert (record["status"], record["settled_on"]) == ("SETTLED", net.today)
