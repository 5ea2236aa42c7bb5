"""The contract refuses a 20-digit invoice number that cannot be a fully digitalised e-invoice's by its first two
digits (its issue year's last two, 21 at the earliest): an invoice with a code registered again as its code and
number run together, or its number padded with zeros, would get a fingerprint of its own."""

import pytest

from .support import standard_net


@pytest.mark.parametrize("number", [
    "04403190011112345678",   # the 12-digit code 044031900111 and the number 12345678 run together
    "00000000000012345678",   # the number padded with zeros
    "14403190011112345678",   # a roll invoice's code (opening with 1) run together
])
async def test_a_twenty_digit_number_opening_below_21_is_refused(number):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.ok(tier1, "RegisterReceivable", _with_code(net.registration(tier1, core, 1000, invoice_no="12345678"),
                                                         "044031900111"))
    again = net.registration(tier1, core, 1000, invoice_no=number)
    message = await net.refused(tier1, "RegisterReceivable", again, rule="invoice-code-invalid")
    assert f"invoice number {number} opens with {number[:2]}" in message


async def test_a_twenty_digit_number_of_a_year_from_21_is_registered():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    # its first 12 digits read as a code (264400000000, with number 12345678), which backs no claim here: a
    # number is refused only while its other spelling does (test_register_invoice_under_its_other_spelling.py)
    r = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, invoice_no="26440000000012345678"))
    assert r["invoices"][0]["number"] == "26440000000012345678"


def _with_code(registration: dict, code: str) -> dict:
    registration["invoices"][0]["code"] = code
    return registration
