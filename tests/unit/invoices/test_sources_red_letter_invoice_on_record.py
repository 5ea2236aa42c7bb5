"""A tax source's record of a red-letter invoice (红字发票) could not be written: its total with tax, below 0, was
refused ("Input should be greater than 0"), so a genuine red-letter invoice verified against the reference tax
source was "no such invoice ... one the tax authority does not know", as a forged one is, and a real provider
answering with it failed validation. A record's total may be below 0 now (never 0), and a red-letter invoice on
record is found and compared as any; it is never red-flushed itself. Its verification still backs nothing: an
attestation refuses a total not above 0."""

from __future__ import annotations

import json
from datetime import date

import pytest

from client.invoices import (MalformedInput, ReferenceBusinessRegistry, ReferenceCreditBureau,
                             ReferenceTaxInvoiceVerifier, attestation, verify_with_sources)
from client.invoices.attest import attestation_request
from client.invoices.sources import REFERENCE_DATA

from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter

RECORDS = json.loads((REFERENCE_DATA / "tax_invoices.json").read_text(encoding="utf-8"))["records"]
RED = red_letter(original_number=BLUE_NUMBER)
RED_RECORD = {**RECORDS[0], "number": RED.number, "issue_date": RED.issue_date.isoformat(),
              "total_with_tax_fen": RED.total_with_tax_fen}


def _verifier(tmp_path, *records: dict) -> ReferenceTaxInvoiceVerifier:
    path = tmp_path / "tax.json"
    path.write_text(json.dumps({"records": [*RECORDS, *records]}, ensure_ascii=False), encoding="utf-8")
    return ReferenceTaxInvoiceVerifier(path)


def _refusal(tmp_path, **changes) -> str:
    with pytest.raises(MalformedInput) as refused:
        _verifier(tmp_path, {**RED_RECORD, **changes})
    return str(refused.value)


def test_a_red_letter_invoice_on_record_is_found_and_agrees(tmp_path):
    result = verify_with_sources(RED, _verifier(tmp_path, RED_RECORD), ReferenceBusinessRegistry(),
                                 ReferenceCreditBureau(), today=date(2026, 10, 9), max_credit_age_days=3650)
    assert {f.check: f.status for f in result.findings}["source.tax.found"] == "pass"
    assert {f.check: f.status for f in result.findings}["source.tax.status"] == "pass"
    assert result.disagreements == ()


def test_its_verification_is_still_attested_by_nobody(tmp_path):
    result = verify_with_sources(RED, _verifier(tmp_path, RED_RECORD), ReferenceBusinessRegistry(),
                                 ReferenceCreditBureau(), today=date(2026, 10, 9), max_credit_age_days=3650)
    with pytest.raises(ValueError, match="a red-letter \\(negative\\) or zero invoice backs no receivable"):
        attestation_request(RED, attestation(result))


def test_a_record_of_no_total_is_refused_naming_the_field(tmp_path):
    assert "records[3].total_with_tax_fen: 0 is no invoice's total with tax" in _refusal(tmp_path, total_with_tax_fen=0)


@pytest.mark.parametrize("status", ["red-flushed", "partially-red-flushed"])
def test_a_red_letter_invoice_is_never_red_flushed_itself(tmp_path, status):
    message = _refusal(tmp_path, status=status, remaining_with_tax_fen=1 if status.startswith("partially") else None)
    assert f"is never {status} itself: the invoice it offsets is" in message


def test_a_red_letter_total_beyond_the_cap_is_refused_cut_short(tmp_path):
    message = _refusal(tmp_path, total_with_tax_fen=-int("9" * 400))
    assert "above the cap" in message and "(401 characters)" in message and "9" * 61 not in message
