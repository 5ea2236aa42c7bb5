"""Each failing answer of a data source says what to do about it, as the invoice's own checks do: a bank officer
read "reference-tax: invoice is void" or "reference-registry: 华南... is revoked" and was left to work out that the
invoice backs no receivable, or which document to check."""

from __future__ import annotations

from datetime import date

import pytest

from client.invoices import verify_with_sources
from client.invoices.sources import RegistryRecord, TaxInvoiceRecord

from ._samples import BUYER, SELLER, invoice


class Tax:
    source = "tax"

    def __init__(self, **record) -> None:
        self.record = record

    def lookup_invoice(self, number, seller_tax_id, code):
        if self.record.get("none"):
            return None
        inv = invoice()
        fields = dict(number=number, code=inv.code, seller_tax_id=seller_tax_id, seller_name=SELLER.name,
                      buyer_tax_id=BUYER.tax_id, buyer_name=BUYER.name, issue_date=inv.issue_date,
                      total_with_tax_fen=inv.total_with_tax_fen, status="normal")
        return TaxInvoiceRecord(**{**fields, **self.record})


class Registry:
    source = "registry"

    def __init__(self, **record) -> None:
        self.record = record

    def lookup_enterprise(self, credit_code):
        if self.record.get("none"):
            return None
        return RegistryRecord(**{"credit_code": credit_code, "name": "x", "status": "active", **self.record})


def _failed(result, check):
    [finding] = [f for f in result.findings if f.check == check]
    assert finding.status == "fail", finding
    return finding.message


@pytest.mark.parametrize("tax, check, advice", [
    (Tax(none=True), "source.tax.found",
     "check the number and the seller's tax id against the invoice; one the tax authority does not know backs no "
     "receivable"),
    (Tax(status="void"), "source.tax.status", "invoice is void: it backs no receivable; have the seller issue a valid"),
    (Tax(status="red-flushed"), "source.tax.status", "invoice is red-flushed: it backs no receivable"),
    (Tax(status="partially-red-flushed", remaining_with_tax_fen=100), "source.tax.status",
     "is more than that: it backs no receivable for its total; have the seller issue an invoice for what remains"),
    (Tax(code="3100204130"), "source.tax.code",
     "check the code against the invoice; the same number under another code is another invoice"),
])
def test_a_tax_sources_failure_says_what_to_do(tax, check, advice):
    assert advice in _failed(verify_with_sources(invoice(), tax), check)


@pytest.mark.parametrize("registry, check, advice", [
    (Registry(none=True), "source.registry.seller", "check the seller's tax id against the invoice; an enterprise "
                                                    "the registry does not know is no party to a receivable"),
    (Registry(status="revoked"), "source.registry.buyer",
     "x is revoked: an enterprise no longer in business neither sells nor owes; confirm the buyer's status with the "
     "registry, and finance nothing on this invoice until it is active"),
    (Registry(established=date(2027, 1, 1)), "source.registry.seller.established",
     "no enterprise invoices before it exists, so the date or the seller is wrong; check both against the invoice, "
     "and the enterprise with the registry"),
    (Registry(credit_code="91440300MA5H0BNK1X"), "source.registry.seller",
     "another enterprise, which says nothing of the seller: ask the source again, and report the answer to its "
     "provider if it holds"),
])
def test_a_registrys_failure_says_what_to_do(registry, check, advice):
    assert advice in _failed(verify_with_sources(invoice(), None, registry), check)
