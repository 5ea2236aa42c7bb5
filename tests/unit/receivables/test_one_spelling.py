"""The one spelling a registration's invoices are compared in (invoice-listed-twice), by the contract and by the
CLI before it sends one: an invoice with a 12-digit code and 8-digit number is its 20-digit number run together,
and an invoice with one spelling only is itself, without the whitespace around its code and number."""

import pytest

from chaincode.receivables.fingerprint import one_spelling

CODE, NUMBER = "221010012345", "12345678"


@pytest.mark.parametrize("code, number, shared", [
    (CODE, NUMBER, ("", CODE + NUMBER)),
    (f" {CODE} ", f" {NUMBER}", ("", CODE + NUMBER)),
    ("", CODE + NUMBER, ("", CODE + NUMBER)),
    ("3100204130", NUMBER, ("3100204130", NUMBER)),
    ("", "26312000000012345678 ", ("", "26312000000012345678")),
], ids=["code-and-number", "with-whitespace", "run-together", "ten-digit-code", "no-other-spelling"])
def test_both_spellings_of_an_invoice_share_one(code, number, shared):
    assert one_spelling(code, number) == shared
