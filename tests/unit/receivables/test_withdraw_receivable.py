"""The creditor withdraws a claim its debtor has not confirmed (WithdrawReceivable), and its invoices are released.

Only the debtor answers a registration, and from the due date on it can no longer confirm it: without a
withdrawal, a claim its debtor never answers would hold its invoices for good, and FindInvoice would call it live.
"""

from __future__ import annotations

from chaincode.receivables import fingerprint

from .support import SUPPLIER, Actor, client_identity, standard_net


def invoice_fingerprint(registration: dict) -> str:
    inv = registration["invoices"][0]
    return fingerprint.invoice_fingerprint(inv["seller_tax_id"], inv.get("code", ""), inv["number"])


async def test_a_claim_its_debtor_never_answered_is_withdrawn_after_its_due_date_and_its_invoice_backs_a_new_one():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registration = net.registration(tier1, core, 1000, due_in=10)
    claim = await net.ok(tier1, "RegisterReceivable", registration)
    fp = invoice_fingerprint(registration)
    net.advance(days=11)
    await net.refused(core, "ConfirmReceivable", claim["id"], rule="past-maturity")

    withdrawn = await net.ok(tier1, "WithdrawReceivable", claim["id"], "  the debtor never answered  ")
    assert (withdrawn["status"], withdrawn["withdrawal_reason"], withdrawn["withdrawn_on"]) == \
        ("WITHDRAWN", "the debtor never answered", net.today)           # the reason trimmed, as a rejection's
    assert (withdrawn["last"]["action"], withdrawn["last"]["by"]) == ("WithdrawReceivable", tier1.uscc)
    assert (withdrawn["confirmed_on"], withdrawn["rejection_reason"]) == (None, None)
    assert await net.ok(tier1, "FindInvoice", fp, evaluate=True) == \
        {"fingerprint": fp, "used": False, "receivable_id": None, "live": False}

    again = net.registration(tier1, core, 1000, due_in=30)
    again["invoices"] = [dict(registration["invoices"][0], date=net.today)]
    corrected = await net.ok(tier1, "RegisterReceivable", again)
    assert (await net.ok(tier1, "FindInvoice", fp, evaluate=True))["receivable_id"] == corrected["id"]


async def test_a_claim_registered_with_a_mistake_is_withdrawn_before_its_debtor_answers():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registration = net.registration(tier1, core, 1000)
    claim = await net.ok(tier1, "RegisterReceivable", registration)
    result = await net.call(tier1, "WithdrawReceivable", claim["id"], "wrong face amount")
    assert result.status == 200, result.message
    assert result.event[0] == "ReceivableWithdrawn"
    # its invoice, released, backs the corrected claim
    await net.ok(tier1, "RegisterReceivable", dict(net.registration(tier1, core, 900), invoices=registration["invoices"]))


async def test_only_the_creditor_withdraws_and_each_refusal_names_its_rule():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.registered(tier1, core, 1000))["id"]
    for other in ("tier2", "core", "bank", "regulator"):   # its debtor too: it rejects, it does not withdraw
        await net.refused(net.actors[other], "WithdrawReceivable", claim, "mine now", rule="not-the-holder")
    stranger = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    await net.refused(stranger, "WithdrawReceivable", claim, "mine now", rule="caller-not-a-party")
    await net.refused(tier1, "WithdrawReceivable", "R-0000000000000000", "typo", rule="not-found")
    for reason in ("", "   ", "two\nlines"):
        await net.refused(tier1, "WithdrawReceivable", claim, reason, rule="argument-invalid")

    # a frozen claim accepts no change until the regulator lifts the order
    await net.ok(net.actors["regulator"], "FreezeReceivable", claim, "ORDER-1")
    await net.refused(tier1, "WithdrawReceivable", claim, "typo", rule="receivable-frozen")
    await net.ok(net.actors["regulator"], "UnfreezeReceivable", claim, "ORDER-2")
    await net.ok(tier1, "WithdrawReceivable", claim, "typo")

    # confirmed, it is the debtor's promise to pay: no longer the creditor's to withdraw, whoever holds it
    confirmed = (await net.confirmed(tier1, core, 1000))["id"]
    message = await net.refused(tier1, "WithdrawReceivable", confirmed, "typo", rule="invalid-state")
    assert f"cannot withdraw receivable {confirmed} while it is CONFIRMED: only when REGISTERED" in message
    await net.ok(tier1, "TransferReceivable", confirmed, tier2.uscc, "1000")
    await net.refused(tier2, "WithdrawReceivable", confirmed, "typo", rule="invalid-state")
    await net.refused(tier1, "WithdrawReceivable", confirmed, "typo", rule="not-the-holder")
    rejected = (await net.registered(tier1, core, 1000))["id"]
    await net.ok(core, "RejectReceivable", rejected, "not owed")
    await net.refused(tier1, "WithdrawReceivable", rejected, "typo", rule="invalid-state")


async def test_a_withdrawn_claim_is_final_and_read_as_withdrawn_everywhere():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = (await net.registered(tier1, core, 1000))["id"]
    await net.ok(tier1, "WithdrawReceivable", claim, "registered in error")
    await net.refused(tier1, "WithdrawReceivable", claim, "again", rule="invalid-state")
    await net.refused(core, "ConfirmReceivable", claim, rule="invalid-state")
    await net.refused(core, "RejectReceivable", claim, "not owed", rule="invalid-state")
    await net.refused(regulator, "FreezeReceivable", claim, "ORDER-1", rule="invalid-state")
    await net.refused(core, "RecordPayment", claim, "100", rule="invalid-state")

    listed = await net.ok(regulator, "ListReceivablesByStatus", "WITHDRAWN", "10", "", evaluate=True)
    assert [r["id"] for r in listed["records"]] == [claim]
    assert (await net.ok(regulator, "GetStatistics", evaluate=True))["count_by_status"]["WITHDRAWN"] == 1
    record, = (await net.ok(core, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True))["records"]
    assert (record["status"], record["withdrawn_on"], record["rejected_on"], record["confirmed_on"]) == \
        ("WITHDRAWN", net.today, None, None)
    history = await net.ok(tier1, "GetReceivableHistory", claim, evaluate=True)
    assert [(h["action"], h["status"]) for h in history] == [("RegisterReceivable", "REGISTERED"),
                                                             ("WithdrawReceivable", "WITHDRAWN")]

