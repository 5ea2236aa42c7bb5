"""DemandRecourse: the bank of a financing with recourse, unpaid by the debtor past the due date, calls on the holder
to take the claim back (回购通知), and the ledger shows it.

Before it, the demand stayed off the ledger: the holder and the regulator could not see that a bank had called on
the holder's recourse until the bank recorded it met (ExerciseRecourse). A demand is notice: it changes the
financing record alone, and payment by the debtor or recourse exercised later end the matter as before. A bank
may demand again on a later day (a new deadline, after a partial payment): each demand is kept, in order, with
what the debtor still owed then (``recourse_demands``); one a day.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net, transient_terms
from .test_recourse import WITH_RECOURSE, _disbursed


async def test_the_bank_demands_recourse_on_the_ledger_and_only_the_financing_record_changes():
    net = await standard_net()
    core, tier1, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "bank", "bank2", "regulator"))
    r, f = await _disbursed(net)
    await net.ok(core, "RecordPayment", r["id"], "25000")   # before the due date: to the bank
    net.advance(days=33)   # due in 30 days: three days past due
    claim_before = net.doc(r["id"])
    notice_before = await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True)

    result = await net.call(bank, "DemandRecourse", f["id"], "  unpaid at maturity; repurchase within 10 days ",
                            transient=WITH_RECOURSE)
    assert result.status == 200, result.message
    demanded = json.loads(result.payload)
    assert demanded["status"] == "DISBURSED"
    # the demands are the record's one account of them: no field beside the list repeats the latest
    assert not {"recourse_demanded_on", "recourse_demand_reason"} & set(demanded)
    assert (demanded["last"]["action"], demanded["last"]["by"], demanded["last"]["tx_id"]) == \
        ("DemandRecourse", bank.uscc, result.tx_id)
    assert demanded["recourse_demands"] == [
        {"on": net.today, "reason": "unpaid at maturity; repurchase within 10 days", "outstanding": 750_00,
         "currency": "CNY", "tx_id": result.tx_id}]
    assert (demanded["recourse_on"], demanded["recourse_reason"]) == (None, None)
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "RecourseDemanded" and payload == {
        "event": "RecourseDemanded", "receivable_id": r["id"], "tx_id": result.tx_id, "financing_id": f["id"],
        "financier": bank.uscc, "holder": tier1.uscc, "outstanding": 750_00, "currency": "CNY",
        "reason": "unpaid at maturity; repurchase within 10 days"}

    # the financing record alone is written, under the policy its acceptance gave its key: the holder's and the
    # bank's orgs, and no two other orgs (the debtor's and the regulator's) can make or erase a demand
    assert [key for key, _ in net.last_writes] == [net._key(keys.FINANCING, f["id"])]
    assert net.writes_not_endorsed(SUPPLIER, BANK) == []
    assert net.writes_not_endorsed(CORE, REGULATOR) == [(net._key(keys.FINANCING, f["id"]), [BANK, SUPPLIER])]
    # the claim, its policy and the notice are as they were: the debtor still pays the bank
    assert net.doc(r["id"]) == claim_before
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE, SUPPLIER]
    assert await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True) == notice_before

    # whoever read the financing reads the demand: the holder, the bank, the debtor, the regulator
    for reader in (tier1, bank, core, reg):
        seen = await net.ok(reader, "GetFinancing", f["id"], evaluate=True)
        assert seen["recourse_demands"] == demanded["recourse_demands"], reader.name
    await net.refused(bank2, "GetFinancing", f["id"], evaluate=True, rule="not-permitted-to-read")


async def test_a_demand_is_refused_as_recourse_is_and_each_refusal_changes_nothing():
    net = await standard_net()
    bank = net.actors["bank"]
    r, f = await _disbursed(net, due_in=30)
    net.advance(days=30)   # the due date itself: the debtor may still pay today
    message = await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=WITH_RECOURSE,
                                rule="not-yet-due")
    assert r["due_date"] in message
    net.advance(days=1)
    # who may demand, a frozen or paid claim, a financing not disbursed: test_recourse.py, for both transactions
    await net.refused(bank, "DemandRecourse", f["id"], "unpaid", rule="terms-missing")
    await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=transient_terms(), rule="terms-mismatch")
    await net.refused(bank, "DemandRecourse", f["id"], "   ", transient=WITH_RECOURSE, rule="argument-invalid")
    await net.refused(bank, "DemandRecourse", f["id"], "x" * 501, transient=WITH_RECOURSE, rule="argument-invalid")


async def test_terms_without_recourse_leave_nothing_to_demand():
    net = await standard_net()
    bank = net.actors["bank"]
    without = transient_terms()   # recourse: false
    r, f = await _disbursed(net, terms=without, due_in=30)
    net.advance(days=30)   # on the due date: the terms are looked at before the date, as for ExerciseRecourse
    message = await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=without,
                                rule="without-recourse")
    assert f["id"] in message and "recourse: false" in message
    net.advance(days=1)
    await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=without, rule="without-recourse")
    await net.refused(bank, "DemandRecourse", f["id"], "unpaid", transient=WITH_RECOURSE, rule="terms-mismatch")


async def test_a_bank_demands_again_on_a_later_day_and_each_demand_is_kept_with_what_the_debtor_owed_then():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r, f = await _disbursed(net)
    net.advance(days=31)
    first_day = net.today
    first = await net.call(bank, "DemandRecourse", f["id"], "x" * 500, transient=WITH_RECOURSE)
    assert first.status == 200, first.message
    first_demand = {"on": first_day, "reason": "x" * 500, "outstanding": 1000_00, "currency": "CNY",
                    "tx_id": first.tx_id}
    # the same day, a second demand is refused, whatever its reason: a retry after a lost answer is told that the
    # demand is on the ledger, and nothing is written
    net.advance(hours=6)
    message = await net.refused(bank, "DemandRecourse", f["id"], "still unpaid", transient=WITH_RECOURSE,
                                rule="recourse-already-demanded")
    assert first_day in message and "GetFinancing" in message and "later day" in message
    await net.refused(bank, "DemandRecourse", f["id"], "   ", transient=WITH_RECOURSE,
                      rule="recourse-already-demanded")

    # the debtor pays part of the claim (to the bank, late), and the bank demands again days later: appended
    await net.ok(core, "RecordPayment", r["id"], "40000")
    net.advance(days=5)
    second = await net.call(bank, "DemandRecourse", f["id"], "new deadline after a partial payment",
                            transient=WITH_RECOURSE)
    assert second.status == 200, second.message
    again = json.loads(second.payload)
    assert again["recourse_demands"] == [first_demand, {
        "on": net.today, "reason": "new deadline after a partial payment", "outstanding": 600_00, "currency": "CNY",
        "tx_id": second.tx_id}]
    assert again["status"] == "DISBURSED"
    assert json.loads(second.event[1])["outstanding"] == 600_00
    seen = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)   # the holder reads both
    assert seen["recourse_demands"] == again["recourse_demands"]
    await net.refused(bank, "DemandRecourse", f["id"], "again", transient=WITH_RECOURSE,
                      rule="recourse-already-demanded")


async def _demanded_past_due(net, reason: str) -> tuple[dict, dict, str]:
    """A claim of 1,000.00 financed with recourse, disbursed and a day past due, and the bank's demand on it: the
    claim, the financing and the day of the demand."""
    r, f = await _disbursed(net)
    net.advance(days=31)
    await net.ok(net.actors["bank"], "DemandRecourse", f["id"], reason, transient=WITH_RECOURSE)
    return r, f, net.today


async def test_after_a_demand_the_debtor_may_still_pay_the_bank_and_end_the_financing():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r, f, _ = await _demanded_past_due(net, "unpaid at maturity")
    paid = await net.ok(core, "RecordPayment", r["id"], "100000")
    assert (paid["status"], paid["payments"][0]["payee"], paid["payments"][0]["late"]) == ("SETTLED", bank.uscc, True)
    demanded = (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["recourse_demands"]
    repaid = await net.ok(bank, "RecordRepayment", f["id"])
    assert repaid["status"] == "REPAID"
    assert [(d["on"], d["reason"]) for d in demanded] == [(net.today, "unpaid at maturity")]
    assert repaid["recourse_demands"] == demanded
    # repaid, the demand is over: nothing is left to take back
    await net.refused(bank, "ExerciseRecourse", f["id"], "x", transient=WITH_RECOURSE, rule="invalid-state")
    assert (await net.ok(tier1, "GetFinancing", f["id"], evaluate=True))["status"] == "REPAID"


async def test_recourse_exercised_after_a_demand_keeps_the_demand_on_the_record():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, demanded_on = await _demanded_past_due(net, "repurchase within 10 days")
    net.advance(days=5)
    await net.ok(bank, "DemandRecourse", f["id"], "repurchase within 5 days", transient=WITH_RECOURSE)
    demands = (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["recourse_demands"]
    net.advance(days=4)
    done = await net.ok(bank, "ExerciseRecourse", f["id"], "the holder repurchased", transient=WITH_RECOURSE)
    assert [d["on"] for d in done["recourse_demands"]] == [demanded_on, net.day(-4)]
    assert done["recourse_demands"] == demands
    assert (done["status"], done["recourse_on"], done["recourse_reason"]) == \
        ("RECOURSED", net.today, "the holder repurchased")
    assert [d["reason"] for d in done["recourse_demands"]] == ["repurchase within 10 days", "repurchase within 5 days"]
    assert (net.doc(r["id"])["status"], net.doc(r["id"])["financier"]) == ("OVERDUE", None)
    seen = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    assert (seen["recourse_demands"], seen["recourse_on"]) == (demands, net.today)
    # over, the financing takes no demand
    await net.refused(bank, "DemandRecourse", f["id"], "x", transient=WITH_RECOURSE, rule="invalid-state")


async def test_a_financing_not_disbursed_is_refused_by_its_state_before_its_terms_are_asked_for():
    """The order the docs give: the state, then the terms; a call without terms on an accepted financing is told
    it is not disbursed, not that terms are missing."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
    accepted = await net.financed(tier1, claim["id"], terms=WITH_RECOURSE, disburse=False)
    net.advance(days=31)
    for fn in ("DemandRecourse", "ExerciseRecourse"):
        await net.refused(bank, fn, accepted["id"], "unpaid", rule="invalid-state")


