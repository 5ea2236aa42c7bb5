"""An evidence document holding a NaN or an infinity (one built or edited by hand) was taken: Python's JSON writer
put ``NaN`` or ``Infinity`` into its canonical bytes, which JSON does not have, so the digest sent to the ledger was
the digest of a file no JSON reader takes, and ``attestation_request`` let it through. Such a document is refused
now where it is made (``Attestation``, ``canonical_evidence``/``evidence_digest``) and where it is read back (a
retry's ``--evidence`` file), naming the field. A valid document's bytes, and so its digest, are as before."""

from __future__ import annotations

import hashlib
import json

import pytest
from pydantic import ValidationError

from client.invoices import attestation, read_invoice, verify_with_sources
from client.invoices.attest import attestation_request
from client.invoices.sources import Attestation, canonical_evidence, evidence_digest

from ._ledger import Ledger
from .test_attest import AT, INVOICE, run, sources

NOT_FINITE = [float("nan"), float("inf"), float("-inf")]
SPELLED = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _document() -> dict:
    return attestation(verify_with_sources(read_invoice(INVOICE), *sources()), AT).document


@pytest.mark.parametrize("number", NOT_FINITE, ids=repr)
def test_a_digest_of_a_document_holding_one_is_refused_naming_the_field(number):
    document = _document()
    document["findings"][1]["score"] = number
    with pytest.raises(ValueError, match=rf"^findings\[1\]\.score: {SPELLED[repr(number)]} is no JSON number"):
        evidence_digest(document)


@pytest.mark.parametrize("number", NOT_FINITE, ids=repr)
def test_an_attestation_holding_one_is_not_made(number):
    with pytest.raises(ValidationError, match=r"note: .* is no JSON number"):
        Attestation(document={**_document(), "note": number}, digest="0" * 64)


def test_attestation_request_refuses_one_whose_digest_was_taken_otherwise():
    # the digest taken as Python's writer took it before: what a caller built by hand was sent with it
    document = {**_document(), "note": float("nan")}
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode()).hexdigest()
    with pytest.raises((ValueError, ValidationError), match="note: NaN is no JSON number"):
        attestation_request(read_invoice(INVOICE), Attestation.model_construct(document=document, digest=digest))


def test_a_valid_documents_bytes_and_digest_are_as_before():
    document = _document()
    written = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert canonical_evidence(document) == written
    assert evidence_digest(document) == hashlib.sha256(written).hexdigest()
    assert attestation(verify_with_sources(read_invoice(INVOICE), *sources()), AT).digest == evidence_digest(document)


def test_a_retrys_evidence_file_holding_one_is_refused_naming_the_field(monkeypatch, tmp_path):
    ledger = Ledger().serve(monkeypatch)
    evidence = tmp_path / "evidence.json"
    text = canonical_evidence(_document()).decode().replace('"total_with_tax_fen":230300',
                                                            '"total_with_tax_fen":230300,"rate":Infinity')
    evidence.write_text(text, encoding="utf-8")
    (tmp_path / "evidence.json.request-id").write_text("VER-9\n", encoding="utf-8")
    r = run("attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-9", "--evidence", evidence)
    assert r.exit_code == 2, r.output
    assert f"{evidence}: rate: Infinity is no JSON number" in r.output
    assert ledger.opened == []


class _ItemsCounted(dict):
    """An object that counts how often its fields are taken, and stops a walk that takes them over and over."""

    taken = 0

    def items(self):
        type(self).taken += 1
        assert type(self).taken <= 3, "the document's fields were taken over and over: it is walked for ever"
        return super().items()


def test_a_document_holding_itself_is_refused_as_json_refuses_it():
    # built by hand holding itself: the walk for NaN went round it for ever (a hang, memory growing), where the
    # JSON writer refused it; walked once now, it is refused as before
    document = _ItemsCounted(_document())
    document["again"] = document
    with pytest.raises(ValueError, match="Circular reference detected"):
        evidence_digest(document)
