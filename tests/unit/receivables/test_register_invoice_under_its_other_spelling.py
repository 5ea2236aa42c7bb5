"""An invoice with a 12-digit code opening with 2 and an 8-digit number registers once: given again as the
two run together, a 20-digit number with no code (which opens 21 to 26, as a real number may), or the other
way round, it is refused invoice-already-financed while the first claim holds it, though the two spellings
fingerprint apart."""

import pytest

from chaincode.receivables import fingerprint

from .support import standard_net

CODE, NUMBER = "261010012345", "12345678"
RUN_TOGETHER = CODE + NUMBER


def _invoice(net, tier1, core, code: str, number: str) -> dict:
    registration = net.registration(tier1, core, 1000_00, invoice_no=number)
    registration["invoices"][0]["code"] = code
    return registration


@pytest.mark.parametrize("first, second", [
    ((CODE, NUMBER), ("", RUN_TOGETHER)),
    (("", RUN_TOGETHER), (CODE, NUMBER)),
], ids=["code-and-number-first", "twenty-digits-first"])
async def test_the_other_spelling_of_a_registered_invoice_is_refused(first, second):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    held = await net.ok(tier1, "RegisterReceivable", _invoice(net, tier1, core, *first))
    message = await net.refused(tier1, "RegisterReceivable", _invoice(net, tier1, core, *second),
                                rule="invoice-already-financed")
    first_code, first_number = first
    spelled = (f"code {first_code} and number {first_number}" if first_code
               else f"number {first_number} with no code")
    assert f"is the invoice registered as {spelled}" in message
    assert f"(fingerprint {fingerprint.invoice_fingerprint(tier1.uscc, *first)[:12]}…)" in message
    assert f"already backs receivable {held['id']}" in message
    assert "REGISTERED, so if it is the mistaken claim, withdraw it (WithdrawReceivable)" in message


@pytest.mark.parametrize("first, second", [
    ((CODE, NUMBER), ("", RUN_TOGETHER)),
    (("", RUN_TOGETHER), (CODE, NUMBER)),
], ids=["code-and-number-first", "twenty-digits-first"])
async def test_withdrawing_the_first_spelling_lets_the_other_register(first, second):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    held = await net.ok(tier1, "RegisterReceivable", _invoice(net, tier1, core, *first))
    await net.refused(tier1, "RegisterReceivable", _invoice(net, tier1, core, *second),
                      rule="invoice-already-financed")
    await net.ok(tier1, "WithdrawReceivable", held["id"], "registered under the wrong spelling")
    again = await net.ok(tier1, "RegisterReceivable", _invoice(net, tier1, core, *second))
    assert (again["invoices"][0]["code"], again["invoices"][0]["number"]) == second


def test_other_spelling_pairs_a_twelve_digit_code_with_its_run_together_number_only():
    assert fingerprint.other_spelling(CODE, NUMBER) == ("", RUN_TOGETHER)
    assert fingerprint.other_spelling("", RUN_TOGETHER) == (CODE, NUMBER)
    assert fingerprint.other_spelling("3100204130", "00123456") is None          # a 10-digit code: 18 digits
    assert fingerprint.other_spelling("", "25990000000011112222") is None        # 5990… names no province


@pytest.mark.parametrize("first, second", [
    ((CODE, NUMBER), ("", RUN_TOGETHER)),
    (("", RUN_TOGETHER), (CODE, NUMBER)),
], ids=["code-and-number-first", "twenty-digits-first"])
async def test_one_registration_listing_both_spellings_is_refused_as_listing_the_invoice_twice(first, second):
    # counted once per spelling, the invoice would back a face of twice its total
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    registration = _invoice(net, tier1, core, *first)
    invoice = registration["invoices"][0]
    registration["invoices"].append(dict(invoice, code=second[0], number=second[1]))
    registration["face_amount"] = 2 * (invoice["amount"] + invoice["tax"])
    message = await net.refused(tier1, "RegisterReceivable", registration, rule="invoice-listed-twice")
    assert (f"invoices[1] (number {second[1]}) is the same invoice as invoices[0] (number {first[1]})"
            in message)
    assert "in its other spelling" in message
    # listed once, either spelling registers
    registration["invoices"].pop()
    registration["face_amount"] = invoice["amount"] + invoice["tax"]
    await net.ok(tier1, "RegisterReceivable", registration)
