"""duplicate.ledger looks up an invoice delivered on paper (数电纸质发票) under its paper identity too: the paper
form's 发票代码 and 8-digit 发票号码, and that identity's other spelling (a 12-digit code and its number run
together), each a fingerprint of its own, which a claim registered under that identity holds on the ledger."""

import pytest

from client.invoices import InMemoryRegistry, Invoice, InvoiceUse, check_invoice
from client.invoices.fingerprint import fingerprint_of, invoice_fingerprint

from ._samples import SELLER, invoice
from .test_checks import full_options

PAPER_CODE, PAPER_NUMBER = "144032400111", "87654321"


def _on_paper() -> Invoice:
    return Invoice.model_validate({**invoice().model_dump(), "paper_code": PAPER_CODE, "paper_number": PAPER_NUMBER})


@pytest.mark.parametrize("code, number, key, said", [
    (PAPER_CODE, PAPER_NUMBER, "paper_fingerprint",
     f"registered under its paper identity, code {PAPER_CODE} and number {PAPER_NUMBER},"),
    ("", PAPER_CODE + PAPER_NUMBER, "paper_other_spelling_fingerprint",
     f"registered under its paper identity spelled as number {PAPER_CODE + PAPER_NUMBER} with no code,"),
])
def test_an_invoice_is_a_duplicate_while_its_paper_identity_backs_a_claim(code, number, key, said):
    held = fingerprint_of(SELLER.tax_id, code, number)
    inv = _on_paper()
    f = check_invoice(inv, full_options(registry=InMemoryRegistry({held: InvoiceUse("RCV-0009", live=True)}))
                      ).finding("duplicate.ledger")
    assert f.status == "fail" and f.message.startswith(f"the invoice, {said} already backs receivable RCV-0009")
    assert f.details[key] == held and f.details["fingerprint"] == invoice_fingerprint(inv)


def test_an_invoice_whose_identities_back_nothing_passes_naming_its_paper_fingerprint():
    f = check_invoice(_on_paper(), full_options(registry=InMemoryRegistry({}))).finding("duplicate.ledger")
    assert f.status == "pass"
    assert f.details["paper_fingerprint"] == fingerprint_of(SELLER.tax_id, PAPER_CODE, PAPER_NUMBER)


def test_an_invoice_without_a_paper_identity_is_looked_up_as_before():
    f = check_invoice(invoice(), full_options(registry=InMemoryRegistry({}))).finding("duplicate.ledger")
    assert f.details == {"fingerprint": invoice_fingerprint(invoice())}
