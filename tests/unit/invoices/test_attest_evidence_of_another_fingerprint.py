"""Evidence whose identity fields are this invoice's but whose fingerprint is another invoice's (an evidence file
edited, or one put together from two documents, its digest taken again) was sent: the SDK compared the invoice's
number, code, tax ids, date and total with the document's, never the fingerprint the ledger files the attestation
under, and the contract refused it only once connected (fingerprint-mismatch). It is refused before sending now,
naming both fingerprints, as evidence of another number is."""

from __future__ import annotations

import pytest

from client.invoices import attestation, invoice_fingerprint, read_invoice, verify_with_sources
from client.invoices.attest import attest_verification, attestation_request
from client.invoices.sources import Attestation, evidence_digest

from ._ledger import Ledger
from ._samples import invoice
from .test_attest import AT, INVOICE, sources


def _with_the_fingerprint_of(evidence: Attestation, other: str) -> Attestation:
    document = {**evidence.document, "fingerprint": other}
    return Attestation(document=document, digest=evidence_digest(document))


def test_evidence_carrying_another_invoices_fingerprint_is_not_attested_for_this_one():
    inv = read_invoice(INVOICE)
    other = invoice_fingerprint(invoice(number="26442000000000000001"))
    evidence = _with_the_fingerprint_of(attestation(verify_with_sources(inv, *sources()), AT), other)
    with pytest.raises(ValueError, match=rf"^the evidence is not about invoice 26442000000012345678 as given: it has "
                                         rf"fingerprint '{other}', not '{invoice_fingerprint(inv)}'$"):
        attestation_request(inv, evidence)


def test_nothing_is_sent_for_it(monkeypatch):
    ledger = Ledger()
    inv = read_invoice(INVOICE)
    verified = verify_with_sources(inv, *sources())
    other = invoice_fingerprint(invoice(number="26442000000000000001"))
    sent = []
    client = ledger.client("bank")
    monkeypatch.setattr(client, "attest_invoice_verification", lambda *a, **k: sent.append(a))
    import client.invoices.attest as attest_module

    made = attest_module.attestation
    monkeypatch.setattr(attest_module, "attestation",
                        lambda result, at=None: _with_the_fingerprint_of(made(result, at), other))
    with pytest.raises(ValueError, match="fingerprint"):
        attest_verification(client, inv, verified, attested_at=AT)
    assert sent == []


def test_the_evidence_made_for_the_invoice_is_still_attested():
    inv = read_invoice(INVOICE)
    request = attestation_request(inv, attestation(verify_with_sources(inv, *sources()), AT))
    assert request.fingerprint == invoice_fingerprint(inv)
