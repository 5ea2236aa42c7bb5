"""What a source's answer must say before a verification passes on it, and what a reference file's row must hold
before it is read as one."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from client.invoices import sources as sources_module
from client.invoices.errors import MalformedInput
from client.invoices.model import Party
from client.invoices.sources import (
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    RegistryRecord,
    TaxInvoiceRecord,
    attestation,
    verify_with_sources,
)

from ._samples import BUYER, SELLER, SELLER_2, invoice
from .test_sources import tax_file, tax_record


class AnswersByCodeAndNumber:
    """A tax source that finds an invoice by code and number alone, as the TaxInvoiceVerifier Protocol allows: it
    answers with the record it holds whatever seller it is asked about."""

    source = "gov-tax"

    def __init__(self, record: TaxInvoiceRecord) -> None:
        self.record = record

    def lookup_invoice(self, number, seller_tax_id, code):
        return self.record


# ------------------------------------------------------------------ the seller and number the tax source gives

def test_an_invoice_naming_another_seller_than_the_tax_source_gives_fails_on_that_disagreement():
    real = invoice()
    # the real seller's name, another registered company's tax id: that company's fingerprint, and its claim
    other_seller = real.model_copy(update={"seller": Party(name=SELLER.name, tax_id=SELLER_2.tax_id)})
    result = verify_with_sources(other_seller, AnswersByCodeAndNumber(TaxInvoiceRecord.model_validate(tax_record(real))))
    assert not result.ok
    assert {d.field: d.values for d in result.disagreements} == {
        "seller.tax_id": {"invoice": SELLER_2.tax_id, "gov-tax": SELLER.tax_id}}
    assert attestation(result).document["outcome"] == "fail"


def test_an_invoice_of_another_number_than_the_tax_source_gives_fails_on_that_disagreement():
    real = invoice()
    answered = TaxInvoiceRecord.model_validate(tax_record(real, number="26442000000012345679"))
    result = verify_with_sources(real, AnswersByCodeAndNumber(answered))
    assert not result.ok
    assert {d.field: d.values for d in result.disagreements} == {
        "number": {"invoice": real.number, "gov-tax": "26442000000012345679"}}


def test_the_tax_sources_own_record_of_the_invoice_still_passes():
    real = invoice()
    result = verify_with_sources(real, AnswersByCodeAndNumber(TaxInvoiceRecord.model_validate(tax_record(real))))
    assert result.ok and result.disagreements == ()


# ------------------------------------------------------------------ a pass rests on the tax source

@pytest.mark.parametrize("asked, named", [
    ({"registry": ReferenceBusinessRegistry()}, "reference-registry"),
    ({"bureau": ReferenceCreditBureau()}, "reference-credit"),
    ({"registry": ReferenceBusinessRegistry(), "bureau": ReferenceCreditBureau()}, "reference-registry, reference-credit"),
], ids=["registry", "bureau", "registry and bureau"])
def test_without_the_tax_source_a_verification_does_not_pass_and_says_to_ask_it(asked, named):
    # the parties are real and in good standing; nothing says the invoice is
    made_up = invoice(number="26442000000099999999")
    result = verify_with_sources(made_up, **asked)
    statuses = {f.check: f.status for f in result.findings}
    assert statuses["source.tax.found"] == "skipped" and "pass" in statuses.values()
    assert not result.ok
    unconfirmed = {f.check: f for f in result.findings}["sources.confirmed"]
    assert unconfirmed.status == "fail"
    assert unconfirmed.message == (f"no tax invoice verifier was asked (only {named}), so nothing confirmed the invoice "
                                   "itself (its number, buyer, date and total with tax): ask the tax invoice verifier, "
                                   "which knows the invoice")
    assert attestation(result).document["outcome"] == "fail"


def test_with_the_tax_source_finding_the_invoice_the_other_sources_add_to_a_pass():
    result = verify_with_sources(invoice(), ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry())
    assert result.ok and "sources.confirmed" not in {f.check for f in result.findings}


# ------------------------------------------------------------------ reference rows refused, naming file and row

@pytest.mark.parametrize("buyer_tax_id, says", [
    ("not-a-code", "'not-a-code' is not written as a tax id is"),
    (BUYER.tax_id.lower(), "is not written as a tax id is"),
    (" " + BUYER.tax_id, "is not written as a tax id is"),
    (BUYER.tax_id[:17] + ("0" if BUYER.tax_id[17] != "0" else "1"), "not a valid credit code: check digit"),
    ("12345", "5 characters: not a credit code (18) nor a legacy tax id (15 or 20)"),
])
def test_a_tax_record_whose_buyer_tax_id_is_no_tax_id_is_refused(tmp_path, buyer_tax_id, says):
    path = tax_file(tmp_path, tax_record(invoice()), tax_record(invoice(number="26442000000012345679"),
                                                                buyer_tax_id=buyer_tax_id))
    with pytest.raises(MalformedInput, match=re.escape(says)) as err:
        ReferenceTaxInvoiceVerifier(path)
    assert (err.value.source, err.value.field) == (str(path), "records[1].buyer_tax_id")


def test_a_record_of_an_invoice_to_a_natural_person_with_no_tax_id_is_read(tmp_path):
    """A natural person (个人) buying has no tax id, read as "" from the invoice: a tax file holding such a record
    loads, and the invoice verifies against it as the others do."""
    personal = invoice(number="26442000000012345679", buyer=Party(name="张三", tax_id=""))
    tax = ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(invoice()), tax_record(personal)))
    assert tax.lookup_invoice(personal.number, personal.seller.tax_id, personal.code).buyer_tax_id == ""
    assert verify_with_sources(invoice(), tax).ok


def test_a_buyer_with_a_legacy_tax_id_is_read_as_the_seller_would_be(tmp_path):
    legacy = invoice(buyer=Party(name="老字号商行", tax_id="350100M000100Y4"))
    result = verify_with_sources(legacy, ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(legacy))))
    assert result.ok


@pytest.mark.parametrize("field", ["seller_name", "buyer_name"])
@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
def test_a_tax_record_with_an_empty_name_is_refused(tmp_path, field, blank):
    path = tax_file(tmp_path, tax_record(invoice(), **{field: blank}))
    with pytest.raises(MalformedInput, match="empty: write the value the source gives") as err:
        ReferenceTaxInvoiceVerifier(path)
    assert (err.value.source, err.value.field) == (str(path), f"records[0].{field}")


def test_a_registry_record_with_an_empty_name_is_refused():
    with pytest.raises(ValidationError, match="empty: write the value the source gives"):
        RegistryRecord(credit_code=SELLER.tax_id, name=" ", status="active")


def credit_file(tmp_path, **over):
    path = tmp_path / "credit.json"
    row = {"credit_code": BUYER.tax_id, "rating": "AA", "overdue_count": 0, "as_of": "2026-08-31", **over}
    path.write_text(json.dumps({"records": [row]}), encoding="utf-8")
    return path


def test_a_credit_record_with_an_empty_rating_is_refused(tmp_path):
    path = credit_file(tmp_path, rating="")
    with pytest.raises(MalformedInput, match="empty: write the value the source gives") as err:
        ReferenceCreditBureau(path)
    assert (err.value.source, err.value.field) == (str(path), "records[0].rating")


def test_a_credit_record_as_of_a_day_to_come_is_refused(tmp_path, monkeypatch):
    with pytest.raises(MalformedInput, match="2099-08-31 is after today") as err:
        ReferenceCreditBureau(credit_file(tmp_path, as_of="2099-08-31"))
    assert err.value.field == "records[0].as_of"
    # today is the business date, China Standard Time: pinned here so that the day after it is known
    monkeypatch.setattr(sources_module, "business_today", lambda: date(2026, 9, 1))
    path = credit_file(tmp_path, as_of="2026-09-02")
    with pytest.raises(MalformedInput, match=r"2026-09-02 is after today \(2026-09-01, China Standard Time\)") as err:
        ReferenceCreditBureau(path)
    assert (err.value.source, err.value.field) == (str(path), "records[0].as_of")
    today = ReferenceCreditBureau(credit_file(tmp_path, as_of="2026-09-01")).lookup_credit(BUYER.tax_id)
    assert today is not None and today.as_of == date(2026, 9, 1)


# ------------------------------------------------------------------ dates a reference file writes

def unix_seconds(day: date) -> int:
    return int(datetime.combine(day, time(), timezone.utc).timestamp())


@pytest.mark.parametrize("written", [
    "seconds", "seconds as text", "milliseconds", "a time with a zone", "a date and time", "20260901",
])
def test_a_tax_record_whose_issue_date_is_not_written_yyyy_mm_dd_is_refused_naming_it(tmp_path, written):
    # pydantic's date alone reads each of these as a date, so a damaged file verified the invoice
    real = invoice()
    value = {"seconds": unix_seconds(real.issue_date), "seconds as text": str(unix_seconds(real.issue_date)),
             "milliseconds": unix_seconds(real.issue_date) * 1000,
             "a time with a zone": f"{real.issue_date}T00:00:00-11:00",
             "a date and time": f"{real.issue_date} 10:00:00",
             "20260901": real.issue_date.strftime("%Y%m%d")}[written]
    path = tax_file(tmp_path, tax_record(real), tax_record(invoice(number="26442000000012345679"), issue_date=value))
    with pytest.raises(MalformedInput, match="give a calendar date as YYYY-MM-DD") as err:
        ReferenceTaxInvoiceVerifier(path)
    assert (err.value.source, err.value.field) == (str(path), "records[1].issue_date")
    assert str(value) in str(err.value)
    assert verify_with_sources(real, ReferenceTaxInvoiceVerifier(tax_file(tmp_path, tax_record(real)))).ok


def registry_file(tmp_path, established: str) -> Path:
    path = tmp_path / "business_registry.csv"
    path.write_text("credit_code,name,status,established\n"
                    f"{SELLER.tax_id},{SELLER.name},active,2019-11-02\n"
                    f"{BUYER.tax_id},{BUYER.name},active,{established}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cell", ["0", "0000000000", "1572652800", "2019/11/02", "2019-11-02T00:00:00Z"])
def test_a_registry_row_whose_established_is_not_written_yyyy_mm_dd_is_refused_naming_it(tmp_path, cell):
    # a spreadsheet's 0 for a blank cell was read as 1970-01-01, an enterprise older than any invoice: it passed
    path = registry_file(tmp_path, cell)
    with pytest.raises(MalformedInput, match="give a calendar date as YYYY-MM-DD") as err:
        ReferenceBusinessRegistry(path)
    assert (err.value.source, err.value.field) == (str(path), "row 3: established")
    assert cell in str(err.value)


def test_a_registry_row_with_an_empty_established_cell_has_no_date_and_one_written_yyyy_mm_dd_is_read(tmp_path):
    assert ReferenceBusinessRegistry(registry_file(tmp_path, "")).lookup_enterprise(BUYER.tax_id).established is None
    read = ReferenceBusinessRegistry(registry_file(tmp_path, "2018-05-07")).lookup_enterprise(BUYER.tax_id)
    assert read.established == date(2018, 5, 7)


@pytest.mark.parametrize("as_of", [1788220800, "1788220800", "2026-08-31T00:00:00+08:00", 0])
def test_a_credit_record_whose_as_of_is_not_written_yyyy_mm_dd_is_refused_naming_it(tmp_path, as_of):
    path = credit_file(tmp_path, as_of=as_of)
    with pytest.raises(MalformedInput, match="give a calendar date as YYYY-MM-DD") as err:
        ReferenceCreditBureau(path)
    assert (err.value.source, err.value.field) == (str(path), "records[0].as_of")
