import json
import re
from datetime import date, datetime, timezone

import pytest

from client.invoices import (
    MalformedInput,
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    verify_with_sources,
)
from client.invoices.model import Party
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
        "source.registry.buyer.established": "pass", "source.credit.debtor": "pass", "source.credit.current": "pass"}


def test_an_invoice_dated_before_its_seller_was_established_fails(sources):
    # the reference registry has the seller established on 2019-11-02
    result = verify_with_sources(invoice(issued=datetime(2019, 11, 1).date()), None, sources[1], None)
    established = {f.check: f for f in result.findings}["source.registry.seller.established"]
    assert not result.ok and established.status == "fail" and "2019-11-02" in established.message
    on_the_day = verify_with_sources(invoice(issued=datetime(2019, 11, 2).date()), None, sources[1], None)
    assert {f.check: f.status for f in on_the_day.findings}["source.registry.seller.established"] == "pass"


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
    csv_file.write_text(f"credit_code,name,status\n{SELLER.tax_id},Y,sleeping\n")
    with pytest.raises(MalformedInput, match="status"):
        ReferenceBusinessRegistry(csv_file)


def test_reference_data_is_well_formed_and_valid():
    from client.invoices import is_valid_credit_code
    reg = ReferenceBusinessRegistry()
    for party in (BUYER, SELLER, SELLER_2, BUYER_2):
        record = reg.lookup_enterprise(party.tax_id)
        assert isinstance(record, RegistryRecord) and is_valid_credit_code(record.credit_code)
    rec = ReferenceTaxInvoiceVerifier().lookup_invoice("26442000000012345678", SELLER.tax_id, "")
    assert isinstance(rec, TaxInvoiceRecord) and rec.total_with_tax_fen == invoice().total_with_tax_fen


# ------------------------------------------------------------------ older invoices: code and number together

LEGACY_NUMBER, LEGACY_CODE = "12345678", "4403201130"


def legacy_invoice(code: str = LEGACY_CODE):
    return invoice(number=LEGACY_NUMBER).model_copy(update={"code": code})


def tax_file(tmp_path, *records: dict):
    path = tmp_path / "tax.json"
    path.write_text(json.dumps({"records": list(records)}, ensure_ascii=False), encoding="utf-8")
    return path


def tax_record(inv, **over) -> dict:
    record = {"number": inv.number, "code": inv.code, "seller_tax_id": inv.seller.tax_id, "seller_name": inv.seller.name,
              "buyer_tax_id": inv.buyer.tax_id, "buyer_name": inv.buyer.name,
              "issue_date": inv.issue_date.isoformat(), "total_with_tax_fen": inv.total_with_tax_fen, "status": "normal"}
    record.update(over)
    return record


def test_an_older_invoice_is_found_by_its_code_and_number_together(tmp_path):
    real = legacy_invoice()
    tax = ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(real)))
    result = verify_with_sources(real, tax)
    assert result.ok and {f.check: f.status for f in result.findings}["source.tax.code"] == "pass"
    # the same number under another code is another invoice, which the tax source does not know
    copy = legacy_invoice("4403211130")
    result = verify_with_sources(copy, tax)
    found = {f.check: f for f in result.findings}["source.tax.found"]
    assert not result.ok and found.status == "fail" and "with code 4403211130" in found.message
    assert result.fingerprint != verify_with_sources(real, tax).fingerprint


def test_a_source_answering_by_number_alone_is_held_to_the_invoices_code():
    real = legacy_invoice()

    class ByNumber:
        source = "tax-by-number"

        def __init__(self, code):
            self.code = code

        def lookup_invoice(self, number, seller_tax_id, code):
            return TaxInvoiceRecord.model_validate(tax_record(real, code=self.code))

    for theirs, says in (("4403201131", "the invoice's code is 4403201131, not 4403201130"),
                         ("", "the invoice's code is none, not 4403201130")):
        result = verify_with_sources(real, ByNumber(theirs))
        code = {f.check: f for f in result.findings}["source.tax.code"]
        assert not result.ok and code.status == "fail" and says in code.message
    # a fully digitalised invoice has no code; a source giving it one disagrees
    result = verify_with_sources(invoice(), ByNumber("4403201130"))
    assert {f.check: f.status for f in result.findings}["source.tax.code"] == "fail"
    assert "source.tax.code" not in {f.check for f in verify_with_sources(invoice(), ByNumber("")).findings}


# ------------------------------------------------------------------ source names

