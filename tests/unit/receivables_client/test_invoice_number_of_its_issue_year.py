"""A fully digitalised invoice's 20-digit number opens with the last two digits of its issue year (the
client's check before a registration, chaincode/receivables/fingerprint.py ``issue_year_problem``): the SDK's
``InvoiceInput`` refuses one that does not, naming the number, the date and the rule, as ``recfin receivable
register --invoice`` does (tests/unit/cli/test_register_invoice_of_its_issue_year.py), where they sent it to a
contract that takes no date on trust and so cannot refuse an invoice with a 12-digit code opening with ``2``
run together with its number."""
from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from client.receivables import InvoiceInput

SELLER, BUYER = "91350100M000100Y43", "91310000MA1K000019"
# the 12-digit code 221010012345 of an invoice of 2026 run together with its 8-digit number 12345678
RUN_TOGETHER = "22101001234512345678"


def invoice(number: str, day: date) -> InvoiceInput:
    return InvoiceInput(number=number, date=day, amount=100_000, tax=13_000, seller_tax_id=SELLER,
                        buyer_tax_id=BUYER)


def test_an_invoice_input_whose_number_is_of_another_year_is_refused_naming_number_date_and_rule():
    with pytest.raises(ValidationError) as refused:
        invoice(RUN_TOGETHER, date(2026, 3, 1))
    said = str(refused.value)
    assert "2026-03-01" in said and RUN_TOGETHER in said
    assert "does not start with 26, the last two digits of its issue year 2026" in said


def test_an_assignment_giving_another_years_date_is_refused_too():
    built = invoice("26312000000012345678", date(2026, 3, 1))
    with pytest.raises(ValidationError, match="does not start with 25"):
        built.date = date(2025, 12, 31)
    assert built.date == date(2026, 3, 1)


def test_numbers_of_their_issue_year_and_eight_digit_numbers_are_taken():
    assert invoice("26312000000012345678", date(2026, 3, 1)).number == "26312000000012345678"
    assert invoice("22101001234512345678", date(2022, 1, 5)).number == "22101001234512345678"
    with_code = InvoiceInput(number="12345678", code="221010012345", date=date(2026, 3, 1), amount=100_000,
                             tax=13_000, seller_tax_id=SELLER, buyer_tax_id=BUYER)
    assert with_code.code == "221010012345"

