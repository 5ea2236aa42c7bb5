"""ExerciseRecourse: the bank of a financing with recourse, unpaid by the debtor past the due date, gives the claim
back to its holder.

Without it a recourse financing whose debtor defaults is stuck: the bank can only record a repayment, which would
settle a claim nobody paid, and the terms' ``recourse`` would mean nothing on the ledger.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys

from .support import BANK, CORE, SUPPLIER, Net, standard_net, transient_terms

WITH_RECOURSE = transient_terms(recourse=True)


async def _disbursed(net: Net, *, terms: dict = WITH_RECOURSE, due_in: int = 30) -> tuple[dict, dict]:
    """A confirmed claim of tier1 on core, 1,000.00 CNY, financed by the bank on ``terms`` and disbursed."""
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors["core"], 1000_00, due_in=due_in)
    return r, await net.financed(tier1, r["id"], terms=terms)


async def _recoursed(net: Net) -> tuple[dict, dict]:
    """A claim as :func:`_disbursed`, unpaid a day past its due date, handed back by the bank's recourse."""
    r, f = await _disbursed(net)
    net.advance(days=31)
    await net.ok(net.actors["bank"], "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE)
    return r, f


async def test_the_holder_takes_back_a_claim_the_debtor_did_not_pay_and_the_debtor_then_pays_the_holder():
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r, f = await _disbursed(net)
    paid = await net.ok(core, "RecordPayment", r["id"], "30000")   # before the due date: to the bank
    assert paid["payments"][0]["payee"] == bank.uscc
    net.advance(days=35)   # due in 30 days: five days past due

    result = await net.call(bank, "ExerciseRecourse", f["id"], "  debtor defaulted; holder repaid the advance ",
                            transient=WITH_RECOURSE)
    assert result.status == 200, result.message
    done = json.loads(result.payload)
    assert (done["status"], done["recourse_on"], done["recourse_reason"]) == \
        ("RECOURSED", net.today, "debtor defaulted; holder repaid the advance")
    assert (done["last"]["action"], done["last"]["by"]) == ("ExerciseRecourse", bank.uscc)
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "RecourseExercised" and payload == {
        "event": "RecourseExercised", "receivable_id": r["id"], "tx_id": result.tx_id, "financing_id": f["id"],
        "financier": bank.uscc, "holder": tier1.uscc, "notice_id": f["notice_id"], "outstanding": 700_00,
        "currency": "CNY", "reason": "debtor defaulted; holder repaid the advance"}
    # the claim, its debtor's orgs and the holder's, the debtor's notice: all three orgs endorse the change
    assert net.writes_not_endorsed(CORE, SUPPLIER, BANK) == []
    assert [key for key, _ in net.writes_not_endorsed(SUPPLIER, BANK)] == [
        net._key(keys.NOTICE, f["notice_id"]), net._key(keys.RECEIVABLE, r["id"]),
        net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])]

    doc = net.doc(r["id"])
    assert (doc["status"], doc["holder"], doc["outstanding"], doc["financing_id"], doc["financier"],
            doc["financier_msp"]) == ("OVERDUE", tier1.uscc, 700_00, None, None, None)
    # in arrears from the day after its due date, as RecordOverdue would have said; the change is the bank's
    assert (doc["overdue_since"], doc["last"]["action"], doc["last"]["by"], doc["last"]["tx_id"]) == \
        (net.day(-4), "ExerciseRecourse", bank.uscc, result.tx_id)
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]  # the bank's org no longer needed to change the claim
    assert net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"]) not in net.ledger.state
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert (exposure["exposure"], exposure["financings"]) == ({}, [])
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["per_debtor"][core.uscc]["CNY"]["financed"] == 0
    assert stats["per_debtor"][core.uscc]["CNY"]["overdue"] == 700_00

    # the notice no longer binds the debtor: it pays the holder
    notice = await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True)
    assert (notice["status"], notice["released_on"], notice["last"]["action"]) == \
        ("RELEASED", net.today, "ExerciseRecourse")
    # the bank has left the claim, not its own deal: it reads the financing and the notice it issued
    await net.refused(bank, "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    assert (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["status"] == "RECOURSED"
    assert (await net.ok(bank, "GetAssignmentNotice", f["notice_id"], evaluate=True))["status"] == "RELEASED"
    await net.refused(net.actors["bank2"], "GetFinancing", f["id"], evaluate=True, rule="not-permitted-to-read")
    await net.refused(core, "AcknowledgeAssignment", f["notice_id"], rule="invalid-state")
    await net.refused(bank, "RecordRepayment", f["id"], rule="invalid-state")
    settled = await net.ok(core, "RecordPayment", r["id"], "70000")
    assert settled["status"] == "SETTLED"
    assert [(p["amount"], p["payee"], p["payee_role"], p["late"]) for p in settled["payments"]] == \
        [(300_00, bank.uscc, "financier", False), (700_00, tier1.uscc, "holder", True)]


async def test_a_claim_already_marked_overdue_and_its_acknowledged_notice_go_back_to_the_holder_too():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r, f = await _disbursed(net)
    await net.ok(core, "AcknowledgeAssignment", f["notice_id"])
    net.advance(days=31)
    marked = await net.ok(bank, "RecordOverdue", r["id"])
    await net.ok(bank, "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE)
    doc = net.doc(r["id"])
    assert (doc["status"], doc["overdue_since"], doc["financier"]) == ("OVERDUE", marked["overdue_since"], None)
    # acknowledged, the debtor had promised to pay the bank: released all the same
    notice = await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True)
    assert (notice["status"], notice["acknowledged_on"], notice["released_on"]) == \
        ("RELEASED", net.day(-31), net.today)
    # the bank left the claim: it no longer reads it, and the holder alone may offer it for financing again
    # no more (OVERDUE): payment is what is left
    await net.refused(bank, "GetReceivable", r["id"], evaluate=True, rule="not-permitted-to-read")
    await net.refused(tier1, "RequestFinancing", r["id"], rule="invalid-state")


async def test_terms_without_recourse_leave_the_default_with_the_bank():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    without = transient_terms()   # recourse: false
    r, f = await _disbursed(net, terms=without)
    net.advance(days=31)
    message = await net.refused(bank, "ExerciseRecourse", f["id"], "unpaid", transient=without,
                                rule="without-recourse")
    assert f["id"] in message and "recourse: false" in message
    # claiming recourse the accepted terms do not give is caught by their hash
    await net.refused(bank, "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE, rule="terms-mismatch")
    # the claim stays the bank's, which the debtor still owes
    assert net.doc(r["id"])["financier"] == bank.uscc
    paid = await net.ok(core, "RecordPayment", r["id"], "100000")
    assert paid["payments"][0]["payee"] == bank.uscc


async def test_recourse_waits_for_the_due_date_and_needs_the_accepted_terms():
    net = await standard_net()
    bank = net.actors["bank"]
    r, f = await _disbursed(net, due_in=30)
    net.advance(days=30)   # the due date itself: the debtor may still pay today
    message = await net.refused(bank, "ExerciseRecourse", f["id"], "unpaid", transient=WITH_RECOURSE,
                                rule="not-yet-due")
    assert r["due_date"] in message
    net.advance(days=1)
    await net.refused(bank, "ExerciseRecourse", f["id"], "unpaid", rule="terms-missing")
    await net.refused(bank, "ExerciseRecourse", f["id"], "   ", transient=WITH_RECOURSE, rule="argument-invalid")
    await net.refused(bank, "ExerciseRecourse", f["id"], "x" * 501, transient=WITH_RECOURSE, rule="argument-invalid")
    await net.ok(bank, "ExerciseRecourse", f["id"], "x" * 500, transient=WITH_RECOURSE)
    await net.refused(bank, "ExerciseRecourse", f["id"], "again", transient=WITH_RECOURSE, rule="invalid-state")


@pytest.mark.parametrize("fn", ["ExerciseRecourse", "DemandRecourse"])
async def test_only_the_financier_of_a_disbursed_unpaid_unfrozen_claim_exercises_or_demands_recourse(fn):
    """DemandRecourse checks what ExerciseRecourse checks, by the same rules in the same order (one helper)."""
    net = await standard_net()
    core, tier1, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "bank", "bank2", "regulator"))
    r, f = await _disbursed(net)
    net.advance(days=31)
    for who in (core, tier1, reg):
        await net.refused(who, fn, f["id"], "x", transient=WITH_RECOURSE, rule="role-not-permitted")
    await net.refused(bank2, fn, f["id"], "x", transient=WITH_RECOURSE, rule="not-the-financier")
    await net.refused(bank, fn, "F-0000000000000000", "x", transient=WITH_RECOURSE, rule="not-found")
    await net.ok(reg, "FreezeReceivable", r["id"], "order-1")
    await net.refused(bank, fn, f["id"], "x", transient=WITH_RECOURSE, rule="receivable-frozen")
    await net.ok(reg, "UnfreezeReceivable", r["id"], "lift-1")

    # paid in full to the bank, repayment not yet recorded: nothing to take back
    await net.ok(core, "RecordPayment", r["id"], "100000")
    message = await net.refused(bank, fn, f["id"], "x", transient=WITH_RECOURSE,
                                rule="invalid-state")
    assert "RecordRepayment" in message
    await net.ok(bank, "RecordRepayment", f["id"])
    await net.refused(bank, fn, f["id"], "x", transient=WITH_RECOURSE, rule="invalid-state")

    # accepted, not disbursed: the bank advanced nothing to take back (it cancels instead); frozen too, as
    # past its claim's due date no lifting lets it be disbursed (before then, the freeze is what is named:
    # test_ended_financing_refused_by_status)
    accepted_claim = await net.confirmed(tier1, core, 1000_00, due_in=30)
    accepted = await net.financed(tier1, accepted_claim["id"], terms=WITH_RECOURSE, disburse=False)
    net.advance(days=31)
    await net.refused(bank, fn, accepted["id"], "x", transient=WITH_RECOURSE, rule="invalid-state")
    await net.ok(reg, "FreezeReceivable", accepted_claim["id"], "order-2")
    message = await net.refused(bank, fn, accepted["id"], "x", transient=WITH_RECOURSE, rule="invalid-state")
    assert "end it with CancelFinancing" in message, message


async def test_the_payment_record_keeps_the_default_and_drops_the_financing_the_bank_left():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    r, f = await _recoursed(net)
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "100", "", evaluate=True)
    (row,) = [row for row in page["records"] if row["receivable_id"] == r["id"]]
    # still a claim the debtor did not pay, a day past due; no longer financed, as the statistics say too
    assert (row["status"], row["overdue"], row["days_late"], row["financed_on"]) == ("OVERDUE", True, 1, None)
