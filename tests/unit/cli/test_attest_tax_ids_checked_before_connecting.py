"""`invoice attest` refuses, before it connects, an invoice whose seller or buyer is named by no unified
social credit code (a buyer with no tax id, a tax id of before 2015, a check digit that does not agree): the
contract takes an attestation's tax ids as credit codes only, and refused it with credit-code-invalid after
connecting."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from client.invoices.credit_code import organization_code_check_digit
from client.invoices.model import Party

from ..cli_errors import error_line
from ..invoices._samples import BUYER, SELLER, einvoice_xml, invoice

PRE_2015 = "440300" + "12345678" + organization_code_check_digit("12345678")   # region + organization code
MISREAD = SELLER.tax_id[:-1] + ("0" if SELLER.tax_id[-1] != "0" else "1")      # its check digit disagrees
NUMBER = "26442000000012345678"
RULE = ("(rule credit-code-invalid): the ledger attests only an invoice between parties named by their "
        "unified social credit code (统一社会信用代码, 18 characters); ")
REISSUE = ("a tax id of before 2015 (15 or 20 characters) is none: have the invoice reissued with the "
           "{party}'s credit code, or correct one misread or mistyped (recfin invoice verify names it); then "
           "verify the invoice again and attest that")


def attest(tmp_path, seller: Party = SELLER, buyer: Party = BUYER):
    path = tmp_path / "invoice.xml"
    path.write_text(einvoice_xml(invoice(NUMBER, seller=seller, buyer=buyer)), encoding="utf-8")
    return CliRunner().invoke(main, ["invoice", "attest", str(path), "--as", "bank"])


@pytest.mark.parametrize("seller, buyer, refusal", [
    (SELLER, Party(name=BUYER.name, tax_id=""),
     f"buyer_tax_id: the buyer of invoice {NUMBER} has no tax id {RULE}an invoice to a buyer without one (a "
     "person) backs no receivable, so there is nothing to attest"),
    (SELLER, Party(name=BUYER.name, tax_id=PRE_2015),
     f"buyer_tax_id: the buyer of invoice {NUMBER} has the tax id '{PRE_2015}', which is no credit code: 15 "
     f"characters, a credit code has 18 {RULE}" + REISSUE.format(party="buyer")),
    (Party(name=SELLER.name, tax_id=MISREAD), BUYER,
     f"seller_tax_id: the seller of invoice {NUMBER} has the tax id '{MISREAD}', which is no credit code: "
     f"check digit is '{MISREAD[-1]}', GB 32100-2015 gives '{SELLER.tax_id[-1]}' {RULE}"
     + REISSUE.format(party="seller")),
], ids=["buyer without a tax id", "buyer's tax id of before 2015", "seller's check digit misread"])
def test_an_invoice_of_a_party_without_a_credit_code_is_refused_before_connecting(tmp_path, ledger_sessions,
                                                                                  seller, buyer, refusal):
    result = attest(tmp_path, seller, buyer)
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"Error: {tmp_path / 'invoice.xml'}: {refusal}; nothing was attested"
    assert ledger_sessions == []


def test_an_invoice_of_two_credit_codes_gets_as_far_as_connecting(tmp_path, ledger_sessions):
    result = attest(tmp_path)
    assert "connecting" in result.output and len(ledger_sessions) == 1
