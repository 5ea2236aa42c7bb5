"""An attestation names as its sources only those that checked the invoice: a credit bureau with no record of the
buyer checked nothing, and a network requiring it (``attestation_sources: [reference-credit]``) must not count the
pass as a credit check."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from client.invoices import (
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    read_invoice,
    verify_with_sources,
)
from client.invoices.attest import attest_verification, attestation_request

from ._ledger import Ledger

INVOICE = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.xml"
AT = datetime(2026, 9, 10, 9, 30, tzinfo=timezone.utc)


def bureau_knowing_nobody(tmp_path: Path) -> ReferenceCreditBureau:
    empty = tmp_path / "credit.json"
    empty.write_text(json.dumps({"records": []}), encoding="utf-8")
    return ReferenceCreditBureau(empty)


def test_a_source_whose_check_skipped_is_named_as_skipped_not_as_a_source_of_the_pass(tmp_path):
    inv = read_invoice(INVOICE)
    result = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                 bureau_knowing_nobody(tmp_path))
    credit = {f.check: f for f in result.findings}["source.credit.debtor"]
    assert result.ok and credit.status == "skipped"
    assert result.skipped == ("reference-credit",)
    assert result.checked == ("reference-tax", "reference-registry")
    evidence = attestation(result, AT)
    assert evidence.document["sources"] == ["reference-tax", "reference-registry"]
    assert evidence.document["sources_skipped"] == ["reference-credit"]
    assert attestation_request(inv, evidence).sources == ["reference-tax", "reference-registry"]
    record = attest_verification(Ledger().client("bank"), inv, result, attested_at=AT).record
    assert record.passed and "reference-credit" not in record.sources


def test_a_source_that_checked_is_named():
    inv = read_invoice(INVOICE)
    result = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                 ReferenceCreditBureau())
    assert result.skipped == ()
    evidence = attestation(result, AT)
    assert evidence.document["sources"] == ["reference-tax", "reference-registry", "reference-credit"]
    assert evidence.document["sources_skipped"] == []
