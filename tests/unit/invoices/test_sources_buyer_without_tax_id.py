"""An invoice to a natural person (个人) gives the buyer no tax id, read as "". The registry and the credit bureau
were asked about the enterprise "" all the same: the reference registry answered "no enterprise : check the buyer's
tax id", the credit bureau "no credit record for " (messages naming nobody), and a real provider refusing such a
question was reported as a source that did not answer (SourceUnavailable), no verification made. Neither is asked;
each finding says why."""

from datetime import date

from client.invoices import ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier
from client.invoices.model import Party
from client.invoices.sources import verify_with_sources

from ._samples import invoice

TODAY = date(2026, 9, 10)
TO_A_PERSON = invoice(buyer=Party(name="张三", tax_id=""))


class RefusesAnEmptyCode:
    """A provider whose service refuses a lookup of no code, as an API validating its argument does."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.asked: list[str] = []

    def _lookup(self, credit_code: str):
        self.asked.append(credit_code)
        if not credit_code:
            raise RuntimeError("400 Bad Request: credit_code is required")
        return None

    lookup_enterprise = lookup_credit = _lookup


def test_the_registry_and_the_credit_bureau_are_not_asked_about_a_buyer_without_a_tax_id():
    registry, bureau = RefusesAnEmptyCode("gov-registry"), RefusesAnEmptyCode("gov-credit")
    result = verify_with_sources(TO_A_PERSON, ReferenceTaxInvoiceVerifier(), registry, bureau, today=TODAY)
    assert "" not in registry.asked and bureau.asked == []
    assert not result.ok


def test_the_findings_say_why_the_buyer_was_not_asked_about():
    result = verify_with_sources(TO_A_PERSON, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                 ReferenceCreditBureau(), today=TODAY)
    found = {f.check: f for f in result.findings}
    assert (found["source.registry.buyer"].status, found["source.registry.buyer"].message) == (
        "fail", "reference-registry: not asked: the invoice gives the buyer no tax id, as for a natural person (个人); "
                "the registry knows an enterprise by its credit code: check the buyer's tax id against the invoice; a "
                "natural person is no party to a receivable")
    assert (found["source.credit.debtor"].status, found["source.credit.debtor"].message) == (
        "skipped", "reference-credit: not asked: the invoice gives the buyer no tax id, as for a natural person "
                   "(个人); a credit record is found by the debtor's credit code")
    assert result.skipped == ("reference-credit",)
    # the seller is still asked about, and the tax source's disagreement on the buyer still reported
    assert found["source.registry.seller"].status == "pass"
    assert {d.field for d in result.disagreements} >= {"buyer.tax_id"}


def test_a_tax_id_of_spaces_alone_is_none_either():
    """An invoice built through the SDK with a tax id of spaces (a form's blank field) was asked about as given, as
    "" was: the JSON reader refuses such a field, but the SDK takes a Party as it is made."""
    registry, bureau = RefusesAnEmptyCode("gov-registry"), RefusesAnEmptyCode("gov-credit")
    result = verify_with_sources(invoice(buyer=Party(name="张三", tax_id=" \u3000")), ReferenceTaxInvoiceVerifier(),
                                 registry, bureau, today=TODAY)
    assert " \u3000" not in registry.asked and bureau.asked == []
    found = {f.check: f.message for f in result.findings}
    assert "not asked: the invoice gives the buyer no tax id" in found["source.registry.buyer"]
    assert "not asked: the invoice gives the buyer no tax id" in found["source.credit.debtor"]
