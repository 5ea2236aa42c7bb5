"""The maximum payment term runs from the claim's issue date, or from its earliest invoice's date when that is
earlier: the supplier picks the issue date, so on its own it would let a claim on old invoices start afresh."""

from __future__ import annotations

from datetime import date

from chaincode.receivables.config import DEFAULT_CONFIG

from .support import standard_net


async def test_a_claim_on_an_invoice_dated_800_days_ago_is_refused_though_issued_today():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 5000, due_in=365)          # issue date today: 365 days is within a year
    req["invoices"][0]["date"] = net.day(-800)
    message = await net.refused(tier1, "RegisterReceivable", req, rule="payment-term-too-long")
    number = req["invoices"][0]["number"]
    assert (f"due date {net.day(365)} is 1165 days after the date of invoices[0] (number {number}), {net.day(-800)} "
            f"(the term runs from it, as it is earlier than the issue date {net.today})") in message
    # a calendar year from that invoice ended long ago: no due date would do, and the refusal does not suggest one
    invoiced = date.fromisoformat(net.day(-800))
    assert f"that term ended on {invoiced.replace(year=invoiced.year + 1)}" in message
    assert "can no longer be registered" in message and "give a due date" not in message


async def test_the_earliest_of_several_invoices_is_named_and_a_due_date_within_its_term_registers():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 90}))
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 5000, due_in=80)
    older = dict(req["invoices"][0], number="26442000000000077777", date=net.day(-20))
    req["invoices"] = [dict(req["invoices"][0], date=net.day(-5)), older]
    message = await net.refused(tier1, "RegisterReceivable", req, rule="payment-term-too-long")
    assert "100 days after the date of invoices[1] (number 26442000000000077777)" in message
    assert f"90 days (max_payment_term_days): give a due date on or before {net.day(70)}" in message
    req["due_date"] = net.day(70)                                   # 90 days after the older invoice
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


async def test_an_invoice_dated_after_the_issue_date_leaves_the_term_running_from_the_issue_date():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 30}))
    tier1, core = net.actors["tier1"], net.actors["core"]
    within = net.registration(tier1, core, 1000, due_in=10, issue_date=net.day(-20))   # invoice dated today
    assert (await net.ok(tier1, "RegisterReceivable", within))["issue_date"] == net.day(-20)
    past = net.registration(tier1, core, 1000, due_in=11, issue_date=net.day(-20))
    message = await net.refused(tier1, "RegisterReceivable", past, rule="payment-term-too-long")
    assert f"31 days after the issue date {net.day(-20)}, past" in message and "invoices[" not in message


async def test_a_claim_within_its_term_from_every_date_still_registers():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 5000, due_in=300)
    req["invoices"][0]["date"] = net.day(-60)                       # 360 days from the invoice to the due date
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


async def test_a_stale_issue_date_is_named_as_what_to_check_not_as_a_claim_past_registering():
    # the term runs from the issue date here (the invoice is later), so a later issue date would do
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 5000, due_in=30)
    req["issue_date"] = net.day(-400)
    message = await net.refused(tier1, "RegisterReceivable", req, rule="payment-term-too-long")
    assert f"430 days after the issue date {net.day(-400)}" in message
    assert "check the issue date, which starts the term" in message and "can no longer be registered" not in message
    req["issue_date"] = net.today
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"
