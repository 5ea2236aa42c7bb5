"""A registration listing several invoices: a refusal of one invoice's field says which invoice, by its place in
the list (from 0, as the request's field paths count) and its number, under the rule code it always had."""

from __future__ import annotations

from chaincode.receivables import money

from .support import standard_net

SECOND = "26442000000000099999"


async def _two_invoices(**second: object) -> tuple:
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000)
    req["invoices"].append({**req["invoices"][0], "number": SECOND, **second})
    return net, tier1, req


async def test_a_field_refused_on_the_second_invoice_names_it_by_place_and_number():
    net, tier1, req = await _two_invoices(amount=1.5)
    message = await net.refused(tier1, "RegisterReceivable", req, rule="amount-not-integer-fen")
    assert f"amount-not-integer-fen: invoices[1] (number {SECOND}): amount is 1.5: give money as an integer" in message


async def test_each_kind_of_field_refusal_names_the_invoice():
    for second, code, expected in (
            ({"date": "2026-02-30"}, "date-invalid", f"invoices[1] (number {SECOND}): date "),
            ({"seller_tax_id": "91310000MA1FL8L87A"}, "credit-code-invalid",
             f"invoices[1] (number {SECOND}): seller_tax_id: "),
            ({"tax": -1}, "amount-negative", f"invoices[1] (number {SECOND}): tax "),
            ({"currency": "cny"}, "currency-invalid", f"invoices[1] (number {SECOND}): currency"),
            ({"amount": money.MAX_AMOUNT, "tax": 1}, "amount-too-large", f"invoices[1] (number {SECOND}): amount "),
            # the number itself refused: quoted by the refusal, not repeated in the label
            ({"number": "2644-2000000000099999"}, "invoice-number-invalid",
             "invoices[1]: number: invoice number '2644-2000000000099999' is neither")):
        net, tier1, req = await _two_invoices(**second)
        message = await net.refused(tier1, "RegisterReceivable", req, rule=code)
        assert f"RULE {code}: {expected}" in message, (second, message)


async def test_a_malformed_invoice_is_still_reported_with_its_field_path():
    net, tier1, req = await _two_invoices()
    del req["invoices"][1]["date"]
    message = await net.refused(tier1, "RegisterReceivable", req, rule="argument-invalid")
    assert "invoices.1.date: Field required" in message


async def test_an_invoice_listed_twice_is_named_with_both_places_and_its_number():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000, invoice_no="26312000000099999999")
    first = req["invoices"][0]
    req["invoices"] += [dict(first, number="26312000000011111111"), dict(first, amount=5, tax=0, date=net.day(-2))]
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-listed-twice")
    assert ("invoices[2] (number 26312000000099999999) is the same invoice as invoices[0] (number "
            "26312000000099999999)") in message
