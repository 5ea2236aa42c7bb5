"""A claim's face is at most its invoices' amount without tax with VAT at the highest rate on it (13%, rounded up
to the fen) and a fen per whole yuan for the rounding of each line's tax, as a claim on a part of a delivery is:
an invoice's tax is the supplier's to state, so a 0.01 invoice with any tax, or a tax given as the invoice's
total with tax (价税合计), would otherwise back a face the invoices never could."""

from .support import standard_net


def _whole(net, amount: int, tax: int, face: int) -> dict:
    registration = net.registration(net.actors["tier1"], net.actors["core"], face)
    registration["invoices"][0].update(amount=amount, tax=tax)
    return registration


async def test_a_tax_far_above_the_vat_rate_backs_no_larger_face():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    message = await net.refused(tier1, "RegisterReceivable", _whole(net, 1000, 100_000, 101_000),
                                rule="face-exceeds-invoices")
    assert "face amount 1010.00 CNY is more than its invoices' amount without tax (合计金额), 10.00 CNY" in message
    assert "highest rate of 13%" in message and "though their tax adds up to 1000.00 CNY" in message
    assert "register a face of at most 11.40 CNY" in message
    await net.refused(tier1, "RegisterReceivable", _whole(net, 1, 100, 101), rule="face-exceeds-invoices")


async def test_a_tax_given_as_the_total_with_tax_backs_no_face_above_the_real_total():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    # 100,000.00 of goods at 13%: its total with tax, 113,000.00, given as its tax
    await net.refused(tier1, "RegisterReceivable", _whole(net, 100_000_00, 113_000_00, 213_000_00),
                      rule="face-exceeds-invoices")
    registered = await net.ok(tier1, "RegisterReceivable", _whole(net, 100_000_00, 13_000_00, 113_000_00))
    assert registered["face_amount"] == 113_000_00


async def test_the_bound_is_the_vat_rounded_up_with_a_fen_a_yuan_on_all_the_invoices():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    # 99 fen: 12.87 of VAT rounded up to 13, and no whole yuan
    await net.refused(tier1, "RegisterReceivable", _whole(net, 99, 14, 113), rule="face-exceeds-invoices")
    assert (await net.ok(tier1, "RegisterReceivable", _whole(net, 99, 14, 112)))["face_amount"] == 112
    # counted on the invoices together: 2 x 105.00 without tax, 27.30 of VAT and 2.10 of rounding
    two = _whole(net, 105_00, 14_70, 239_40)
    two["invoices"].append({**two["invoices"][0], "number": "26442000000099999999"})
    assert (await net.ok(tier1, "RegisterReceivable", two))["face_amount"] == 239_40
    three = _whole(net, 105_00, 14_70, 239_41)
    three["invoices"].append({**three["invoices"][0], "number": "26442000000099999998"})
    await net.refused(tier1, "RegisterReceivable", three, rule="face-exceeds-invoices")
