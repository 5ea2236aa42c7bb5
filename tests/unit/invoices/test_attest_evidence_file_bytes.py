"""`recfin invoice attest --evidence FILE` writes the very bytes whose SHA-256 the ledger records, so that
anyone holding the file checks it with `sha256sum FILE`, with no JSON tool to put it back in canonical form
first."""

from __future__ import annotations

import hashlib
import json

import pytest

from chaincode.receivables.config import DEFAULT_CONFIG

from ._ledger import Ledger
from .test_attest import INVOICE, run


@pytest.mark.parametrize("request_id", [(), ("--request-id", "VER-BYTES")],
                         ids=["written-once-committed", "written-before-sending"])
def test_the_evidence_files_sha256_is_the_digest_on_the_ledger(monkeypatch, tmp_path, request_id):
    Ledger(DEFAULT_CONFIG).serve(monkeypatch)
    evidence = tmp_path / "invoice.evidence.json"
    r = run("attest", INVOICE, "--as", "bank/officer1", "--evidence", evidence, *request_id, "--json")
    assert r.exit_code == 0, r.output
    on_the_ledger = json.loads(r.stdout)["attestation"]["evidence_digest"]
    assert hashlib.sha256(evidence.read_bytes()).hexdigest() == on_the_ledger
    # and the file is still the document, read back as JSON (a retry with its request id sends it again)
    assert json.loads(evidence.read_text(encoding="utf-8")) == json.loads(r.stdout)["evidence"]["document"]
