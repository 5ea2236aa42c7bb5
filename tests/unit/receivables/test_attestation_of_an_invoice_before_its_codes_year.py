"""AttestInvoiceVerification holds an invoice to its code's printing year (制版年度) as RegisterReceivable does: an
invoice dated before the year its code says its form was printed in was not issued on that form, so a record of
it, pass or failure, attests an invoice no registration can name. Refused invoice-code-invalid, naming the code,
its year and the date, and nothing is written; a code whose layout carries no year read here is not held to one."""

from __future__ import annotations

from datetime import date

import pytest

from .support import attestation_request, standard_net

NUMBER = "12345678"


@pytest.mark.parametrize("outcome", ["pass", "fail"])
async def test_an_invoice_dated_before_its_codes_year_is_refused_pass_or_failure(outcome):
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    later = date.fromisoformat(net.today).year + 1
    code = f"3100{later % 100:02d}4130"
    message = await net.refused(bank, "AttestInvoiceVerification",
                                attestation_request(tier1.uscc, NUMBER, code=code, outcome=outcome,
                                                    issue_date=net.today), rule="invoice-code-invalid")
    said = message.split("RULE invoice-code-invalid: ")[1]
    assert said.startswith(f"invoice {NUMBER}: code {code} is of a form printed in {later}")
    assert f"dated {net.today}, before that year" in said
    # the form of the invoice's own year attests
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, code=f"3100{(later - 1) % 100:02d}4130", outcome=outcome,
                                     issue_date=net.today))


async def test_a_code_whose_layout_carries_no_year_read_here_attests():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    later = date.fromisoformat(net.today).year + 1
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, code=f"23101{later % 100:02d}12345", issue_date=net.today))
