"""A seller given no tax id ("") was still looked up by the tax invoice verifier, asked for invoice N "of seller ",
where the buyer's blank tax id was already passed over by the registry and the credit bureau. And a tax id of
invisible characters alone (a zero-width space or byte order mark pasted from a form, kept by ``str.strip``) was
asked about as given, for either party. Neither is asked about now; each finding says why, and what the sources
that were asked say against the invoice is still reported."""

from datetime import date

import pytest

from client.invoices import ReferenceBusinessRegistry, ReferenceCreditBureau
from client.invoices.model import Party
from client.invoices.sources import TAX_FOUND, verify_with_sources

from ._samples import BUYER, SELLER, invoice

TODAY = date(2026, 9, 10)


class RecordsWhatItIsAsked:
    """A provider of every kind that knows nothing, keeping each tax id it is asked about."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.asked: list[str] = []

    def lookup_invoice(self, number: str, seller_tax_id: str, code: str = ""):
        self.asked.append(seller_tax_id)
        return None

    def _lookup(self, credit_code: str):
        self.asked.append(credit_code)
        return None

    lookup_enterprise = lookup_credit = _lookup


def test_the_tax_invoice_verifier_is_not_asked_about_an_invoice_whose_seller_has_no_tax_id():
    tax, registry = RecordsWhatItIsAsked("gov-tax"), RecordsWhatItIsAsked("gov-registry")
    result = verify_with_sources(invoice(seller=Party(name=SELLER.name, tax_id="")), tax, registry, today=TODAY)
    assert tax.asked == [] and registry.asked == [BUYER.tax_id]
    found = {f.check: f for f in result.findings}
    assert (found[TAX_FOUND].status, found[TAX_FOUND].message) == (
        "fail", "gov-tax: not asked: the invoice gives the seller no tax id, as for a natural person (个人); the tax "
                "authority finds an invoice by its seller's tax id: check the seller's tax id against the invoice; an "
                "invoice the tax authority cannot find backs no receivable")
    assert "not asked: the invoice gives the seller no tax id" in found["source.registry.seller"].message
    assert not result.ok


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", " \u2060\u00ad ", "\u200b\u3000\ufeff"])
def test_a_tax_id_of_invisible_characters_alone_is_none_either(invisible):
    tax, registry, bureau = (RecordsWhatItIsAsked(name) for name in ("gov-tax", "gov-registry", "gov-credit"))
    result = verify_with_sources(invoice(seller=Party(name=SELLER.name, tax_id=invisible),
                                         buyer=Party(name="张三", tax_id=invisible)),
                                 tax, registry, bureau, today=TODAY)
    assert (tax.asked, registry.asked, bureau.asked) == ([], [], [])
    found = {f.check: f.message for f in result.findings}
    assert "not asked: the invoice gives the seller no tax id" in found[TAX_FOUND]
    assert "not asked: the invoice gives the seller no tax id" in found["source.registry.seller"]
    assert "not asked: the invoice gives the buyer no tax id" in found["source.registry.buyer"]
    assert "not asked: the invoice gives the buyer no tax id" in found["source.credit.debtor"]
    assert not result.ok


def test_what_the_sources_asked_say_against_the_invoice_is_still_reported():
    """The buyer is still looked up, and the registry's name for it, not the invoice's, still a disagreement."""
    renamed_buyer = Party(name="华南精密机械有限公司", tax_id=BUYER.tax_id)
    result = verify_with_sources(invoice(seller=Party(name=SELLER.name, tax_id=""), buyer=renamed_buyer),
                                 registry=ReferenceBusinessRegistry(), bureau=ReferenceCreditBureau(), today=TODAY)
    found = {f.check: f for f in result.findings}
    assert found["source.registry.buyer"].status == "pass"
    assert found["source.credit.debtor"].status == "pass"
    assert [(d.field, d.values) for d in result.disagreements] == [
        ("buyer.name", {"invoice": renamed_buyer.name, "reference-registry": BUYER.name})]


def test_a_verification_of_an_invoice_without_a_seller_tax_id_is_returned_not_raised():
    """The invoice's fingerprint needs the seller's tax id: ValueError was raised from deep within, after the tax
    invoice verifier was asked. The verification is returned, failed and fingerprinting nothing."""
    for blank in ("", "  ", "\u200b"):
        result = verify_with_sources(invoice(seller=Party(name=SELLER.name, tax_id=blank)),
                                     registry=ReferenceBusinessRegistry(), today=TODAY)
        assert (result.fingerprint, result.ok) == ("", False)
