"""A red-letter invoice built in code with no seller tax id (the readers refuse one; the model takes it) made
check_invoice raise ValueError: the invoice it offsets has no fingerprint without the seller's tax id, and the
totals.positive message and offsets.ledger computed one regardless. They now give none: duplicate.ledger and
offsets.ledger are skipped saying why, and totals.positive fails naming the original without a fingerprint."""

from client.invoices import CheckOptions, InMemoryRegistry, Invoice, check_invoice

from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter


def _without_seller_tax_id() -> Invoice:
    doc = red_letter(original_number=BLUE_NUMBER).model_dump()
    doc["seller"]["tax_id"] = ""
    return Invoice.model_validate(doc)


def test_a_red_letter_invoice_with_no_seller_tax_id_is_checked_not_raised():
    report = check_invoice(_without_seller_tax_id(), CheckOptions(registry=InMemoryRegistry()))
    positive = report.finding("totals.positive")
    assert positive.status == "fail" and f"offsetting invoice number {BLUE_NUMBER}" in positive.message
    assert "FindInvoice" not in positive.message and positive.details["offsets"] == {"number": BLUE_NUMBER}
    offsets = report.finding("offsets.ledger")
    assert offsets.status == "skipped" and "seller's tax id" in offsets.message
    assert report.finding("duplicate.ledger").status == "skipped"
