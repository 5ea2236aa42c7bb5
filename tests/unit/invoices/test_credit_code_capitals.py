"""A credit code written in lower case fails saying it is in lower case and giving the code in capitals, where
that one is valid: the ledger takes a code in capitals only. It said the letters were "outside 0-9 and A-Z", no
way forward for letters that are A-Z to anyone reading them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chaincode.receivables import uscc
from cli.invoice_commands import invoice as invoice_group
from client.invoices import check_invoice, invoice_to_json
from client.invoices.credit_code import credit_code_problem

from ._samples import BUYER, SELLER, invoice
from .test_attest import INVOICE


def test_a_code_in_lower_case_fails_naming_it_in_capitals():
    assert credit_code_problem(SELLER.tax_id.lower()) == (
        f"contains 'aghlmtx' in lower case: a credit code is written in capitals: {SELLER.tax_id}")
    assert uscc.problem(SELLER.tax_id) is None and uscc.problem(SELLER.tax_id.lower()) is not None
    # in capitals it would still fail its check digit: said to be in lower case, no code offered
    wrong_digit = SELLER.tax_id[:17].lower() + "0"
    assert credit_code_problem(wrong_digit) == "contains 'aghlmt' in lower case: a credit code is written in capitals"
    # a letter outside the set in any case is still named so
    assert "outside 0-9 and A-Z" in credit_code_problem("91440300mi5g2ht8lx")


def test_verify_names_the_sellers_code_in_capitals(tmp_path):
    lower = invoice().model_copy(update={"seller": SELLER.model_copy(update={"tax_id": SELLER.tax_id.lower()})})
    finding = check_invoice(lower).finding("seller.tax_id")
    assert finding.status == "fail"
    assert finding.message.endswith(f"in lower case: a credit code is written in capitals: {SELLER.tax_id}")
    path = tmp_path / "lower.json"
    path.write_text(json.dumps(invoice_to_json(lower), ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(invoice_group, ["verify", str(path), "--today", "2026-11-30"])
    assert r.exit_code == 1, r.output
    assert f"a credit code is written in capitals: {SELLER.tax_id}" in r.output


# --debtor and --supplier in lower case are the codes in capitals, as the party commands read a code: they were
# refused, naming the code in capitals but making the user type it again
@pytest.mark.parametrize("option, party", [("--debtor", BUYER), ("--supplier", SELLER)])
def test_a_party_option_in_lower_case_is_checked_as_the_code_in_capitals(option, party):
    r = CliRunner().invoke(invoice_group, ["verify", str(INVOICE), "--today", "2026-11-30", "--json",
                                           option, party.tax_id.lower()])
    assert r.exit_code == 0, r.output
    finding = "parties.debtor" if option == "--debtor" else "parties.supplier"
    assert next(f for f in json.loads(r.output)["findings"] if f["check"] == finding)["status"] == "pass"


@pytest.mark.parametrize("given", ["９１４４０３００ＭＡ５Ｆ７ＫＱ３ＸＵ", BUYER.tax_id[:17].lower() + "0"])
def test_a_party_option_no_code_in_capitals_either_is_refused(given):
    # full-width letters are not read as ASCII ones; a wrong check character is wrong in any case
    r = CliRunner().invoke(invoice_group, ["verify", str(INVOICE), "--debtor", given])
    assert r.exit_code == 2, r.output
    assert "is not a unified social credit code" in r.output
