"""duplicate.ledger fails, as RegisterReceivable refuses, for an invoice whose other spelling backs a claim: a
12-digit code and 8-digit number run together as a 20-digit number, or the other way round, though the two
spellings have fingerprints of their own."""

from client.invoices import InMemoryRegistry, InvoiceUse, check_invoice
from client.invoices.fingerprint import fingerprint_of, invoice_fingerprint

from ._samples import SELLER, invoice
from .test_checks import full_options

CODE, NUMBER = "221010012345", "12345678"


def _spelled(code: str, number: str):
    return invoice(number=number).model_copy(update={"code": code})


def test_an_invoice_is_a_duplicate_while_its_twenty_digit_spelling_backs_a_claim():
    twenty = fingerprint_of(SELLER.tax_id, "", CODE + NUMBER)
    registry = InMemoryRegistry({twenty: InvoiceUse("RCV-0007", live=True)})
    inv = _spelled(CODE, NUMBER)
    f = check_invoice(inv, full_options(registry=registry)).finding("duplicate.ledger")
    assert f.status == "fail"
    assert f.message.startswith(f"the invoice, registered as number {CODE + NUMBER} with no code, "
                                "already backs receivable RCV-0007 (still live")
    assert f.details == {"fingerprint": invoice_fingerprint(inv), "other_spelling_fingerprint": twenty,
                         "receivable_id": "RCV-0007", "live": True}


def test_a_twenty_digit_number_is_a_duplicate_while_its_code_and_number_back_a_claim():
    coded = fingerprint_of(SELLER.tax_id, CODE, NUMBER)
    registry = InMemoryRegistry({coded: InvoiceUse("RCV-0008", live=False)})
    report = check_invoice(_spelled("", CODE + NUMBER), full_options(registry=registry))
    f = report.finding("duplicate.ledger")
    assert f.status == "fail"
    assert f"registered as code {CODE} and number {NUMBER}, already backs receivable RCV-0008 (settled" \
        in f.message
