"""The SDK's ``InvoiceInput`` checks an invoice's paper identity (数电纸质发票: ``paper_code`` and ``paper_number``,
both or neither, only beside a 20-digit number with no code, each of its form) and the years its code and paper code
say their forms were printed in, when it is built and again as it is sent, in the contract's words: an integrator
learns of the mistake before an endorser refuses the registration. An assignment sets one paper field at a time, so
the pair is checked once the invoice is sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from chaincode.receivables import fingerprint
from client.receivables import InvoiceInput

from .test_contract_agreement import Lifecycle

SELLER, BUYER = "91350100M000100Y43", "91310000MA1K000019"
NUMBER = "26312000000012345601"
PAPER_CODE, PAPER_NUMBER = "144031900111", "00012345"


def invoice(**given) -> InvoiceInput:
    return InvoiceInput(**{"number": NUMBER, "date": date(2026, 5, 1), "amount": 100_000, "tax": 13_000,
                           "seller_tax_id": SELLER, "buyer_tax_id": BUYER, **given})


def _refused_in_the_contracts_words(given: dict, said: str | None) -> None:
    """Building the invoice from ``given`` is refused with ``said``, the words the contract's own check returns."""
    assert said is not None     # the contract refuses it too: else the case checks nothing
    with pytest.raises(ValidationError) as refused:
        invoice(**given)
    assert said in str(refused.value)


@pytest.mark.parametrize(("given", "said"), [
    ({"paper_code": PAPER_CODE}, fingerprint.paper_identity_problem("", NUMBER, PAPER_CODE, "")),
    ({"paper_number": PAPER_NUMBER}, fingerprint.paper_identity_problem("", NUMBER, "", PAPER_NUMBER)),
    ({"number": "12345678", "code": "3100204130", "paper_code": PAPER_CODE, "paper_number": PAPER_NUMBER},
     fingerprint.paper_identity_problem("3100204130", "12345678", PAPER_CODE, PAPER_NUMBER)),
    ({"paper_code": "003100204130", "paper_number": PAPER_NUMBER},
     fingerprint.paper_identity_problem("", NUMBER, "003100204130", PAPER_NUMBER)),
    ({"paper_code": PAPER_CODE, "paper_number": "0012345"},
     f"paper_number: {fingerprint.paper_number_problem('0012345')}"),
    ({"paper_code": "１４４０３１９００１１１", "paper_number": PAPER_NUMBER},
     f"paper_code: {fingerprint.code_characters_problem('１４４０３１９００１１１')}"),
    ({"number": "12345678", "code": "3100274130"},
     fingerprint.code_year_problem("3100274130", date(2026, 5, 1), "code")),
    ({"paper_code": "4403274130", "paper_number": PAPER_NUMBER},
     fingerprint.code_year_problem("4403274130", date(2026, 5, 1), "paper_code")),
], ids=["code-alone", "number-alone", "beside-a-code", "no-province", "seven-digits", "full-width", "code-year",
        "paper-code-year"])
def test_an_invoice_the_contract_would_refuse_for_its_paper_identity_or_code_year_is_refused_in_its_words(given, said):
    _refused_in_the_contracts_words(given, said)


def test_a_pair_given_one_field_at_a_time_is_taken_and_one_left_half_is_refused_as_sent():
    built = invoice()
    built.paper_code = PAPER_CODE
    built.paper_number = PAPER_NUMBER
    assert (built.to_json()["paper_code"], built.to_json()["paper_number"]) == (PAPER_CODE, PAPER_NUMBER)
    half = invoice()
    half.paper_code = PAPER_CODE
    with pytest.raises(ValidationError, match="is given without paper_number"):
        half.to_json()


def test_a_registration_whose_invoice_names_half_a_paper_identity_is_refused_before_it_is_sent():
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    registration = life.registration(tier1, core, Decimal("1000.00"), NUMBER, 30)
    registration.invoices[0].paper_number = PAPER_NUMBER
    with pytest.raises(ValidationError, match="is given without paper_code"):
        registration.to_json()


def test_invoices_the_contract_takes_are_built():
    assert invoice(paper_code=PAPER_CODE, paper_number=PAPER_NUMBER).paper_code == PAPER_CODE
    assert invoice(number="12345678", code="3100264130").code == "3100264130"
    assert invoice(number="12345678", code="221012712345").code == "221012712345"   # no year read in its layout
    assert invoice().paper_code == ""


@pytest.mark.parametrize(("given", "said"), [
    ({"number": "12345678"}, fingerprint.identity_problem("", "12345678")),
    ({"code": "3100204130"}, fingerprint.identity_problem("3100204130", NUMBER)),
    ({"number": "12345678", "code": "003100204130"}, fingerprint.identity_problem("003100204130", "12345678")),
    ({"number": "1234-5678", "code": "3100204130"}, fingerprint.number_problem("1234-5678")),
    ({"number": "12345678", "code": "３１００２０４１３０"}, fingerprint.code_characters_problem("３１００２０４１３０")),
], ids=["eight-digits-without-a-code", "twenty-digits-with-a-code", "code-of-no-province", "dashed-number",
        "full-width-code"])
def test_an_invoice_whose_code_and_number_the_contract_would_refuse_is_refused_in_its_words(given, said):
    _refused_in_the_contracts_words(given, said)