def test_two_sources_under_one_name_or_one_named_invoice_are_refused():
    class Gov:
        source = "gov"

        def lookup_invoice(self, number, seller_tax_id, code):
            return TaxInvoiceRecord.model_validate(tax_record(invoice(), seller_name="某某皮包公司"))

        def lookup_enterprise(self, credit_code):
            return RegistryRecord(credit_code=credit_code, name="x", status="active")

    gov = Gov()
    with pytest.raises(ValueError, match="two sources are named gov: give each its own name"):
        verify_with_sources(invoice(), gov, gov)
    gov.source = "invoice"
    with pytest.raises(ValueError, match="a source is named 'invoice'"):
        verify_with_sources(invoice(), gov)
    # under names of their own, the tax source's other seller name shows as a disagreement
    tax, registry = Gov(), Gov()
    tax.source, registry.source = "gov-tax", "gov-registry"
    result = verify_with_sources(invoice(), tax, registry)
    assert not result.ok and {d.field: d.values for d in result.disagreements}["seller.name"]["gov-tax"] == "某某皮包公司"


# ------------------------------------------------------------------ reference files that cannot be trusted

@pytest.mark.parametrize("reader, text, says", [
    (ReferenceTaxInvoiceVerifier, '{"records": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    (ReferenceCreditBureau, "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (ReferenceTaxInvoiceVerifier, '{"records": [{"total_with_tax_fen": ' + "9" * 5000 + "}]}", "more than 4300 digits"),
    (ReferenceTaxInvoiceVerifier, '{"records": [{"number": "26442000000012345678", "seller_tax_id": "'
                                  + SELLER.tax_id + '", "seller_name": "s", "buyer_tax_id": "' + BUYER.tax_id
                                  + '", "buyer_name": "b", '
                                  '"issue_date": "2026-09-01", "total_with_tax_fen": 1e30, "status": "normal"}]}',
     "records[0].total_with_tax_fen: Input should be a valid integer"),  # fen are integers, never 1e30
    (ReferenceBusinessRegistry, 'credit_code,name,status\nX,"' + "a" * 200_000 + '",active\n', "field larger than"),
    (ReferenceBusinessRegistry, "credit_code,credit_code,name,status\nX,Y,n,active\n", "credit_code appears twice"),
    (ReferenceBusinessRegistry, "", "no column credit_code, name, status"),
    (ReferenceBusinessRegistry, "credit_code,name,status\nX,n,active,extra\n", "4 cells, but the header names 3"),
])
def test_a_malformed_reference_file_is_refused_by_name(tmp_path, reader, text, says):
    path = tmp_path / "source.data"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedInput, match=re.escape(says)) as err:
        reader(path)
    assert err.value.source == str(path)


def test_a_reference_file_listing_one_key_twice_is_refused(tmp_path):
    reg = tmp_path / "registry.csv"
    reg.write_text(f"credit_code,name,status\n{SELLER.tax_id},{SELLER.name},revoked\n{SELLER.tax_id},{SELLER.name},active\n",
                   encoding="utf-8")
    with pytest.raises(MalformedInput, match=f"enterprise {SELLER.tax_id} is listed again \\(first at row 2\\)") as err:
        ReferenceBusinessRegistry(reg)
    assert err.value.field == "row 3"
    real = legacy_invoice()
    with pytest.raises(MalformedInput, match="invoice 4403201130 12345678 of seller") as err:
        ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(real), tax_record(real, status="void")))
    assert err.value.field == "records[1]"
    # the same number under two codes is two invoices
    ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(real), tax_record(real, code="4403211130")))
    credit = tmp_path / "credit.json"
    row = {"credit_code": BUYER.tax_id, "rating": "AA", "overdue_count": 0, "as_of": "2026-08-31"}
    credit.write_text(json.dumps({"records": [row, {**row, "rating": "C"}]}), encoding="utf-8")
    with pytest.raises(MalformedInput, match="listed again"):
        ReferenceCreditBureau(credit)


def test_the_attestation_document_names_the_values_verified(sources):
    inv = invoice()
    document = attestation(verify_with_sources(inv, *sources), datetime(2026, 9, 10, tzinfo=timezone.utc)).document
    assert document["kind"] == "recfin.invoice-verification/2"
    assert (document["invoice_number"], document["invoice_code"], document["seller_tax_id"]) == (inv.number, "", SELLER.tax_id)
    assert (document["buyer_tax_id"], document["issue_date"], document["total_with_tax_fen"]) == (
        BUYER.tax_id, date(2026, 9, 1).isoformat(), inv.total_with_tax_fen)


