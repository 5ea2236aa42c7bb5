"""AttestInvoiceVerification holds a fully digitalised invoice's 20-digit number to its issue date's year, as
RegisterReceivable does: such a number opens with the last two digits of the year the invoice was issued in, so a
record of one dated in another year, pass or failure, attests an invoice no registration can name (its number or
date misread, or an invoice with a code run together into 20 digits). Refused invoice-code-invalid, naming the
invoice, the number and the year, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from .support import attestation_request, standard_net


@pytest.mark.parametrize("outcome", ["pass", "fail"])
async def test_a_number_opening_with_another_year_is_refused_pass_or_failure(outcome):
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    year = date.fromisoformat(net.today).year
    number = f"{(year - 1) % 100:02d}312000000012345678"
    message = await net.refused(bank, "AttestInvoiceVerification",
                                attestation_request(tier1.uscc, number, outcome=outcome, issue_date=net.today),
                                rule="invoice-code-invalid")
    said = message.split("RULE invoice-code-invalid: ")[1]
    assert said.startswith(f"invoice {number}: invoice number {number} does not start with {year % 100:02d}")
    assert f"its issue year {year}" in said
    assert said.endswith("then verify it again and attest that")


@pytest.mark.parametrize("outcome", ["pass", "fail"])
async def test_a_number_opening_with_its_dates_year_attests(outcome):
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    number = f"{date.fromisoformat(net.today).year % 100:02d}312000000012345678"
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, number, outcome=outcome, issue_date=net.today))
