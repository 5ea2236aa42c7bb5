"""Every min_confidence the SDK's read_scan is given goes through the checks `recfin invoice read --min-confidence`
goes through. read_scan(min_confidence=0) flagged no field read with less than the default, and the invoice it gave
went on as trusted: a registration or attestation took it without a person having looked, and invoice_to_json wrote
a file every reader took, where the CLI's file is refused until every field is checked. A threshold that is no
confidence (NaN, below 0, above 1, a string, True) was taken as given: NaN flagged nothing, as no confidence is
below it. The invoice now carries the threshold it was read with, and a threshold that is no number from 0 to 1 is
refused before the file is read."""

import json
import math
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from client.invoices import (
    NotReviewed,
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    evidence_hash,
    invoice_to_json,
    parse_invoice,
    read_scan,
    read_scans,
    verify_with_sources,
)
from client.invoices.attest import attestation_request
from client.invoices.scan import ScanResult

from ._review import SAMPLES, file_refused, registration

SCAN = SAMPLES / "einvoice.pdf"    # a text layer: read in a moment, every field at confidence 1
AT = datetime(2026, 9, 10, 9, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, math.nan, math.inf, Decimal("NaN"), None, True, "0.5"])
@pytest.mark.parametrize("read", [read_scan, read_scans])
def test_a_threshold_that_is_no_confidence_is_refused_before_the_file_is_read(read, threshold):
    # a file that does not exist: the threshold is what is named, whatever the file
    with pytest.raises(ValueError, match="is no confidence from 0 to 1") as refused:
        read(SAMPLES / "no-such-scan.png", threshold)
    assert f"min_confidence {threshold!r}" in str(refused.value)


@pytest.mark.parametrize("threshold", [0, 0.0, 0.5, Decimal("0.79")])
def test_an_invoice_read_below_the_default_goes_nowhere_until_reviewed(threshold, sample_documents):
    inv = read_scan(SCAN, threshold).invoice
    assert inv.min_confidence == float(threshold) and inv.unreviewed == ()
    with pytest.raises(NotReviewed, match=rf"min_confidence {float(threshold):g}, below the default 0\.80, so no "
                                          r"field read with less confidence was flagged.*check every field against "
                                          r"the scan.*register it with reviewed=True"):
        registration(inv, sample_documents)
    verified = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                   ReferenceCreditBureau())
    with pytest.raises(NotReviewed, match="attest it with reviewed=True"):
        attestation_request(inv, attestation(verified, AT))
    # its file records the threshold, and every reader refuses it until a person deletes the entry
    doc = invoice_to_json(inv)
    assert list(doc)[:2] == ["format", "min_confidence"] and doc["min_confidence"] == float(threshold)
    refused = file_refused(doc)
    assert refused.field == "min_confidence" and "below the default 0.80" in refused.problem
    # once a person has checked every field, it registers, under the hash of the invoice itself
    reg = registration(inv, sample_documents, reviewed=True)
    assert reg.contract_hash == evidence_hash(inv.model_copy(update={"min_confidence": None}), *sample_documents)


@pytest.mark.parametrize("threshold", [0.8, 1])
def test_an_invoice_read_at_the_default_or_above_goes_on(threshold, sample_documents):
    inv = read_scan(SCAN, threshold).invoice
    assert inv.min_confidence == threshold and inv.unreviewed == ()
    registration(inv, sample_documents)
    doc = invoice_to_json(inv)
    assert doc["min_confidence"] == threshold
    assert parse_invoice(json.dumps(doc, ensure_ascii=False).encode()).number == inv.number


def test_a_reading_below_the_default_written_out_and_read_back_keeps_its_threshold(sample_documents):
    """A reading written out as JSON (ScanResult.model_dump_json, `recfin invoice read --json`) and read back lost the
    confidence its fields were flagged below: the invoice came back as one read at the default, and registered."""
    written = read_scan(SCAN, 0.5)
    assert json.loads(written.model_dump_json())["invoice"]["min_confidence"] == 0.5
    back = ScanResult.model_validate_json(written.model_dump_json())
    assert back.invoice.min_confidence == 0.5
    with pytest.raises(NotReviewed, match="min_confidence 0.5, below the default"):
        registration(back.invoice, sample_documents)
    # a reading at the default keeps its threshold too, and goes on
    assert ScanResult.model_validate_json(read_scan(SCAN).model_dump_json()).invoice.min_confidence == 0.8
