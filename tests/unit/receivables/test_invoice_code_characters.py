"""An invoice code given in full-width digits, with a space or a dash is refused invoice-code-invalid, naming
the invoice and saying what to send, where it was argument-invalid with the schema's pattern."""

from __future__ import annotations

from .support import standard_net


def _legacy(net, creditor, debtor, number: str, *codes: str) -> dict:
    req = net.registration(creditor, debtor, 1000_00, invoice_no=number)
    req["invoices"] = [dict(req["invoices"][0], code=code) for code in codes]
    return req


async def test_a_code_in_full_width_digits_is_refused_as_a_code_saying_what_to_send():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    full_width = _legacy(net, tier1, core, "12345678", "３１００２０４１３０")
    message = await net.refused(tier1, "RegisterReceivable", full_width, rule="invoice-code-invalid")
    assert message.split("RULE invoice-code-invalid: ")[1].startswith("invoices[0] (number 12345678): code: ")
    assert "half-width digits (3100204130)" in message
    await net.refused(tier1, "RegisterReceivable", _legacy(net, tier1, core, "12345678", "3100204130 "),
                      rule="invoice-code-invalid")
    await net.refused(tier1, "RegisterReceivable", _legacy(net, tier1, core, "12345678", "3100-204130"),
                      rule="invoice-code-invalid")
    # as printed, it registers
    await net.ok(tier1, "RegisterReceivable", _legacy(net, tier1, core, "12345678", "3100204130"))
