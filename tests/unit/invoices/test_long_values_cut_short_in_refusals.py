"""A refusal quoting a figure from a damaged or hand-edited document printed it whole: a tax source's record with a
400-digit remaining_with_tax_fen, an evidence document edited to a 400-digit total_with_tax_fen (or a digest as
long) made error lines of 500 characters. They are cut as ``client.shown.shown_value`` cuts a value everywhere else
(start, end, length); a fingerprint, digest or short figure is still named whole."""

from __future__ import annotations

import json

import pytest

from client.invoices import MalformedInput, ReferenceTaxInvoiceVerifier, attestation, read_invoice, verify_with_sources
from client.invoices.attest import attestation_request
from client.invoices.sources import REFERENCE_DATA, Attestation, evidence_digest

from .test_attest import AT, INVOICE, sources

HUGE = int("9" * 400)
RECORD = json.loads((REFERENCE_DATA / "tax_invoices.json").read_text(encoding="utf-8"))["records"][0]


def _record_refusal(tmp_path, remaining: int) -> str:
    path = tmp_path / "tax.json"
    record = {**RECORD, "status": "partially-red-flushed", "remaining_with_tax_fen": remaining}
    path.write_text(json.dumps({"records": [record]}), encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceTaxInvoiceVerifier(path)
    return str(refused.value)


def test_a_remaining_total_of_400_digits_is_named_cut_short(tmp_path):
    message = _record_refusal(tmp_path, HUGE)
    assert "9" * 61 not in message
    assert "(400 characters) is not between 0 and the total with tax" in message
    assert len(message) < 300


def test_a_short_remaining_total_is_named_whole(tmp_path):
    assert f"remaining_with_tax_fen {RECORD['total_with_tax_fen'] + 1} is not between 0" in _record_refusal(
        tmp_path, RECORD["total_with_tax_fen"] + 1)


def _edited(changes: dict) -> Attestation:
    inv = read_invoice(INVOICE)
    document = {**attestation(verify_with_sources(inv, *sources()), AT).document, **changes}
    return Attestation(document=document, digest=evidence_digest(document))


def test_evidence_edited_to_a_400_digit_total_is_named_cut_short():
    inv = read_invoice(INVOICE)
    with pytest.raises(ValueError) as refused:
        attestation_request(inv, _edited({"total_with_tax_fen": HUGE}))
    message = str(refused.value)
    assert "9" * 61 not in message
    assert f"total_with_tax_fen 9999999999999999999999999999999999999999...999999999999 (400 characters), not " \
           f"{inv.total_with_tax_fen}" in message


def test_a_digest_of_400_characters_is_named_cut_short():
    inv = read_invoice(INVOICE)
    good = _edited({})
    with pytest.raises(ValueError) as refused:
        attestation_request(inv, Attestation(document=good.document, digest="ab" * 200))
    message = str(refused.value)
    assert "ab" * 40 not in message and "(400 characters), but its document's SHA-256 is " in message
