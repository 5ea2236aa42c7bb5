"""An invoice code in full-width digits (as a scan or a copy from a PDF may give it), or with a separator inside,
fails ``number.code`` saying what to give: the half-width code, in the contract's own words, which refuse it
(``invoice-code-invalid``). It failed before as "neither 10 digits nor 12 digits ... digits only", though its
characters are digits to anyone reading it, so the message gave no way forward."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import InvoiceInput
from client.invoices import check_invoice

from ._samples import BUYER, SELLER, invoice

NUMBER = "12345678"


def _code_finding(code: str):
    return check_invoice(invoice(number=NUMBER).model_copy(update={"code": code})).finding("number.code")


def _contract_refusal(code: str) -> str:
    with pytest.raises((RuleViolation, ValidationError)) as refused:
        InvoiceInput(number=NUMBER, code=code, date="2026-09-01", amount=100, tax=13,
                     seller_tax_id=SELLER.tax_id, buyer_tax_id=BUYER.tax_id)
    return str(refused.value)


def test_a_code_in_full_width_digits_fails_naming_the_half_width_code_as_the_contract_does():
    finding = _code_finding("３１００２０４１３０")
    assert finding.status == "fail"
    assert "in half-width digits (3100204130)" in finding.message
    assert "neither 10 digits nor 12 digits" not in finding.message
    assert finding.message in _contract_refusal("３１００２０４１３０")
    assert _code_finding("3100204130").status == "pass"


@pytest.mark.parametrize("code", ["3100-204130", "3100 204130"])
def test_a_code_with_a_separator_inside_fails_saying_to_give_it_without(code):
    finding = _code_finding(code)
    assert finding.status == "fail" and "without spaces or separators" in finding.message
    assert finding.message in _contract_refusal(code)
