"""A registry or credit bureau asked about one credit code that answers with another enterprise's record: what it says
(active, rated AAA) is not the party's, so the finding fails and the codes are listed as a disagreement, as a tax
source's record of another seller's invoice is."""
from datetime import date

from client.invoices import ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier, attestation
from client.invoices import verify_with_sources
from client.invoices.sources import CreditRecord, RegistryRecord

from ._samples import BUYER, BUYER_2, SELLER, SELLER_2, invoice


class LooseRegistry:
    """Answers every question with the record of one enterprise (a provider matching loosely, a stale index)."""

    source = "loose-registry"

    def lookup_enterprise(self, credit_code):
        return RegistryRecord(credit_code=BUYER_2.tax_id, name=BUYER_2.name, status="active")


class LooseBureau:
    source = "loose-bureau"

    def lookup_credit(self, credit_code):
        return CreditRecord(credit_code=SELLER_2.tax_id, rating="AAA", overdue_count=0, as_of=date(2026, 8, 31))


def test_a_registry_record_of_another_credit_code_fails_and_disagrees_on_the_tax_id():
    result = verify_with_sources(invoice(), ReferenceTaxInvoiceVerifier(), LooseRegistry())
    checks = {f.check: f for f in result.findings}
    for side, party in (("seller", SELLER), ("buyer", BUYER)):
        finding = checks[f"source.registry.{side}"]
        assert finding.status == "fail" and finding.message == (
            f"loose-registry: asked about {party.tax_id}, answered with the record of {BUYER_2.tax_id}, another "
            f"enterprise, which says nothing of the {side}")
        assert finding.details == {"asked": party.tax_id, "credit_code": BUYER_2.tax_id}
        # nothing of the other enterprise is taken as the party's: neither its establishment date nor its name
        assert f"source.registry.{side}.established" not in checks
    assert not result.ok
    disagreed = {d.field: d.values for d in result.disagreements}
    assert disagreed == {
        "seller.tax_id": {"invoice": SELLER.tax_id, "reference-tax": SELLER.tax_id, "loose-registry": BUYER_2.tax_id},
        "buyer.tax_id": {"invoice": BUYER.tax_id, "reference-tax": BUYER.tax_id, "loose-registry": BUYER_2.tax_id}}


def test_a_credit_record_of_another_credit_code_fails_and_is_not_shown_as_the_buyer_s():
    result = verify_with_sources(invoice(), ReferenceTaxInvoiceVerifier(), None, LooseBureau())
    debtor = {f.check: f for f in result.findings}["source.credit.debtor"]
    assert debtor.status == "fail" and "AAA" not in debtor.message and "rating" not in debtor.details
    assert debtor.details == {"asked": BUYER.tax_id, "credit_code": SELLER_2.tax_id}
    assert not result.ok
    assert [(d.field, d.values) for d in result.disagreements] == [
        ("buyer.tax_id", {"invoice": BUYER.tax_id, "reference-tax": BUYER.tax_id, "loose-bureau": SELLER_2.tax_id})]
    assert attestation(result).document["outcome"] == "fail"


def test_records_of_the_codes_asked_about_still_pass():
    result = verify_with_sources(invoice(), ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                 ReferenceCreditBureau())
    assert result.ok and not result.disagreements
