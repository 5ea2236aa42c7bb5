"""A fully digitalised e-invoice's 20-digit number opens with the last two digits of the year it was issued in, so
the contract refuses an invoice whose date is of another year: the payment term runs from the earliest invoice's
date, and an invoice of an earlier year given today's date would start the term afresh on an old debt."""

from datetime import date

from .support import standard_net

OLD_NUMBER = "24442000000000000123"   # issued in 2024


async def test_an_invoice_of_an_earlier_year_dated_within_the_term_is_refused():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000_00, invoice_no=OLD_NUMBER)      # dated today, in 2026
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-code-invalid")
    assert f"invoices[0] (number {OLD_NUMBER}): invoice number {OLD_NUMBER} does not start with 26" in message
    assert "its issue year 2026" in message


async def test_the_same_invoice_dated_in_its_own_year_is_refused_for_its_payment_term():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000_00, invoice_no=OLD_NUMBER)
    req["invoices"][0]["date"] = "2024-11-05"
    message = await net.refused(tier1, "RegisterReceivable", req, rule="payment-term-too-long")
    assert "the date of invoices[0]" in message and "can no longer be registered" in message


async def test_an_invoice_dated_in_its_numbers_year_registers():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000_00, invoice_no="26442000000000000456")
    assert date.fromisoformat(req["invoices"][0]["date"]).year == 2026
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"
