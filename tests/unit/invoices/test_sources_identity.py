"""A registry or credit bureau asked about one credit code that answers with another enterprise's record: what it says
(active, rated AAA) is not the party's, so the finding fails and the codes are listed as a disagreement, as a tax
source's record of another seller's invoice is."""
from datetime import date

import pytest
from pydantic import ValidationError

from client.invoices import ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier, attestation
from client.invoices import verify_with_sources
from client.invoices.credit_code import credit_code_check_digit, organization_code_check_digit
from client.invoices.model import Party
from client.invoices.sources import CreditRecord, RegistryRecord, TaxInvoiceRecord

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
            f"enterprise, which says nothing of the {side}: ask the source again, and report the answer to its "
            "provider if it holds")
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


def _legacy_15(organisation: str) -> tuple[str, str]:
    """A legacy 15-character tax id (region + organization code) and the credit code of the same organization."""
    org = organisation + organization_code_check_digit(organisation)
    first17 = "91440300" + org
    return "440300" + org, first17 + credit_code_check_digit(first17)


class _Answering:
    """A tax source confirming the invoice as written, a registry and a bureau answering each tax id asked about with
    the record of ``answers[tax_id]`` (the id itself where not listed)."""

    def __init__(self, inv, answers):
        self.inv, self.answers = inv, answers
        self.source = "gov-tax"

    def lookup_invoice(self, number, seller_tax_id, code):
        inv = self.inv
        return TaxInvoiceRecord(number=inv.number, seller_tax_id=inv.seller.tax_id, seller_name=inv.seller.name,
                                buyer_tax_id=inv.buyer.tax_id, buyer_name=inv.buyer.name, issue_date=inv.issue_date,
                                total_with_tax_fen=inv.total_with_tax_fen, status="normal")

    def registry(self):
        answers, names = self.answers, {self.inv.seller.tax_id: SELLER.name, self.inv.buyer.tax_id: BUYER.name}

        class Registry:
            source = "gov-registry"

            def lookup_enterprise(self, tax_id):
                return RegistryRecord(credit_code=answers.get(tax_id, tax_id), name=names[tax_id], status="active")
        return Registry()

    def bureau(self):
        answers = self.answers

        class Bureau:
            source = "gov-credit"

            def lookup_credit(self, tax_id):
                return CreditRecord(credit_code=answers.get(tax_id, tax_id), rating="AA", overdue_count=0,
                                    as_of=date(2026, 8, 31))
        return Bureau()


def test_a_party_with_a_legacy_tax_id_answered_with_its_own_credit_code_is_that_party():
    # a provider keyed by credit code answers the pre-2015 id by the code since issued to the same organization
    seller_id, seller_code = _legacy_15("12345678")
    buyer_id, buyer_code = _legacy_15("87654321")
    inv = invoice(seller=Party(name=SELLER.name, tax_id=seller_id), buyer=Party(name=BUYER.name, tax_id=buyer_id))
    sources = _Answering(inv, {seller_id: seller_code, buyer_id: buyer_code})
    result = verify_with_sources(inv, sources, sources.registry(), sources.bureau())
    checks = {f.check: f for f in result.findings}
    assert checks["source.registry.seller"].status == "pass"
    assert checks["source.registry.seller"].details["credit_code"] == seller_code
    assert checks["source.registry.buyer"].status == "pass" and checks["source.credit.debtor"].status == "pass"
    assert result.ok and not result.disagreements


def test_a_legacy_tax_id_answered_with_another_organization_s_credit_code_is_another_party():
    seller_id, _ = _legacy_15("12345678")
    _, other_code = _legacy_15("12345679")
    inv = invoice(seller=Party(name=SELLER.name, tax_id=seller_id))
    sources = _Answering(inv, {seller_id: other_code})
    result = verify_with_sources(inv, sources, sources.registry())
    seller = {f.check: f for f in result.findings}["source.registry.seller"]
    assert seller.status == "fail" and seller.details == {"asked": seller_id, "credit_code": other_code}
    assert [d.field for d in result.disagreements] == ["seller.tax_id"] and not result.ok


@pytest.mark.parametrize("make", [
    lambda code: RegistryRecord(credit_code=code, name=SELLER.name, status="active"),
    lambda code: CreditRecord(credit_code=code, rating="AA", overdue_count=0, as_of=date(2026, 8, 31)),
], ids=["registry", "credit"])
@pytest.mark.parametrize("blank", ["", " "], ids=["empty", "spaces"])
def test_a_record_without_a_credit_code_is_refused_rather_than_read_as_another_enterprise_s(make, blank):
    with pytest.raises(ValidationError, match="no credit code: a record is of the enterprise whose credit code it "
                                              "gives"):
        make(blank)
