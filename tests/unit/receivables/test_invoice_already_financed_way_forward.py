"""invoice-already-financed names the invoice of the registration (its code too: an 8-digit number is one
invoice only with it) and whether the claim holding it can still release it: withdrawn while REGISTERED, or
never once its debtor confirmed it."""

from __future__ import annotations

from .support import standard_net


def _legacy(net, creditor, debtor, number: str, *codes: str) -> dict:
    req = net.registration(creditor, debtor, 1000_00, invoice_no=number)
    req["invoices"] = [dict(req["invoices"][0], code=code) for code in codes]
    return req


async def test_an_invoice_of_a_confirmed_claim_is_refused_for_good_naming_the_invoice_and_its_code():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    first = await net.ok(tier1, "RegisterReceivable", _legacy(net, tier1, core, "12345678", "3100204130"))
    # another invoice with the same number under another code, then the one held
    again = _legacy(net, tier1, core, "12345678", "4403204130", "3100204130")
    message = await net.refused(tier1, "RegisterReceivable", again, rule="invoice-already-financed")
    assert "invoices[1] (number 12345678), code 3100204130 (fingerprint" in message
    assert f"{first['id']} is REGISTERED, so if it is the mistaken claim, withdraw it" in message
    await net.ok(core, "ConfirmReceivable", first["id"])
    message = await net.refused(tier1, "RegisterReceivable", again, rule="invoice-already-financed")
    assert f"{first['id']} is CONFIRMED: a claim its debtor has confirmed keeps its invoices" in message
    assert "register this claim without the invoice" in message
