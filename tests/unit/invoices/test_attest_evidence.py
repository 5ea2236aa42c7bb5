"""The evidence an attestation request is built from must be what it says: its digest the SHA-256 of its document,
its outcome the one its findings give, and a pass resting on the tax invoice verifier."""

from __future__ import annotations

import re
from typing import Any

import pytest

from client.invoices import (
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    attestation,
    verify_with_sources,
)
from client.invoices.attest import attestation_request

from ._samples import BUYER_2, invoice
from .test_attest import AT, canonical_digest

INV = invoice()


@pytest.fixture(scope="module")
def good():
    # module-scoped, so before the test ledger's today is set: the credit record is judged on the attestation's day
    evidence = attestation(verify_with_sources(INV, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                               ReferenceCreditBureau(), today=AT.date()), AT)
    assert evidence.document["outcome"] == "pass"
    return evidence


def remade(evidence, **over) -> Any:
    """The evidence with its document changed, and the digest of the changed document."""
    document = {**evidence.document, **over}
    return evidence.model_copy(update={"document": document, "digest": canonical_digest(document)})


def with_status(evidence, check: str, status: str) -> list[dict]:
    return [{**f, "status": status} if f["check"] == check else f for f in evidence.document["findings"]]


# ------------------------------------------------------------------ the digest is the document's

def test_evidence_whose_digest_is_not_its_documents_is_refused(good):
    with pytest.raises(ValueError, match=f"digest: .* gives the digest '{'0' * 64}', but its document's SHA-256 is "
                                         f"{good.digest}"):
        attestation_request(INV, good.model_copy(update={"digest": "0" * 64}))
    # a document changed after its digest was taken
    later = good.model_copy(update={"document": {**good.document, "attested_at": "2026-09-11T09:30:00Z"}})
    with pytest.raises(ValueError, match="the document was changed after it was made, or the digest is another"):
        attestation_request(INV, later)
    assert attestation_request(INV, good).evidence_digest == good.digest == canonical_digest(good.document)


# ------------------------------------------------------------------ the outcome is the findings'

def test_evidence_saying_pass_with_a_failing_finding_is_refused_naming_it(good):
    void = remade(good, findings=with_status(good, "source.tax.status", "fail"))
    with pytest.raises(ValueError, match=re.escape("outcome: the evidence of invoice 26442000000012345678 says 'pass', "
                                                   "but its findings give fail: source.tax.status failed; verify")):
        attestation_request(INV, void)
    assert attestation_request(INV, remade(void, outcome="fail")).outcome == "fail"


def test_evidence_saying_pass_with_a_disagreement_is_refused_naming_the_field(good):
    disagreement = {"field": "total_with_tax_fen", "values": {"invoice": "230300", "reference-tax": "1"}}
    disagreeing = remade(good, disagreements=[disagreement])
    with pytest.raises(ValueError, match="says 'pass', but its findings give fail: the invoice and its sources "
                                         "disagree on total_with_tax_fen"):
        attestation_request(INV, disagreeing)
    assert attestation_request(INV, remade(disagreeing, outcome="fail")).outcome == "fail"


def test_evidence_saying_fail_or_something_else_when_its_findings_pass_is_refused(good):
    with pytest.raises(ValueError, match="says 'fail', but its findings give pass: the tax invoice verifier found the "
                                         "invoice, and nothing failed or disagreed"):
        attestation_request(INV, remade(good, outcome="fail"))
    with pytest.raises(ValueError, match="says 'maybe', but its findings give pass"):
        attestation_request(INV, remade(good, outcome="maybe"))


def test_evidence_saying_pass_when_the_tax_source_did_not_find_the_invoice_is_refused(good):
    # the registry passed both parties; the tax source was not asked, and the document says pass all the same
    untaxed = remade(good, sources=["reference-registry"],
                     findings=[f for f in good.document["findings"] if not f["check"].startswith("source.tax.")
                               and not f["check"].startswith("source.credit.")])
    with pytest.raises(ValueError, match=r"no answer of the tax invoice verifier that it found the invoice "
                                         r"\(source.tax.found\), and no source it names \(reference-registry\) found "
                                         "anything wrong"):
        attestation_request(INV, untaxed)


# ------------------------------------------------------------------ a verification without the tax source

@pytest.mark.parametrize("asked", [{"registry": ReferenceBusinessRegistry()}, {"bureau": ReferenceCreditBureau()}],
                         ids=["registry", "bureau"])
def test_an_invoice_no_tax_source_was_asked_about_is_not_attested_as_verified(asked):
    made_up = invoice(number="26442000000099999999")   # unknown to the tax source; its parties are real
    with pytest.raises(ValueError, match="there is neither a pass nor a failure to attest; verify the invoice "
                                         "against the tax invoice verifier"):
        attestation_request(made_up, attestation(verify_with_sources(made_up, **asked), AT))


def test_a_failure_found_without_the_tax_source_is_attested_as_a_failure():
    deregistered = invoice(buyer=BUYER_2)
    request = attestation_request(deregistered, attestation(
        verify_with_sources(deregistered, registry=ReferenceBusinessRegistry()), AT))
    assert (request.outcome, request.sources) == ("fail", ["reference-registry"])
