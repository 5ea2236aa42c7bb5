import json
from datetime import datetime, timezone

import pytest

from client.invoices import (
    MalformedInput,
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    verify_with_sources,
)
from client.invoices.sources import RegistryRecord, TaxInvoiceRecord

from ._samples import BUYER, BUYER_2, SELLER, SELLER_2, invoice, line


@pytest.fixture(scope="module")
def sources():
    return ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(), ReferenceCreditBureau()


def test_reference_sources_agree_on_the_sample(sources):
    result = verify_with_sources(invoice(), *sources)
    assert result.ok
    assert result.sources == ("reference-tax", "reference-registry", "reference-credit")
    assert {f.check: f.status for f in result.findings} == {
        "source.tax.found": "pass", "source.tax.status": "pass", "source.registry.seller": "pass",
        "source.registry.seller.established": "pass", "source.registry.buyer": "pass",
        "source.registry.buyer.established": "pass", "source.credit.debtor": "pass"}


def test_an_invoice_dated_before_its_seller_was_established_fails(sources):
    # the reference registry has the seller established on 2019-11-02
    result = verify_with_sources(invoice(issued=datetime(2019, 11, 1).date()), None, sources[1], None)
    established = {f.check: f for f in result.findings}["source.registry.seller.established"]
    assert not result.ok and established.status == "fail" and "2019-11-02" in established.message
    on_the_day = verify_with_sources(invoice(issued=datetime(2019, 11, 2).date()), None, sources[1], None)
    assert on_the_day.ok


def test_a_registry_record_without_an_establishment_date_skips_that_check():
    class Registry:
        source = "registry"

        def lookup_enterprise(self, credit_code):
            return RegistryRecord(credit_code=credit_code, name="x", status="active")

    result = verify_with_sources(invoice(), None, Registry(), None)
    assert {f.check: f.status for f in result.findings}["source.registry.seller.established"] == "skipped"


def test_unknown_invoice_fails(sources):
    result = verify_with_sources(invoice(number="26442000000000000001"), *sources)
    assert not result.ok and result.findings[0].status == "fail"


def test_void_invoice_fails(sources):
    inv = invoice(number="26442000000012345679", lines=(line("*电子元件*贴片电容", "1000", "1.00", "0.13"),))
    result = verify_with_sources(inv, sources[0])
    status = {f.check: f for f in result.findings}["source.tax.status"]
    assert status.status == "fail" and "void" in status.message


def test_amount_disagreement_is_reported_with_every_value(sources):
    inv = invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"),))  # not the 2303.00 the tax source has
    result = verify_with_sources(inv, *sources)
    assert not result.ok
    d = {d.field: d.values for d in result.disagreements}
    assert d["total_with_tax_fen"] == {"invoice": str(inv.total_with_tax_fen), "reference-tax": "230300"}


def test_registry_name_differs_from_tax_authority_and_invoice(sources):
    # the reference registry has 上海星河电子科技（集团）有限公司 for SELLER_2; the tax source and invoice do not
    inv = invoice(number="26312000000000000042", seller=SELLER_2,
                  lines=(line("*电子元件*芯片", "1000", "50.00", "0.13"),))
    result = verify_with_sources(inv, *sources)
    names = {d.field: d.values for d in result.disagreements}["seller.name"]
    assert names == {"invoice": SELLER_2.name, "reference-tax": SELLER_2.name,
                     "reference-registry": "上海星河电子科技（集团）有限公司"}
    assert not result.ok


def test_deregistered_buyer_fails_and_credit_record_is_shown(sources):
    inv = invoice(buyer=BUYER_2)
    result = verify_with_sources(inv, None, sources[1], sources[2])
    f = {f.check: f for f in result.findings}
    assert f["source.registry.buyer"].status == "fail" and "deregistered" in f["source.registry.buyer"].message
    assert f["source.credit.debtor"].details["overdue_count"] == 3
    assert f["source.tax.found"].status == "skipped"


class ProviderThatNeverHeardOfIt:
    source = "stub-registry"

    def lookup_enterprise(self, credit_code):
        return None


def test_any_provider_with_the_interface_plugs_in():
    result = verify_with_sources(invoice(), registry=ProviderThatNeverHeardOfIt())
    assert [f.status for f in result.findings if f.check.startswith("source.registry")] == ["fail", "fail"]


def test_attestation_is_canonical_and_deterministic(sources):
    result = verify_with_sources(invoice(), *sources)
    at = datetime(2026, 9, 10, 8, 0, tzinfo=timezone.utc)
    a, b = attestation(result, at), attestation(result, at)
    assert a.digest == b.digest and len(a.digest) == 64
    assert a.document["outcome"] == "pass" and a.document["attested_at"] == "2026-09-10T08:00:00Z"
    assert a.document["fingerprint"] == result.fingerprint
    failed = verify_with_sources(invoice(number="26442000000000000001"), *sources)
    assert attestation(failed, at).digest != a.digest and attestation(failed, at).document["outcome"] == "fail"


def test_malformed_reference_files(tmp_path):
    bad = tmp_path / "tax.json"
    bad.write_text(json.dumps({"records": [{"number": "1"}]}))
    with pytest.raises(MalformedInput) as err:
        ReferenceTaxInvoiceVerifier(bad)
    assert err.value.field.startswith("records[0].")
    bad.write_text("{")
    with pytest.raises(MalformedInput):
        ReferenceCreditBureau(bad)
    csv_file = tmp_path / "reg.csv"
    csv_file.write_text("credit_code,name,status\nX,Y,sleeping\n")
    with pytest.raises(MalformedInput, match="status"):
        ReferenceBusinessRegistry(csv_file)


def test_reference_data_is_well_formed_and_valid():
    from client.invoices import is_valid_credit_code
    reg = ReferenceBusinessRegistry()
    for party in (BUYER, SELLER, SELLER_2, BUYER_2):
        record = reg.lookup_enterprise(party.tax_id)
        assert isinstance(record, RegistryRecord) and is_valid_credit_code(record.credit_code)
    rec = ReferenceTaxInvoiceVerifier().lookup_invoice("26442000000012345678", SELLER.tax_id)
    assert isinstance(rec, TaxInvoiceRecord) and rec.total_with_tax_fen == invoice().total_with_tax_fen