async def test_a_demand_on_a_claim_in_another_currency_names_that_currency():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 2_500_00, due_in=30, currency="USD")
    f = await net.financed(tier1, r["id"], terms=WITH_RECOURSE)
    net.advance(days=31)
    result = await net.call(bank, "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE)
    assert result.status == 200, result.message
    (demand,) = json.loads(result.payload)["recourse_demands"]
    assert (demand["outstanding"], demand["currency"]) == (2_500_00, "USD")
    assert json.loads(result.event[1])["currency"] == "USD"


async def test_a_financing_stored_with_the_latest_demand_beside_the_list_reads_and_takes_demands_as_any_other():
    """The first contract with DemandRecourse also wrote the latest demand's day and reason beside
    ``recourse_demands``, whose last entry says the same: such a record reads without them, and the day's check
    reads the list."""
    net = await standard_net()
    bank, tier1 = net.actors["bank"], net.actors["tier1"]
    r, f, day = await _demanded_past_due(net, "unpaid at maturity")
    key = net._key(keys.FINANCING, f["id"])
    stored = json.loads(net.ledger.state[key])
    net.ledger.state[key] = json.dumps({**stored, "recourse_demanded_on": day,
                                        "recourse_demand_reason": "unpaid at maturity"}).encode()
    seen = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    assert seen == await net.ok(bank, "GetFinancing", f["id"], evaluate=True)
    assert not {"recourse_demanded_on", "recourse_demand_reason"} & set(seen)
    assert seen["recourse_demands"] == stored["recourse_demands"]
    await net.refused(bank, "DemandRecourse", f["id"], "again", transient=WITH_RECOURSE,
                      rule="recourse-already-demanded")
    net.advance(days=1)
    again = await net.ok(bank, "DemandRecourse", f["id"], "repurchase within 5 days", transient=WITH_RECOURSE)
    assert [d["on"] for d in again["recourse_demands"]] == [day, net.today]
    assert not {"recourse_demanded_on", "recourse_demand_reason"} & set(json.loads(net.ledger.state[key]))