def test_a_partially_red_flushed_invoice_fails_naming_what_remains(tmp_path):
    inv = invoice()
    tax = ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(inv, status="partially-red-flushed",
                                                                    remaining_with_tax_fen=100000)))
    result = verify_with_sources(inv, tax)
    status = {f.check: f for f in result.findings}["source.tax.status"]
    assert not result.ok and status.status == "fail"
    assert "partially red-flushed: 1000.00 of 2303.00 remains" in status.message and "more than" in status.message
    assert status.details == {"remaining_with_tax_fen": 100000, "total_with_tax_fen": 230300}


@pytest.mark.parametrize("over,says", [
    ({"status": "partially-red-flushed"}, "needs remaining_with_tax_fen"),
    ({"status": "normal", "remaining_with_tax_fen": 100000}, "only for a partially red-flushed invoice"),
    ({"status": "partially-red-flushed", "remaining_with_tax_fen": 230300}, "not between 0 and the total"),
    ({"status": "partially-red-flushed", "remaining_with_tax_fen": 0}, "not between 0 and the total"),
])
def test_the_remaining_amount_comes_with_a_partial_red_flush_only(tmp_path, over, says):
    with pytest.raises(MalformedInput, match=says):
        ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(invoice(), **over)))


# ------------------------------------------------------------------ one record per key, each key written exactly

def test_a_key_spelled_another_way_is_refused_not_read_as_a_second_record(tmp_path):
    # cells are read without the spaces around them, so a padded code is the same enterprise listed again
    reg = tmp_path / "registry.csv"
    reg.write_text(f"credit_code, name ,status\n{SELLER.tax_id},{SELLER.name},revoked\n"
                   f" {SELLER.tax_id} , {SELLER.name} ,active\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match=f"enterprise {SELLER.tax_id} is listed again") as err:
        ReferenceBusinessRegistry(reg)
    assert err.value.field == "row 3"
    reg.write_text(f"credit_code,name,status\n{SELLER.tax_id},{SELLER.name},revoked\n"
                   f"{SELLER.tax_id.lower()},{SELLER.name},active\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match="outside 0-9 and A-Z .*looked up by it exactly as written") as err:
        ReferenceBusinessRegistry(reg)
    assert err.value.field == "row 3: credit_code"
    inv = invoice()
    for over, field in (({"seller_tax_id": inv.seller.tax_id.lower()}, "seller_tax_id"),
                        ({"seller_tax_id": inv.seller.tax_id + " "}, "seller_tax_id"),
                        ({"number": " " + inv.number}, "number"),
                        ({"code": " "}, "code")):
        with pytest.raises(MalformedInput, match="another spelling would be a second record") as err:
            ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(inv), tax_record(inv, status="void", **over)))
        assert err.value.field == f"records[1].{field}"
    legacy = legacy_invoice()
    with pytest.raises(MalformedInput, match="invoice code ' 4403201130' is neither") as err:
        ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(legacy, code=" " + LEGACY_CODE)))
    assert err.value.field == "records[0].code"
    credit = tmp_path / "credit.json"
    credit.write_text(json.dumps({"records": [{"credit_code": "X", "rating": "AA", "overdue_count": 0,
                                               "as_of": "2026-08-31"}]}), encoding="utf-8")
    with pytest.raises(MalformedInput, match="'X' has 1 characters, a credit code has 18") as err:
        ReferenceCreditBureau(credit)
    assert err.value.field == "records[0].credit_code"


@pytest.mark.parametrize("legacy_tax_id", ["350100M000100Y4", "11010519491231002X01"], ids=["15", "20"])
def test_a_seller_with_a_legacy_tax_id_is_found_and_its_id_must_be_written_exactly(tmp_path, legacy_tax_id):
    # a seller registered before credit codes keeps its 15- or 20-character tax id, as invoice verify accepts
    inv = invoice(seller=Party(name="老字号商行", tax_id=legacy_tax_id))
    tax = ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(invoice()), tax_record(inv)))
    result = verify_with_sources(inv, tax)
    assert result.ok and {f.check: f.status for f in result.findings}["source.tax.found"] == "pass"
    for spelled in (legacy_tax_id.lower(), " " + legacy_tax_id, legacy_tax_id + "\n"):
        with pytest.raises(MalformedInput, match="not written as a tax id is.*another spelling would be") as err:
            ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(inv), tax_record(inv, seller_tax_id=spelled)))
        assert err.value.field == "records[1].seller_tax_id"


@pytest.mark.parametrize("tax_id, why", [
    ("350100M000100Y5", "15-character tax id whose organization code check digit does not agree"),
    ("11010519491231002101", "20-character tax id whose identity-number check digit does not agree"),
    (SELLER.tax_id[:17] + ("0" if SELLER.tax_id[17] != "0" else "1"), "not a valid credit code: check digit"),
    ("12345", "5 characters: not a credit code (18) nor a legacy tax id (15 or 20)"),
])
def test_a_seller_tax_id_that_is_no_valid_tax_id_is_refused(tmp_path, tax_id, why):
    with pytest.raises(MalformedInput, match=re.escape(why)) as err:
        ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(invoice(), seller_tax_id=tax_id)))
    assert err.value.field == "records[0].seller_tax_id"


def test_a_source_record_of_no_amount_or_negative_overdue_payments_is_refused(tmp_path):
    # a total below 0 is a red-letter invoice's (test_sources_red_letter_invoice_on_record.py); 0 is no invoice's
    with pytest.raises(MalformedInput, match="0 is no invoice's total with tax") as err:
        ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(invoice(), total_with_tax_fen=0)))
    assert err.value.field == "records[0].total_with_tax_fen"
    credit = tmp_path / "credit.json"
    credit.write_text(json.dumps({"records": [{"credit_code": BUYER.tax_id, "rating": "AA", "overdue_count": -3,
                                               "as_of": "2026-08-31"}]}), encoding="utf-8")
    with pytest.raises(MalformedInput, match="greater than or equal to 0") as err:
        ReferenceCreditBureau(credit)
    assert err.value.field == "records[0].overdue_count"


def test_a_verification_that_asked_no_source_does_not_pass_and_says_why(sources):
    result = verify_with_sources(invoice())
    assert not result.ok and result.sources == ()
    asked = {f.check: f for f in result.findings}["sources.asked"]
    assert asked.status == "fail" and "no data source was asked, so nothing was verified" in asked.message
    assert attestation(result).document["outcome"] == "fail"
    # the tax source alone is enough: which other sources a registration needs is the network's attestation_sources
    assert verify_with_sources(invoice(), sources[0], None, None).ok
    assert "sources.asked" not in {f.check for f in verify_with_sources(invoice(), *sources).findings}


def test_a_verification_whose_sources_confirmed_nothing_does_not_pass_and_says_why():
    class EmptyBureau:
        source = "bureau"

        def lookup_credit(self, credit_code):
            return None

    result = verify_with_sources(invoice(), None, None, EmptyBureau())
    assert result.sources == ("bureau",) and result.confirmed == ()
    assert [f.status for f in result.findings if f.check.startswith("source.")] == ["skipped"] * 3
    assert not result.ok
    nothing = {f.check: f for f in result.findings}["sources.confirmed"]
    assert nothing.status == "fail" and nothing.message.startswith("no source asked (bureau) knew the invoice")
    assert attestation(result).document["outcome"] == "fail"
    # the property holds by itself, for a verification put together otherwise
    skipped_only = result.model_copy(update={"findings": tuple(f for f in result.findings if f.status == "skipped")})
    assert not skipped_only.ok


def test_a_verification_with_a_failing_source_says_no_more_than_its_failure(sources):
    result = verify_with_sources(invoice(number="26442000000000000001"), sources[0], None, None)
    assert not result.ok and [f.check for f in result.findings if f.status == "fail"] == ["source.tax.found"]


def test_a_reference_file_with_a_json_number_given_twice_is_refused_naming_the_record(tmp_path):
    record = json.dumps(tax_record(invoice()))

    def doubled(first: str, second: str):
        total = '"total_with_tax_fen": 230300'
        assert total in record
        return tax_file_text(tmp_path, record.replace(total, f'"total_with_tax_fen": {first}, "total_with_tax_fen": '
                                                              f'{second}'))

    with pytest.raises(MalformedInput, match=r"given 2 times with different values \(2303.00, 2303.01\)") as err:
        ReferenceTaxInvoiceVerifier(doubled("2303.00", "2303.01"))
    assert err.value.field == "records[0]/total_with_tax_fen"
    # the same figure twice is one value, read as written: a figure with a point is no integer of fen
    with pytest.raises(MalformedInput, match="valid integer") as err:
        ReferenceTaxInvoiceVerifier(doubled("2303.00", "2303.00"))
    assert err.value.field == "records[0].total_with_tax_fen"
    assert ReferenceTaxInvoiceVerifier(doubled("230300", "230300")).lookup_invoice(
        invoice().number, SELLER.tax_id, "") is not None


def tax_file_text(tmp_path, *records: str):
    path = tmp_path / "tax.json"
    path.write_text('{"records": [%s]}' % ", ".join(records), encoding="utf-8")
    return path
